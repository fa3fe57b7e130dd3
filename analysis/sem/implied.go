package sem

import (
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// ram holds the model matrices at one θ and the implied moments.
type ram struct {
	m, p      int
	A, S      []float64 // m×m row-major
	mv        []float64 // m
	B         *mat.Dense
	sigma, mu []float64 // p×p, p
	full      []float64 // m×m: B S Bᵀ, the moments of every variable
	fullMu    []float64 // m
}

// build fills A, S and m from θ.
func (md *Model) build(theta []float64, idx []int) *ram {
	m := md.NVars()
	r := &ram{m: m, p: md.NObs, A: make([]float64, m*m), S: make([]float64, m*m), mv: make([]float64, m)}
	for i, prm := range md.Params {
		v := prm.Value
		if idx[i] >= 0 {
			v = theta[idx[i]]
		}
		switch prm.Matrix {
		case Path:
			r.A[prm.To*m+prm.From] = v
		case Cov:
			r.S[prm.To*m+prm.From] = v
			r.S[prm.From*m+prm.To] = v
		case Mean:
			r.mv[prm.To] = v
		}
	}
	return r
}

// moments computes B = (I − A)⁻¹, Σ and μ; false when I − A is singular.
func (r *ram) moments() bool {
	m, p := r.m, r.p
	// B by LU without mat.Dense.Inverse's condition estimate (a third of
	// its time; a singular I − A still fails in the factorisation).
	ia := make([]float64, m*m)
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			v := -r.A[i*m+j]
			if i == j {
				v++
			}
			ia[i*m+j] = v
		}
	}
	r.B = mat.NewDense(m, m, ia)
	raw := r.B.RawMatrix()
	ipiv := make([]int, m)
	if !lapack64.Getrf(raw, ipiv) {
		return false
	}
	work := make([]float64, 4*m)
	if !lapack64.Getri(raw, ipiv, work, len(work)) {
		return false
	}
	S := mat.NewDense(m, m, r.S)
	var bs, full mat.Dense
	bs.Mul(r.B, S)
	full.Mul(&bs, r.B.T())
	r.full = make([]float64, m*m)
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			r.full[i*m+j] = full.At(i, j)
		}
	}
	var mu mat.VecDense
	mu.MulVec(r.B, mat.NewVecDense(m, r.mv))
	r.fullMu = make([]float64, m)
	for i := range r.fullMu {
		r.fullMu[i] = mu.AtVec(i)
	}
	r.sigma = make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			r.sigma[i*p+j] = r.full[i*m+j]
		}
	}
	r.mu = append([]float64(nil), r.fullMu[:p]...)
	return true
}

// chain turns the gradient of ℓ with respect to Σ (gS, p×p, symmetric)
// and μ (gM) into the gradient with respect to θ.
func (md *Model) chain(r *ram, gS, gM []float64, idx []int, grad []float64) {
	m, p := r.m, r.p
	fb := r.B.Slice(0, p, 0, m) // F B: the observed rows of B
	G := mat.NewDense(p, p, gS)
	var t, H mat.Dense
	t.Mul(G, fb)
	H.Mul(fb.T(), &t) // (FB)ᵀ G (FB), m×m
	var sbt, HA mat.Dense
	sbt.Mul(mat.NewDense(m, m, r.S), r.B.T())
	HA.Mul(&H, &sbt) // H S Bᵀ
	var u mat.VecDense
	u.MulVec(fb.T(), mat.NewVecDense(p, gM)) // (FB)ᵀ g_μ
	v := mat.NewVecDense(m, nil)
	v.MulVec(r.B, mat.NewVecDense(m, r.mv)) // B m
	for i := range grad {
		grad[i] = 0
	}
	for k, prm := range md.Params {
		j := idx[k]
		if j < 0 {
			continue
		}
		switch prm.Matrix {
		case Path:
			grad[j] += 2*HA.At(prm.To, prm.From) + u.AtVec(prm.To)*v.AtVec(prm.From)
		case Cov:
			g := H.At(prm.To, prm.From)
			if prm.To != prm.From {
				g += H.At(prm.From, prm.To)
			}
			grad[j] += g
		case Mean:
			grad[j] += u.AtVec(prm.To)
		}
	}
}
