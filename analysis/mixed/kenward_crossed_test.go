package mixed

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// krCrossedGolden is testdata/golden/mixed_kr_crossed.json
// (R/mixed_kr_crossed.R): pbkrtest 0.5.2 via lmerTest 3.1-3 at a
// Newton-polished REML optimum.
type krCrossedGolden struct {
	Fits []struct {
		Formula  string      `json:"formula"`
		Data     string      `json:"data"`
		LogLik   float64     `json:"logLik"`
		Theta    []float64   `json:"theta"`
		Names    strs        `json:"names"`
		Estimate fl          `json:"estimate"`
		SE       fl          `json:"se"`
		DF       fl          `json:"df"`
		Stat     fl          `json:"statistic"`
		P        fl          `json:"p"`
		Vcov     [][]float64 `json:"vcov"`
		VcovAdj  [][]float64 `json:"vcov_adj"`
		Anova3   []AnovaRow  `json:"anova3"`
	} `json:"fits"`
}

// krCSV reads testdata/golden/mixed_kr_crossed_<name>.csv (csvData).
func krCSV(t *testing.T, name string) Data {
	t.Helper()
	path, err := golden.Path("mixed_kr_crossed_" + name + ".csv")
	if err != nil {
		t.Fatal(err)
	}
	return csvData(t, path)
}

// Kenward–Roger on the general path against pbkrtest 0.5.2 (lmerTest's
// summary and type III anova with ddf = "Kenward-Roger", vcovAdj): lme4's
// Penicillin (plates × samples, fully crossed) intercept-only and with two
// simulated covariates; simulated partially crossed patients × raters with
// a factor arm, with a correlated random slope, and with a third crossed
// factor; an uncorrelated intercept and slope, written both as (1 + x ||
// patient) and as two terms. Estimates, SEs, t, F and Φ, Φ_A to 1e-6, df
// to 1e-4 (relative).
func TestKenwardRogerCrossedPbkrtest(t *testing.T) {
	var g krCrossedGolden
	if err := golden.Load("mixed_kr_crossed.json", &g); err != nil {
		t.Fatal(err)
	}
	data := map[string]Data{}
	var worstDF, worst float64
	note := func(df bool, got, want float64) {
		if df {
			worstDF = math.Max(worstDF, relErr(got, want))
		} else {
			worst = math.Max(worst, relErr(got, want))
		}
	}
	for _, fit := range g.Fits {
		if _, ok := data[fit.Data]; !ok {
			data[fit.Data] = krCSV(t, fit.Data)
		}
		t.Run(fit.Formula, func(t *testing.T) {
			m, err := Fit(fit.Formula, data[fit.Data], Options{DDF: DDFKenwardRoger})
			if err != nil {
				t.Fatal(err)
			}
			if !m.d.general {
				t.Fatal("not fitted on the general path")
			}
			r := m.Result
			check(t, "logLik", r.LogLik, fit.LogLik, tolLogLik)
			if r.DFMethod != "Kenward-Roger" {
				t.Errorf("df method %q", r.DFMethod)
			}
			p := len(r.Fixed)
			if p != len(fit.Names) {
				t.Fatalf("%d fixed effects, want %d", p, len(fit.Names))
			}
			for i, c := range r.Fixed {
				if c.Name != fit.Names[i] {
					t.Fatalf("coefficient %d is %q, want %q", i, c.Name, fit.Names[i])
				}
				check(t, c.Name+" estimate", c.Estimate, fit.Estimate[i], tolFixed)
				check(t, c.Name+" se (KR)", c.SE, fit.SE[i], tolKR)
				check(t, c.Name+" df (KR)", c.DF, fit.DF[i], tolKRDF)
				check(t, c.Name+" t", c.Statistic, fit.Stat[i], tolKR)
				check(t, c.Name+" p", c.P, fit.P[i], 1e-5)
				note(false, c.SE, fit.SE[i])
				note(true, c.DF, fit.DF[i])
				for j := 0; j < p; j++ {
					if e := math.Abs(r.VcovAdj[i][j]-fit.VcovAdj[i][j]) / math.Sqrt(fit.VcovAdj[i][i]*fit.VcovAdj[j][j]); e > tolKR {
						t.Errorf("vcov_adj[%d][%d] = %.10g, want %.10g (%.1e of the SEs)", i, j, r.VcovAdj[i][j], fit.VcovAdj[i][j], e)
					}
					if e := math.Abs(m.kr.Phi[i*p+j]-fit.Vcov[i][j]) / math.Sqrt(fit.Vcov[i][i]*fit.Vcov[j][j]); e > tolKR {
						t.Errorf("Φ[%d][%d] = %.10g, want %.10g", i, j, m.kr.Phi[i*p+j], fit.Vcov[i][j])
					}
				}
			}
			if len(fit.Anova3) == 0 {
				return
			}
			rows, err := m.Anova(3)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(fit.Anova3) {
				t.Fatalf("%d anova rows, want %d", len(rows), len(fit.Anova3))
			}
			for i, w := range fit.Anova3 {
				row := rows[i]
				if row.Term != w.Term || row.NumDF != w.NumDF {
					t.Errorf("term %q num_df %d, want %q %d", row.Term, row.NumDF, w.Term, w.NumDF)
				}
				check(t, w.Term+" F", row.F, w.F, tolKR)
				check(t, w.Term+" den_df", row.DenDF, w.DenDF, tolKRDF)
				check(t, w.Term+" sum_sq", row.SumSq, w.SumSq, tolKR)
				check(t, w.Term+" mean_sq", row.MeanSq, w.MeanSq, tolKR)
				check(t, w.Term+" p", row.P, w.P, 1e-5)
				note(false, row.F, w.F)
				note(true, row.DenDF, w.DenDF)
			}
		})
	}
	t.Logf("worst relative gap to pbkrtest: df %.1e, SE/F %.1e", worstDF, worst)
}

