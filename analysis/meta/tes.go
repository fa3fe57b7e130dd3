package meta

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/optim"
	"gonum.org/v1/gonum/stat/distuv"
)

// TESResult is the test of excess significance (metafor's tes).
type TESResult struct {
	K       int       `json:"k"`
	O       int       `json:"O"`       // observed number of significant studies
	E       float64   `json:"E"`       // expected number, Σ powerᵢ
	OERatio float64   `json:"OEratio"` // O/E
	Test    string    `json:"test"`    // "exact" or "chi2"
	X2      *float64  `json:"X2"`      // χ² statistic (chi2 only)
	P       float64   `json:"p"`
	Power   []float64 `json:"power"` // each study's power at θ
	Theta   float64   `json:"theta"` // the assumed true effect
	// ThetaLim is the θ at which the test's p-value equals its α (.10):
	// the smallest θ (tes.alternative "greater") that no longer shows excess
	// significance; nil when the test is not significant at θ = 0.
	ThetaLim *float64 `json:"theta_lim"`
	Alpha    float64  `json:"tes_alpha"` // .10
}

// TES is the test of excess significance of Ioannidis & Trikalinos (2007,
// Clinical Trials 4:245–253) as metafor's tes(res) with its defaults:
// studies are significant when |yᵢ/√vᵢ| ≥ z_{.975}; each study's power to
// be significant at the model's θ̂ (and τ̂²) is
//
//	powerᵢ = ∫_{θ−5τ}^{θ+5τ} [Φ̄(z − x/sᵢ) + Φ(−z − x/sᵢ)] φ(x; θ, τ²) dx
//
// (without the integral when τ² = 0); E = Σ powerᵢ is compared with the
// observed O. The test is one-sided (more significant studies than
// expected) at α = .10: exact (the Poisson-binomial distribution of O,
// P(O ≥ o)) when Σ_{j ≥ o} C(k, j) ≤ 10⁶, as metafor, else the χ² test of
// a proportion (prop.test without continuity correction). ThetaLim solves
// p(θ) = .10 by Brent's method to 1e-10 (metafor: uniroot's default
// tolerance, about 1e-4). The integrals are adaptive Gauss–Legendre to
// 1e-12.
func TES(r *Result) (*TESResult, error) {
	const what = "meta: test of excess significance"
	if err := r.needIntOnly("the test of excess significance"); err != nil {
		return nil, err
	}
	k := len(r.Yi)
	if k == 0 {
		return nil, errs.New(errs.TooFew, what, "no studies")
	}
	const alpha, tesAlpha = 0.05, 0.10
	crit := distuv.UnitNormal.Quantile(1 - alpha/2)
	res := &TESResult{K: k, Theta: r.Coefficients[0].Estimate, Alpha: tesAlpha}
	for i, y := range r.Yi {
		if math.Abs(y/math.Sqrt(r.Vi[i])) >= crit {
			res.O++
		}
	}
	// exact when the number of combinations Σ_{j ≥ O} C(k, j) is ≤ 10⁶
	tot := 0.0
	for j := res.O; j <= k; j++ {
		tot += math.Exp(lchoose(k, j))
	}
	res.Test = "chi2"
	if tot <= 1e6*(1+1e-12) {
		res.Test = "exact"
	}
	tau2 := r.Tau2
	pvalAt := func(theta float64, keep bool) (float64, bool) {
		pow := make([]float64, k)
		ok := true
		var E float64
		for i, v := range r.Vi {
			se := math.Sqrt(v)
			pf := func(x float64) float64 {
				return normSF(crit-x/se) + normCDF(-crit-x/se)
			}
			if tau2 <= 0 {
				pow[i] = pf(theta)
			} else {
				tau := math.Sqrt(tau2)
				val, conv := adaptiveGL15(func(x float64) float64 {
					z := (x - theta) / tau
					return pf(x) * math.Exp(-z*z/2) / (tau * math.Sqrt(2*math.Pi))
				}, theta-5*tau, theta+5*tau, 1e-12)
				pow[i], ok = val, ok && conv
			}
			E += pow[i]
		}
		var p float64
		var x2 *float64
		if res.Test == "exact" {
			pr := poissonBinomial(pow)
			for j := res.O; j <= k; j++ {
				p += pr[j]
			}
			p = math.Min(p, 1)
		} else {
			pe := E / float64(k)
			d := float64(res.O) - E
			x := d * d / (float64(k) * pe * (1 - pe))
			x2 = &x
			z := math.Sqrt(x)
			if d < 0 {
				z = -z
			}
			p = normSF(z)
		}
		if keep {
			res.Power, res.E, res.X2 = pow, E, x2
			res.OERatio = float64(res.O) / E
		}
		return p, ok
	}
	p, ok := pvalAt(res.Theta, true)
	if !ok {
		return nil, errs.New(errs.NoConvergence, what, "the integral of a study's power over the distribution of true effects did not converge")
	}
	res.P = p
	// θ_lim: p(θ) − α = 0, bracketed between 0 and θ̂ (extended as
	// uniroot's extendInt does)
	f := func(th float64) float64 { v, _ := pvalAt(th, false); return v - tesAlpha }
	if d0 := f(0); d0 < 0 {
		a, b := 0.0, res.Theta
		if b == a {
			b = a + 0.1
		}
		// extend until the sign changes (p rises with θ towards the
		// expected significance)
		fa, fb := d0, f(b)
		for n := 0; fa*fb > 0 && n < 60; n++ {
			w := b - a
			b += w
			fb = f(b)
		}
		if fa*fb <= 0 {
			lo, hi := math.Min(a, b), math.Max(a, b)
			if rt, err := optim.Root(f, lo, hi, 1e-10, 1000); err == nil {
				x := rt.X
				res.ThetaLim = &x
			}
		}
	}
	return res, nil
}

// lchoose is log C(n, k).
func lchoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// poissonBinomial returns P(Σ Bernoulli(pᵢ) = j), j = 0…n, by the
// recursion over studies (the sum over all subsets that metafor
// enumerates with combn).
func poissonBinomial(p []float64) []float64 {
	pr := make([]float64, len(p)+1)
	pr[0] = 1
	for i, q := range p {
		for j := i + 1; j >= 1; j-- {
			pr[j] = pr[j]*(1-q) + pr[j-1]*q
		}
		pr[0] *= 1 - q
	}
	return pr
}
