package mixed

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/internal/wald"
	"gonum.org/v1/gonum/mat"
)

// satterthwaite returns the Satterthwaite degrees of freedom of every fixed
// effect as lmerTest computes them (Kuznetsova et al. 2017, section 3.2):
// with variance parameters ψ = (θ, [φ], σ), A = 2 H⁻¹ the asymptotic
// covariance of ψ from the Hessian H of the unprofiled (RE)ML deviance, and
// g = ∂C_ii/∂ψ the gradient of var(β̂_i) = [σ² (XᵀV⁻¹X)⁻¹]_ii,
//
//	df_i = 2 C_ii² / (gᵀ A g)
//
// (vcovDerivs, vcovDeriv.df).
func (m *Model) satterthwaite(sigma float64) ([]float64, error) {
	vd, err := m.vcovDerivs(sigma)
	if err != nil {
		return nil, err
	}
	p := m.d.p
	df := make([]float64, p)
	for i := 0; i < p; i++ {
		l := make([]float64, p)
		l[i] = 1
		df[i] = vd.df(l)
		if !(df[i] > 0) || math.IsInf(df[i], 0) {
			return nil, fmt.Errorf("non-positive variance of var(β̂_%d)", i)
		}
	}
	return df, nil
}

// vcovDeriv holds the ingredients of Satterthwaite's df for any contrast:
// V = σ²(XᵀV⁻¹X)⁻¹ at the optimum (p × p), its derivatives J_j = ∂V/∂ψ_j
// and A = 2H⁻¹, the asymptotic covariance of ψ (k × k).
type vcovDeriv struct {
	p, k int
	V    []float64
	J    [][]float64
	A    []float64
}

// df returns Satterthwaite's df of the contrast lᵀβ̂:
// 2 (lᵀVl)² / (gᵀAg) with g_j = lᵀ J_j l.
func (vd *vcovDeriv) df(l []float64) float64 {
	p, k := vd.p, vd.k
	qf := func(M []float64) float64 {
		s := 0.0
		for i := 0; i < p; i++ {
			if l[i] == 0 {
				continue
			}
			for j := 0; j < p; j++ {
				s += l[i] * M[i*p+j] * l[j]
			}
		}
		return s
	}
	g := make([]float64, k)
	for j := range g {
		g[j] = qf(vd.J[j])
	}
	v := 0.0
	for a := 0; a < k; a++ {
		for b := 0; b < k; b++ {
			v += g[a] * vd.A[a*k+b] * g[b]
		}
	}
	c := qf(vd.V)
	return 2 * c * c / v
}

