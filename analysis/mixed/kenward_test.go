package mixed

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/golden"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

type krGolden struct {
	Fits []struct {
		Formula  string      `json:"formula"`
		DataFrom string      `json:"data_from"`
		LogLik   float64     `json:"logLik"`
		Names    strs        `json:"names"`
		Estimate fl          `json:"estimate"`
		SE       fl          `json:"se"`
		DF       fl          `json:"df"`
		Stat     fl          `json:"statistic"`
		P        fl          `json:"p"`
		Vcov     [][]float64 `json:"vcov"`
		VcovAdj  [][]float64 `json:"vcov_adj"`
		Anovas   []struct {
			Type  int        `json:"type"`
			Anova []AnovaRow `json:"anova"`
		} `json:"anovas"`
		EMMeans []struct {
			Spec      string                       `json:"spec"`
			At        map[string]json.RawMessage   `json:"at"`
			Vars      strs                         `json:"vars"`
			By        strs                         `json:"by"`
			EMMeans   []map[string]json.RawMessage `json:"emmeans"`
			Contrasts []map[string]json.RawMessage `json:"contrasts"`
		} `json:"emmeans"`
	} `json:"fits"`
}

// krData reads the rows of another golden file (data_from).
func krData(t *testing.T, file string, cache map[string]Data) Data {
	t.Helper()
	if d, ok := cache[file]; ok {
		return d
	}
	var g goldenFile
	if err := golden.Load(file, &g); err != nil {
		t.Fatal(err)
	}
	d := g.data(t)
	cache[file] = d
	return d
}

// Tolerances against pbkrtest: df 1e-4 relative, F/t/SE 1e-6 (the brief);
// the variance parameters behind both come from optimisers that agree to
// ~1e-7, which moves the KR df by about as much.
const (
	tolKRDF = 1e-4
	tolKR   = 1e-6
)

