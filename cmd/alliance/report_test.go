package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// readTree returns every file under dir by relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// reportResults is the part of results.json the tests read.
type reportResults struct {
	Generator string                     `json:"generator"`
	Results   map[string]json.RawMessage `json:"results"`
	Steps     []struct {
		Purpose string `json:"purpose"`
		Command string `json:"command"`
	} `json:"steps"`
}

func readResults(t *testing.T, dir string) reportResults {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r reportResults
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("results.json: %v", err)
	}
	return r
}

// partOf maps a step's command to the part of results.json it reproduces
// (and, for the three-level model, the key within it).
func partOf(cmd string) (part, key string) {
	f := strings.Fields(cmd)
	switch f[1] {
	case "meta":
		if strings.Contains(cmd, "--cluster") {
			return "meta", "three_level"
		}
		return "meta", ""
	}
	return f[1], ""
}

// TestReportNumbersEqualTheCommands runs the report and then every command
// line of its reproducibility section (as JSON) on the same data and
// options: every number the command prints is the report's (issue 13).
func TestReportNumbersEqualTheCommands(t *testing.T) {
	t.Chdir(t.TempDir())
	for i, extra := range [][]string{nil, {"--method", "ML", "--level", "90", "--reliability", ".8", "--mods", "year", "--rupture-preset", "larsson2018"}} {
		dir := "rep" + strconv.Itoa(i)
		_, stderr, code := runCLI(t, "", append([]string{"report", "--out", dir, "--dpi", "72", "--no-pdf"}, extra...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, stderr)
		}
		compareSteps(t, readResults(t, dir))
	}
}

func compareSteps(t *testing.T, res reportResults) {
	t.Helper()
	compareStepsWith(t, res, nil, []string{"meta", "sessions", "ruptures", "gains", "change"})
}

// compareStepsWith is compareSteps; same (when not nil) compares a field
// of a part instead of requiring it to be equal, and want lists the parts
// some command line must reproduce.
func compareStepsWith(t *testing.T, res reportResults, same func(part, key string, cli, rep any) bool, want []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, st := range res.Steps {
		if st.Command == "" {
			continue
		}
		args := strings.Fields(st.Command)
		if args[0] != "alliance" || strings.ContainsAny(st.Command, `'"`) {
			t.Errorf("unexpected command line %q", st.Command)
			continue
		}
		out, stderr, code := runCLI(t, "", append(args[1:], "--format", "json", "-q")...)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", st.Command, code, stderr)
			continue
		}
		part, key := partOf(st.Command)
		seen[part] = true
		var cli, rep map[string]any
		if err := json.Unmarshal([]byte(out), &cli); err != nil {
			t.Fatalf("%s: %v", st.Command, err)
		}
		if err := json.Unmarshal(res.Results[part], &rep); err != nil {
			t.Fatalf("results.json %s: %v", part, err)
		}
		if key != "" {
			rep, _ = rep[key].(map[string]any)
		}
		compared := 0
		for k, v := range cli {
			if k == "data" || k == "r_code" {
				continue
			}
			compared++
			if same != nil {
				if !same(part, k, v, rep[k]) {
					a, _ := json.Marshal(v)
					b, _ := json.Marshal(rep[k])
					t.Errorf("%s: %q differs\ncommand %.300s\nreport  %.300s", st.Command, k, a, b)
				}
				continue
			}
			if !reflect.DeepEqual(v, rep[k]) {
				a, _ := json.Marshal(v)
				b, _ := json.Marshal(rep[k])
				t.Errorf("%s: %q differs\ncommand %.300s\nreport  %.300s", st.Command, k, a, b)
			}
		}
		if compared < 2 {
			t.Errorf("%s: only %d fields compared", st.Command, compared)
		}
	}
	for _, p := range want {
		if !seen[p] {
			t.Errorf("no command line reproduces %s", p)
		}
	}
}

// TestReportDemo: the demo report end to end, the same bytes on a second
// run (which replaces the first), the SIMULATED warning, --title and
// --author.
func TestReportDemo(t *testing.T) {
	tmp := t.TempDir()
	t.Chdir(tmp)
	args := []string{"report", "--out", "rep", "--dpi", "72", "--title", "My <thesis> report", "--author", "A. Student"}
	_, stderr, code := runCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "SIMULATED") || !strings.Contains(stderr, "demo-studies") {
		t.Errorf("stderr does not announce the simulated demo data: %s", stderr)
	}
	first := readTree(t, "rep")
	for _, p := range []string{"index.html", "results.json", "manifest.json", "figures/forest.svg", "figures/forest.png", "figures/forest.pdf", "figures/jacobson-truax.svg"} {
		if len(first[p]) == 0 {
			t.Errorf("%s missing or empty", p)
		}
	}
	page := first["index.html"]
	for _, w := range []string{"SIMULATED DATA", "<h1>My &lt;thesis&gt; report</h1>", "A. Student"} {
		if !bytes.Contains(page, []byte(w)) {
			t.Errorf("index.html lacks %q", w)
		}
	}
	_, stderr, code = runCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "replaced") {
		t.Errorf("second run does not say what it replaced: %s", stderr)
	}
	second := readTree(t, "rep")
	if len(second) != len(first) {
		t.Errorf("%d files, then %d", len(first), len(second))
	}
	for p, b := range first {
		if !bytes.Equal(b, second[p]) {
			t.Errorf("%s differs between two runs", p)
		}
	}
}

