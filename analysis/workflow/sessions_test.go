package workflow

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/sessions"
	"github.com/alliance-research/alliance/datasets"
)

// TestSessionsMatchesLme4 fits every golden model of the embedded
// demo-sessions through the workflow and compares with the lme4 1.1-31 /
// lmerTest 3.1-3 fits built independently in R
// (testdata/golden/R/sessions.R).
func TestSessionsMatchesLme4(t *testing.T) {
	b, err := os.ReadFile("../../testdata/golden/sessions_demo.json")
	if err != nil {
		t.Fatal(err)
	}
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
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	src := sessEmbedded(t, "demo-sessions")
	for _, f := range g.Fits {
		var o SessionsOptions
		for k, v := range f.Options {
			switch k {
			case "model":
				o.Model = v.(string)
			case "centring":
				o.Centring = v.(string)
			case "detrend":
				o.Detrend = true
			case "ignore_therapist", "no_therapist_column":
				o.IgnoreTherapist = true
			case "random_slope":
				o.RandomSlope = true
			case "ml":
				o.ML = true
			case "no_time":
				o.NoTime = true
			case "max_lag_gap":
				o.MaxLagGap = int(v.(float64))
			default:
				t.Fatalf("option %s not mapped", k)
			}
		}
		run, err := Sessions(src, o)
		if err != nil {
			t.Fatalf("%v: %v", f.Options, err)
		}
		if run.Formula != f.Formula || run.NObs != f.NObs || math.Abs(run.LogLik-f.LogLik) > 1e-8*math.Abs(f.LogLik) {
			t.Errorf("%v: %q n %d logLik %v; R %q n %d logLik %v", f.Options, run.Formula, run.NObs, run.LogLik, f.Formula, f.NObs, f.LogLik)
		}
		tab := run.Section().Tables()[0]
		for i, c := range run.Fixed {
			scale := math.Max(math.Abs(f.Estimate[i]), f.SE[i])
			if c.Name != f.Names[i] || math.Abs(c.Estimate-f.Estimate[i]) > 5e-6*scale || math.Abs(c.SE-f.SE[i]) > 1e-5*f.SE[i] || math.Abs(c.DF-f.DF[i]) > 1e-3*f.DF[i] {
				t.Errorf("%v %s: %+v; lme4 %v se %v df %v", f.Options, f.Names[i], c, f.Estimate[i], f.SE[i], f.DF[i])
			}
			if tab.Rows[i][0] != c.Name || tab.Rows[i][1] != num(c.Estimate, 3) {
				t.Errorf("table row %v for %s = %v", tab.Rows[i], c.Name, c.Estimate)
			}
		}
	}
}