// nestedCodes returns, for a model on the nested path, the group of every
// row at every level, as the general path's design.codes holds them.
func nestedCodes(d *design) [][]int {
	nl := len(d.levels)
	codes := make([][]int, nl)
	for l := range codes {
		codes[l] = make([]int, d.n)
	}
	for j := 0; j < d.levels[0].nodes; j++ {
		node := j
		for l := 0; l < nl; l++ {
			if l > 0 {
				node = d.levels[l-1].parent[node]
			}
			for r := d.start[j]; r < d.start[j+1]; r++ {
				codes[l][r] = node
			}
		}
	}
	return codes
}

// The general path's sums (components, Woodbury with the finest groups
// eliminated) equal the nested path's (per top-level group through its
// random effects) on nested models, where both apply: random slopes,
// nested levels with slopes at both, three levels, and the 3-arm trial
// with a factor and its interaction with time.
func TestKenwardRogerGeneralIsNested(t *testing.T) {
	cache := map[string]Data{}
	for _, c := range []struct{ file, formula string }{
		{"mixed_anova_arm.json", "y ~ arm * time + (1 + time | patient)"},
		{"mixed_multilevel.json", "y ~ x + session + (1 + x | tid/pid)"},
		{"mixed_multilevel.json", "y ~ x + session + (1 | clinic/therapist/patient)"},
		{"mixed_multilevel.json", "y ~ x + session + (1 | tid/pid)"},
	} {
		m, err := Fit(c.formula, krData(t, c.file, cache), Options{})
		if err != nil {
			t.Fatal(err)
		}
		nested, err := m.krCompute(krGroupLowRank)
		if err != nil {
			t.Fatal(err)
		}
		codes := nestedCodes(m.d)
		gen, err := m.krAssemble(func(st *krSetup, acc *krSums) error { return m.krGeneralSums(st, codes, acc) })
		if err != nil {
			t.Fatal(err)
		}
		sameKR(t, c.formula, "general vs nested", gen, nested)
	}
}
