package workflow

import (
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
