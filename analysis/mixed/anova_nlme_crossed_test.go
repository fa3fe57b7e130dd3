package mixed

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// F tests of crossed fits with a residual structure against nlme 3.1-162's
// anova(m, type = "sequential") and anova(m, type = "marginal") at the
// polished optimum (testdata/golden/R/mixed_resid_crossed.R, which writes
// mixed_resid_crossed_anova.json): y ~ session * arm + x + (1 | patient) +
// (1 | rater) with corAR1 (REML, ML), with varIdent by rater (REML), with
// both (ML), z ~ week * arm + x with corCAR1, and corCompSymm with a
// patient slope. Terms and df exactly (nlme's denDF is N − p in its one
// all-data group, as our t tests'); F to 1e-6 relative, p to 1e-6 relative
// or 1e-14 absolute (nlme computes 1 − pf(F), exact only to ~1e-16
// absolutely). Also the fixed-effect table's ci_lb and ci_ub against
// intervals(m, which = "fixed") to 1e-6 of the larger limit, and the fits themselves
// (estimates and SEs to 1e-6) so that a failure says where it starts.
func TestGoldenAnovaResidCrossed(t *testing.T) {
	type row = nlmeAnovaRow
	var g struct {
		Cases []struct {
			residGoldenFit
			Type1 []row     `json:"type1"`
			Type3 []row     `json:"type3"`
			CILB  []float64 `json:"ci_lb"`
			CIUB  []float64 `json:"ci_ub"`
		} `json:"cases"`
	}
	if err := golden.Load("mixed_resid_crossed_anova.json", &g); err != nil {
		t.Fatal(err)
	}
	worst := gaps{}
	forCrossedFits(t, len(g.Cases), func(i int) residGoldenFit { return g.Cases[i].residGoldenFit }, func(t *testing.T, i int, m *Model) {
		c := g.Cases[i]
		checkFixedAndResid(t, m.Result, c.residGoldenFit, 1e-6, 1e-6)
		for i, f := range m.Result.Fixed {
			// relative to the larger limit: a limit near 0 is a
			// difference of the estimate and the half-width, each
			// equal to 1e-6
			scale := math.Max(math.Abs(c.CILB[i]), math.Abs(c.CIUB[i]))
			for _, l := range []struct {
				what      string
				got, want float64
			}{{"ci_lb", f.CILB, c.CILB[i]}, {"ci_ub", f.CIUB, c.CIUB[i]}} {
				e := math.Abs(l.got-l.want) / scale
				worst[l.what] = math.Max(worst[l.what], e)
				if !(e <= 1e-6) {
					t.Errorf("%s %s = %.12g, want %.12g (error %.1e of the larger limit)", f.Name, l.what, l.got, l.want, e)
				}
			}
		}
		checkNLMEAnova(t, m, c.Type1, c.Type3, func(typ int, r AnovaRow, w nlmeAnovaRow) {
			worst.check(t, "F", r.F, w.F, 1e-6)
			if e := math.Abs(r.P - w.P); e > 1e-6*w.P && e > 1e-14 {
				t.Errorf("type %d %s: p %.10g, want %.10g", typ, w.Term, r.P, w.P)
			}
			if w.P > 1e-6 { // where 1 − pf(F) is exact to 1e-10
				worst["p"] = math.Max(worst["p"], relErr(r.P, w.P))
			}
		})
	})
	t.Logf("largest relative gaps to nlme: %v", worst)
}
