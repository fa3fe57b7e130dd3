package meta

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/optim"
	"gonum.org/v1/gonum/stat/distuv"
)

// HCResult is the Henmi–Copas confidence interval (metafor's hc).
type HCResult struct {
	Estimate float64 `json:"estimate"` // the fixed-effect (inverse-variance) estimate
	SE       float64 `json:"se"`       // its SE under the random-effects model
	CILB     float64 `json:"ci_lb"`
	CIUB     float64 `json:"ci_ub"`
	Tau2     float64 `json:"tau2"`   // the DerSimonian–Laird τ²
	Method   string  `json:"method"` // "DL", as metafor
	// The estimate, SE and CI of the model it was computed beside, and
	// its τ² (metafor's beta.rma, se.rma, ci.lb.rma, ci.ub.rma, tau2.rma).
	EstimateRMA float64 `json:"estimate_rma"`
	SERMA       float64 `json:"se_rma"`
	CILBRMA     float64 `json:"ci_lb_rma"`
	CIUBRMA     float64 `json:"ci_ub_rma"`
	Tau2RMA     float64 `json:"tau2_rma"`
}

// HenmiCopas returns the Henmi–Copas confidence interval of an
// intercept-only model (Henmi & Copas 2010, Statistics in Medicine
// 29:2969–2983; metafor's hc): the fixed-effect estimate β̂ = Σwᵢyᵢ/W₁
// (wᵢ = 1/vᵢ), robust to publication bias, with its variance under the
// random-effects model, (τ²W₂ + 1)/W₁ with the DerSimonian–Laird τ², and a
// CI β̂ ± u₀·SE that allows for the uncertainty of τ². With
// W_m = Σwᵢᵐ/W₁ (m = 2, 3, 4), V_R = 1 + τ²W₂, the distribution of Q given
// the standardised estimate R = r is approximated by a gamma with the
// mean E(r) and variance V(r) of Henmi & Copas (their Appendix; metafor's
// EQ and VQ), and t₀ solves
//
//	∫_t^∞ G(f⁻¹(r/t); E(√V_R r)²/V(√V_R r), V(√V_R r)/E(√V_R r)) φ(r) dr = α/2,
//	f⁻¹(f) = (W₁/W₂ − 1)(f² − 1) + k − 1,
//
// G the gamma CDF (shape, scale); then u₀ = √V_R·t₀. The integral is
// computed by adaptive Gauss–Legendre quadrature to 1e-12 and t₀ by Brent's
// method to 1e-12 (metafor: integrate's and uniroot's defaults, about
// 1e-4).
func HenmiCopas(r *Result) (*HCResult, error) {
	const what = "meta: Henmi–Copas CI"
	if err := r.needIntOnly("the Henmi–Copas CI"); err != nil {
		return nil, err
	}
	k := len(r.Yi)
	if k < 2 {
		return nil, errs.New(errs.TooFew, what, "needs at least 2 studies (k = %d)", k)
	}
	var W1, S2, S3, S4, sy float64
	for i, v := range r.Vi {
		w := 1 / v
		W1 += w
		S2 += w * w
		S3 += w * w * w
		S4 += w * w * w * w
		sy += w * r.Yi[i]
	}
	W2, W3, W4 := S2/W1, S3/W1, S4/W1
	beta := sy / W1
	var Q float64
	for i, v := range r.Vi {
		e := r.Yi[i] - beta
		Q += e * e / v
	}
	kf := float64(k)
	tau2 := math.Max(0, (Q-(kf-1))/(W1-W2))
	se := math.Sqrt((tau2*W2 + 1) / W1)
	VR := 1 + tau2*W2
	SDR := math.Sqrt(VR)
	EQ := func(x float64) float64 {
		return (kf - 1) + tau2*(W1-W2) + tau2*tau2*(x*x/(VR*VR)-1/VR)*(W3-W2*W2)
	}
	VQ := func(x float64) float64 {
		rsq, rv2 := x*x, 1/(VR*VR)
		return 2*(kf-1) + 4*tau2*(W1-W2) + 2*tau2*tau2*(W1*W2-2*W3+W2*W2) +
			4*tau2*tau2*(rv2*rsq-1/VR)*(W3-W2*W2) + 4*tau2*tau2*tau2*(rv2*rsq-1/VR)*(W4-2*W2*W3+W2*W2*W2) +
			2*tau2*tau2*tau2*tau2*(rv2-2/(VR*VR*VR)*rsq)*(W3-W2*W2)*(W3-W2*W2)
	}
	finv := func(f float64) float64 { return (W1/W2-1)*(f*f-1) + (kf - 1) }
	alpha := 1 - r.Level
	ok := true
	eqn := func(t float64) float64 {
		integrand := func(x float64) float64 {
			e, v := EQ(SDR*x), VQ(SDR*x)
			g := distuv.Gamma{Alpha: e * e / v, Beta: e / v}
			return g.CDF(finv(x/t)) * math.Exp(-x*x/2) / math.Sqrt(2*math.Pi)
		}
		val, conv := adaptiveGL15(integrand, t, t+40, 1e-12)
		ok = ok && conv
		return val - alpha/2
	}
	// eqn(0⁺) = 1/2 − α/2 > 0 and decreases to −α/2
	root, err := optim.Root(eqn, 1e-10, 2, 1e-12, 1000)
	if err != nil || !ok {
		return nil, errs.New(errs.NoConvergence, what, "the equation for the CI's half-width has no root in (0, 2] or its integral did not converge (%v)", err)
	}
	u0 := SDR * root.X
	c := r.Coefficients[0]
	return &HCResult{Estimate: beta, SE: se, CILB: beta - u0*se, CIUB: beta + u0*se, Tau2: tau2, Method: DL,
		EstimateRMA: c.Estimate, SERMA: c.SE, CILBRMA: c.CILB, CIUBRMA: c.CIUB, Tau2RMA: r.Tau2}, nil
}

// adaptiveGL15 integrates f over [a, b] by recursive bisection with the
// 15-point Gauss–Legendre rule: a piece is accepted when its value and the
// sum over its halves agree to rel times the running total (or 1e-300).
func adaptiveGL15(f func(float64) float64, a, b, rel float64) (float64, bool) {
	rule := func(a, b float64) float64 {
		c, h := (a+b)/2, (b-a)/2
		var s float64
		for q, x := range glX15 {
			s += glW15[q] * f(c+h*x)
		}
		return s * h
	}
	type span struct{ a, b, v float64 }
	tot := rule(a, b)
	stack := []span{{a, b, tot}}
	var sum float64
	for n := 0; len(stack) > 0; n++ {
		if n > 100000 {
			return sum, false
		}
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		m := (s.a + s.b) / 2
		l, r := rule(s.a, m), rule(m, s.b)
		if math.Abs(l+r-s.v) <= math.Max(rel*math.Abs(tot), 1e-300) {
			sum += l + r
			continue
		}
		tot += l + r - s.v
		stack = append(stack, span{m, s.b, r}, span{s.a, m, l})
	}
	return sum, true
}