// TestSessionsDefaultCentring: the report and the command line make the
// one documented choice: therapist centring when the data name therapists
// (b = −2.40 for the patient level on demo-sessions), and say so at the top.
func TestSessionsDefaultCentring(t *testing.T) {
	run, err := Sessions(sessEmbedded(t, "demo-sessions"), SessionsOptions{Concurrent: true, Trajectories: true})
	if err != nil {
		t.Fatal(err)
	}
	if run.Centring != "therapist" || !strings.Contains(run.TopNotes()[0].Text, "therapist means") {
		t.Fatalf("centring %s, notes %v", run.Centring, run.TopNotes())
	}
	for _, e := range run.Effects {
		if e.Role == "patient" && math.Abs(e.Estimate-(-2.40)) > 0.005 {
			t.Errorf("patient-level b = %v, want −2.40", e.Estimate)
		}
	}
	if run.ConcurrentModel == nil || len(run.Trajectories["outcome"]) == 0 {
		t.Error("no concurrent model or trajectories")
	}
	var names []string
	for _, f := range run.Section().Figures() {
		names = append(names, f.Name)
		if f.Name == "caterpillar" && f.Spec.(CaterpillarSpec).Label != "Therapist random intercept (next-session outcome)" { // not "(outcome_next)"
			t.Errorf("caterpillar label %q", f.Spec.(CaterpillarSpec).Label)
		}
		if f.Name == "within-between" && (f.Spec.(WithinBetweenSpec).Model != run.ConcurrentModel || !strings.Contains(f.Caption, "concurrent model's between-patient and within-patient slopes")) {
			t.Errorf("within-between: model %v caption %s", f.Spec.(WithinBetweenSpec).Model, f.Caption)
		}
	}
	if strings.Join(names, " ") != "trajectory-alliance trajectory-outcome within-between caterpillar" {
		t.Errorf("figures %v", names)
	}
	// without the concurrent model the panels are raw associations and the
	// caption says so (the lagged model's slopes refer to the next session)
	lag, err := Sessions(sessEmbedded(t, "demo-sessions"), SessionsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range lag.Section().Figures() {
		if f.Name == "within-between" && (f.Spec.(WithinBetweenSpec).Model != nil || !strings.Contains(f.Caption, "Raw associations, not the model")) {
			t.Errorf("lagged within-between caption: %s", f.Caption)
		}
	}
	r := run.Steps()[0].RCode
	for _, w := range []string{"lmer(outcome_next ~ alliance_within + alliance_patient + alliance_therapist", "qt(1 - (1 - 0.95) / 2", "alliance_therapist <-"} {
		if !strings.Contains(r, w) {
			t.Errorf("R code lacks %q:\n%s", w, r)
		}
	}
}

// TestSessionsNeedsAlliance: without an alliance column only the growth
// model runs; the others are input errors listing the columns.
func TestSessionsNeedsAlliance(t *testing.T) {
	tab := readCSV(t, "patient,session,phq9\na,1,3\na,2,4\nb,1,5\nb,2,3\nc,1,4\nc,2,2\n")
	cols := datasets.SessionColumns{Outcome: "phq9"}
	if _, err := Sessions(FileSource("x.csv", tab), SessionsOptions{Columns: cols, Model: "growth"}); err != nil {
		t.Errorf("growth: %v", err)
	}
	_, err := Sessions(FileSource("x.csv", tab), SessionsOptions{Columns: cols})
	if err == nil || !strings.Contains(err.Error(), "alliance") || !strings.Contains(err.Error(), "patient, session, phq9") {
		t.Errorf("err %v", err)
	}
}

// TestPooledStudiesHint: a file pooling studies that number patients within
// each study reads as out of order; the first problem says why (both
// studies, the line of each) and what to do, for every session command; a
// single-study file out of order keeps the plain sorting message.
func TestPooledStudiesHint(t *testing.T) {
	pooled := readCSV(t, "study,patient,session,alliance,outcome\nA,1,1,3,10\nA,1,2,4,9\nA,2,1,3,8\nA,2,2,2,9\nB,1,1,4,7\nB,1,2,3,6\n")
	_, err := Sessions(FileSource("x.csv", pooled), SessionsOptions{})
	var in *datasets.InputError
	if !errors.As(err, &in) {
		t.Fatalf("want an input error, got %v", err)
	}
	p := in.Problems[0]
	if p.Line != 6 || p.Column != "patient" || p.Value != "1" || !strings.Contains(p.Msg, `study "A" (line 2) and of study "B"`) || !strings.Contains(p.Msg, "alliance ipd") {
		t.Errorf("first problem: %+v", p)
	}
	if in.Total != len(in.Problems) || len(in.Problems) < 2 || !strings.Contains(in.Problems[1].Msg, "sort the rows") {
		t.Errorf("the loader's own problems must follow: %v", err)
	}
	if _, err := Ruptures(FileSource("x.csv", pooled), RupturesOptions{}); err == nil || !strings.Contains(err.Error(), "pools studies") {
		t.Errorf("ruptures: %v", err)
	}
	single := readCSV(t, "study,patient,session,alliance,outcome\nA,1,2,3,10\nA,1,1,4,9\nA,2,1,3,8\n")
	if _, err := Sessions(FileSource("x.csv", single), SessionsOptions{}); err == nil || strings.Contains(err.Error(), "pools studies") || !strings.Contains(err.Error(), "sort the rows") {
		t.Errorf("single study: %v", err)
	}
}

// TestSessionsFailure: a session model that did not converge is a typed
// NoConvergence failure naming the optimiser's reason; a converged one is
// none.
func TestSessionsFailure(t *testing.T) {
	r := &SessionsRun{Result: &sessions.Result{}}
	r.Converged, r.Reason = false, "iteration limit reached"
	err := r.Failure()
	if errs.KindOf(err) != errs.NoConvergence || !strings.Contains(err.Error(), "iteration limit reached") {
		t.Errorf("not converged: %v", err)
	}
	r.Converged = true
	if err := r.Failure(); err != nil {
		t.Errorf("converged: %v", err)
	}
}
