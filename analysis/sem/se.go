package sem

import (
	"math"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"gonum.org/v1/gonum/mat"
)

// observedInformation is the Hessian of −ℓ at θ̂ (total over cases, see
// hessianAt). Fit's Newton polish
// leaves it in res.hess when it was computed at a point within 10⁻⁵
// standard errors of θ̂ (see newtonPolish); otherwise it is computed here.
func (res *Result) observedInformation(obj objective) *mat.SymDense {
	if res.hess != nil {
		return res.hess
	}
	return hessianAt(obj, res.Theta)
}

// hessianAt is the Hessian of −ℓ (total over cases) at theta, through
// the moments v(θ) = (μ(θ), vech Σ(θ)):
//
//	H = Δᵀ W Δ − Σ_k g_k ∂²v_k/∂θ∂θᵀ,
//
// with W = −∂²ℓ/∂v∂vᵀ the closed-form observed information of the moments
// under missing data (observedInfo), g = ∂ℓ/∂v (momentGrad) and Δ = ∂v/∂θᵀ
// (jacobian). The second term is the central difference of θ ↦ Δ(θ)ᵀg
// (g held fixed; h_j = 10⁻⁵·max(1, |θ_j|)), which needs the model's
// moments only and no pass over the data. The second term vanishes for a
// saturated model and at an exact fit; it is what distinguishes the
// observed from the expected information (Δᵀ E Δ) beside W ≠ E. Nil when
// some implied covariance matrix is not positive definite.
func hessianAt(obj objective, theta []float64) *mat.SymDense {
	md, idx, d := obj.md, obj.idx, obj.d
	n, p := len(theta), d.P
	K := nMoments(p)
	r := md.build(theta, idx)
	if !r.moments() {
		return nil
	}
	W, ok := d.observedInfo(r.sigma, r.mu, nil)
	if !ok {
		return nil
	}
	g := make([]float64, K)
	if !d.momentGrad(momentVector(r.sigma, r.mu, p), g) {
		return nil
	}
	H := congruence(W, md.jacobian(r, idx, n), K, n)
	x := append([]float64(nil), theta...)
	// phi is Δ(x)ᵀg.
	phi := func(out []float64) bool {
		rx := md.build(x, idx)
		if !rx.moments() {
			return false
		}
		J := md.jacobian(rx, idx, n)
		for c := range out {
			out[c] = 0
		}
		for k, gk := range g {
			if gk == 0 {
				continue
			}
			row := J[k*n : (k+1)*n]
			for c, v := range row {
				out[c] += gk * v
			}
		}
		return true
	}
	fp, fm := make([]float64, n), make([]float64, n)
	D := make([]float64, n*n)
	for j := 0; j < n; j++ {
		h := 1e-5 * math.Max(1, math.Abs(theta[j]))
		x[j] = theta[j] + h
		okp := phi(fp)
		x[j] = theta[j] - h
		okm := phi(fm)
		x[j] = theta[j]
		if !okp || !okm {
			return nil
		}
		for i := 0; i < n; i++ {
			D[i*n+j] = (fp[i] - fm[i]) / (2 * h)
		}
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			H.SetSym(i, j, H.At(i, j)-(D[i*n+j]+D[j*n+i])/2)
		}
	}
	return H
}

