package effectsize

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// ZToRInt returns the integral back-transformation of a Fisher-z mean: the
// mean of r = tanh(z) over the random-effects distribution z ~ N(mu, tau2),
//
//	E[tanh(z)] = ∫ tanh(z) φ((z − mu)/τ)/τ dz,
//
// as metafor's transf.ztor.int(mu, targs = list(tau2 = tau2)), which
// integrates over mu ± 10τ. With tau2 = 0 it is tanh(mu).
//
// Method: with u = (z − mu)/τ and the symmetry of φ, the identity
// tanh(mu + τu) + tanh(mu − τu) = 2 tanh(2mu) / (1 + cosh(2τu)/cosh(2mu))
// gives
//
//	E[tanh(z)] = 2 tanh(2mu) ∫₀¹⁰ φ(u) / (1 + cosh(2τu)/cosh(2mu)) du,
//
// a positive integrand without cancellation (so the relative accuracy holds
// even for mu near 0), integrated by adaptive 20-point Gauss–Legendre
// quadrature to a relative error near 1e-15. It needs finite mu and finite
// tau2 ≥ 0.
func ZToRInt(mu, tau2 float64) (float64, error) {
	if !finite(mu) {
		return 0, inputErr("ZToRInt", "mu", -1, mu, "the mean is not a finite number")
	}
	if !finite(tau2) || tau2 < 0 {
		return 0, inputErr("ZToRInt", "tau2", -1, tau2, "tau² must be a finite non-negative number")
	}
	if tau2 == 0 || mu == 0 {
		return math.Tanh(mu), nil
	}
	tau := math.Sqrt(tau2)
	am := math.Abs(mu)
	// cosh(2τu)/cosh(2mu) = exp(2τu − 2|mu|)(1 + e^{−4τu})/(1 + e^{−4|mu|}),
	// which neither overflows nor loses precision.
	denomMu := 1 + math.Exp(-4*am)
	h := func(u float64) float64 {
		tu := tau * u
		ratio := math.Exp(2*tu-2*am) * (1 + math.Exp(-4*tu)) / denomMu
		return math.Exp(-0.5*u*u) / (1 + ratio)
	}
	v, ok := adaptiveGL(h, 0, 10, 1e-15)
	if !ok {
		return 0, errs.New(errs.NoConvergence, "effectsize: ZToRInt", "the quadrature for mu = %g, tau2 = %g did not reach its tolerance", mu, tau2)
	}
	return 2 * math.Tanh(2*mu) * v / math.Sqrt(2*math.Pi), nil
}