// vcovDerivs computes vcovDeriv as lmerTest (Kuznetsova et al. 2017,
// section 3.2): ψ = (θ, [φ], σ), H the Hessian of the unprofiled (RE)ML
// deviance, inverted on its eigenvalues above 1e-8 (the tol of lmerTest
// 3.1-3's as_lmerModLT). H and J are central differences of the analytic
// gradient (derivsFromGradient), or, with residual structures or on the
// general (crossed) path, of the deviance itself with one Richardson
// extrapolation and steps from derivSteps.
func (m *Model) vcovDerivs(sigma float64) (*vcovDeriv, error) {
	d, e := m.d, m.e
	nt := d.ntheta()
	reml := !m.opts.ML
	psi := append(append([]float64(nil), m.x...), sigma)
	k := len(psi)
	split := func(x []float64) ([]float64, []float64, float64) {
		return x[:nt], x[nt : k-1], x[k-1] // θ, residual parameters, σ
	}
	var evalErr error
	dev := func(x []float64) float64 {
		th, phi, s := split(x)
		c, ok := e.eval(th, phi...)
		if !ok {
			evalErr = fmt.Errorf("criterion not defined near the optimum")
			return math.NaN()
		}
		return e.devianceAt(c, s, reml)
	}
	p := d.p
	cov := func(x []float64, out []float64) {
		th, phi, s := split(x)
		if _, ok := e.eval(th, phi...); !ok {
			evalErr = fmt.Errorf("criterion not defined near the optimum")
			return
		}
		C := e.covBetaUnscaled()
		for i := range C {
			out[i] = s * s * C[i]
		}
	}
	var H []float64
	var Jr [][]float64    // Jr[i][j] = ∂V_i/∂ψ_j
	if m.e.gradientOK() { // from the analytic gradient (satterthwaite_grad.go)
		var err error
		if H, Jr, err = m.derivsFromGradient(psi); err != nil {
			return nil, err
		}
	} else {
		steps := derivSteps(dev, psi)
		if d.resid != nil { // keep bounded residual parameters ± 2h inside their bounds
			_, lo, up := d.resid.init()
			for i := range lo {
				if w := math.Min(psi[nt+i]-lo[i], up[i]-psi[nt+i]); !math.IsInf(w, 0) {
					steps[nt+i] = math.Min(steps[nt+i], w/4)
				}
			}
		}
		H = hessian(dev, psi, steps)
		Jr = jacobianDiag(cov, psi, steps, p*p)
	}
	if evalErr != nil {
		return nil, evalErr
	}
	sym := mat.NewSymDense(k, nil)
	for i := 0; i < k; i++ {
		for j := 0; j <= i; j++ {
			sym.SetSym(i, j, (H[i*k+j]+H[j*k+i])/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, true) {
		return nil, fmt.Errorf("eigen-decomposition of the Hessian failed")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	tol := 1e-8 // lmerTest 3.1-3: as_lmerModLT(model, devfun, tol = 1e-8)
	A := make([]float64, k*k)
	npos := 0
	for t, ev := range vals {
		if ev < tol {
			continue
		}
		npos++
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				A[i*k+j] += 2 * vecs.At(i, t) * vecs.At(j, t) / ev
			}
		}
	}
	if npos == 0 {
		return nil, fmt.Errorf("the Hessian of the deviance has no positive eigenvalue")
	}
	if !m.e.gradientOK() {
		// Restore the factorisation at the optimum (the derivatives moved
		// it; derivsFromGradient ends there).
		th, phi, _ := split(psi)
		e.eval(th, phi...)
	}
	C := e.covBetaUnscaled()
	V := make([]float64, p*p)
	for i := range C {
		V[i] = sigma * sigma * C[i]
	}
	J := make([][]float64, k)
	for j := range J {
		J[j] = make([]float64, p*p)
		for i := range J[j] {
			J[j][i] = Jr[i][j]
		}
	}
	return &vcovDeriv{p: p, k: k, V: V, J: J, A: A}, nil
}

// derivSteps returns the difference step of every variance parameter: a
// hundredth of its standard error, h_i = 0.01·√(2/H_ii), with H_ii a pilot
// second difference at the step h⁰_i = 10⁻³·max(|ψ_i|, 0.1), kept within
// [h⁰_i/100, max(|ψ_i|, 0.1)/2] (h⁰_i when the pilot is not positive). Each
// step then moves the deviance by about 10⁻⁴ whatever the parameter's scale.
// A fixed relative step fails near a boundary: with a therapist variance
// close to 0 (θ = 0.022, H_θθ = 3.7 beside a deviance of 27,518 evaluated to
// ~10⁻¹⁰) a step of 10⁻⁴ left the second difference mostly rounding (df 17.2
// where the closed form gives 18.13); at 0.01 SE the rounding is ~10⁻⁵ of
// H_ii and Richardson's truncation below it (TestBoundarySatterthwaite).
// lmerTest's numDeriv steps (10⁻⁴·|ψ_i|, halved three times) are smaller
// still; its df there move from 18.1 to 32 or 504 with numDeriv's d = 10⁻³
// or 10⁻⁵ (testdata/golden/R/mixed_boundary.R).
func derivSteps(f func([]float64) float64, x []float64) []float64 {
	const stepSE = 0.01
	k := len(x)
	h := make([]float64, k)
	y := append([]float64(nil), x...)
	f0 := f(x)
	for i, v := range x {
		h0 := 1e-3 * math.Max(math.Abs(v), 0.1)
		h[i] = h0
		y[i] = v + h0
		fp := f(y)
		y[i] = v - h0
		fm := f(y)
		y[i] = v
		hii := (fp - 2*f0 + fm) / (h0 * h0)
		if !(hii > 0) || math.IsInf(hii, 0) {
			continue
		}
		h[i] = math.Min(math.Max(stepSE*math.Sqrt(2/hii), h0/100), math.Max(math.Abs(v), 0.1)/2)
	}
	return h
}

// hessian approximates the Hessian of f at x by central differences with
// steps h and h/2 combined by Richardson extrapolation (error O(h⁴)).
func hessian(f func([]float64) float64, x, h []float64) []float64 {
	k := len(x)
	at := func(scale float64) []float64 {
		H := make([]float64, k*k)
		y := append([]float64(nil), x...)
		f0 := f(x)
		for i := 0; i < k; i++ {
			hi := h[i] * scale
			y[i] = x[i] + hi
			fp := f(y)
			y[i] = x[i] - hi
			fm := f(y)
			y[i] = x[i]
			H[i*k+i] = (fp - 2*f0 + fm) / (hi * hi)
			for j := 0; j < i; j++ {
				hj := h[j] * scale
				var s float64
				for _, sg := range [4][3]float64{{1, 1, 1}, {1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}} {
					y[i], y[j] = x[i]+sg[0]*hi, x[j]+sg[1]*hj
					s += sg[2] * f(y)
				}
				y[i], y[j] = x[i], x[j]
				H[i*k+j] = s / (4 * hi * hj)
				H[j*k+i] = H[i*k+j]
			}
		}
		return H
	}
	H1, H2 := at(1), at(0.5)
	for i := range H1 {
		H1[i] = (4*H2[i] - H1[i]) / 3
	}
	return H1
}

// jacobianDiag returns J[i][j] = ∂g_i/∂x_j for the p-vector function g, by
// central differences with Richardson extrapolation.
func jacobianDiag(g func(x, out []float64), x, h []float64, p int) [][]float64 {
	k := len(x)
	J := make([][]float64, p)
	for i := range J {
		J[i] = make([]float64, k)
	}
	y := append([]float64(nil), x...)
	gp, gm := make([]float64, p), make([]float64, p)
	for j := 0; j < k; j++ {
		var d [2][]float64
		for s, sc := range []float64{1, 0.5} {
			hj := h[j] * sc
			y[j] = x[j] + hj
			g(y, gp)
			y[j] = x[j] - hj
			g(y, gm)
			y[j] = x[j]
			d[s] = make([]float64, p)
			for i := 0; i < p; i++ {
				d[s][i] = (gp[i] - gm[i]) / (2 * hj)
			}
		}
		for i := 0; i < p; i++ {
			J[i][j] = (4*d[1][i] - d[0][i]) / 3
		}
	}
	return J
}

// tTest builds a coefficient row from the one Wald helper: t = est/se,
// two-sided p from Student's t with df, interval est ± t_{(1+level)/2, df}·se
// (wald.StudentT(df, level).CoefSE).
func tTest(name string, est, se, df, level float64) Coef {
	w := wald.StudentT(df, level).CoefSE(est, se)
	return Coef{Name: name, Estimate: w.Estimate, SE: w.SE, DF: df, Statistic: w.Statistic, P: w.P, CILB: w.CILB, CIUB: w.CIUB}
}
