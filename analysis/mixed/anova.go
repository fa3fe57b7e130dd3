package mixed

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// AnovaRow is the F test of one fixed-effect term, as a row of lmerTest's
// anova(m, type = 1, 2 or 3, ddf = "Satterthwaite").
type AnovaRow struct {
	Term   string  `json:"term"`
	SumSq  float64 `json:"sum_sq"`  // F σ̂² q
	MeanSq float64 `json:"mean_sq"` // F σ̂²
	NumDF  int     `json:"num_df"`  // q, the rank of the hypothesis
	DenDF  float64 `json:"den_df"`  // Satterthwaite
	F      float64 `json:"F"`
	P      float64 `json:"p"`
}

// Anova returns the F test of every fixed-effect term with Satterthwaite's
// denominator df, as lmerTest 3.1-3's anova(m, type = typ) (Kuznetsova,
// Brockhoff & Christensen 2017, J. Stat. Softw. 82(13), section 3.3):
// typ 3 uses the contrast-independent type III hypotheses of lmerTest
// (design.type3), typ 2 lmerTest's type II ones (each term adjusted for
// the terms that do not contain it; design.type2), typ 1 the sequential
// ones (design.type1).
//
// For a term with hypothesis matrix L (q × p) and V = cov(β̂), let
// LVLᵀ = P D Pᵀ (eigenvalues d_1 ≥ … ≥ d_q > √ε·d_1 kept). Then
//
//	F = (1/q) Σ_m (P_mᵀ L β̂)² / d_m,
//
// each direction P_mᵀL has Satterthwaite df ν_m (vcovDeriv.df), and the
// denominator df is ν_1 for q = 1, the mean when all ν_m agree to 1e-8, 2
// when any ν_m ≤ 2, and otherwise 2E/(E − q) with E = Σ ν_m/(ν_m − 2)
// (the moment match of Fai & Cornelius 1996). p = P(F_{q,df} > F).
//
// With Options.DDF kenward-roger the tests are Kenward and Roger's (1997)
// instead, as lmerTest's anova(m, type = typ, ddf = "Kenward-Roger"):
// the Wald statistic in the adjusted covariance Φ_A, scaled by λ, on q and
// m df (krAnova, krAdj.test).
func (m *Model) Anova(typ int) ([]AnovaRow, error) {
	t, err := m.AnovaTable(typ)
	if err != nil {
		return nil, err
	}
	return t.Rows, nil
}

