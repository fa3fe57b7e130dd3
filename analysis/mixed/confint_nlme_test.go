package mixed

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// nlme's intervals(m) of crossed fits with a residual structure
// (testdata/golden/R/mixed_resid_crossed.R, which writes
// mixed_resid_crossed_intervals.json): the golden's main fits but arma11
// (AR(1), CAR(1), corExp, varIdent, varPower, corCompSymm with a patient
// slope, (1 + session || patient)), REML and ML. The reference is nlme's
// intervals(m, which = "var-cov") at the polished optimum with apVar from
// nlme's lmeApVar, its fdHess replaced by numDeriv's Richardson Hessian:
// the SDs, correlation and variance parameters and σ (lower, estimate,
// upper) to 1e-6 of the value or of the half-width if that is larger. nlme's own intervals(m) (fdHess at its own
// stopping point) are up to ~1e-2 away; the test logs that gap. The fixed
// effects' intervals are the table's, pinned in TestGoldenAnovaResidCrossed.
func TestGoldenConfintNlmeCrossed(t *testing.T) {
	type row = nlmeCIRow
	type vcs struct {
		Re    []row `json:"re"`
		Cor   []row `json:"cor"`
		Var   []row `json:"var"`
		Sigma row   `json:"sigma"`
	}
	var g struct {
		Cases []struct {
			residGoldenFit
			vcs
			NLME vcs `json:"nlme"`
		} `json:"cases"`
	}
	if err := golden.Load("mixed_resid_crossed_intervals.json", &g); err != nil {
		t.Fatal(err)
	}
	worst := map[string]float64{}
	forCrossedFits(t, len(g.Cases), func(i int) residGoldenFit { return g.Cases[i].residGoldenFit }, func(t *testing.T, i int, m *Model) {
		c := g.Cases[i]
		ci, err := m.Confint(ConfintOptions{Method: "nlme", Level: 0.95})
		if err != nil {
			t.Fatal(err)
		}
		var want []row
		var wantNLME []row
		want = append(append(append(want, c.Re...), c.Cor...), reorderVar(t, ci.Intervals, len(c.Re)+len(c.Cor), c.Var)...)
		wantNLME = append(append(append(wantNLME, c.NLME.Re...), c.NLME.Cor...), reorderVar(t, ci.Intervals, len(c.Re)+len(c.Cor), c.NLME.Var)...)
		want, wantNLME = append(want, c.Sigma), append(wantNLME, c.NLME.Sigma)
		if len(ci.Intervals) != len(want)+len(m.Result.Fixed) {
			t.Fatalf("%d intervals, want %d variance parameters and %d fixed effects", len(ci.Intervals), len(want), len(m.Result.Fixed))
		}
		gapNLME := 0.0
		for i, w := range want {
			got := ci.Intervals[i]
			for _, v := range []struct {
				what      string
				got, want float64
			}{{"lower", got.Lower, w.Lower}, {"estimate", got.Estimate, w.Est}, {"upper", got.Upper, w.Upper}} {
				// relative to the value or, if larger, the half-width: a
				// limit near 0 (φ's lower limit 0.0077 of the || fit) is
				// a difference of the estimate and the half-width
				e := math.Abs(v.got-v.want) / math.Max(math.Abs(v.want), (w.Upper-w.Lower)/2)
				worst[v.what] = math.Max(worst[v.what], e)
				if !(e <= 1e-6) {
					t.Errorf("%s %s (%s) %s = %.10g, want %.10g (error %.1e)", got.Parm, got.Name, w.Name, v.what, v.got, v.want, e)
				}
			}
			gapNLME = math.Max(gapNLME, math.Max(relErr(got.Lower, wantNLME[i].Lower), relErr(got.Upper, wantNLME[i].Upper)))
		}
		for i, f := range m.Result.Fixed {
			got := ci.Intervals[len(want)+i]
			if got.Parm != f.Name || got.Lower != f.CILB || got.Upper != f.CIUB {
				t.Errorf("fixed %s: interval %s [%g, %g], want the table's [%g, %g]", f.Name, got.Parm, got.Lower, got.Upper, f.CILB, f.CIUB)
			}
		}
		t.Logf("largest relative gap to nlme's own intervals(m) (fdHess, unpolished): %.1e", gapNLME)
	})
	t.Logf("largest relative gaps to nlme (precise apVar): %v", worst)
}

// reorderVar puts the varIdent rows of nlme (in its strata's order) in the
// order of ours, which start at index off, matching by level name.
func reorderVar(t *testing.T, got []CI, off int, rows []nlmeCIRow) []nlmeCIRow {
	t.Helper()
	out := make([]nlmeCIRow, len(rows))
	for i := range rows {
		if off+i >= len(got) {
			t.Fatalf("too few intervals")
		}
		found := false
		for _, r := range rows {
			if r.Name == got[off+i].Name {
				out[i], found = r, true
			}
		}
		if !found {
			t.Fatalf("no nlme row for variance parameter %q", got[off+i].Name)
		}
	}
	return out
}

// nlmeCIRow is one row of nlme's intervals(m, which = "var-cov").
type nlmeCIRow struct {
	Name  string  `json:"name"`
	Lower float64 `json:"lower"`
	Est   float64 `json:"est"`
	Upper float64 `json:"upper"`
}
