package mixed

import (
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// Residual correlations with crossed random effects against nlme 3.1-162
// (testdata/golden/R/mixed_resid_crossed.R): y ~ time + (1 | patient) +
// (1 | rater), AR(1) over sessions and CAR(1) over unevenly spaced weeks
// within patient, REML and ML, corExp and corARMA(1, 1), varIdent by rater
// with and without AR(1), varPower(form = ~ session) with AR(1),
// corCompSymm within patient with a patient slope, y ~ session + (0 +
// session | patient) + (1 | rater) (REML and ML), and (1 + session ||
// patient) with AR(1); nlme fits the crossed factors as one
// pdBlocked group, polished by Newton steps on nlme's own criterion (nlme's
// nlminb stops up to 7e-9 short in logLik, with variances 5e-5 apart).
// Fixed effects, SEs, variances and φ to 1e-6 relative,
// logLik to 1e-8, nlme's df exactly.
func TestGoldenResidCrossed(t *testing.T) {
	var g struct {
		Fits []struct {
			residGoldenFit
			NLMELogLik float64 `json:"nlme_logLik"`
			ReVar      []struct {
				Group    string  `json:"group"`
				Variance float64 `json:"variance"`
			} `json:"re_var"`
		} `json:"fits"`
	}
	if err := golden.Load("mixed_resid_crossed.json", &g); err != nil {
		t.Fatal(err)
	}
	data, _ := loadResidGolden(t, "mixed_resid_crossed.json")
	for _, gf := range g.Fits {
		name := gf.label()
		t.Run(name, func(t *testing.T) {
			m, err := Fit(gf.Formula, data, gf.options())
			if err != nil {
				t.Fatal(err)
			}
			r := m.Result
			if !r.Converged {
				t.Errorf("not converged: %s", r.Reason)
			}
			worst := gaps{}
			worst.check(t, "logLik", r.LogLik, gf.LogLik, 1e-8)
			worst.check(t, "AIC", r.AIC, gf.AIC, 1e-8)
			worst.check(t, "residual variance", r.ResidualVariance, gf.ResidVar, 1e-6)
			checkFixedAndResid(t, r, gf.residGoldenFit, 1e-6, 1e-6)
			for _, rv := range gf.ReVar {
				found := false
				for _, v := range r.Random {
					if v.Group == rv.Group {
						if rv.Variance < 1e-4*gf.ResidVar {
							// at the boundary (the arma11 fit's patient
							// variance): absolutely, to 1e-6 σ²
							if math.Abs(v.Variance-rv.Variance) > 1e-6*gf.ResidVar {
								t.Errorf("%s variance = %.10g, want %.10g", rv.Group, v.Variance, rv.Variance)
							}
						} else {
							worst.check(t, "variances", v.Variance, rv.Variance, 1e-6)
						}
						found = true
					}
				}
				if !found {
					t.Errorf("no variance component for %s", rv.Group)
				}
			}
			// nlme's own nlminb stops short of the polished optimum; ours is
			// not below its logLik.
			if r.LogLik < gf.NLMELogLik-1e-10 {
				t.Errorf("logLik %.12f below nlme's unpolished %.12f", r.LogLik, gf.NLMELogLik)
			}
			t.Logf("largest relative gaps to polished nlme: %v; logLik %.1e above nlme's own fit (%d evaluations)", worst, r.LogLik-gf.NLMELogLik, r.Evaluations)
		})
	}
}

// Crossed factors with a residual structure: the correlation group must be
// named and be the finest factor; the power of the fitted values is refused.
func TestResidCrossedRefusals(t *testing.T) {
	data, _ := loadResidGolden(t, "mixed_resid_crossed.json")
	f := "y ~ session + (1 | patient) + (1 | rater)"
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{Correlation: "ar1", Time: "session"}, "name the factor within which residuals are correlated"},
		{Options{Correlation: "ar1", Time: "session", Group: "rater"}, `only within the groups of the finest grouping factor, "patient"`},
		{Options{Correlation: "ar1", Time: "session", Group: "clinic"}, `correlation group "clinic" is not a grouping factor`},
		{Options{Correlation: "ar1", Time: "session", Group: "patient", Weights: "varpower"}, "the power of the fitted values (varpower without a column) needs nested random effects"},
	} {
		_, err := Fit(f, data, tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.o, err, tc.want)
		}
	}
	// ranova: the reduced model without (1 | patient) would lose the
	// correlation group.
	m, err := Fit(f, data, Options{Correlation: "ar1", Time: "session", Group: "patient"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Ranova(false); err == nil || !strings.Contains(err.Error(), `would remove "patient"`) {
		t.Errorf("ranova: error %v, want the correlation group refused", err)
	}
	// emmeans on nlme's pdBlocked fit has containment df 0 (checked with
	// emmeans 1.8.4-1 in R): refused rather than given other df.
	if _, err := m.EMMeans(EMMSpec{Vars: []string{"session"}}); errs.KindOf(err) != errs.InvalidOption || !strings.Contains(err.Error(), "containment df 0") {
		t.Errorf("emmeans: error %v, want a refusal", err)
	}
}

// Compound symmetry within patient beside a patient intercept, (1 | patient)
// + (1 | rater) with corCompSymm(form = ~ 1 | all/patient), REML and ML,
// against nlme 3.1-162 (the cs_ridge fits of mixed_resid_crossed.R): ρ, σ²
// and the patient variance are not identified (a ridge of equal
// likelihood), so what is compared is what is identified — logLik and AIC
// to 1e-8, the fixed effects and their SEs to 1e-6, nlme's df, the rater
// variance and σ²(1 − ρ) and σ²ρ + var(patient) to 1e-6 — and the notes
// must say that the split is not identified.
func TestGoldenResidCrossedCSRidge(t *testing.T) {
	var g struct {
		Ridge []struct {
			residGoldenFit
			ReVar []struct {
				Group    string  `json:"group"`
				Variance float64 `json:"variance"`
			} `json:"re_var"`
			Within  float64 `json:"within"`
			Between float64 `json:"between"`
		} `json:"cs_ridge"`
	}
	if err := golden.Load("mixed_resid_crossed.json", &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Ridge) != 2 {
		t.Fatalf("%d cs_ridge fits, want 2", len(g.Ridge))
	}
	data, _ := loadResidGolden(t, "mixed_resid_crossed.json")
	for _, gf := range g.Ridge {
		t.Run(map[bool]string{true: "REML", false: "ML"}[gf.REML], func(t *testing.T) {
			m, err := Fit(gf.Formula, data, Options{ML: !gf.REML, Correlation: gf.Correlation, Group: gf.Group})
			if err != nil {
				t.Fatal(err)
			}
			r := m.Result
			if !r.Converged {
				t.Errorf("not converged: %s", r.Reason)
			}
			check(t, "logLik", r.LogLik, gf.LogLik, 1e-8)
			check(t, "AIC", r.AIC, gf.AIC, 1e-8)
			for i, c := range r.Fixed {
				check(t, c.Name, c.Estimate, gf.Estimate[i], 1e-6)
				check(t, c.Name+" se", c.SE, gf.SE[i], 1e-6)
				check(t, c.Name+" df", c.DF, gf.DF[i], 1e-4)
			}
			vars := map[string]float64{}
			for _, v := range r.Random {
				vars[v.Group] = v.Variance
			}
			rho := r.CorStruct.Params[0].Value
			check(t, "rater variance", vars["rater"], gf.ReVar[1].Variance, 1e-6)
			check(t, "σ²(1 − ρ)", r.ResidualVariance*(1-rho), gf.Within, 1e-6)
			check(t, "σ²ρ + var(patient)", r.ResidualVariance*rho+vars["patient"], gf.Between, 1e-6)
			t.Logf("ours ρ = %.4f, σ² = %.4f, var(patient) = %.4f; nlme's ρ = %.4f (the ridge)", rho, r.ResidualVariance, vars["patient"], gf.CorParams[0].Value)
			found := false
			for _, n := range r.Notes {
				found = found || strings.Contains(n, "not separately identified")
			}
			if !found {
				t.Errorf("no note on the ridge; notes %q", r.Notes)
			}
		})
	}
	// The nested path has the same ridge; with a patient slope instead of
	// the intercept (the cs fits of the golden's main list) or a variance
	// function there is none, and no note.
	for _, tc := range []struct {
		formula, weights string
		ridge            bool
	}{
		{"y ~ session + (1 | patient)", "", true},
		{"y ~ session + (0 + session | patient) + (1 | rater)", "", false},
		{"y ~ session + (1 | patient) + (1 | rater)", "varident:rater", false},
	} {
		m, err := Fit(tc.formula, data, Options{Correlation: "cs", Group: "patient", Weights: tc.weights})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, n := range m.Result.Notes {
			found = found || strings.Contains(n, "not separately identified")
		}
		if found != tc.ridge {
			t.Errorf("%s %s: ridge note %v, want %v (notes %q)", tc.formula, tc.weights, found, tc.ridge, m.Result.Notes)
		}
	}
}
