package sem

import "math"

// logLik returns the FIML log-likelihood of the moments (sigma p×p,
// mu p) and, when gS and gM are non-nil, adds its gradient with respect to
// Σ (treating every entry as free: dℓ = tr(G dΣ)) and μ. ok is false when
// some pattern's Σ is not positive definite.
func (d *Data) logLik(sigma, mu []float64, gS, gM []float64) (ll float64, ok bool) {
	p := d.P
	inv := make([]float64, p*p)
	work := make([]float64, p*p)
	dev := make([]float64, p)
	u := make([]float64, p)
	for _, pt := range d.patterns {
		q := len(pt.obs)
		inv = inv[:q*q]
		for a, i := range pt.obs {
			for b, j := range pt.obs {
				inv[a*q+b] = sigma[i*p+j]
			}
		}
		logdet, pd := cholInverse(inv, q, work)
		if !pd {
			return math.Inf(-1), false
		}
		for a, i := range pt.obs {
			dev[a] = pt.mean[a] - mu[i]
		}
		// tr(Σ⁻¹ (C + d dᵀ)) = tr(Σ⁻¹ C) + dᵀ Σ⁻¹ d.
		tr := 0.0
		for a := 0; a < q; a++ {
			s := 0.0
			for b := 0; b < q; b++ {
				tr += inv[a*q+b] * pt.cov[b*q+a]
				s += inv[a*q+b] * dev[b]
			}
			u[a] = s // Σ⁻¹ d
			tr += dev[a] * s
		}
		ll += -0.5 * pt.n * (float64(q)*math.Log(2*math.Pi) + logdet + tr)
		if gS == nil {
			continue
		}
		// G = −½ n (Σ⁻¹ − Σ⁻¹ W Σ⁻¹), W = C + d dᵀ: Σ⁻¹WΣ⁻¹ = Σ⁻¹CΣ⁻¹ + u uᵀ.
		// work = Σ⁻¹ C, then (Σ⁻¹ C) Σ⁻¹.
		ic := work[:q*q]
		for a := 0; a < q; a++ {
			for b := 0; b < q; b++ {
				s := 0.0
				for c := 0; c < q; c++ {
					s += inv[a*q+c] * pt.cov[c*q+b]
				}
				ic[a*q+b] = s
			}
		}
		h := 0.5 * pt.n
		for a, i := range pt.obs {
			for b := 0; b <= a; b++ {
				s := 0.0
				for c := 0; c < q; c++ {
					s += ic[a*q+c] * inv[c*q+b]
				}
				g := -h * (inv[a*q+b] - s - u[a]*u[b])
				j := pt.obs[b]
				gS[i*p+j] += g
				if a != b {
					gS[j*p+i] += g
				}
			}
			gM[i] += pt.n * u[a]
		}
	}
	return ll, true
}
