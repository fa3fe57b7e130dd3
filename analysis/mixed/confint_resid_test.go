package mixed

import (
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Confidence intervals of crossed fits with a residual structure: the
// profile and the bootstrap are refused (lme4 cannot fit the model, and
// nlme's intervals of the variance parameters are not computed), and the
// message says what nlme has; the Wald intervals are lme4's z intervals,
// which nlme has no counterpart of, and their notes say so and point to the
// fixed-effect table, whose t intervals are nlme's intervals(m, which =
// "fixed") (TestGoldenAnovaResidCrossed).
func TestConfintResidCrossed(t *testing.T) {
	data, _ := loadResidGolden(t, "mixed_resid_crossed.json")
	m, err := Fit("y ~ session + (1 | patient) + (1 | rater)", data, Options{Correlation: "ar1", Time: "session", Group: "patient"})
	if err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"profile", "boot"} {
		_, err := m.Confint(ConfintOptions{Method: method, NSim: 10})
		if errs.KindOf(err) != errs.InvalidOption || !strings.Contains(err.Error(), `intervals of the variance parameters`) {
			t.Errorf("%s: error %v, want a refusal naming nlme's var-cov intervals", method, err)
		}
	}
	ci, err := m.Confint(ConfintOptions{Method: "Wald"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ci.Intervals) != len(m.Result.Fixed) {
		t.Errorf("%d Wald intervals, want one per fixed effect (%d)", len(ci.Intervals), len(m.Result.Fixed))
	}
	if !strings.Contains(strings.Join(ci.Notes, " "), "have no reference") {
		t.Errorf("Wald notes %q do not say the z intervals have no reference", ci.Notes)
	}
}