// The Kenward–Roger t tests, adjusted covariance, F tests and marginal
// means against pbkrtest 0.5.2 via lmerTest 3.1-3 (summary and anova with
// ddf = "Kenward-Roger") and emmeans 1.8.4-1 (lmer.df = "kenward-roger"):
// sleepstudy, the simulated 3-arm trial with factor(arm) × time and arm ×
// site, and the unbalanced nested therapist/patient data with random
// intercepts and random slopes at both levels and a three-level nesting.
func TestKenwardRogerPbkrtest(t *testing.T) {
	var g krGolden
	if err := golden.Load("mixed_kr.json", &g); err != nil {
		t.Fatal(err)
	}
	cache := map[string]Data{}
	var worstDF, worst float64
	note := func(df bool, got, want float64) {
		e := relErr(got, want)
		if df {
			worstDF = math.Max(worstDF, e)
		} else {
			worst = math.Max(worst, e)
		}
	}
	for _, fit := range g.Fits {
		data := krData(t, fit.DataFrom, cache)
		m, err := Fit(fit.Formula, data, Options{DDF: DDFKenwardRoger})
		if err != nil {
			t.Fatalf("%s: %v", fit.Formula, err)
		}
		r := m.Result
		check(t, fit.Formula+" logLik", r.LogLik, fit.LogLik, tolLogLik)
		if r.DFMethod != "Kenward-Roger" {
			t.Errorf("%s: df method %q", fit.Formula, r.DFMethod)
		}
		for i, c := range r.Fixed {
			what := fit.Formula + " " + c.Name
			if c.Name != fit.Names[i] {
				t.Fatalf("%s: coefficient %d is %q, want %q", fit.Formula, i, c.Name, fit.Names[i])
			}
			check(t, what+" estimate", c.Estimate, fit.Estimate[i], tolFixed)
			check(t, what+" se (KR)", c.SE, fit.SE[i], tolKR)
			check(t, what+" df (KR)", c.DF, fit.DF[i], tolKRDF)
			check(t, what+" t", c.Statistic, fit.Stat[i], tolKR)
			check(t, what+" p", c.P, fit.P[i], 1e-4)
			note(false, c.SE, fit.SE[i])
			note(true, c.DF, fit.DF[i])
			for j := range fit.VcovAdj[i] {
				if e := math.Abs(r.VcovAdj[i][j]-fit.VcovAdj[i][j]) / math.Sqrt(fit.VcovAdj[i][i]*fit.VcovAdj[j][j]); e > tolKR {
					t.Errorf("%s: vcov_adj[%d][%d] = %.10g, want %.10g (%.1e of the SEs)", fit.Formula, i, j, r.VcovAdj[i][j], fit.VcovAdj[i][j], e)
				}
				// Φ itself, as the check that Σ is assembled right.
				if e := math.Abs(m.kr.Phi[i*len(r.Fixed)+j]-fit.Vcov[i][j]) / math.Sqrt(fit.Vcov[i][i]*fit.Vcov[j][j]); e > tolKR {
					t.Errorf("%s: Φ[%d][%d] = %.10g, want %.10g", fit.Formula, i, j, m.kr.Phi[i*len(r.Fixed)+j], fit.Vcov[i][j])
				}
			}
		}
		for _, a := range fit.Anovas {
			rows, err := m.Anova(a.Type)
			if err != nil {
				t.Fatalf("%s type %d: %v", fit.Formula, a.Type, err)
			}
			if len(rows) != len(a.Anova) {
				t.Fatalf("%s type %d: %d rows, want %d", fit.Formula, a.Type, len(rows), len(a.Anova))
			}
			for i, w := range a.Anova {
				row := rows[i]
				what := fit.Formula + " type " + strconv.Itoa(a.Type) + " " + w.Term
				if row.Term != w.Term || row.NumDF != w.NumDF {
					t.Errorf("%s: term %q num_df %d, want %q %d", what, row.Term, row.NumDF, w.Term, w.NumDF)
				}
				check(t, what+" F", row.F, w.F, tolKR)
				check(t, what+" den_df", row.DenDF, w.DenDF, tolKRDF)
				check(t, what+" sum_sq", row.SumSq, w.SumSq, tolKR)
				check(t, what+" mean_sq", row.MeanSq, w.MeanSq, tolKR)
				check(t, what+" p", row.P, w.P, 1e-5)
				note(false, row.F, w.F)
				note(true, row.DenDF, w.DenDF)
			}
		}
		for _, c := range fit.EMMeans {
			vars, by, err := ParseEMMSpec(c.Spec)
			if err != nil {
				t.Fatal(err)
			}
			spec := EMMSpec{Vars: vars, By: by, Pairs: true, At: map[string][]string{}}
			for k, raw := range c.At {
				var xs []float64
				if json.Unmarshal(raw, &xs) != nil {
					var x float64
					if uerr := json.Unmarshal(raw, &x); uerr != nil {
						t.Fatal(uerr)
					}
					xs = []float64{x}
				}
				for _, x := range xs {
					spec.At[k] = append(spec.At[k], strconv.FormatFloat(x, 'g', -1, 64))
				}
			}
			res, err := m.EMMeans(spec)
			if err != nil {
				t.Fatalf("%s %s: %v", fit.Formula, c.Spec, err)
			}
			if len(res.EMMeans) != len(c.EMMeans) || len(res.Contrasts) != len(c.Contrasts) {
				t.Fatalf("%s %s: %d means and %d contrasts, want %d and %d", fit.Formula, c.Spec, len(res.EMMeans), len(res.Contrasts), len(c.EMMeans), len(c.Contrasts))
			}
			for i, w := range c.EMMeans {
				e := res.EMMeans[i]
				what := fit.Formula + " emmeans(" + c.Spec + ") " + strconv.Itoa(i)
				for _, v := range append(append([]string(nil), vars...), by...) {
					if e.Levels[v] != rawString(t, w, v) {
						t.Errorf("%s: %s = %q, want %q", what, v, e.Levels[v], rawString(t, w, v))
					}
				}
				check(t, what+" emmean", e.EMMean, rawFloat(t, w, "emmean"), tolFixed)
				check(t, what+" se", e.SE, rawFloat(t, w, "se"), tolKR)
				check(t, what+" df", e.DF, rawFloat(t, w, "df"), tolKRDF)
				check(t, what+" lower", e.CILB, rawFloat(t, w, "lower"), tolKR)
				note(false, e.SE, rawFloat(t, w, "se"))
				note(true, e.DF, rawFloat(t, w, "df"))
			}
			for i, w := range c.Contrasts {
				e := res.Contrasts[i]
				what := fit.Formula + " pairs(" + c.Spec + ") " + e.Contrast
				if e.Contrast != rawString(t, w, "contrast") {
					t.Errorf("%s: contrast %q, want %q", what, e.Contrast, rawString(t, w, "contrast"))
				}
				check(t, what+" se", e.SE, rawFloat(t, w, "se"), tolKR)
				check(t, what+" df", e.DF, rawFloat(t, w, "df"), tolKRDF)
				check(t, what+" t", e.T, rawFloat(t, w, "t"), tolKR)
				check(t, what+" p (tukey)", e.P, rawFloat(t, w, "p"), 1e-5)
				note(false, e.SE, rawFloat(t, w, "se"))
				note(true, e.DF, rawFloat(t, w, "df"))
			}
		}
	}
	t.Logf("worst relative gap to pbkrtest: df %.1e, SE/F %.1e", worstDF, worst)
}

