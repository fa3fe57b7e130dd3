package mixed

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// crossedGolden is testdata/golden/mixed_crossed.json (R/mixed_crossed.R):
// lme4 1.1-31 + lmerTest 3.1-3 at a Newton-polished optimum.
type crossedGolden struct {
	Datasets map[string]map[string]json.RawMessage `json:"datasets"`
	Fits     []struct {
		goldenFit
		Data string `json:"data"`
	} `json:"fits"`
	Ranova []struct {
		Data    string `json:"data"`
		Formula string `json:"formula"`
		Rows    []struct {
			Term   string   `json:"term"`
			NPar   int      `json:"npar"`
			LogLik float64  `json:"logLik"`
			LRT    *float64 `json:"LRT"`
			Df     *int     `json:"Df"`
			P      *float64 `json:"p"`
		} `json:"rows"`
	} `json:"ranova"`
}

func loadCrossed(t *testing.T) (crossedGolden, map[string]Data) {
	t.Helper()
	var g crossedGolden
	if err := golden.Load("mixed_crossed.json", &g); err != nil {
		t.Fatal(err)
	}
	data := map[string]Data{}
	for k, cols := range g.Datasets {
		data[k] = goldenFile{Data: cols}.data(t)
	}
	return g, data
}

// Crossed (Penicillin; simulated patients × raters, partially crossed, with
// a random slope too), uncorrelated ((Days || Subject), (1 | Subject) +
// (0 + Days | Subject)) and three-column random effects, against lme4 +
// lmerTest at the polished optimum: estimates and SEs 1e-6, variance
// components and θ 1e-6, logLik 1e-8, Satterthwaite df 1e-4, BLUPs and
// their conditional SDs 1e-6.
func TestGoldenCrossed(t *testing.T) {
	g, data := loadCrossed(t)
	for _, gf := range g.Fits {
		name := gf.Formula + map[bool]string{true: " REML", false: " ML"}[gf.REML]
		t.Run(name, func(t *testing.T) {
			m, err := Fit(gf.Formula, data[gf.Data], Options{ML: !gf.REML})
			if err != nil {
				t.Fatal(err)
			}
			r := m.Result
			if !r.Converged {
				t.Errorf("not converged: %s", r.Reason)
			}
			check(t, "logLik", r.LogLik, gf.LogLik, 1e-8)
			check(t, "AIC", r.AIC, *gf.AIC, 1e-8)
			check(t, "BIC", r.BIC, *gf.BIC, 1e-8)
			if len(r.Fixed) != len(gf.Names) {
				t.Fatalf("%d fixed effects, want %d", len(r.Fixed), len(gf.Names))
			}
			for i, c := range r.Fixed {
				if c.Name != gf.Names[i] {
					t.Errorf("fixed %d named %q, want %q", i, c.Name, gf.Names[i])
				}
				check(t, c.Name+" estimate", c.Estimate, gf.Estimate[i], 1e-6)
				check(t, c.Name+" se", c.SE, gf.SE[i], 1e-6)
				check(t, c.Name+" df", c.DF, gf.DF[i], 1e-4)
				check(t, c.Name+" t", c.Statistic, gf.Stat[i], 1e-6)
			}
			check(t, "residual variance", r.ResidualVariance, gf.ResidualVariance, 1e-6)
			if len(r.Random) != len(gf.Random.Variance) {
				t.Fatalf("%d variance components, want %d", len(r.Random), len(gf.Random.Variance))
			}
			for i, v := range r.Random {
				if v.Group != gf.Random.Group[i] || v.Name != gf.Random.Name[i] {
					t.Errorf("component %d = %s/%s, want %s/%s", i, v.Group, v.Name, gf.Random.Group[i], gf.Random.Name[i])
				}
				check(t, v.Group+" "+v.Name+" variance", v.Variance, gf.Random.Variance[i], 1e-6)
			}
			nc := 0
			if gf.Correlations != nil {
				nc = len(gf.Correlations.Corr)
				for i, c := range r.Correlations {
					if i < nc && math.Abs(c.Corr-gf.Correlations.Corr[i]) > 1e-6 {
						t.Errorf("corr %d = %g, want %g", i, c.Corr, gf.Correlations.Corr[i])
					}
				}
			}
			if len(r.Correlations) != nc {
				t.Errorf("%d correlations, want %d", len(r.Correlations), nc)
			}
			if len(r.Theta) != len(gf.Theta) {
				t.Fatalf("θ has %d entries, want %d", len(r.Theta), len(gf.Theta))
			}
			for i, th := range gf.Theta {
				if math.Abs(r.Theta[i]-th) > 1e-6*math.Max(1, math.Abs(th)) {
					t.Errorf("theta[%d] = %.10g, want %.10g", i, r.Theta[i], th)
				}
			}
			for k, v := range gf.NGroups {
				if r.NGroups[k] != v {
					t.Errorf("ngroups[%s] = %d, want %d", k, r.NGroups[k], v)
				}
			}
			if len(r.NGroups) != len(gf.NGroups) {
				t.Errorf("ngroups %v, want %v", r.NGroups, gf.NGroups)
			}
			type key struct{ g, n, l string }
			got := map[key]BLUP{}
			for _, b := range r.Ranef {
				got[key{b.Group, b.Name, b.Level}] = b
			}
			nb := 0
			for _, gr := range gf.Ranef {
				for k, lev := range gr.Levels {
					b, ok := got[key{gr.Group, gr.Name, lev}]
					if !ok {
						t.Errorf("no BLUP for %s %s %s", gr.Group, gr.Name, lev)
						continue
					}
					nb++
					if math.Abs(b.Value-gr.Value[k]) > 1e-6*math.Max(1, math.Abs(gr.Value[k])) {
						t.Errorf("BLUP %s %s %s = %.10g, want %.10g", gr.Group, gr.Name, lev, b.Value, gr.Value[k])
					}
					check(t, "cond SD "+gr.Group+" "+gr.Name+" "+lev, b.CondSD, gr.CondSD[k], 1e-6)
				}
			}
			if nb != len(r.Ranef) {
				t.Errorf("%d BLUPs, golden has %d", len(r.Ranef), nb)
			}
			// The agreement reached, for the record (go test -v).
			var ev, edf, eb float64
			for i, v := range r.Random {
				ev = math.Max(ev, relErr(v.Variance, gf.Random.Variance[i]))
			}
			for i, c := range r.Fixed {
				edf = math.Max(edf, relErr(c.DF, gf.DF[i]))
			}
			for _, gr := range gf.Ranef {
				for k, lev := range gr.Levels {
					b := got[key{gr.Group, gr.Name, lev}]
					eb = math.Max(eb, math.Max(math.Abs(b.Value-gr.Value[k])/math.Max(1, math.Abs(gr.Value[k])), relErr(b.CondSD, gr.CondSD[k])))
				}
			}
			t.Logf("rel. errors: logLik %.1e, variances %.1e, df %.1e, BLUPs %.1e (%d evaluations)", relErr(r.LogLik, gf.LogLik), ev, edf, eb, r.Evaluations)
		})
	}
}

