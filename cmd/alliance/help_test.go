package main

import (
	"os"
	"strings"
	"testing"
)

// Help never shows an internal sentinel as a default, the version flag
// works, and a bad root flag points at 'alliance --help' (issue 14).
func TestHelpDefaultsAndVersion(t *testing.T) {
	for _, c := range []string{"meta", "lmm", "sessions", "ruptures", "gains", "change", "reliability", "score", "simulate", "report", "datasets"} {
		out, _, code := runCLI(t, "", c, "--help")
		if code != 0 {
			t.Fatalf("%s --help: exit %d", c, code)
		}
		for _, bad := range []string{"default NaN", "-9223372036854775808", "default )"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s --help shows %q", c, bad)
			}
		}
	}
	out, _, code := runCLI(t, "", "--version")
	if code != 0 || !strings.HasPrefix(out, "alliance ") {
		t.Errorf("--version: exit %d %q", code, out)
	}
	_, stderr, code := runCLI(t, "", "--bogus")
	if code != 2 || !strings.Contains(stderr, "see 'alliance --help'") {
		t.Errorf("bad flag: exit %d %q", code, stderr)
	}
}

// Files the program writes are 0644, the truth file of simulate included
// (CreateTemp makes 0600 files).
func TestOutputFileModes(t *testing.T) {
	dir := t.TempDir()
	out, truth := dir+"/s.csv", dir+"/truth.csv"
	if _, stderr, code := runCLI(t, "", "simulate", "sessions", "--patients", "5", "--therapists", "2", "--out", out, "--truth", truth); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, p := range []string{out, truth} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o644 {
			t.Errorf("%s written with mode %o, want 644", p, m)
		}
	}
}

// Enumerated flags are parsed in one place: any case is accepted and
// stored in the documented spelling; a wrong word lists the choices.
func TestEnumFlags(t *testing.T) {
	out, stderr, code := runCLI(t, "", "meta", "--dataset", "molloy2014", "--method", "dl", "--test", "KNHA", "--format", "json", "--quiet")
	if code != 0 || !strings.Contains(out, `"method": "DL"`) || !strings.Contains(out, `"test": "knha"`) {
		t.Errorf("exit %d %s %.300s", code, stderr, out)
	}
	_, stderr, code = runCLI(t, "", "meta", "--method", "foo")
	if code != 2 || !strings.Contains(stderr, `"foo" is not one of FE, EE, DL`) {
		t.Errorf("exit %d %q", code, stderr)
	}
}

// --format csv is machine-readable: the JSON field names as columns,
// full-precision ASCII numbers equal to the JSON values, no APA cells.
func TestCSVIsTidy(t *testing.T) {
	js, _, _ := runCLI(t, "", "meta", "--dataset", "molloy2014", "--format", "json", "--quiet")
	out, stderr, code := runCLI(t, "", "meta", "--dataset", "molloy2014", "--format", "csv", "--quiet", "--table", "heterogeneity")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || lines[0] != "k,tau2,se_tau2,I2,H2,QE,QE_df,QE_p,pi_lb,pi_ub" {
		t.Fatalf("csv %q", out)
	}
	cells := strings.Split(lines[1], ",")
	if !strings.Contains(js, `"tau2": `+cells[1][:10]) {
		t.Errorf("tau2 %s not in the JSON", cells[1])
	}
	if strings.ContainsAny(out, "−[]<") {
		t.Errorf("formatted cells in CSV: %q", out)
	}
	if _, _, code := runCLI(t, "", "meta", "--format", "csv", "--quiet", "--table", "nope"); code != 2 {
		t.Errorf("unknown table: exit %d", code)
	}
}

// An output never replaces an input (same file by device and inode, even
// under another name), and a bad output directory fails before any work
// writes a figure (issue 22).
func TestOutputIsNotInput(t *testing.T) {
	dir := t.TempDir()
	in := dir + "/m.csv"
	if err := os.WriteFile(in, []byte("ri,ni\n.3,50\n.2,80\n.4,30\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := dir + "/other-name.csv"
	if err := os.Link(in, link); err != nil {
		t.Fatal(err)
	}
	png := dir + "/m.png"
	if err := os.Link(in, png); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"meta", in, "--out", in}, {"meta", in, "--out", link}, {"meta", in, "--forest", png}, {"meta", in, "--aggregate-out", in}} {
		_, stderr, code := runCLI(t, "", args...)
		if code != 2 || !strings.Contains(stderr, "is the input file") {
			t.Errorf("%v: exit %d %q", args, code, stderr)
		}
	}
	b, _ := os.ReadFile(in)
	if string(b) != "ri,ni\n.3,50\n.2,80\n.4,30\n" {
		t.Fatalf("input changed: %q", b)
	}
	fig := dir + "/f.png"
	_, stderr, code := runCLI(t, "", "meta", in, "--forest", fig, "--out", dir+"/nodir/x.json")
	if code != 2 || !strings.Contains(stderr, "does not exist") {
		t.Errorf("bad --out: exit %d %q", code, stderr)
	}
	if _, err := os.Stat(fig); err == nil {
		t.Error("the figure was written although the run failed")
	}
}

