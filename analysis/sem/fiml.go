package sem

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// logLik returns the FIML log-likelihood of the moments (sigma p×p,
// mu p) and, when gS and gM are non-nil, adds its gradient with respect to
// Σ (treating every entry as free: dℓ = tr(G dΣ)) and μ. ok is false when
// some pattern's Σ is not positive definite.
func (d *Data) logLik(sigma, mu []float64, gS, gM []float64) (ll float64, ok bool) {
	p := d.P
	for _, pt := range d.patterns {
		q := len(pt.obs)
		sub := mat.NewSymDense(q, nil)
		for a, i := range pt.obs {
			for b := 0; b <= a; b++ {
				sub.SetSym(a, b, sigma[i*p+pt.obs[b]])
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(sub) {
			return math.Inf(-1), false
		}
		var inv mat.SymDense
		if err := ch.InverseTo(&inv); err != nil {
			return math.Inf(-1), false
		}
		dev := make([]float64, q)
		for a, i := range pt.obs {
			dev[a] = pt.mean[a] - mu[i]
		}
		// W = C + d dᵀ; tr(Σ⁻¹ W).
		tr := 0.0
		for a := 0; a < q; a++ {
			for b := 0; b < q; b++ {
				tr += inv.At(a, b) * (pt.cov[a*q+b] + dev[a]*dev[b])
			}
		}
		ll += -0.5 * pt.n * (float64(q)*math.Log(2*math.Pi) + ch.LogDet() + tr)
		if gS == nil {
			continue
		}
		// G = −½ n (Σ⁻¹ − Σ⁻¹ W Σ⁻¹); g_μ = n Σ⁻¹ d.
		w := mat.NewDense(q, q, nil)
		for a := 0; a < q; a++ {
			for b := 0; b < q; b++ {
				w.Set(a, b, pt.cov[a*q+b]+dev[a]*dev[b])
			}
		}
		var t1, t2 mat.Dense
		t1.Mul(&inv, w)
		t2.Mul(&t1, &inv)
		for a, i := range pt.obs {
			s := 0.0
			for b, j := range pt.obs {
				gS[i*p+j] += -0.5 * pt.n * (inv.At(a, b) - t2.At(a, b))
				s += inv.At(a, b) * dev[b]
			}
			gM[i] += pt.n * s
		}
	}
	return ll, true
}
