package mixed

import (
	"github.com/alliance-research/alliance/analysis/errs"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// nlmeAnova is the ANOVA table of a model with a residual structure (a
// correlation or variance function, or gls), as nlme 3.1-162's anova(m):
// typ 1 its type = "sequential" tests, typ 3 its type = "marginal" ones
// (Pinheiro & Bates 2000, section 2.4.2). With V = cov(β̂) and V⁻¹ = UᵀU
// (U upper triangular, columns in the model's order), the sequential F of
// a term T with q columns is
//
//	F = (1/q) Σ_{i∈T} (U β̂)_i²,
//
// each term adjusted for the terms before it; the marginal F is
//
//	F = (1/q) β̂_Tᵀ (V_TT)⁻¹ β̂_T,
//
// each term adjusted for all others (so it depends on the coding of
// factors, as nlme's does). The intercept is a row of its own, as in
// nlme. The denominator df are the term's nlme df: the containment df of
// lme's summary table, n − p for gls and for crossed factors (nlme's lme
// with them in one all-data pdBlocked group: its anova's denDF is N − p
// for every term; golden mixed_resid_crossed_anova.json). For an lme ML fit, nlme tests with
// the covariance of its summary table, V·n/(n − p) (gls does not rescale).
// Type II has no nlme form.
func (m *Model) nlmeAnova(typ int) (*AnovaResult, error) {
	if typ != 1 && typ != 3 {
		return nil, errs.New(errs.InvalidOption, "mixed", "ANOVA type %d with a residual structure: nlme, the reference, has type 1 (sequential) and type 3 (marginal) tests; give 1 or 3", typ).WithHint("Anova")
	}
	r, d := &m.Result, m.d
	p := d.p
	beta := make([]float64, p)
	V := mat.NewSymDense(p, nil)
	for i := 0; i < p; i++ {
		beta[i] = r.Fixed[i].Estimate
		for j := i; j < p; j++ {
			V.SetSym(i, j, r.Vcov[i][j])
		}
	}
	var terms []string
	var cols [][]int
	if d.formula.Intercept {
		terms, cols = append(terms, "(Intercept)"), append(cols, []int{0})
	}
	terms = append(terms, d.anova.terms...)
	cols = append(cols, d.anova.termCols...)
	var c []float64 // U β̂ (sequential)
	if typ == 1 {
		var ch mat.Cholesky
		if !ch.Factorize(V) {
			return nil, errs.New(errs.Singular, "mixed", "the covariance of the fixed effects is not positive definite; no F tests")
		}
		var inv mat.SymDense
		if err := ch.InverseTo(&inv); err != nil {
			return nil, errs.New(errs.Singular, "mixed", "the covariance of the fixed effects cannot be inverted: %v", err)
		}
		var chi mat.Cholesky
		if !chi.Factorize(&inv) {
			return nil, errs.New(errs.Singular, "mixed", "the inverse covariance of the fixed effects is not positive definite; no F tests")
		}
		var U mat.TriDense
		chi.UTo(&U)
		var ub mat.VecDense
		ub.MulVec(&U, mat.NewVecDense(p, beta))
		c = ub.RawVector().Data
	}
	scale := 1.0
	if !r.REML && !d.resid.gls {
		scale = float64(d.n) / float64(d.n-p)
	}
	out := &AnovaResult{}
	for t, tc := range cols {
		q := len(tc)
		if q == 0 {
			continue
		}
		F := 0.0
		if typ == 1 {
			for _, i := range tc {
				F += c[i] * c[i]
			}
		} else {
			Vt := mat.NewSymDense(q, nil)
			bt := mat.NewVecDense(q, nil)
			for a, i := range tc {
				bt.SetVec(a, beta[i])
				for b := a; b < q; b++ {
					Vt.SetSym(a, b, r.Vcov[i][tc[b]])
				}
			}
			var ch mat.Cholesky
			if !ch.Factorize(Vt) {
				out.Omitted = append(out.Omitted, terms[t])
				out.Notes = append(out.Notes, "term "+terms[t]+" is not tested: the covariance of its coefficients is singular")
				continue
			}
			var x mat.VecDense
			if err := ch.SolveVecTo(&x, bt); err != nil {
				return nil, errs.New(errs.Singular, "mixed", "term %s: %v", terms[t], err)
			}
			F = mat.Dot(bt, &x)
		}
		F /= float64(q) * scale
		df := r.Fixed[tc[0]].DF
		pv := distuv.F{D1: float64(q), D2: df}.Survival(F)
		ms := F * r.ResidualVariance
		out.Rows = append(out.Rows, AnovaRow{Term: terms[t], SumSq: ms * float64(q), MeanSq: ms, NumDF: q, DenDF: df, F: F, P: pv})
	}
	return out, nil
}