// Out-of-range counts are refused, not replaced by other values (issue 22).
func TestBadCountsRefused(t *testing.T) {
	for _, args := range [][]string{{"meta", "--permutations", "-5"}, {"reliability", "--dataset", "molloy2014", "--items", "ri,ni", "--omega", "--nfactors", "0"}} {
		_, stderr, code := runCLI(t, "", args...)
		if code != 2 || !strings.Contains(stderr, args[len(args)-2]) {
			t.Errorf("%v: exit %d %q", args, code, stderr)
		}
	}
}

// A Windows-1252 file is decoded and said so, never corrupted (issue 14).
func TestWindows1252File(t *testing.T) {
	in := t.TempDir() + "/eu.csv"
	if err := os.WriteFile(in, []byte("study;ri;ni\nFalkenstr\xf6m 2013;0,31;120\nM\xfcller;0,2;80\nX;0,25;60\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCLI(t, "", "meta", in, "--leave1out", "--format", "json")
	if code != 0 || !strings.Contains(stderr, "read as windows-1252") {
		t.Fatalf("exit %d %q", code, stderr)
	}
	if !strings.Contains(out, "Falkenström 2013") {
		t.Errorf("label not decoded: %.400s", out)
	}
	if _, stderr, code := runCLI(t, "", "meta", in, "--encoding", "utf-8"); code != 2 || !strings.Contains(stderr, "is not UTF-8") {
		t.Errorf("forced UTF-8: exit %d %q", code, stderr)
	}
}

// alliance panel: text, JSON with lavaan's names, waves by range, and too
// few waves as an input error.
func TestPanelCommand(t *testing.T) {
	out, stderr, code := runCLI(t, "", "panel", "--waves", "1:5", "--format", "json", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	for _, w := range []string{`"lagged"`, `"lhs": "RIx"`, `"op": "=~"`, `"cfi"`, `"waves": [`} {
		if !strings.Contains(out, w) {
			t.Errorf("JSON lacks %s", w)
		}
	}
	if _, stderr, code := runCLI(t, "", "panel", "--waves", "1,2"); code != 2 || !strings.Contains(stderr, "at least 3 waves") {
		t.Errorf("two waves: exit %d %q", code, stderr)
	}
}

// alliance ipd: per-study estimates, the pooled one, and the study that
// could not be fitted listed with its reason.
func TestIPDCommand(t *testing.T) {
	out, stderr, code := runCLI(t, "", "ipd", "../../analysis/workflow/testdata/ipd_sim.csv", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	for _, w := range []string{`"study": "S4"`, `"note": "not fitted: sessions:`, `"pooled"`, `"term": "within"`, `"stage1"`, `"one_stage"`} {
		if !strings.Contains(out, w) {
			t.Errorf("JSON lacks %s", w)
		}
	}
	if !strings.Contains(stderr, "1 of 4 studies could not contribute") {
		t.Errorf("stderr %q", stderr)
	}
}

// Every session command refuses an output that is its input, also where the
// output is written by a command-specific flag (sessions --export used to
// replace its input: the check ran before the input was known).
func TestSessionOutputIsNotInput(t *testing.T) {
	dir := t.TempDir()
	in := dir + "/d.csv"
	if _, stderr, code := runCLI(t, "", "datasets", "export", "demo-sessions", "--out", in); code != 0 {
		t.Fatalf("export: %d %s", code, stderr)
	}
	before, _ := os.ReadFile(in)
	for _, args := range [][]string{
		{"sessions", in, "--export", in},
		{"sessions", in, "--out", in},
		{"ruptures", in, "--export-effect", in},
		{"gains", in, "--patient", "patient", "--outcome", "outcome", "--out", in},
		{"lmm", in, "--formula", "outcome ~ session + (1 | patient)", "--out", in},
		{"panel", in, "--out", in},
		{"report", "--sessions", in, "--out", dir},
	} {
		_, stderr, code := runCLI(t, "", args...)
		if code != 2 || !strings.Contains(stderr, "input file") {
			t.Errorf("%v: exit %d %q", args, code, stderr)
		}
	}
	if after, _ := os.ReadFile(in); string(after) != string(before) {
		t.Fatal("an input was changed")
	}
}