// TestRanovaCrossed: lmerTest's ranova(m, reduce.terms = TRUE) on crossed
// factors and on a double-bar term (its scalar terms tested one by one,
// "Days in (0 + Days | Subject)").
func TestRanovaCrossed(t *testing.T) {
	g, data := loadCrossed(t)
	for _, c := range g.Ranova {
		t.Run(c.Formula, func(t *testing.T) {
			m, err := Fit(c.Formula, data[c.Data], Options{})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := m.Ranova(true)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(c.Rows) {
				t.Fatalf("%d rows, lmerTest %d", len(rows), len(c.Rows))
			}
			for i, w := range c.Rows {
				r := rows[i]
				if r.Term != w.Term || r.NPar != w.NPar {
					t.Errorf("row %d: %q npar %d, lmerTest %q npar %d", i, r.Term, r.NPar, w.Term, w.NPar)
				}
				// lmerTest refits with bobyqa (rhoend 1e-12): 1e-9 of logLik.
				check(t, w.Term+" logLik", r.LogLik, w.LogLik, 1e-9)
				if w.LRT != nil {
					if r.LRT == nil || math.Abs(*r.LRT-*w.LRT) > 1e-6*math.Max(1, *w.LRT) {
						t.Errorf("%s LRT %v, lmerTest %g", w.Term, r.LRT, *w.LRT)
					}
					if r.DF != *w.Df {
						t.Errorf("%s Df %d, lmerTest %d", w.Term, r.DF, *w.Df)
					}
				}
			}
		})
	}
}

// TestGroupedShortcut: the per-size shortcut of two-term models
// (general_grouped.go) gives the sparse factorisation's criterion, fixed
// effect covariance and r² to rounding, at θ away from the optimum too.
func TestGroupedShortcut(t *testing.T) {
	_, data := loadCrossed(t)
	for _, tc := range []struct{ data, formula string }{
		{"penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)"},
		{"raters", "y ~ x + (1 | patient) + (1 | rater)"},
		{"sleepstudy", "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)"},
		{"raters", "y ~ x + (1 | patient) + (1 + x | rater)"},
	} {
		m, err := Fit(tc.formula, data[tc.data], Options{})
		if err != nil {
			t.Fatal(err)
		}
		g := m.e.gen
		if g == nil || g.grp == nil {
			t.Fatalf("%s: no shortcut", tc.formula)
		}
		for _, scale := range []float64{1, 0.3, 2.5} {
			th := append([]float64(nil), m.x...)
			for i := range th {
				th[i] = th[i]*scale + 0.01
			}
			c1, ok1 := m.e.eval(th, 0)
			C1 := m.e.covBetaUnscaled()
			g.noShortcut = true
			c2, ok2 := m.e.eval(th, 0)
			C2 := m.e.covBetaUnscaled()
			g.noShortcut = false
			if !ok1 || !ok2 {
				t.Fatalf("%s: evaluation failed", tc.formula)
			}
			for _, v := range [][2]float64{{c1.ldL2, c2.ldL2}, {c1.ldRX2, c2.ldRX2}, {c1.r2, c2.r2}} {
				if math.Abs(v[0]-v[1]) > 1e-10*math.Max(1, math.Abs(v[1])) {
					t.Errorf("%s θ×%g: shortcut %.15g, sparse %.15g", tc.formula, scale, v[0], v[1])
				}
			}
			for i := range C1 {
				if math.Abs(C1[i]-C2[i]) > 1e-10*math.Max(1e-3, math.Abs(C2[i])) {
					t.Errorf("%s θ×%g: cov[%d] shortcut %g, sparse %g", tc.formula, scale, i, C1[i], C2[i])
				}
			}
		}
	}
}