// AnovaResult is an ANOVA table of the fixed-effect terms with the terms
// it could not test.
type AnovaResult struct {
	Rows []AnovaRow `json:"rows"`
	// Omitted are the terms whose hypothesis has rank 0 (every direction
	// aliased with other terms), left out of Rows as lmerTest leaves their
	// F, df and p empty; Notes says so in words.
	Omitted []string `json:"omitted,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// AnovaTable is Anova with the terms left out of the table named (see
// AnovaResult).
func (m *Model) AnovaTable(typ int) (*AnovaResult, error) {
	if m.d.anova == nil {
		return nil, errNoColumns("an ANOVA table")
	}
	if m.d.resid != nil {
		return m.nlmeAnova(typ)
	}
	var Ls [][][]float64
	var err error
	switch typ {
	case 1:
		Ls, err = m.d.type1()
	case 2:
		Ls, err = m.d.type2()
	case 3:
		if c := m.opts.Contrasts; c != "" && c != "treatment" {
			// lmerTest's type III hypotheses are built on treatment coding
			// and are the same hypotheses under any coding: test them on the
			// same model coded that way (same fit, other coefficients).
			o := m.opts
			o.Contrasts = ""
			t, ferr := Fit(m.formula, m.data, o)
			if ferr != nil {
				return nil, ferr
			}
			return t.AnovaTable(3)
		}
		Ls, err = m.d.type3()
	default:
		return nil, errs.New(errs.InvalidOption, "mixed", "ANOVA type %d: give 1, 2 or 3", typ)
	}
	if err != nil {
		return nil, err
	}
	if m.isKR() {
		return m.krAnova(m.d.anova.terms, Ls)
	}
	sigma := math.Sqrt(m.Result.ResidualVariance)
	vd, err := m.vcovDerivs(sigma)
	if err != nil {
		return nil, fmt.Errorf("mixed: Satterthwaite df of the ANOVA: %w", err)
	}
	beta := make([]float64, m.d.p)
	for i, c := range m.Result.Fixed {
		beta[i] = c.Estimate
	}
	return anovaRows(m.d.anova.terms, Ls, beta, sigma, vd), nil
}

// anovaRows tests each term t with hypothesis matrix Ls[t]; a term whose
// hypothesis has rank 0 is named in Omitted and Notes instead of a row.
func anovaRows(terms []string, Ls [][][]float64, beta []float64, sigma float64, vd *vcovDeriv) *AnovaResult {
	out := &AnovaResult{}
	for t, L := range Ls {
		q, F, df := 0, math.NaN(), math.NaN()
		if len(L) > 0 {
			F, q, df = contestMD(L, beta, vd)
		}
		if q == 0 {
			out.Omitted = append(out.Omitted, terms[t])
			out.Notes = append(out.Notes, fmt.Sprintf("term %s is not tested: its hypothesis has rank 0 (the term is aliased with other terms of the model), so it has no F test", terms[t]))
			continue
		}
		p := distuv.F{D1: float64(q), D2: df}.Survival(F)
		ms := F * sigma * sigma
		out.Rows = append(out.Rows, AnovaRow{Term: terms[t], SumSq: ms * float64(q), MeanSq: ms, NumDF: q, DenDF: df, F: F, P: p})
	}
	return out
}

// contestMD returns the F statistic, its numerator df q and Satterthwaite
// denominator df of H0: Lβ = 0 (see Anova).
func contestMD(L [][]float64, beta []float64, vd *vcovDeriv) (F float64, q int, df float64) {
	dirs, vals := directions(L, vd.V, vd.p)
	var nu []float64
	sum := 0.0
	for m, l := range dirs {
		lb := 0.0
		for i := range l {
			lb += l[i] * beta[i]
		}
		sum += lb * lb / vals[m]
		nu = append(nu, vd.df(l))
	}
	q = len(nu)
	if q == 0 {
		return math.NaN(), 0, math.NaN()
	}
	return sum / float64(q), q, fstatDDF(nu)
}

// directions returns the independent directions of the hypothesis Lβ = 0
// under the covariance V (p × p): the eigenvectors P_m of LVLᵀ whose
// eigenvalues exceed √ε times the largest, as rows P_mᵀL, largest
// eigenvalue first, with the eigenvalues (lmerTest's contestMD, pbkrtest's
// reduction of L). None when LVLᵀ cannot be factored.
func directions(L [][]float64, V []float64, p int) (dirs [][]float64, vals []float64) {
	r := len(L)
	if r == 0 {
		return nil, nil
	}
	S := mat.NewSymDense(r, nil)
	for a := 0; a < r; a++ {
		for b := 0; b <= a; b++ {
			S.SetSym(a, b, bilinear(L[a], V, L[b], p))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(S, true) {
		return nil, nil
	}
	ev := eig.Values(nil) // ascending
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	tol := math.Max(math.Sqrt(2.220446049250313e-16)*ev[r-1], 0)
	for c := r - 1; c >= 0; c-- {
		if !(ev[c] > tol) {
			break
		}
		l := make([]float64, p)
		for a := 0; a < r; a++ {
			for i := 0; i < p; i++ {
				l[i] += vecs.At(a, c) * L[a][i]
			}
		}
		dirs, vals = append(dirs, l), append(vals, ev[c])
	}
	return dirs, vals
}

// fstatDDF combines the per-direction df ν_m into the F test's
// denominator df as lmerTest's get_Fstat_ddf (see Anova).
func fstatDDF(nu []float64) float64 {
	if len(nu) == 1 {
		return nu[0]
	}
	same, mean := true, 0.0
	for i, v := range nu {
		if i > 0 && math.Abs(v-nu[i-1]) >= 1e-8 {
			same = false
		}
		mean += v
	}
	if same {
		return mean / float64(len(nu))
	}
	E := 0.0
	for _, v := range nu {
		if v <= 2 {
			return 2
		}
		E += v / (v - 2)
	}
	return 2 * E / (E - float64(len(nu)))
}
