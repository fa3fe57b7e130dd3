package mixed

import (
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// Marginal means with a residual structure against emmeans 1.8.4 on nlme
// 3.1-162 fits (testdata/golden/R/mixed_resid_emmeans.R): lme with its
// default df mode, containment (REML, ML, nested, varIdent with a random
// slope), gls with mode = "df.error"; at the covariates' means and at x = 1,
// with pairs(). df exactly; means, SEs, limits, t and p to 1e-6 (3e-5 for
// the nested fit, whose variance components agree with nlme's to 1e-5).
func TestGoldenEMMeansResid(t *testing.T) {
	type grid struct {
		EMMeans []struct {
			Arm                          string
			EMMean, SE, DF, Lower, Upper float64
		} `json:"emmeans"`
		Contrasts []struct {
			Contrast         string
			Estimate, SE, DF float64
			T                float64 `json:"t"`
			P                float64 `json:"p"`
		} `json:"contrasts"`
	}
	var g struct {
		Cases []struct {
			residCase
			Means grid `json:"means"`
			AtX1  grid `json:"at_x1"`
		} `json:"cases"`
	}
	if err := golden.Load("mixed_resid_emmeans.json", &g); err != nil {
		t.Fatal(err)
	}
	data, _ := loadResidGolden(t, "mixed_resid_emmeans.json")
	for _, c := range g.Cases {
		t.Run(c.name(), func(t *testing.T) {
			m := c.fit(t, data)
			tol := 1e-6
			if strings.Contains(c.Formula, "/") {
				tol = 3e-5
			}
			for name, w := range map[string]grid{"means": c.Means, "x = 1": c.AtX1} {
				spec := EMMSpec{Vars: []string{"arm"}, Pairs: true, At: map[string][]string{}}
				if name == "x = 1" {
					spec.At["x"] = []string{"1"}
				}
				res, err := m.EMMeans(spec)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.EMMeans) != len(w.EMMeans) || len(res.Contrasts) != len(w.Contrasts) {
					t.Fatalf("%s: %d means, %d contrasts; want %d, %d", name, len(res.EMMeans), len(res.Contrasts), len(w.EMMeans), len(w.Contrasts))
				}
				for i, e := range w.EMMeans {
					r := res.EMMeans[i]
					if r.Levels["arm"] != e.Arm || r.DF != e.DF {
						t.Errorf("%s mean %d: %s df %g, want %s df %g", name, i, r.Levels["arm"], r.DF, e.Arm, e.DF)
					}
					check(t, name+" "+e.Arm+" emmean", r.EMMean, e.EMMean, tol)
					check(t, name+" "+e.Arm+" se", r.SE, e.SE, tol)
					check(t, name+" "+e.Arm+" lower", r.CILB, e.Lower, tol)
					check(t, name+" "+e.Arm+" upper", r.CIUB, e.Upper, tol)
				}
				for i, e := range w.Contrasts {
					r := res.Contrasts[i]
					if r.Contrast != e.Contrast || r.DF != e.DF {
						t.Errorf("%s contrast %d: %q df %g, want %q df %g", name, i, r.Contrast, r.DF, e.Contrast, e.DF)
					}
					check(t, name+" "+e.Contrast+" estimate", r.Estimate, e.Estimate, tol)
					check(t, name+" "+e.Contrast+" se", r.SE, e.SE, tol)
					check(t, name+" "+e.Contrast+" t", r.T, e.T, tol)
					if math.Abs(r.P-e.P) > tol {
						t.Errorf("%s %s: p %g, want %g", name, e.Contrast, r.P, e.P)
					}
				}
			}
		})
	}
}
