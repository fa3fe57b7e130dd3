package workflow

import (
	"math"
	"strings"
	"testing"
)

// The nlme call of an AR(1) model keeps lme4's nesting: (1 | therapist/
// patient) becomes random = list(therapist = ~ 1, patient = ~ 1) and the
// AR(1) runs within the innermost group.
func TestNlmeCallNested(t *testing.T) {
	got := nlmeCall("outcome ~ session + alliance + (1 | therapist/patient)", "session", false)
	for _, w := range []string{"lme(outcome ~ session + alliance", "random = list(therapist = ~ 1, patient = ~ 1)", "corAR1(form = ~ session | patient)", `method = "REML"`} {
		if !strings.Contains(got, w) {
			t.Errorf("nlme call lacks %q:\n%s", w, got)
		}
	}
	got = nlmeCall("y ~ x + (1 + x | g)", "t", true)
	if !strings.Contains(got, "random = ~ x | g") || !strings.Contains(got, `method = "ML"`) {
		t.Errorf("random slope: %s", got)
	}
	if got := nlmeCall("y ~ x + (1 | a) + (1 | b)", "t", true); !strings.HasPrefix(got, "# ") {
		t.Errorf("crossed effects should have no lme form: %s", got)
	}
}

// The model every front end renders: the embedded demo sessions with the
// default formula equal lme4's (cmd's cli_lmm golden covers the numbers);
// here the part's tables carry the fit's numbers.
func TestLMMPartTables(t *testing.T) {
	run, err := LMM(embedded(t, "demo-sessions"), LMMOptions{Formula: "outcome ~ session + alliance + (1 | therapist/patient)", Figures: []string{"caterpillar"}})
	if err != nil {
		t.Fatal(err)
	}
	fixed := run.Section().Tables()[0]
	if fixed.Name != "fixed" || fixed.Rows[2][0] != "alliance" || fixed.Rows[2][1] != num(run.Fixed[2].Estimate, 4) {
		t.Errorf("fixed table %v", fixed.Rows)
	}
	if len(run.Section().Figures()) != 1 {
		t.Errorf("want the caterpillar figure")
	}
	if !strings.Contains(run.Steps()[0].RCode, "lmer(outcome ~ session + alliance + (1 | therapist/patient)") {
		t.Errorf("R code %s", run.Steps()[0].RCode)
	}
}

// --anova 3 adds the type III table, the anova field and anova(m, type = 3)
// to the R code, --anova 2 the type II table; type 4 and AR(1) are
// refused, naming the option.
func TestLMMAnova(t *testing.T) {
	run, err := LMM(embedded(t, "demo-sessions"), LMMOptions{Formula: "outcome ~ session * alliance + (1 | patient)", Anova: 3})
	if err != nil {
		t.Fatal(err)
	}
	if run.AnovaType != 3 || len(run.Anova) != 3 || run.Anova[2].Term != "session:alliance" {
		t.Fatalf("anova %+v", run.Anova)
	}
	// A single-df term's F is the square of its t (lmerTest: same df).
	c := run.Fixed[3]
	if d := math.Abs(run.Anova[2].F-c.Statistic*c.Statistic) / run.Anova[2].F; d > 1e-9 {
		t.Errorf("F %v, t² %v", run.Anova[2].F, c.Statistic*c.Statistic)
	}
	if d := math.Abs(run.Anova[2].DenDF-c.DF) / c.DF; d > 1e-9 {
		t.Errorf("den df %v, t df %v", run.Anova[2].DenDF, c.DF)
	}
	found := false
	for _, tb := range run.Section().Tables() {
		found = found || tb.Name == "anova"
	}
	if !found {
		t.Error("no anova table")
	}
	if st := run.Steps()[0]; !strings.Contains(st.RCode, "anova(m, type = 3)") || !strings.Contains(st.Command, "--anova 3") {
		t.Errorf("steps %+v", st)
	}
	run2, err := LMM(embedded(t, "demo-sessions"), LMMOptions{Formula: "outcome ~ session * alliance + (1 | patient)", Anova: 2})
	if err != nil {
		t.Fatal(err)
	}
	if st := run2.Steps()[0]; run2.AnovaType != 2 || !strings.Contains(st.RCode, "anova(m, type = 2)") || !strings.Contains(st.Command, "--anova 2") {
		t.Errorf("type 2: %d, steps %+v", run2.AnovaType, st)
	}
	for _, tb := range run2.Section().Tables() {
		if tb.Name == "anova" && tb.Title != "Type II tests of fixed effects" {
			t.Errorf("type II table titled %q", tb.Title)
		}
	}
	for want, o := range map[string]LMMOptions{"ANOVA type 4": {Formula: "outcome ~ session + (1 | patient)", Anova: 4}, "AR(1)": {Formula: "outcome ~ session + (1 | patient)", Anova: 2, AR1: "session"}} {
		if _, err := LMM(embedded(t, "demo-sessions"), o); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: error %v, want one saying %q", o, err, want)
		}
	}
}

// A term the ANOVA leaves out (rank-0 hypothesis; mixed's
// TestAnovaRankZeroTermNoted makes one) reaches the reader: its note is
// under the table and among the top notes.
func TestLMMAnovaOmittedNoted(t *testing.T) {
	run, err := LMM(embedded(t, "demo-sessions"), LMMOptions{Formula: "outcome ~ session * alliance + (1 | patient)", Anova: 3})
	if err != nil {
		t.Fatal(err)
	}
	const n = "term alliance is not tested: its hypothesis has rank 0"
	run.anovaNotes, run.top, run.cites = []string{n}, nil, nil
	run.compose()
	top := false
	for _, x := range run.TopNotes() {
		top = top || strings.Contains(x.Text, n)
	}
	under := false
	for _, tb := range run.Section().Tables() {
		if tb.Name == "anova" {
			under = strings.Contains(strings.Join(tb.Notes, " "), n)
		}
	}
	if !top || !under {
		t.Errorf("note in top notes %v, under the table %v", top, under)
	}
}
