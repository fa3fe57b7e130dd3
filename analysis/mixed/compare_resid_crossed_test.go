package mixed

import (
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// Likelihood-ratio tests of crossed fits with residual structures against
// nlme 3.1-162's anova(small, big) of the polished fits
// (testdata/golden/R/mixed_resid_crossed.R, which writes
// mixed_resid_crossed_compare.json): ML fits where the fixed effects differ
// (AR(1): y ~ session against y ~ session * arm + x; varIdent by rater: z ~
// week against z ~ week + x), REML fits where they are the same (no
// correlation against AR(1); AR(1) against AR(1) with varIdent; (1 |
// patient) against (1 | patient) + (1 | rater), both with AR(1)). Per model
// npar exactly, logLik, AIC and BIC (nlme's; log(n − p) for REML) to 1e-8;
// L.Ratio to 1e-6 and p to 1e-6 relative. The ML cases are also compared
// from REML fits, which Compare refits by ML (Refit); the REML cases must
// not be refitted.
func TestGoldenCompareResidCrossed(t *testing.T) {
	type model struct {
		Formula     string  `json:"formula"`
		Correlation string  `json:"correlation"`
		Time        string  `json:"time"`
		Group       string  `json:"group"`
		Weights     string  `json:"weights"`
		DF          int     `json:"df"`
		LogLik      float64 `json:"logLik"`
		AIC         float64 `json:"AIC"`
		BIC         float64 `json:"BIC"`
	}
	var g struct {
		Cases []struct {
			REML   bool     `json:"REML"`
			Models [2]model `json:"models"`
			LRatio float64  `json:"L_Ratio"`
			P      float64  `json:"p"`
		} `json:"cases"`
	}
	if err := golden.Load("mixed_resid_crossed_compare.json", &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) == 0 {
		t.Fatal("no cases")
	}
	data, _ := loadResidGolden(t, "mixed_resid_crossed.json")
	worst := gaps{}
	for _, c := range g.Cases {
		name := c.Models[0].Formula + " " + c.Models[0].Correlation + c.Models[0].Weights + " vs " + c.Models[1].Formula + " " + c.Models[1].Correlation + c.Models[1].Weights
		fits := []bool{!c.REML} // ML fits for the ML cases, REML for the REML ones
		if !c.REML {
			fits = append(fits, false) // ML cases again from REML fits
		}
		for _, ml := range fits {
			t.Run(name+map[bool]string{true: " ML", false: " REML"}[ml], func(t *testing.T) {
				var ms [2]*Model
				for i, gm := range c.Models {
					m, err := Fit(gm.Formula, data, Options{ML: ml, Correlation: gm.Correlation, Time: gm.Time, Group: gm.Group, Weights: gm.Weights})
					if err != nil {
						t.Fatal(err)
					}
					ms[i] = m
				}
				lrt, err := Compare(ms[1], ms[0])
				if err != nil {
					t.Fatal(err)
				}
				if want := !c.REML && !ml; lrt.Refit != want {
					t.Errorf("refit %v, want %v (note %q)", lrt.Refit, want, lrt.Note)
				}
				for i, gm := range c.Models {
					mf := lrt.Models[i]
					if mf.Formula != gm.Formula || mf.NPar != gm.DF {
						t.Errorf("model %d: %s with %d parameters, want %s with %d", i, mf.Formula, mf.NPar, gm.Formula, gm.DF)
					}
					worst.check(t, "logLik", mf.LogLik, gm.LogLik, 1e-8)
					worst.check(t, "AIC", mf.AIC, gm.AIC, 1e-8)
					worst.check(t, "BIC", mf.BIC, gm.BIC, 1e-8)
				}
				if lrt.DF != c.Models[1].DF-c.Models[0].DF {
					t.Errorf("df %d, want %d", lrt.DF, c.Models[1].DF-c.Models[0].DF)
				}
				worst.check(t, "L.Ratio", lrt.Chisq, c.LRatio, 1e-6)
				worst.check(t, "p", lrt.P, c.P, 1e-6)
			})
		}
	}
	t.Logf("largest relative gaps to nlme: %v", worst)
}
