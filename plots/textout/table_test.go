package textout

import (
	"bytes"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/workflow"
)

func TestTableFormats(t *testing.T) {
	tb := &workflow.Table{
		Title:   "Table 1",
		Columns: []string{"study", "r"},
		Right:   []bool{false, true},
		Rows:    [][]string{{"Axelsson (2009)", ".19"}, {"B|c", "−.05"}},
		Notes:   []string{"Note. x"},
	}
	var b bytes.Buffer
	if err := Table(&b, Text, tb); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	// Right-aligned numbers end in the same column (rune count).
	if len([]rune(lines[4])) != len([]rune(lines[5])) {
		t.Errorf("rows not aligned:\n%s", b.String())
	}
	b.Reset()
	if err := Table(&b, Markdown, tb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "| --- | ---: |") || !strings.Contains(b.String(), `B\|c`) {
		t.Errorf("markdown:\n%s", b.String())
	}
	b.Reset()
	if err := Table(&b, CSV, tb); err != nil {
		t.Fatal(err)
	}
	if b.String() != "study,r\nAxelsson (2009),.19\nB|c,−.05\n" {
		t.Errorf("csv:\n%q", b.String())
	}
}

// A label holding an ANSI escape (ESC [ 2 J clears a terminal) or a
// right-to-left override is printed escaped in text and Markdown, in
// tables, headings, lists and notes; the code block keeps its newlines.
func TestControlCharactersEscaped(t *testing.T) {
	bad := "Smith\x1b[2J\u202e(2009)"
	sec := &workflow.Section{Title: bad}
	sec.H("h", bad)
	sec.Add(&workflow.Table{Columns: []string{"study"}, Rows: [][]string{{bad}}, Notes: []string{bad}},
		&workflow.List{Items: []string{bad}}, &workflow.Code{Lang: "r", Text: "x <- 1\ny <- 2\n"})
	for _, f := range []Format{Text, Markdown} {
		var b bytes.Buffer
		if err := Section(&b, f, sec); err != nil {
			t.Fatal(err)
		}
		Notes(&b, []workflow.Note{{Text: bad}})
		out := b.String()
		if strings.ContainsAny(out, "\x1b\u202e") {
			t.Errorf("%s: raw control characters in output:\n%q", f, out)
		}
		if n := strings.Count(out, `Smith\x1b[2J\u202e(2009)`); n != 6 {
			t.Errorf("%s: escaped label %d times, want 6:\n%s", f, n, out)
		}
		if !strings.Contains(out, "x <- 1\ny <- 2") {
			t.Errorf("%s: code lost its lines:\n%s", f, out)
		}
	}
	if Clean("plain ñ text") != "plain ñ text" {
		t.Error("Clean changed a clean string")
	}
}
