package main

import (
	"encoding/csv"
	"strings"
	"testing"
)

// TestMessagesBounded: a 5 MB bad cell and a 100,000-column header give
// short messages (values and lists cut, with a count).
func TestMessagesBounded(t *testing.T) {
	var wide strings.Builder
	for i := 0; i < 100000; i++ {
		if i > 0 {
			wide.WriteByte(',')
		}
		wide.WriteString("c")
		wide.WriteString(strings.Repeat("x", i%7))
	}
	wide.WriteString("\n1" + strings.Repeat(",1", 99999) + "\n")
	for _, cmd := range []string{"meta", "sessions", "ruptures", "gains", "change", "lmm"} {
		for name, in := range map[string]string{
			"big cell": "study,ri,ni\nA," + strings.Repeat("x", 5<<20) + ",40\nB,0.3,50\n",
			"wide":     wide.String(),
		} {
			_, stderr, code := runCLI(t, in, cmd, "-")
			if code != exitUsage || len(stderr) > 4000 {
				t.Errorf("%s %s: exit %d, %d bytes of message: %.300s", cmd, name, code, len(stderr), stderr)
			}
		}
	}
	_, stderr, _ := runCLI(t, wide.String(), "meta", "-")
	if !strings.Contains(stderr, "more") {
		t.Errorf("column list not cut with a count: %.300s", stderr)
	}
}

// TestControlSequencesEscaped: a label holding terminal escape sequences
// is printed escaped in text and markdown, in error messages too.
func TestControlSequencesEscaped(t *testing.T) {
	in := "study,ri,ni\n\"\x1b[31mEvil\x1b]0;pwn\x07\",0.3,40\nB,0.2,50\nC,0.1,60\nD,0.25,70\n"
	for _, f := range []string{"text", "markdown"} {
		out, _, code := runCLI(t, in, "meta", "-", "--leave1out", "--format", f)
		if code != 0 || strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `\x1b[31mEvil`) {
			t.Errorf("%s: exit %d, raw control characters or no escape in %q", f, code, out)
		}
	}
	_, stderr, _ := runCLI(t, "study,ri,ni\nA,\x1b[2J,40\n", "meta", "-")
	if strings.ContainsAny(stderr, "\x1b") {
		t.Errorf("raw escape in message %q", stderr)
	}
}

// TestCSVFormulaNeutralised: CSV cells starting with = + - @ get a leading
// ' (the spreadsheet convention for text), numbers such as -0.5 stay
// numbers, and the CSV still parses.
func TestCSVFormulaNeutralised(t *testing.T) {
	in := "study,ri,ni\n=HYPERLINK(\"x\"),-0.3,40\n@SUM(1),0.2,50\n+cmd,0.1,60\n-2+3,0.25,70\n"
	out, stderr, code := runCLI(t, in, "meta", "-", "--leave1out", "--format", "csv", "--table", "leave1out")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("output no longer CSV: %v", err)
	}
	var labels []string
	for _, r := range recs[1:] {
		labels = append(labels, r[0])
	}
	if got := strings.Join(labels, "|"); got != `'=HYPERLINK("x")|'@SUM(1)|'+cmd|'-2+3` {
		t.Errorf("labels %s", got)
	}
}
