package sem

// Moments of p observed variables are laid out as one vector of
// K = p + p(p+1)/2 entries: the means μ₁..μ_p, then the lower triangle of Σ
// row by row, σ₁₁, σ₂₁, σ₂₂, σ₃₁, ... (vech). Information matrices and
// casewise scores in moment space (the H1 model's parameters) use this
// order.

// nMoments is K = p + p(p+1)/2.
func nMoments(p int) int { return p + p*(p+1)/2 }

// vechIndex is the position of σ_ij (any order of i, j) in the moment
// vector.
func vechIndex(p, i, j int) int {
	if i < j {
		i, j = j, i
	}
	return p + i*(i+1)/2 + j
}

// jacobian returns Δ = ∂(μ, vech Σ)/∂θᵀ at the moments of r, K × nfree
// row-major, analytically: with B = (I − A)⁻¹, Ω = B S Bᵀ (all
// variables) and ν = B m,
//
//	∂Σ/∂A_tf = B_{·t} Ω_{f·} + Ω_{·f} B_{·t}ᵀ,   ∂μ/∂A_tf = B_{·t} ν_f,
//	∂Σ/∂S_ab = B_{·a} B_{·b}ᵀ + B_{·b} B_{·a}ᵀ (a ≠ b; B_{·a} B_{·a}ᵀ for a = b),
//	∂μ/∂m_a = B_{·a},
//
// rows restricted to the observed variables; parameters sharing a label
// add up (Neudecker & Satorra 1991; lavaan's computeDelta).
func (md *Model) jacobian(r *ram, idx []int, nfree int) []float64 {
	p, m := r.p, r.m
	K := nMoments(p)
	J := make([]float64, K*nfree)
	B := r.B.RawMatrix()
	b := func(i, j int) float64 { return B.Data[i*B.Stride+j] }
	for k, prm := range md.Params {
		c := idx[k]
		if c < 0 {
			continue
		}
		switch prm.Matrix {
		case Path:
			t, f := prm.To, prm.From
			for i := 0; i < p; i++ {
				J[i*nfree+c] += b(i, t) * r.fullMu[f]
				for j := 0; j <= i; j++ {
					J[vechIndex(p, i, j)*nfree+c] += b(i, t)*r.full[f*m+j] + r.full[i*m+f]*b(j, t)
				}
			}
		case Cov:
			a, e := prm.To, prm.From
			for i := 0; i < p; i++ {
				for j := 0; j <= i; j++ {
					v := b(i, a) * b(j, e)
					if a != e {
						v += b(i, e) * b(j, a)
					}
					J[vechIndex(p, i, j)*nfree+c] += v
				}
			}
		case Mean:
			for i := 0; i < p; i++ {
				J[i*nfree+c] += b(i, prm.To)
			}
		}
	}
	return J
}
