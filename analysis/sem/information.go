package sem

import "math"

// Information matrices of the normal FIML likelihood in moment space
// (μ, vech Σ); see jacobian.go for the layout. All are totals over the N
// cases (lavaan's are per case: divided by N).

// moments packs (Σ, μ) into the moment vector.
func momentVector(sigma, mu []float64, p int) []float64 {
	v := make([]float64, nMoments(p))
	copy(v, mu)
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			v[vechIndex(p, i, j)] = sigma[i*p+j]
		}
	}
	return v
}

// unpack is the inverse of momentVector.
func unpack(v []float64, p int) (sigma, mu []float64) {
	mu = append([]float64(nil), v[:p]...)
	sigma = make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			s := v[vechIndex(p, i, j)]
			sigma[i*p+j], sigma[j*p+i] = s, s
		}
	}
	return sigma, mu
}

// expectedInfo is the expected information of (μ, vech Σ) at Σ under
// missing data, summed over the missing-data patterns k with the rows and
// columns of their observed variables:
//
//	I = Σ_k n_k [ Σ_k⁻¹ ⊕ ½ Dᵀ(Σ_k⁻¹ ⊗ Σ_k⁻¹)D ]
//
// (D the duplication matrix; Σ_k⁻¹ embedded in p × p with zeros), as
// lavaan's lav_mvnorm_missing_information_expected. With Σ the
// model-implied matrix this is lavaan's "structured" h1 information.
func (d *Data) expectedInfo(sigma []float64) ([]float64, bool) {
	p := d.P
	K := nMoments(p)
	W := make([]float64, K*K)
	inv := make([]float64, p*p)
	work := make([]float64, p*p)
	for _, pt := range d.patterns {
		q := len(pt.obs)
		inv = inv[:q*q]
		for a, i := range pt.obs {
			for b, j := range pt.obs {
				inv[a*q+b] = sigma[i*p+j]
			}
		}
		if _, ok := cholInverse(inv, q, work); !ok {
			return nil, false
		}
		n := pt.n
		for a, i := range pt.obs {
			for b, j := range pt.obs {
				W[i*K+j] += n * inv[a*q+b]
			}
		}
		// Σ block: ½ mult (s_ik s_jl + s_il s_jk), mult = (1+[i≠j])(1+[k≠l])/2.
		for a := 0; a < q; a++ {
			for b := 0; b <= a; b++ {
				r := vechIndex(p, pt.obs[a], pt.obs[b])
				for c := 0; c < q; c++ {
					for e := 0; e <= c; e++ {
						mult := 0.5
						if a != b {
							mult *= 2
						}
						if c != e {
							mult *= 2
						}
						v := inv[a*q+c]*inv[b*q+e] + inv[a*q+e]*inv[b*q+c]
						W[r*K+vechIndex(p, pt.obs[c], pt.obs[e])] += n * 0.5 * mult * v
					}
				}
			}
		}
	}
	return W, true
}

// momentGrad is ∂ℓ/∂(μ, vech Σ) at the moments v; false when some
// pattern's Σ is not positive definite.
func (d *Data) momentGrad(v []float64, out []float64) bool {
	p := d.P
	sigma, mu := unpack(v, p)
	gS, gM := make([]float64, p*p), make([]float64, p)
	if _, ok := d.logLik(sigma, mu, gS, gM); !ok {
		return false
	}
	copy(out, gM)
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			g := gS[i*p+j]
			if i != j {
				g += gS[j*p+i]
			}
			out[vechIndex(p, i, j)] = g
		}
	}
	return true
}

