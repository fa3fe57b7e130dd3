package sem

import (
	"math"
	"sync"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// logLik returns the FIML log-likelihood of the moments (sigma p×p,
// mu p) and, when gS and gM are non-nil, adds its gradient with respect to
// Σ (treating every entry as free: dℓ = tr(G dΣ)) and μ. ok is false when
// some pattern's Σ is not positive definite.
//
// With much work the patterns are shared between two goroutines (the
// budget machine has two cores), each with its own gradient, summed
// after.
func (d *Data) logLik(sigma, mu []float64, gS, gM []float64) (ll float64, ok bool) {
	p := d.P
	pi := newPatternInverse(sigma, p)
	k := d.split()
	if k <= 0 || k >= len(d.patterns) {
		return d.logLikRange(d.patterns, pi, sigma, mu, gS, gM)
	}
	var (
		wg       sync.WaitGroup
		ll2      float64
		ok2      bool
		gS2, gM2 []float64
	)
	if gS != nil {
		gS2, gM2 = make([]float64, p*p), make([]float64, p)
	}
	pi2 := *pi
	pi2.mm, pi2.t = nil, nil
	wg.Add(1)
	go func() {
		defer wg.Done()
		ll2, ok2 = d.logLikRange(d.patterns[k:], &pi2, sigma, mu, gS2, gM2)
	}()
	ll, ok = d.logLikRange(d.patterns[:k], pi, sigma, mu, gS, gM)
	wg.Wait()
	if !ok || !ok2 {
		return math.Inf(-1), false
	}
	if gS != nil {
		for i, v := range gS2 {
			gS[i] += v
		}
		for i, v := range gM2 {
			gM[i] += v
		}
	}
	return ll + ll2, true
}

// split is the index that shares the patterns' work (about q³ + n q²
// each) in two halves, 0 when the work is too small to share.
func (d *Data) split() int {
	d.splitOnce.Do(func() {
		cost := make([]float64, len(d.patterns))
		total := 0.0
		for i, pt := range d.patterns {
			q := float64(len(pt.obs))
			cost[i] = q*q*q + pt.n*q*q
			total += cost[i]
		}
		if total < 2e5 {
			return
		}
		acc := 0.0
		for i, c := range cost {
			acc += c
			if acc >= total/2 {
				d.splitAt = i + 1
				return
			}
		}
	})
	return d.splitAt
}

// logLikRange is logLik over some of the patterns.
func (d *Data) logLikRange(patterns []pattern, pi *patternInverse, sigma, mu []float64, gS, gM []float64) (ll float64, ok bool) {
	p := d.P
	inv := make([]float64, p*p)
	work := make([]float64, p*p)
	dev := make([]float64, p)
	u := make([]float64, p)
	for _, pt := range patterns {
		q := len(pt.obs)
		inv = inv[:q*q]
		logdet, pd := pi.of(pt, inv, work)
		if !pd {
			return math.Inf(-1), false
		}
		if pt.n < float64(q) && len(pt.x) == int(pt.n)*q {
			// Few cases: n(C + d dᵀ) = Σᵢ dᵢdᵢᵀ with dᵢ = xᵢ − μ, so each
			// case costs q² instead of the pattern's q³ products.
			ll += d.fewCases(pt, inv, logdet, mu, gS, gM, dev, u)
			continue
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

// fewCases is the log-likelihood (and, with gS non-nil, the gradient) of
// a pattern from its cases: with vᵢ = Σ⁻¹dᵢ, dᵢ = xᵢ − μ,
//
//	ℓ = −½ [n (q log 2π + log|Σ|) + Σᵢ dᵢᵀvᵢ],
//	∂ℓ/∂Σ = −½ (n Σ⁻¹ − Σᵢ vᵢvᵢᵀ),   ∂ℓ/∂μ = Σᵢ vᵢ.
//
// inv holds Σ⁻¹ of the pattern's variables; dev and u are work space.
func (d *Data) fewCases(pt pattern, inv []float64, logdet float64, mu, gS, gM, dev, u []float64) float64 {
	p := d.P
	q := len(pt.obs)
	n := int(pt.n)
	quad := 0.0
	var acc []float64
	if gS != nil {
		acc = make([]float64, q*q)
	}
	for c := 0; c < n; c++ {
		x := pt.x[c*q : (c+1)*q]
		for a, i := range pt.obs {
			dev[a] = x[a] - mu[i]
		}
		for a := 0; a < q; a++ {
			s := 0.0
			row := inv[a*q : (a+1)*q]
			for b, v := range row {
				s += v * dev[b]
			}
			u[a] = s
			quad += dev[a] * s
		}
		if gS == nil {
			continue
		}
		for a := 0; a < q; a++ {
			ua := u[a]
			row := acc[a*q:]
			for b := 0; b <= a; b++ {
				row[b] += ua * u[b]
			}
			gM[pt.obs[a]] += ua
		}
	}
	ll := -0.5 * (pt.n*(float64(q)*math.Log(2*math.Pi)+logdet) + quad)
	if gS == nil {
		return ll
	}
	for a, i := range pt.obs {
		for b := 0; b <= a; b++ {
			g := -0.5 * (pt.n*inv[a*q+b] - acc[a*q+b])
			j := pt.obs[b]
			gS[i*p+j] += g
			if a != b {
				gS[j*p+i] += g
			}
		}
	}
	return ll
}

// patternInverse inverts the rows and columns of Σ of each missing-data
// pattern. When Σ itself is positive definite, a pattern with r missing
// variables is a downdate of P = Σ⁻¹ (the inverse of a partitioned
// matrix):
//
//	Σ_oo⁻¹ = P_oo − P_om P_mm⁻¹ P_mo,   log|Σ_oo| = log|Σ| + log|P_mm|,
//
// O(q² r) instead of O(q³) (lavaan's lav_matrix_symmetric_inverse_update
// does the same); otherwise each pattern is factored on its own.
type patternInverse struct {
	sigma  []float64
	p      int
	full   []float64 // Σ⁻¹, nil when Σ is not positive definite
	logdet float64
	mm, t  []float64
}

func newPatternInverse(sigma []float64, p int) *patternInverse {
	pi := &patternInverse{sigma: sigma, p: p}
	full := append([]float64(nil), sigma...)
	work := make([]float64, p*p)
	if ld, err := linalg.InvertInPlace(full, p, work); err == nil {
		pi.full, pi.logdet = full, ld
	}
	return pi
}

// observedInverse writes Σ_oo⁻¹, the inverse of the rows and columns obs of
// the p × p matrix sigma, into inv (q × q, q = len(obs)) and returns
// log|Σ_oo|; false when Σ_oo is not positive definite.
func observedInverse(sigma []float64, p int, obs []int, inv, work []float64) (float64, bool) {
	q := len(obs)
	for a, i := range obs {
		for b, j := range obs {
			inv[a*q+b] = sigma[i*p+j]
		}
	}
	ld, err := linalg.InvertInPlace(inv, q, work)
	return ld, err == nil
}

// of writes Σ_oo⁻¹ of the pattern into inv (q × q) and returns log|Σ_oo|.
func (pi *patternInverse) of(pt pattern, inv, work []float64) (float64, bool) {
	p, q, r := pi.p, len(pt.obs), len(pt.mis)
	if pi.full == nil || 2*r > q {
		return observedInverse(pi.sigma, p, pt.obs, inv, work)
	}
	P := pi.full
	for a, i := range pt.obs {
		for b, j := range pt.obs {
			inv[a*q+b] = P[i*p+j]
		}
	}
	if r == 0 {
		return pi.logdet, true
	}
	if cap(pi.mm) < r*r {
		pi.mm = make([]float64, r*r)
	}
	mm := pi.mm[:r*r]
	for a, i := range pt.mis {
		for b, j := range pt.mis {
			mm[a*r+b] = P[i*p+j]
		}
	}
	ldm, err := linalg.InvertInPlace(mm, r, work)
	if err != nil {
		return 0, false
	}
	// t = P_mm⁻¹ P_mo (r × q).
	if cap(pi.t) < r*q {
		pi.t = make([]float64, r*q)
	}
	t := pi.t[:r*q]
	for a := 0; a < r; a++ {
		for b, j := range pt.obs {
			s := 0.0
			for c, k := range pt.mis {
				s += mm[a*r+c] * P[k*p+j]
			}
			t[a*q+b] = s
		}
	}
	for a, i := range pt.obs {
		for b := 0; b <= a; b++ {
			s := 0.0
			for c, k := range pt.mis {
				s += P[i*p+k] * t[c*q+b]
			}
			v := inv[a*q+b] - s
			inv[a*q+b], inv[b*q+a] = v, v
		}
	}
	ld := pi.logdet + ldm
	// A pattern's Σ_oo must be positive definite: its diagonal is.
	for a := 0; a < q; a++ {
		if !(inv[a*q+a] > 0) {
			return 0, false
		}
	}
	return ld, true
}
