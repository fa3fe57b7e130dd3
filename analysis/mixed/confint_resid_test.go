package mixed

import (
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Confidence intervals of crossed fits with a residual structure: the
// profile and the bootstrap are refused (lme4 cannot fit the model), and
// the message points to nlme's intervals (method nlme, pinned in
// TestGoldenConfintNlmeCrossed); the Wald intervals are lme4's z intervals,
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
		_, cerr := m.Confint(ConfintOptions{Method: method, NSim: 10})
		if errs.KindOf(cerr) != errs.InvalidOption || !strings.Contains(cerr.Error(), `are method nlme`) {
			t.Errorf("%s: error %v, want a refusal pointing to method nlme", method, cerr)
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

	// Method nlme refuses what nlme's intervals have no form for here, and a
	// variance at the boundary (the arma11 fit's patient variance, where
	// nlme's own apVar is not positive definite) instead of [0, Inf].
	for _, c := range []struct {
		f    string
		o    Options
		kind errs.Kind
		want string
	}{
		{"y ~ session + (1 | patient) + (1 | rater)", Options{ML: true, Correlation: "arma11", Time: "session", Group: "patient"}, errs.Singular, "nlme intervals: the"}, // SD 3e-4 σ: the interval of its log SD is [0, Inf)
		{"y ~ session + (1 + session | patient)", Options{Correlation: "ar1", Time: "session"}, errs.InvalidOption, "correlated effects"},
		{"y ~ session", Options{Correlation: "ar1", Time: "session", Group: "patient"}, errs.InvalidOption, "gls"},
		{"y ~ session + (1 | patient)", Options{}, errs.InvalidOption, "residual structure"},
	} {
		m, err := Fit(c.f, data, c.o)
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Confint(ConfintOptions{Method: "nlme"})
		if errs.KindOf(err) != c.kind || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %+v: nlme intervals error %v, want kind %v with %q", c.f, c.o, err, c.kind, c.want)
		}
	}
}