// observedInfo is the observed information −∂²ℓ/∂v∂vᵀ of the moments v
// = (μ, vech Σ), by central differences of the analytic gradient
// (lavaan's lav_mvnorm_missing_information_observed_samplestats, which
// lavaan computes in closed form). With cols non-nil only the rows and
// columns cols are computed (the rest is zero).
func (d *Data) observedInfo(sigma, mu []float64, cols []int) ([]float64, bool) {
	p := d.P
	K := nMoments(p)
	v := momentVector(sigma, mu, p)
	H := make([]float64, K*K)
	gp, gm := make([]float64, K), make([]float64, K)
	x := append([]float64(nil), v...)
	if cols == nil {
		cols = seq(K)
	}
	for _, l := range cols {
		h := 1e-5 * math.Max(1, math.Abs(v[l]))
		x[l] = v[l] + h
		okp := d.momentGrad(x, gp)
		x[l] = v[l] - h
		okm := d.momentGrad(x, gm)
		x[l] = v[l]
		if !okp || !okm {
			return nil, false
		}
		for k := 0; k < K; k++ {
			H[k*K+l] = -(gp[k] - gm[k]) / (2 * h)
		}
	}
	in := make([]bool, K)
	for _, l := range cols {
		in[l] = true
	}
	for k := 0; k < K; k++ {
		for l := 0; l < k; l++ {
			if !in[k] || !in[l] {
				H[k*K+l], H[l*K+k] = 0, 0
				continue
			}
			s := (H[k*K+l] + H[l*K+k]) / 2
			H[k*K+l], H[l*K+k] = s, s
		}
		if !in[k] {
			H[k*K+k] = 0
		}
	}
	return H, true
}

// caseScores calls visit with each case's gradient ∂ℓ_i/∂(μ, vech Σ) at
// (Σ, μ): g_μ = Σ_k⁻¹ d, g_Σ = −½ (Σ_k⁻¹ − Σ_k⁻¹ d dᵀ Σ_k⁻¹) with the
// off-diagonal entries doubled (vech), d = x_i − μ on the observed
// variables of its pattern. nz lists the moment positions that can be
// non-zero, g their values.
func (d *Data) caseScores(sigma, mu []float64, visit func(nz []int, g []float64)) bool {
	p := d.P
	inv := make([]float64, p*p)
	work := make([]float64, p*p)
	dev, u := make([]float64, p), make([]float64, p)
	for _, pt := range d.patterns {
		q := len(pt.obs)
		inv = inv[:q*q]
		for a, i := range pt.obs {
			for b, j := range pt.obs {
				inv[a*q+b] = sigma[i*p+j]
			}
		}
		if _, ok := cholInverse(inv, q, work); !ok {
			return false
		}
		nz := make([]int, 0, q+q*(q+1)/2)
		nz = append(nz, pt.obs...)
		for a := 0; a < q; a++ {
			for b := 0; b <= a; b++ {
				nz = append(nz, vechIndex(p, pt.obs[a], pt.obs[b]))
			}
		}
		g := make([]float64, len(nz))
		for c := 0; c < int(pt.n); c++ {
			x := pt.x[c*q : (c+1)*q]
			for a, i := range pt.obs {
				dev[a] = x[a] - mu[i]
			}
			for a := 0; a < q; a++ {
				s := 0.0
				for b := 0; b < q; b++ {
					s += inv[a*q+b] * dev[b]
				}
				u[a] = s
				g[a] = s
			}
			k := q
			for a := 0; a < q; a++ {
				for b := 0; b <= a; b++ {
					v := -0.5 * (inv[a*q+b] - u[a]*u[b])
					if a != b {
						v *= 2
					}
					g[k] = v
					k++
				}
			}
			visit(nz, g)
		}
	}
	return true
}

// firstOrder is Σ_i g_i g_iᵀ of the case scores in moment space at (Σ, μ)
// (lavaan's lav_mvnorm_missing_information_firstorder, times N). With
// cols non-nil only the rows and columns cols are computed.
func (d *Data) firstOrder(sigma, mu []float64, cols []int) ([]float64, bool) {
	K := nMoments(d.P)
	B := make([]float64, K*K)
	var in []bool
	if cols != nil {
		in = make([]bool, K)
		for _, c := range cols {
			in[c] = true
		}
	}
	ok := d.caseScores(sigma, mu, func(nz []int, g []float64) {
		for a, r := range nz {
			if in != nil && !in[r] {
				continue
			}
			ga := g[a]
			row := B[r*K:]
			for b, c := range nz {
				if in == nil || in[c] {
					row[c] += ga * g[b]
				}
			}
		}
	})
	return B, ok
}
