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
// to the R code; type 2 and AR(1) are refused, naming the option.
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
	for want, o := range map[string]LMMOptions{"type II is not available": {Formula: "outcome ~ session + (1 | patient)", Anova: 2}, "AR(1)": {Formula: "outcome ~ session + (1 | patient)", Anova: 3, AR1: "session"}} {
		if _, err := LMM(embedded(t, "demo-sessions"), o); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: error %v, want one saying %q", o, err, want)
		}
	}
}
