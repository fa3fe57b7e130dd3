package sem

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// observedInformation is the Hessian of −ℓ at θ̂ (total over cases), by
// central differences of the analytic gradient.
func (res *Result) observedInformation(obj objective) *mat.SymDense {
	n := len(res.Theta)
	N := float64(obj.d.N)
	H := mat.NewSymDense(n, nil)
	gp, gm := make([]float64, n), make([]float64, n)
	x := append([]float64(nil), res.Theta...)
	for j := 0; j < n; j++ {
		h := 1e-5 * math.Max(1, math.Abs(x[j]))
		x[j] = res.Theta[j] + h
		obj.eval(x, gp)
		x[j] = res.Theta[j] - h
		obj.eval(x, gm)
		x[j] = res.Theta[j]
		for i := 0; i <= j; i++ {
			H.SetSym(i, j, H.At(i, j)+N*(gp[i]-gm[i])/(4*h))
		}
		for i := j; i < n; i++ {
			H.SetSym(j, i, H.At(j, i)+N*(gp[i]-gm[i])/(4*h))
		}
	}
	return H
}

// expectedInformation is Δᵀ I(Σ(θ̂)) Δ (total over cases): the expected
// information of the moments per missing-data pattern at the
// model-implied Σ (lavaan's h1.information = "structured"), carried to θ
// by the Jacobian Δ.
func (res *Result) expectedInformation(obj objective) *mat.SymDense {
	r := res.model.build(res.Theta, res.idx)
	if !r.moments() {
		return nil
	}
	W, ok := obj.d.expectedInfo(r.sigma)
	if !ok {
		return nil
	}
	n := len(res.Theta)
	J := res.model.jacobian(r, res.idx, n)
	return congruence(W, J, nMoments(obj.d.P), n)
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