// A property of the adjustment that holds whatever R says: Φ_A − Φ is
// positive semi-definite in the direction of every fixed effect for these
// fits (Kenward & Roger's Λ inflates the variance: Φ_A ≥ Φ elementwise on
// the diagonal), and Φ equals the model's cov(β̂).
func TestKenwardRogerInflates(t *testing.T) {
	data := krData(t, "mixed_anova_arm.json", map[string]Data{})
	m, err := Fit("y ~ arm * time + (1 + time | patient)", data, Options{DDF: DDFKenwardRoger})
	if err != nil {
		t.Fatal(err)
	}
	p := len(m.Result.Fixed)
	for i := 0; i < p; i++ {
		if !(m.Result.VcovAdj[i][i] > m.Result.Vcov[i][i]) {
			t.Errorf("%s: adjusted variance %g not above %g", m.Result.Fixed[i].Name, m.Result.VcovAdj[i][i], m.Result.Vcov[i][i])
		}
		for j := 0; j < p; j++ {
			check(t, "Φ = vcov", m.kr.Phi[i*p+j], m.Result.Vcov[i][j], 1e-8)
		}
	}
}

// Kenward–Roger is refused, with a reason, where it is not defined here.
func TestKenwardRogerRefused(t *testing.T) {
	data := krData(t, "mixed_anova_arm.json", map[string]Data{})
	for _, o := range []Options{
		{DDF: DDFKenwardRoger, ML: true},
		{DDF: DDFKenwardRoger, AR1: "time"},
		{DDF: "containment"},
	} {
		_, err := Fit("y ~ arm * time + (1 + time | patient)", data, o)
		if !errors.Is(err, errs.InvalidOption) {
			t.Errorf("%+v: error %v, want an invalid-option error", o, err)
		}
	}
}

// krMaxGroupRows bounds the rows of one top-level group of krGroupDense.
const krMaxGroupRows = 3000

// krGroupDense is the direct form of krGroupLowRank, an independent check
// of it: Σ_g, Σ_g⁻¹ and every G_i as dense n_g × n_g matrices, as pbkrtest
// forms them (O(k·n_g³) per group).
func krGroupDense(m *Model, st *krSetup, g int, rows, fine []int, acc *krSums) error {
	d := m.d
	p, m0 := d.p, d.m0
	Q := m0 - p - 1
	nl := len(d.levels)
	k := len(st.pars)
	n := len(rows)
	if n > krMaxGroupRows {
		return fmt.Errorf("group %q has %d rows", d.levels[nl-1].labels[g], n)
	}
	z := func(r, l, a int) float64 { return d.rows[rows[r]*m0+d.levels[l].off+a] }
	// Σ_g = σ²I + Σ_l Z_l (I ⊗ D_l) Z_lᵀ.
	V := make([]float64, n*n)
	for r := 0; r < n; r++ {
		for s := 0; s <= r; s++ {
			v := 0.0
			for l, lv := range d.levels {
				if st.nodeAt[l][fine[r]] != st.nodeAt[l][fine[s]] {
					continue
				}
				q := lv.q
				for a := 0; a < q; a++ {
					za := z(r, l, a)
					if za == 0 {
						continue
					}
					for b := 0; b < q; b++ {
						v += za * st.D[l][a*q+b] * z(s, l, b)
					}
				}
			}
			if r == s {
				v += st.s2
			}
			V[r*n+s], V[s*n+r] = v, v
		}
	}
	if err := linalg.Cholesky(V, n); err != nil {
		return fmt.Errorf("mixed: Kenward–Roger: the covariance of group %q is not positive definite: %w", d.levels[nl-1].labels[g], err)
	}
	Vi := make([]float64, n*n)
	linalg.Inverse(V, n, Vi, make([]float64, n*n))
	X := make([]float64, n*p)
	for r := 0; r < n; r++ {
		copy(X[r*p:(r+1)*p], d.rows[rows[r]*m0+Q:rows[r]*m0+Q+p])
	}
	B := matMul(Vi, X, n, n, p) // Σ⁻¹X
	addTMul(acc.XtVX, X, B, n, p, p, 1)
	A := make([][]float64, k) // Σ⁻¹G_i
	H := make([][]float64, k) // G_iΣ⁻¹X
	N := make([][]float64, k) // Σ⁻¹G_iΣ⁻¹X
	for i, pr := range st.pars {
		if pr.l < 0 {
			A[i], H[i] = Vi, B
		} else {
			G := make([]float64, n*n)
			for r := 0; r < n; r++ {
				for s := 0; s < n; s++ {
					if st.nodeAt[pr.l][fine[r]] != st.nodeAt[pr.l][fine[s]] {
						continue
					}
					v := z(r, pr.l, pr.a) * z(s, pr.l, pr.b)
					if pr.a != pr.b {
						v += z(r, pr.l, pr.b) * z(s, pr.l, pr.a)
					}
					G[r*n+s] = v
				}
			}
			A[i] = matMul(Vi, G, n, n, n)
			H[i] = matMul(G, B, n, n, p)
		}
		N[i] = matMul(Vi, H[i], n, n, p)
		addTMul(acc.P[i], B, H[i], n, p, p, -1)
	}
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			t := 0.0
			Ai, Aj := A[i], A[j]
			for a := 0; a < n; a++ {
				for b := 0; b < n; b++ {
					t += Ai[a*n+b] * Aj[b*n+a]
				}
			}
			acc.K[i*k+j] += t
			addTMul(acc.Qm[i*k+j], H[i], N[j], n, p, p, 1)
		}
	}
	return nil
}

