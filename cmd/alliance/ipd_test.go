package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

type ipdJSON struct {
	Stage1 []struct {
		Study, Term string
		Estimate    *float64
		SE          *float64 `json:"se"`
	} `json:"stage1"`
	Pooled []struct {
		Term         string `json:"term"`
		K            int    `json:"k"`
		Coefficients []struct {
			Name     string  `json:"name"`
			Estimate float64 `json:"estimate"`
		} `json:"coefficients"`
	} `json:"pooled"`
}

// splitStudies writes each study of ipd_sim.csv (study column first) as
// its own file, without the study column, with a study-level column
// "site" (constant within a study unless vary) and returns the paths.
func splitStudies(t *testing.T, vary bool) (one string, files []string) {
	t.Helper()
	f, err := os.Open("../../analysis/workflow/testdata/ipd_sim.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	by := map[string][]string{}
	var order []string
	var all strings.Builder
	all.WriteString(strings.Join(recs[0], ",") + ",site\n")
	for i, r := range recs[1:] {
		if by[r[0]] == nil {
			order = append(order, r[0])
		}
		site := "site" + r[0]
		if vary && r[0] == "S2" && i%2 == 0 {
			site = "other"
		}
		by[r[0]] = append(by[r[0]], strings.Join(r[1:], ",")+","+site)
		all.WriteString(strings.Join(r, ",") + "," + site + "\n")
	}
	for _, s := range order[:3] { // S4 (one patient) left out
		p := filepath.Join(dir, s+".csv")
		if err := os.WriteFile(p, []byte(strings.Join(recs[0][1:], ",")+",site\n"+strings.Join(by[s], "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	one = filepath.Join(dir, "all.csv")
	if err := os.WriteFile(one, []byte(all.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return one, files
}

// Several files, one study each (named by --study-names), give the same
// stage-1 estimates as the one file with a study column; --forest writes
// one plot per term; a study-level moderator that varies within a study
// is refused naming the study.
func TestIPDSeveralFiles(t *testing.T) {
	one, files := splitStudies(t, false)
	out1, stderr, code := runCLI(t, "", "ipd", one, "--format", "json", "--no-one-stage")
	if code != 0 {
		t.Fatalf("one file: exit %d %s", code, stderr)
	}
	dir := filepath.Dir(one)
	args := append([]string{"ipd"}, files...)
	args = append(args, "--study-names", "S1,S2,S3", "--format", "json", "--no-one-stage", "--forest", filepath.Join(dir, "f.svg"))
	out3, stderr, code := runCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("three files: exit %d %s", code, stderr)
	}
	var a, b ipdJSON
	if err := json.Unmarshal([]byte(out1), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out3), &b); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{}
	for _, s := range a.Stage1 {
		if s.Estimate != nil {
			want[s.Study+"/"+s.Term] = *s.Estimate
		}
	}
	if len(b.Stage1) == 0 || len(b.Pooled) == 0 {
		t.Fatalf("three files: %s", out3)
	}
	for _, s := range b.Stage1 {
		if s.Estimate == nil || *s.Estimate != want[s.Study+"/"+s.Term] {
			t.Errorf("%s %s: %v, one file %v", s.Study, s.Term, s.Estimate, want[s.Study+"/"+s.Term])
		}
	}
	for _, p := range b.Pooled {
		if _, err := os.Stat(filepath.Join(dir, "f-"+p.Term+".svg")); err != nil {
			t.Errorf("forest of %s: %v", p.Term, err)
		}
	}
	// Default names: the files' base names.
	out, stderr, code := runCLI(t, "", append(append([]string{"ipd"}, files...), "--format", "json", "--no-one-stage")...)
	if code != 0 || !strings.Contains(out, `"study": "S2"`) {
		t.Errorf("base names: exit %d %s", code, stderr)
	}
	// A moderator that varies within study S2 is refused.
	_, vfiles := splitStudies(t, true)
	one2 := filepath.Join(filepath.Dir(vfiles[0]), "all.csv")
	_, stderr, code = runCLI(t, "", "ipd", one2, "--mods", "site", "--no-one-stage")
	if code != 2 || !strings.Contains(stderr, `study "S2"`) || !strings.Contains(stderr, "constant within each study") {
		t.Errorf("varying moderator: exit %d %s", code, stderr)
	}
	_, stderr, code = runCLI(t, "", "ipd", one, "--mods", "nosuch")
	if code != 2 || !strings.Contains(stderr, "nosuch") {
		t.Errorf("missing moderator: exit %d %s", code, stderr)
	}
	_, stderr, code = runCLI(t, "", "ipd", files[0], files[1], "--study-names", "A")
	if code != 2 || !strings.Contains(stderr, "--study-names") {
		t.Errorf("too few names: exit %d %s", code, stderr)
	}
}

// TestIPDStage1PanelCLI: 'alliance ipd FILE --stage1 panel' pools the
// RI-CLPM's cross-lagged paths (the same numbers as the workflow, whose
// golden test holds them to lavaan and metafor); panel-only flags without
// --stage1 panel, and --multivariate with it, are usage errors naming the
// flag.
func TestIPDStage1PanelCLI(t *testing.T) {
	file := "../../analysis/workflow/testdata/ipd_panel.csv"
	out, stderr, code := runCLI(t, "", "ipd", file, "--stage1", "panel", "--waves", "1:6", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r ipdJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Pooled) != 2 || r.Pooled[0].Term != "crosslag" || r.Pooled[0].K != 5 || len(r.Stage1) != 10 {
		t.Errorf("pooled %+v, %d stage-1 rows", r.Pooled, len(r.Stage1))
	}
	if !strings.Contains(stderr, "No one-stage cross-check") || strings.Contains(stderr, "Waves: sessions") {
		t.Errorf("notes: %s", stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--waves", "1:6"}, "waves applies to the panel stage 1: choose stage 1 panel, or leave it out (--waves)"},
		{[]string{"--panel-model", "clpm"}, "(--panel-model)"},
		{[]string{"--estimator", "MLR"}, "(--estimator)"},
		{[]string{"--stage1", "panel", "--multivariate"}, "--multivariate"},
		{[]string{"--stage1", "panel", "--terms", "within"}, "--terms"},
		{[]string{"--stage1", "panel", "--constrain", "bogus"}, "--constrain"},
		{[]string{"--constrain", "cov"}, "constrain applies to the panel stage 1"},
	} {
		_, stderr, code := runCLI(t, "", append([]string{"ipd", file}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %s", c.args, code, stderr)
		}
	}
}

// TestIPDRCodeFlag: --r-code prints the R code (lme4, lmerTest, metafor)
// after the results, and nothing of it without the flag; the workflow's
// TestIPDRCodeRunsInR runs that code in R.
func TestIPDRCodeFlag(t *testing.T) {
	file := "../../testdata/golden/ipd_sim6.csv"
	out, stderr, code := runCLI(t, "", "ipd", file, "--no-one-stage", "--r-code")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	i := strings.Index(out, "library(lme4); library(lmerTest); library(metafor)")
	if i < 0 || !strings.Contains(out[i:], "rma(yi, sei = sei") || !strings.Contains(out[i:], "control = ctl") || i < strings.Index(out, "Stage 2") {
		t.Errorf("no R code after the results:\n%s", out)
	}
	out, _, _ = runCLI(t, "", "ipd", file, "--no-one-stage")
	if strings.Contains(out, "library(") {
		t.Errorf("R code without --r-code:\n%s", out)
	}
}

// TestIPDColumnFlags: the column flags of 'alliance sessions' apply to
// every study: the file with renamed columns, named by --patient,
// --therapist, --session, --alliance, --outcome (and --study), gives the
// same stage-1 and pooled numbers as the file with the default names, and
// the printed R code maps each role to its column once, in the same order
// on every run.
func TestIPDColumnFlags(t *testing.T) {
	b, err := os.ReadFile("../../testdata/golden/ipd_sim6.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(b), "\n", 2)
	if lines[0] != "study,patient,therapist,session,alliance,outcome" {
		t.Fatalf("header %q", lines[0])
	}
	ren := filepath.Join(t.TempDir(), "renamed.csv")
	if err := os.WriteFile(ren, []byte("site,pid,tid,visit,wai,phq\n"+lines[1]), 0o644); err != nil {
		t.Fatal(err)
	}
	flags := []string{"--study", "site", "--patient", "pid", "--therapist", "tid", "--session", "visit", "--alliance", "wai", "--outcome", "phq", "--no-one-stage"}
	want, stderr, code := runCLI(t, "", "ipd", "../../testdata/golden/ipd_sim6.csv", "--no-one-stage", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	got, stderr, code := runCLI(t, "", append([]string{"ipd", ren, "--format", "json"}, flags...)...)
	if code != 0 {
		t.Fatalf("renamed: exit %d %s", code, stderr)
	}
	var a, c ipdJSON
	if json.Unmarshal([]byte(want), &a) != nil || json.Unmarshal([]byte(got), &c) != nil || len(a.Stage1) != 18 || len(c.Stage1) != 18 || len(c.Pooled) != 3 {
		t.Fatalf("JSON:\n%s\n%s", want, got)
	}
	for i := range a.Stage1 {
		if *a.Stage1[i].Estimate != *c.Stage1[i].Estimate || *a.Stage1[i].SE != *c.Stage1[i].SE {
			t.Errorf("%s %s: renamed %v, default names %v", c.Stage1[i].Study, c.Stage1[i].Term, *c.Stage1[i].Estimate, *a.Stage1[i].Estimate)
		}
	}
	for i := range a.Pooled {
		if a.Pooled[i].Coefficients[0].Estimate != c.Pooled[i].Coefficients[0].Estimate {
			t.Errorf("pooled %s differs", a.Pooled[i].Term)
		}
	}
	first := ""
	for range 10 {
		out, _, _ := runCLI(t, "", append([]string{"ipd", ren, "--r-code"}, flags...)...)
		i := strings.Index(out, "d$study <- ")
		j := strings.Index(out, "derive <- ")
		if i < 0 || j < i {
			t.Fatalf("R code:\n%s", out)
		}
		code := out[i:j]
		if first == "" {
			first = code
			for _, m := range []string{`d$patient <- d[["pid"]]`, `d$therapist <- d[["tid"]]`, `d$session <- d[["visit"]]`, `d$alliance <- d[["wai"]]`, `d$outcome <- d[["phq"]]`} {
				if strings.Count(code, m) != 1 {
					t.Errorf("R code maps %s %d times:\n%s", m, strings.Count(code, m), code)
				}
			}
		} else if code != first {
			t.Fatalf("R code differs between runs:\n%s\n%s", first, code)
		}
	}
}

// TestIPDEveryTestOfMeta: --test takes every inference of 'alliance meta',
// adhoc included (refused before), and the pooled term is then the meta
// run of the stage-1 estimates with that test: here, where the
// Knapp–Hartung factor is below 1, adhoc widens the knha interval.
func TestIPDEveryTestOfMeta(t *testing.T) {
	file := "../../testdata/golden/ipd_sim6.csv"
	type coef struct {
		Estimate float64 `json:"estimate"`
		SE       float64 `json:"se"`
		CILB     float64 `json:"ci_lb"`
		CIUB     float64 `json:"ci_ub"`
	}
	pooled := func(test string) (coef, []byte) {
		out, stderr, code := runCLI(t, "", "ipd", file, "--terms", "therapist", "--no-one-stage", "--test", test, "--format", "json")
		if code != 0 {
			t.Fatalf("--test %s: exit %d %s", test, code, stderr)
		}
		var r struct {
			Stage1 []struct {
				Study    string  `json:"study"`
				Estimate float64 `json:"estimate"`
				SE       float64 `json:"se"`
			} `json:"stage1"`
			Pooled []struct {
				Coefficients []coef `json:"coefficients"`
			} `json:"pooled"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Pooled) != 1 {
			t.Fatalf("--test %s: %v %s", test, err, out)
		}
		var b strings.Builder
		b.WriteString("study,yi,sei\n")
		for _, s := range r.Stage1 {
			b.WriteString(s.Study + "," + strconv.FormatFloat(s.Estimate, 'g', -1, 64) + "," + strconv.FormatFloat(s.SE, 'g', -1, 64) + "\n")
		}
		return r.Pooled[0].Coefficients[0], []byte(b.String())
	}
	for _, test := range []string{"z", "t", "knha", "adhoc"} {
		got, studies := pooled(test)
		out, stderr, code := runCLI(t, string(studies), "meta", "-", "--yi", "yi", "--sei", "sei", "--method", "REML", "--test", test, "--format", "json")
		if code != 0 {
			t.Fatalf("meta --test %s: exit %d %s", test, code, stderr)
		}
		var m struct {
			Coefficients []coef `json:"coefficients"`
		}
		if err := json.Unmarshal([]byte(out), &m); err != nil || len(m.Coefficients) != 1 {
			t.Fatalf("meta: %v %s", err, out)
		}
		if m.Coefficients[0] != got {
			t.Errorf("--test %s: ipd %+v, meta on its stage 1 %+v", test, got, m.Coefficients[0])
		}
	}
	kh, _ := pooled("knha")
	ah, _ := pooled("adhoc")
	if !(ah.CIUB-ah.CILB > kh.CIUB-kh.CILB) {
		t.Errorf("adhoc CI %+v not wider than knha %+v", ah, kh)
	}
}

// TestIPDJSONFields: the JSON has the fields issue 17 lists: every stage-1
// entry {study, term, estimate, se, df, n_patients, n_sessions, converged,
// note} (note "" when the row is fine, and name, the model's coefficient),
// each pooled entry the 'alliance meta' JSON object of its term (the same
// keys as 'alliance meta' on the stage-1 estimates) with term added, and
// one_stage with fixed, random and logLik.
func TestIPDJSONFields(t *testing.T) {
	out, stderr, code := runCLI(t, "", "ipd", "../../testdata/golden/ipd_sim6.csv", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	var r struct {
		Stage1   []map[string]any `json:"stage1"`
		Pooled   []map[string]any `json:"pooled"`
		OneStage map[string]any   `json:"one_stage"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) string {
		var k []string
		for n := range m {
			k = append(k, n)
		}
		slices.Sort(k)
		return strings.Join(k, ",")
	}
	if len(r.Stage1) != 18 {
		t.Fatalf("%d stage-1 entries", len(r.Stage1))
	}
	for _, s := range r.Stage1 {
		if got := keys(s); got != "converged,df,estimate,n_patients,n_sessions,name,note,se,study,term" {
			t.Errorf("stage-1 entry keys %s", got)
		}
	}
	var b strings.Builder
	b.WriteString("study,yi,sei\n")
	for _, s := range r.Stage1 {
		if s["term"] == "within" {
			fmt.Fprintf(&b, "%s,%v,%v\n", s["study"], s["estimate"], s["se"])
		}
	}
	mout, stderr, code := runCLI(t, b.String(), "meta", "-", "--yi", "yi", "--sei", "sei", "--test", "knha", "--format", "json")
	if code != 0 {
		t.Fatalf("meta: exit %d %s", code, stderr)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(mout), &m); err != nil {
		t.Fatal(err)
	}
	m["term"] = ""
	if len(r.Pooled) != 3 || r.Pooled[0]["term"] != "within" || keys(r.Pooled[0]) != keys(m) {
		t.Errorf("pooled keys\n%s\nmeta + term\n%s", keys(r.Pooled[0]), keys(m))
	}
	for _, k := range []string{"fixed", "random", "logLik"} {
		if _, ok := r.OneStage[k]; !ok {
			t.Errorf("one_stage lacks %s: %s", k, keys(r.OneStage))
		}
	}
}

// TestIPDSimulatedStudies: 'alliance simulate sessions --studies K' writes
// K studies with a study column that 'alliance ipd' reads as they are, its
// truth file one planted within effect per study; --study-sd 0 plants the
// same effect in every study.
func TestIPDSimulatedStudies(t *testing.T) {
	dir := t.TempDir()
	data, truth := filepath.Join(dir, "s.csv"), filepath.Join(dir, "truth.csv")
	if _, stderr, code := runCLI(t, "", "simulate", "sessions", "--studies", "4", "--patients", "30", "--seed", "3", "--out", data, "--truth", truth); code != 0 {
		t.Fatalf("simulate: exit %d %s", code, stderr)
	}
	tb, err := os.ReadFile(truth)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(string(tb))).ReadAll()
	if err != nil || len(recs) != 5 || recs[0][0] != "study" || recs[0][2] != "within_effect" {
		t.Fatalf("truth %v %v", recs, err)
	}
	out, stderr, code := runCLI(t, "", "ipd", data, "--terms", "within", "--no-one-stage", "--format", "json")
	if code != 0 {
		t.Fatalf("ipd: exit %d %s", code, stderr)
	}
	var r ipdJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Stage1) != 4 || len(r.Pooled) != 1 || r.Pooled[0].K != 4 {
		t.Fatalf("ipd: %v %s", err, out)
	}
	for i, s := range r.Stage1 {
		if s.Study != recs[i+1][0] {
			t.Errorf("stage-1 study %s, truth %s", s.Study, recs[i+1][0])
		}
	}
	if _, _, code := runCLI(t, "", "simulate", "sessions", "--studies", "3", "--patients", "30", "--study-sd", "0", "--out", data, "--truth", truth); code != 0 {
		t.Fatal("simulate --study-sd 0")
	}
	tb, _ = os.ReadFile(truth)
	recs, _ = csv.NewReader(strings.NewReader(string(tb))).ReadAll()
	for _, rec := range recs[1:] {
		if rec[2] != recs[1][2] {
			t.Errorf("--study-sd 0: within effects %v", recs)
		}
	}
}
