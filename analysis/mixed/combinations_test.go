package mixed

import (
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// The tests of option combinations that no single feature's tests cover:
// each is refused as an invalid option where it is not supported, never
// run on a path that does not handle it.

// TestKRGeneralPath: a model of the general path (here an uncorrelated ||
// term) gets Kenward–Roger inference (it was refused before the general
// sums, and crashed with an index out of range before that), and an ML fit
// is still refused as an invalid option there, as on the nested path.
func TestKRGeneralPath(t *testing.T) {
	d := oneWay(12, 6, 1, 1, 3)
	x := make([]float64, len(d.Numeric["y"]))
	for i := range x {
		x[i] = float64(i % 6)
		d.Numeric["y"][i] += 0.3 * x[i] * float64(1+i/6%3)
	}
	d.Numeric["x"] = x
	m, err := Fit("y ~ x + (1 + x || g)", d, Options{DDF: DDFKenwardRoger})
	if err != nil {
		t.Fatalf("Kenward–Roger fit: %v", err)
	}
	if m.Result.DFMethod != "Kenward-Roger" || !(m.Result.Fixed[1].DF > 0) {
		t.Errorf("df method %q, df %v", m.Result.DFMethod, m.Result.Fixed[1].DF)
	}
	_, err = Fit("y ~ x + (1 + x || g)", d, Options{DDF: DDFKenwardRoger, ML: true})
	if errs.KindOf(err) != errs.InvalidOption {
		t.Fatalf("ML: want an invalid-option error, got %v", err)
	}
}

// TestFittedPowerNeedsNested: the general (crossed or several-term) path
// has residual correlations and varIdent / varPower of a column
// (TestGoldenResidCrossed) but not the power of the fitted values, whose
// fitted values are those of the innermost level; asking for it is
// refused, not fitted with homoscedastic residuals.
func TestFittedPowerNeedsNested(t *testing.T) {
	d := oneWay(12, 6, 1, 1, 4)
	x := make([]float64, len(d.Numeric["y"]))
	for i := range x {
		x[i] = float64(i%6 + 1)
	}
	d.Numeric["x"] = x
	for _, o := range []Options{{Weights: "varpower"}, {Correlation: "car1", Time: "x", Weights: "varpower"}} {
		if _, err := Fit("y ~ x + (1 + x || g)", d, o); errs.KindOf(err) != errs.InvalidOption {
			t.Errorf("%+v: want an invalid-option error, got %v", o, err)
		}
	}
}

// TestConfintRefusals: the profile and the bootstrap refuse what they do
// not handle (a residual structure, which lme4 has no reference for)
// instead of crashing (index out of range in the reduced block before);
// Wald intervals stay. The general path (|| terms, crossed factors) is
// profiled: TestConfintProfileGolden.
func TestConfintRefusals(t *testing.T) {
	d := oneWay(12, 6, 1, 1, 5)
	x := make([]float64, len(d.Numeric["y"]))
	for i := range x {
		x[i] = float64(i % 6)
	}
	d.Numeric["x"] = x
	for _, c := range []struct {
		f string
		o Options
	}{{"y ~ x + (1 | g)", Options{Correlation: "car1", Time: "x"}}, {"y ~ x", Options{Correlation: "ar1", Time: "x", Group: "g"}}} {
		m, err := Fit(c.f, d, c.o)
		if err != nil {
			t.Fatalf("%s: %v", c.f, err)
		}
		for _, method := range []string{"profile", "boot"} {
			if _, err := m.Confint(ConfintOptions{Method: method, NSim: 10}); errs.KindOf(err) != errs.InvalidOption {
				t.Errorf("%s %+v %s: want an invalid-option error, got %v", c.f, c.o, method, err)
			}
		}
		if _, err := m.Confint(ConfintOptions{Method: "Wald"}); err != nil {
			t.Errorf("%s: Wald: %v", c.f, err)
		}
	}
}