// The per-group sums through the random effects (krGroupLowRank, used by
// every fit) equal the direct dense ones (krGroupDense, pbkrtest's n × n
// form) to rounding, on random slopes, nested levels with slopes at both,
// and three levels.
func TestKenwardRogerLowRankIsDense(t *testing.T) {
	cache := map[string]Data{}
	for _, c := range []struct{ file, formula string }{
		{"mixed_anova_arm.json", "y ~ arm * time + (1 + time | patient)"},
		{"mixed_multilevel.json", "y ~ x + session + (1 + x | tid/pid)"},
		{"mixed_multilevel.json", "y ~ x + session + (1 | clinic/therapist/patient)"},
	} {
		m, err := Fit(c.formula, krData(t, c.file, cache), Options{})
		if err != nil {
			t.Fatal(err)
		}
		lr, err := m.krCompute(krGroupLowRank)
		if err != nil {
			t.Fatal(err)
		}
		dn, err := m.krCompute(krGroupDense)
		if err != nil {
			t.Fatal(err)
		}
		sameKR(t, c.formula, "low-rank vs dense", lr, dn)
	}
}

// sameKR requires two computations of the Kenward–Roger adjustment to
// agree: Φ and Φ_A to 1e-9, W to 1e-8 (relative).
func sameKR(t *testing.T, formula, what string, got, want *krAdj) {
	t.Helper()
	worst := 0.0
	for i := range want.PhiA {
		worst = math.Max(worst, relErr(got.PhiA[i], want.PhiA[i]))
		check(t, formula+" Φ", got.Phi[i], want.Phi[i], 1e-9)
		check(t, formula+" Φ_A", got.PhiA[i], want.PhiA[i], 1e-9)
	}
	for i := range want.W {
		check(t, formula+" W", got.W[i], want.W[i], 1e-8)
	}
	t.Logf("%s: Φ_A %s, worst relative gap %.1e", formula, what, worst)
}

// TestCheckDDF: the df methods, case-insensitive; Kenward–Roger refused
// for ML fits and residual structures, each with hint DDF.
func TestCheckDDF(t *testing.T) {
	for _, c := range []struct {
		ddf          string
		ml, residual bool
		want         string
		bad          bool
	}{
		{"", false, false, "", false}, {"Satterthwaite", false, true, "", false},
		{" Kenward-Roger ", false, false, DDFKenwardRoger, false},
		{"kenward-roger", true, false, "", true}, {"kenward-roger", false, true, "", true}, {"containment", false, false, "", true},
	} {
		got, err := CheckDDF(c.ddf, c.ml, c.residual)
		var e *errs.Error
		if got != c.want || (err != nil) != c.bad || c.bad && (!errors.As(err, &e) || e.Kind != errs.InvalidOption || e.Hint != "DDF") {
			t.Errorf("%q ml=%v residual=%v: %q, %v", c.ddf, c.ml, c.residual, got, err)
		}
	}
}
