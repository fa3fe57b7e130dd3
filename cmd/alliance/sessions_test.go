package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/apa"
)

// TestSessionsMatchesLme4 runs 'alliance sessions' on the embedded
// demo-sessions with the options of each golden fit and compares with
// lme4 1.1-31 / lmerTest 3.1-3 fits of the same derived models built
// independently in R (testdata/golden/R/sessions.R).
func TestSessionsMatchesLme4(t *testing.T) {
	var g struct {
		Fits []struct {
			Options  map[string]any
			Formula  string
			Names    []string
			Estimate []float64
			SE       []float64
			DF       []float64
			LogLik   float64 `json:"logLik"`
			NObs     int     `json:"nobs"`
		}
	}
	if err := loadGolden("sessions_demo.json", &g); err != nil {
		t.Fatal(err)
	}
	for _, f := range g.Fits {
		args := []string{"sessions", "--format", "json", "--quiet"}
		for k, v := range f.Options {
			switch k {
			case "model":
				args = append(args, "--model", v.(string))
			case "centring":
				args = append(args, "--centring", v.(string))
			case "detrend":
				args = append(args, "--detrend")
			case "ignore_therapist", "no_therapist_column":
				args = append(args, "--no-therapist")
			case "random_slope":
				args = append(args, "--random-slope")
			case "ml":
				args = append(args, "--ml")
			case "no_time":
				args = append(args, "--no-time")
			case "max_lag_gap":
				args = append(args, "--max-lag-gap", fmt.Sprint(v))
			default:
				t.Fatalf("option %s not mapped to a flag", k)
			}
		}
		out, stderr, code := runCLI(t, "", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, stderr)
		}
		var got struct {
			Formula string
			Fixed   []struct {
				Name             string
				Estimate, SE, DF float64
			}
			LogLik float64 `json:"logLik"`
			NObs   int     `json:"nobs"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if got.Formula != f.Formula || got.NObs != f.NObs || !relClose(got.LogLik, f.LogLik, 1e-8) {
			t.Errorf("%v: %q n %d logLik %v; R %q n %d logLik %v", f.Options, got.Formula, got.NObs, got.LogLik, f.Formula, f.NObs, f.LogLik)
		}
		for i, c := range got.Fixed {
			scale := max(abs(f.Estimate[i]), f.SE[i])
			if c.Name != f.Names[i] || abs(c.Estimate-f.Estimate[i]) > 5e-6*scale || !relClose(c.SE, f.SE[i], 1e-5) || !relClose(c.DF, f.DF[i], 1e-3) {
				t.Errorf("%v %s: %+v; lme4 %v se %v df %v", f.Options, f.Names[i], c, f.Estimate[i], f.SE[i], f.DF[i])
			}
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestSessionsExportAndErrors(t *testing.T) {
	dir := t.TempDir()
	exp := filepath.Join(dir, "derived.csv")
	plot := filepath.Join(dir, "traj.svg")
	if _, stderr, code := runCLI(t, "", "sessions", "--export", exp, "--plot", plot, "--quiet"); code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	b, err := os.ReadFile(exp)
	if err != nil {
		t.Fatal(err)
	}
	head := strings.SplitN(string(b), "\n", 2)[0]
	for _, c := range []string{"alliance_within", "alliance_between", "outcome_next", "alliance_lag"} {
		if !strings.Contains(head, c) {
			t.Errorf("export header lacks %s: %s", c, head)
		}
	}
	if st, err := os.Stat(plot); err != nil || st.Size() < 1000 {
		t.Errorf("trajectory plot: %v", err)
	}
	dup := "patient,session,alliance,outcome\na,1,4,10\na,1,4,11\n"
	if _, stderr, code := runCLI(t, dup, "sessions", "-"); code != 2 || !strings.Contains(stderr, "stdin:3") {
		t.Errorf("duplicate session: exit %d %q", code, stderr)
	}
	if _, stderr, code := runCLI(t, "", "sessions", "--model", "sideways"); code != 2 || !strings.Contains(stderr, "sideways") {
		t.Errorf("bad model: exit %d %q", code, stderr)
	}
	// --patients naming the input file is refused before any work, the
	// file untouched (it used to be replaced by the BLUP table).
	data := filepath.Join(dir, "sessions.csv")
	if _, stderr, code := runCLI(t, "", "datasets", "export", "demo-sessions", "--out", data, "--quiet"); code != 0 {
		t.Fatalf("export: exit %d %s", code, stderr)
	}
	before, _ := os.ReadFile(data)
	for _, flag := range []string{"--patients", "--export"} {
		_, stderr, code := runCLI(t, "", "sessions", data, flag, data)
		after, _ := os.ReadFile(data)
		if code != 2 || !strings.Contains(stderr, "input file") || string(after) != string(before) {
			t.Errorf("%s = the input: exit %d %q, input unchanged %v", flag, code, stderr, string(after) == string(before))
		}
	}
}

// TestSessionsMissingAllianceIsInputError (issue 14): a file whose
// alliance column is called wai, run without --alliance, was fitted as a
// growth model without a word. It is an input error (exit 2) that lists the
// columns found and names the alliance role; --model growth still runs.
func TestSessionsMissingAllianceIsInputError(t *testing.T) {
	var b strings.Builder
	b.WriteString("client,therapist,session,wai,phq9\n")
	for p := 1; p <= 6; p++ {
		for s := 1; s <= 5; s++ {
			fmt.Fprintf(&b, "c%d,t%d,%d,%d,%d\n", p, p%2, s, 40+(p*s)%7, 20-s+(p*s)%3)
		}
	}
	_, stderr, code := runCLI(t, b.String(), "sessions", "-", "--patient", "client", "--outcome", "phq9")
	if code != 2 || !strings.Contains(stderr, "alliance") || !strings.Contains(stderr, "wai") || !strings.Contains(stderr, "client, therapist, session, wai, phq9") {
		t.Errorf("exit %d %q: want exit 2 naming the alliance role and listing the columns", code, stderr)
	}
	if _, gerr, gcode := runCLI(t, b.String(), "sessions", "-", "--patient", "client", "--outcome", "phq9", "--model", "growth", "--quiet"); gcode != 0 {
		t.Errorf("growth model asked for: exit %d %s", gcode, gerr)
	}
	out, stderr, code := runCLI(t, b.String(), "sessions", "-", "--patient", "client", "--outcome", "phq9", "--alliance", "wai", "--format", "json", "--quiet")
	if code != 0 || !strings.Contains(out, `"wai_within"`) && !strings.Contains(out, `"alliance_within"`) {
		t.Errorf("with --alliance wai: exit %d %s", code, stderr)
	}
}

// TestSessionsCLIAndPartAgree runs each session command's JSON and text
// output on the same data and options and requires the numbers of the
// Part's tables (what the report renders) in the JSON: the same code path.
func TestSessionsCLIAndPartAgree(t *testing.T) {
	out, _, code := runCLI(t, "", "sessions", "--format", "json", "--quiet")
	if code != 0 {
		t.Fatal("sessions failed")
	}
	var js struct {
		Fixed []struct {
			Name     string
			Estimate float64
		}
	}
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatal(err)
	}
	text, _, _ := runCLI(t, "", "sessions", "--quiet")
	for _, c := range js.Fixed {
		cell := apa.Cell(c.Estimate, 3)
		if !strings.Contains(text, c.Name) || !strings.Contains(text, cell) {
			t.Errorf("text lacks %s = %s", c.Name, cell)
		}
	}
	// ruptures: the class counts of the JSON are the table's
	out, _, _ = runCLI(t, "", "ruptures", "--format", "json", "--quiet")
	var rj struct {
		Summary struct {
			Classes []struct {
				Class string
				N     int
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &rj); err != nil {
		t.Fatal(err)
	}
	text, _, _ = runCLI(t, "", "ruptures", "--format", "markdown", "--quiet")
	for _, c := range rj.Summary.Classes {
		if !strings.Contains(text, fmt.Sprintf("| %s | %d |", c.Class, c.N)) {
			t.Errorf("markdown lacks class %s n %d", c.Class, c.N)
		}
	}
}

// TestChangeAndGainsCLIAndPartAgree: the category counts of 'alliance
// change' and the gains of 'alliance gains' are the same in JSON and in the
// rendered tables.
func TestChangeAndGainsCLIAndPartAgree(t *testing.T) {
	out, _, _ := runCLI(t, "", "change", "--format", "json", "--quiet")
	var cj struct {
		Summary []struct {
			Category string
			N        int
		}
	}
	if err := json.Unmarshal([]byte(out), &cj); err != nil || len(cj.Summary) == 0 {
		t.Fatalf("%v %s", err, out)
	}
	md, _, _ := runCLI(t, "", "change", "--format", "markdown", "--quiet")
	for _, c := range cj.Summary {
		if !strings.Contains(md, fmt.Sprintf("| %s | %d |", c.Category, c.N)) {
			t.Errorf("markdown lacks %s %d", c.Category, c.N)
		}
	}
	out, _, _ = runCLI(t, "", "gains", "--format", "json", "--quiet")
	var gj struct {
		Gains []struct {
			Patient   string
			Session   int
			Magnitude float64
		}
	}
	if err := json.Unmarshal([]byte(out), &gj); err != nil || len(gj.Gains) != 24 {
		t.Fatalf("%v: %d gains", err, len(gj.Gains))
	}
	md, _, _ = runCLI(t, "", "gains", "--format", "markdown", "--quiet")
	for _, g := range gj.Gains {
		if !strings.Contains(md, fmt.Sprintf("| %s | %d |", g.Patient, g.Session)) || !strings.Contains(md, apa.Cell(g.Magnitude, 2)) {
			t.Errorf("markdown lacks gain %s/%d (magnitude %v)", g.Patient, g.Session, g.Magnitude)
		}
	}
}

// TestSessionCommandsHelpHasNoNaN (issue 14): flags without a default show
// none, not "(default NaN)" or the smallest int; ruptures documents only
// flags it has.
func TestSessionCommandsHelpHasNoNaN(t *testing.T) {
	for _, c := range []string{"sessions", "ruptures", "gains", "change"} {
		out, _, _ := runCLI(t, "", c, "--help")
		if strings.Contains(out, "NaN") || strings.Contains(out, "-9223372036854775808") || strings.Contains(out, "--rci-sd") {
			t.Errorf("%s --help:\n%s", c, out)
		}
		if !strings.Contains(out, "--level") {
			t.Errorf("%s has no --level", c)
		}
	}
}