// TestReportOutSafety: --out never deletes or replaces a file the report
// did not write (issue 22).
func TestReportOutSafety(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "thesis")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "chapter1.docx"), []byte("mine"), 0o644)
	_, stderr, code := runCLI(t, "", "report", "--out", dir, "--dpi", "72", "--no-pdf")
	if code != 2 || !strings.Contains(stderr, "--force") {
		t.Errorf("non-report --out: exit %d, stderr %q; want 2 and a hint at --force", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err == nil {
		t.Error("report written into a foreign directory")
	}
	if _, stderr, code = runCLI(t, "", "report", "--out", dir, "--force", "--dpi", "72", "--no-pdf"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "chapter1.docx")); string(b) != "mine" {
		t.Error("--force removed or changed a file the report did not write")
	}
	// The input file inside --out: refused before any work.
	data := filepath.Join(t.TempDir(), "data")
	os.Mkdir(data, 0o755)
	studies := filepath.Join(data, "studies.csv")
	os.WriteFile(studies, []byte("study,ri,ni\nA,.30,50\nB,.21,40\nC,.35,120\nD,.12,80\n"), 0o644)
	_, stderr, code = runCLI(t, "", "report", "--studies", studies, "--out", data, "--force", "--no-pdf", "--dpi", "72")
	if code != 2 || !strings.Contains(stderr, "input file") {
		t.Errorf("--out holding the input: exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(studies); !bytes.HasPrefix(b, []byte("study,ri,ni")) {
		t.Error("input file changed")
	}
	if _, _, code := runCLI(t, "", "report"); code != 2 {
		t.Errorf("no --out: exit %d, want 2", code)
	}
	if _, _, code := runCLI(t, "", "report", "--out", filepath.Join(dir, "no", "such")); code != 2 {
		t.Errorf("missing parent: exit %d, want 2", code)
	}
}

// TestReportStudiesAndModerators: a bad file is refused with its line; a
// studies-only report tests no moderator unless named, and names no
// session package.
func TestReportStudiesAndModerators(t *testing.T) {
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "bad.csv")
	os.WriteFile(bad, []byte("study,ri,ni\nA,.30,50\nB,abc,40\nC,.2,60\n"), 0o644)
	out := filepath.Join(tmp, "rep")
	_, stderr, code := runCLI(t, "", "report", "--studies", bad, "--out", out)
	if code != 2 || !strings.Contains(stderr, "bad.csv:3") {
		t.Errorf("exit %d, stderr %q; want 2 and bad.csv:3", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed run left an output directory")
	}
	good := filepath.Join(tmp, "good.csv")
	os.WriteFile(good, []byte("study,ri,ni,year,rater\nA,.30,50,2001,p\nB,.21,40,2005,t\nC,.35,120,2010,p\nD,.12,80,2012,t\nE,.28,66,2015,p\nF,.18,90,2016,t\n"), 0o644)
	if _, stderr, code := runCLI(t, "", "report", "--studies", good, "--out", out, "--no-pdf", "--dpi", "72"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	page, _ := os.ReadFile(filepath.Join(out, "index.html"))
	for _, w := range []string{"SIMULATED", "Meta-regression on year", "lme4", "suddengains", "clinicalsignificance"} {
		if bytes.Contains(page, []byte(w)) {
			t.Errorf("studies-only report without --mods has %q", w)
		}
	}
	if _, stderr, code := runCLI(t, "", "report", "--studies", good, "--mods", "year", "--out", out, "--no-pdf", "--dpi", "72"); code != 0 {
		t.Fatalf("--mods year: exit %d: %s", code, stderr)
	}
	var res struct {
		Results struct {
			Meta struct {
				Coefficients []struct {
					Name string `json:"name"`
				} `json:"coefficients"`
			} `json:"meta"`
		} `json:"results"`
	}
	b, _ := os.ReadFile(filepath.Join(out, "results.json"))
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range res.Results.Meta.Coefficients {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "intrcpt,year" {
		t.Errorf("--mods year: coefficients %v, want intrcpt and year only", names)
	}
}

// TestReportMissingRoleColumn: a session file without the alliance column
// is an input error (exit 2) naming the columns found, not a report
// without its alliance sections; --omit leaves them out and says so.
func TestReportMissingRoleColumn(t *testing.T) {
	tmp := t.TempDir()
	var b strings.Builder
	b.WriteString("client,therapist,session,wai,phq9\n")
	for i, c := range []string{"a", "b", "c", "d", "e", "f"} {
		for k := 1; k <= 6; k++ {
			b.WriteString(strings.Join([]string{c, "t" + string(rune('0'+i%2)), itoa(k), itoa(30 + (i*3+k)%7), itoa(20 - 2*k + (i*7+k*3)%5)}, ",") + "\n")
		}
	}
	f := filepath.Join(tmp, "s.csv")
	os.WriteFile(f, []byte(b.String()), 0o644)
	out := filepath.Join(tmp, "rep")
	_, stderr, code := runCLI(t, "", "report", "--sessions", f, "--patient", "client", "--outcome", "phq9", "--out", out, "--no-pdf", "--dpi", "72")
	if code != 2 || !strings.Contains(stderr, "wai") {
		t.Errorf("missing alliance column: exit %d, stderr %q; want 2 and the columns found", code, stderr)
	}
	_, stderr, code = runCLI(t, "", "report", "--sessions", f, "--patient", "client", "--outcome", "phq9", "--omit", "sessions,panel,ruptures", "--out", out, "--no-pdf", "--dpi", "72")
	if code != 0 {
		t.Fatalf("--omit: exit %d: %s", code, stderr)
	}
	page, _ := os.ReadFile(filepath.Join(out, "index.html"))
	i, j := bytes.Index(page, []byte("Left out on request")), bytes.Index(page, []byte("<section"))
	if i < 0 || i > j {
		t.Error("the sections left out are not said at the top")
	}
}

func itoa(k int) string { return strconv.Itoa(k) }
