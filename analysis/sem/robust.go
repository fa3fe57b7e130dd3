package sem

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// robustVariant selects E in U (experiment).
// robustFIML computes lavaan's "robust" CFI, TLI and RMSEA for FIML with
// MLR: the FIML-corrected statistics of Zhang & Savalei (2023; lavaan's
// lav_fit_fiml_corrected, version V3). The model and the baseline are
// evaluated (not refitted) on the saturated moments S̃, m̃ as complete
// data, giving χ²_C = N F_ML(S̃, m̃; Σ(θ̂), μ(θ̂)) and its scaling factor
//
//	ĉ = tr(U W⁻¹ W_C W⁻¹ U Γ) / df,   U = W − W Δ E⁻¹ Δᵀ W,   Γ = W⁻¹ J W⁻¹,
//
// with W and J the observed and first-order information of the saturated
// moments under missing data (per case), W_C the complete-data
// information at S̃, Δ the Jacobian of the moments and E = ΔᵀAΔ the
// information of θ built on the saturated moments' information A of the
// chosen kind (A = W for the observed information, the expected one at
// S̃, m̃ otherwise: lavaan's h1.information = "unstructured",
// observed.information = "h1" there); the baseline alike with Δ the
// selection of the means and variances. Then CFI = 1 − max(χ²_C − ĉ df, 0)/max(χ²_C − ĉ df,
// χ²_{C,0} − ĉ₀ df₀, 0), TLI = 1 − (χ²_C − ĉ df) df₀ / ((χ²_{C,0} − ĉ₀ df₀) df),
// RMSEA = √max(χ²_C/(N df) − ĉ/N, 0) with its CI on χ²_C/ĉ scaled by √ĉ.
func (res *Result) robustFIML(obj objective, A1, B1, Wobs []float64) bool {
	// A1 (A), B1 (J) and Wobs (W) are totals over the N cases; lavaan's
	// matrices are per case.
	d := obj.d
	p, K := d.P, nMoments(d.P)
	N := float64(d.N)
	f := &res.Fit
	s := f.Scaled
	S, m := res.h1sigma, res.h1mu
	// Complete-data χ² on (S̃, m̃).
	comp := &Data{P: p, N: d.N, patterns: []pattern{{obs: seq(p), n: N, mean: m, cov: S}}}
	llSat, ok := comp.logLik(S, m, nil, nil)
	if !ok {
		return false
	}
	r := res.model.build(res.Theta, res.idx)
	if !r.moments() {
		return false
	}
	llM, ok1 := comp.logLik(r.sigma, r.mu, nil, nil)
	sb, mb := d.independence()
	llB, ok2 := comp.logLik(sb, mb, nil, nil)
	Wc, ok3 := comp.expectedInfo(S)
	if !ok1 || !ok2 || !ok3 {
		return false
	}
	xx3, xx3b := 2*(llSat-llM), 2*(llSat-llB)
	W := mat.NewSymDense(K, nil)
	for i := 0; i < K; i++ {
		for j := i; j < K; j++ {
			W.SetSym(i, j, (Wobs[i*K+j]+Wobs[j*K+i])/(2*N))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(W) {
		return false
	}
	var Wi mat.SymDense
	if ch.InverseTo(&Wi) != nil {
		return false
	}
	J := mat.NewDense(K, K, nil)
	WC := mat.NewDense(K, K, nil)
	for i := 0; i < K; i++ {
		for j := 0; j < K; j++ {
			J.Set(i, j, B1[i*K+j]/N)
			WC.Set(i, j, Wc[i*K+j]/N)
		}
	}
	var G, t mat.Dense
	t.Mul(&Wi, J)
	G.Mul(&t, &Wi)  // Γ
	var M mat.Dense // W⁻¹ W_C W⁻¹
	t.Mul(&Wi, WC)
	M.Mul(&t, &Wi)
	trace := func(D *mat.Dense, Einv *mat.Dense) float64 {
		// U = W − W Δ E⁻¹ Δᵀ W.
		var wd, a, b, U mat.Dense
		wd.Mul(W, D)
		a.Mul(&wd, Einv)
		b.Mul(&a, wd.T())
		U.Sub(W, &b)
		var x, y mat.Dense
		x.Mul(&U, &M)
		y.Mul(&x, &U)
		x.Reset()
		x.Mul(&y, &G)
		return mat.Trace(&x)
	}
	n := len(res.Theta)
	D := mat.NewDense(K, n, res.model.jacobian(r, res.idx, n))
	A := mat.NewDense(K, K, nil)
	for i := 0; i < K; i++ {
		for j := 0; j < K; j++ {
			A.Set(i, j, (A1[i*K+j]+A1[j*K+i])/(2*N))
		}
	}
	var Einv, e, wd mat.Dense
	wd.Mul(A, D)
	e.Mul(D.T(), &wd)
	if Einv.Inverse(&e) != nil {
		return false
	}
	sub := make([]int, 0, 2*p)
	for j := 0; j < p; j++ {
		sub = append(sub, j)
	}
	for j := 0; j < p; j++ {
		sub = append(sub, vechIndex(p, j, j))
	}
	Db := mat.NewDense(K, len(sub), nil)
	for c, k := range sub {
		Db.Set(k, c, 1)
	}
	var EinvB mat.Dense
	eb := mat.NewDense(len(sub), len(sub), nil)
	for a, i := range sub {
		for b, j := range sub {
			eb.Set(a, b, A.At(i, j))
		}
	}
	if EinvB.Inverse(eb) != nil {
		return false
	}
	df, dfb := float64(f.DF), float64(f.BaseDF)
	c3 := trace(D, &Einv) / df
	c3b := trace(Db, &EinvB) / dfb
	t1 := math.Max(xx3-c3*df, 0)
	t2 := math.Max(math.Max(xx3-c3*df, xx3b-c3b*dfb), 0)
	s.CFIRobust = 1
	if t2 > 0 {
		s.CFIRobust = 1 - t1/t2
	}
	s.TLIRobust = 1 - (xx3-c3*df)*dfb/((xx3b-c3b*dfb)*df)
	s.RMSEARobust = math.Sqrt(math.Max(xx3/N/df-c3/N, 0))
	sc := xx3 / c3
	s.RMSEALBRobust = math.Sqrt(c3 * ncpFor(sc, df, 0.95) / (N * df))
	s.RMSEAUBRobust = math.Sqrt(c3 * ncpFor(sc, df, 0.05) / (N * df))
	return true
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