// newtonPolish takes Newton steps θ ← θ − H⁻¹g on −ℓ from where the
// quasi-Newton search stopped (H the Hessian of hessianAt, g the analytic gradient, both totals over cases), halving a
// step that raises −ℓ. BFGS stops a little short of the optimum when its
// line search cannot improve −ℓ in floating point; one or two Newton
// steps converge quadratically from there. It stops after a step whose
// every component is below 10⁻⁵ of that parameter's standard error
// √(H⁻¹)_jj (the solution is then within rounding of the optimum, and H,
// from that distance, is kept as the observed information: the standard
// errors it gives differ from those at θ̂ by far less than 10⁻⁶
// relative), or after maxIter steps, or when H is not positive definite.
// It returns the point, the Hessian when it may be kept (else nil) and
// the Newton decrement gᵀH⁻¹g of the last step (twice the predicted gain
// in ℓ; −1 when H was not positive definite).
func newtonPolish(obj objective, theta []float64, maxIter int) ([]float64, *mat.SymDense, float64) {
	n := len(theta)
	N := float64(obj.d.N)
	x := append([]float64(nil), theta...)
	g, xn, s := make([]float64, n), make([]float64, n), make([]float64, n)
	l := make([]float64, n*n)
	dec := -1.0
	for it := 0; it < maxIter; it++ {
		H := hessianAt(obj, x)
		if H == nil {
			return x, nil, -1
		}
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				l[i*n+j] = H.At(i, j)
			}
		}
		if linalg.Cholesky(l, n) != nil {
			return x, nil, -1
		}
		fx := obj.eval(x, g)
		dec = 0
		for i := range g {
			g[i] *= N
			s[i] = g[i]
		}
		linalg.Solve(l, n, s)
		for i := range g {
			dec += g[i] * s[i]
		}
		// The standard errors √(H⁻¹)_jj from the columns of H⁻¹.
		small := true
		e := make([]float64, n)
		for j := 0; j < n && small; j++ {
			for i := range e {
				e[i] = 0
			}
			e[j] = 1
			linalg.Solve(l, n, e)
			if math.Abs(s[j]) > 1e-5*math.Sqrt(e[j]) {
				small = false
			}
		}
		moved := false
		for step := 1.0; step > 1e-6; step /= 2 {
			for i := range x {
				xn[i] = x[i] - step*s[i]
			}
			if f := obj.eval(xn, nil); f <= fx+1e-15*math.Abs(fx) {
				copy(x, xn)
				moved = true
				break
			}
		}
		if small || !moved {
			return x, H, dec
		}
	}
	return x, nil, dec
}

// expectedInformation is Δᵀ I(Σ(θ̂)) Δ (total over cases): the expected
// information of the moments per missing-data pattern at the
// model-implied Σ (lavaan's h1.information = "structured"), carried to θ
// by the Jacobian Δ.
func (res *Result) expectedInformation(obj objective) *mat.SymDense {
	return expectedAt(obj, res.Theta)
}

// congruence is Jᵀ W J for W (K × K) and J (K × n), symmetrised.
func congruence(W, J []float64, K, n int) *mat.SymDense {
	var wj, out mat.Dense
	Jm := mat.NewDense(K, n, J)
	wj.Mul(mat.NewDense(K, K, W), Jm)
	out.Mul(Jm.T(), &wj)
	S := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			S.SetSym(i, j, (out.At(i, j)+out.At(j, i))/2)
		}
	}
	return S
}

// scoreProducts is Σᵢ sᵢsᵢᵀ (n × n, row-major) of the case scores
// sᵢ = Δᵀ gᵢ at θ̂, nil when Σ(θ̂) is not positive definite.
func (res *Result) scoreProducts(obj objective) []float64 {
	r := res.model.build(res.Theta, res.idx)
	if !r.moments() {
		return nil
	}
	n := len(res.Theta)
	J := res.model.jacobian(r, res.idx, n)
	B := make([]float64, n*n)
	s := make([]float64, n)
	ok := obj.d.caseScores(r.sigma, r.mu, func(nz []int, g []float64) {
		for i := range s {
			s[i] = 0
		}
		for a, k := range nz {
			ga := g[a]
			row := J[k*n : (k+1)*n]
			for i, v := range row {
				s[i] += ga * v
			}
		}
		for i, si := range s {
			row := B[i*n : (i+1)*n]
			for j := 0; j <= i; j++ {
				row[j] += si * s[j]
			}
		}
	})
	if !ok {
		return nil
	}
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			B[j*n+i] = B[i*n+j]
		}
	}
	return B
}

// invertSym inverts a positive definite matrix, nil when it is not.
func invertSym(H *mat.SymDense) []float64 {
	n := H.SymmetricDim()
	var ch mat.Cholesky
	if !ch.Factorize(H) {
		return nil
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return nil
	}
	out := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			out[i*n+j] = inv.At(i, j)
		}
	}
	return out
}

// sandwich is A⁻¹ B A⁻¹ (n × n, row-major).
func sandwich(ainv, b []float64, n int) []float64 {
	var t, out mat.Dense
	A := mat.NewDense(n, n, ainv)
	t.Mul(A, mat.NewDense(n, n, b))
	out.Mul(&t, A)
	v := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v[i*n+j] = (out.At(i, j) + out.At(j, i)) / 2
		}
	}
	return v
}
