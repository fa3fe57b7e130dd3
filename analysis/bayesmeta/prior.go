package bayesmeta

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// The τ prior families.
const (
	HalfNormal = "half-normal" // p(τ) = 2 φ(τ/s)/s, τ ≥ 0
	HalfCauchy = "half-cauchy" // p(τ) = 2 / (π s (1 + (τ/s)²)), τ ≥ 0
	Uniform    = "uniform"     // p(τ) = 1/A on [0, A]; A = +Inf: improper, p(τ) ∝ 1
)

// The μ prior families.
const (
	Normal = "normal" // N(m₀, s₀²), optionally truncated to [Lower, Upper]
	Flat   = "flat"   // improper uniform on the real line, p(μ) ∝ 1
)

// TauPrior is the prior of the heterogeneity τ (a standard deviation).
type TauPrior struct {
	// Family is HalfNormal, HalfCauchy or Uniform.
	Family string `json:"family"`
	// Scale is the half-normal or half-Cauchy scale s, or the upper bound
	// A of the uniform prior (+Inf for bayesmeta's improper "uniform").
	Scale float64 `json:"scale"`
}

// MuPrior is the prior of the overall effect μ.
type MuPrior struct {
	// Family is Normal or Flat.
	Family string `json:"family"`
	// Mean and SD of the normal prior (m₀, s₀).
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	// Lower and Upper truncate the normal prior to an interval (nil:
	// unbounded), e.g. Lower = 0 for metaBMA's one-sided prior
	// prior("norm", c(mean, sd), lower = 0).
	Lower *float64 `json:"lower,omitempty"`
	Upper *float64 `json:"upper,omitempty"`
}

// Proper reports whether the prior integrates to one.
func (p TauPrior) Proper() bool { return !(p.Family == Uniform && math.IsInf(p.Scale, 1)) }

// Proper reports whether the prior integrates to one.
func (p MuPrior) Proper() bool { return p.Family == Normal }

func (p TauPrior) validate() error {
	switch p.Family {
	case HalfNormal, HalfCauchy:
		if !(p.Scale > 0) || math.IsInf(p.Scale, 0) {
			return errs.New(errs.InvalidOption, "bayesian meta-analysis", "the %s prior on τ needs a positive, finite scale (got %v)", p.Family, p.Scale).WithHint("TauScale")
		}
	case Uniform:
		if !(p.Scale > 0) {
			return errs.New(errs.InvalidOption, "bayesian meta-analysis", "the uniform prior on τ needs a positive upper bound, or +Inf for the improper uniform prior (got %v)", p.Scale).WithHint("TauScale")
		}
	default:
		return errs.New(errs.InvalidOption, "bayesian meta-analysis", "unknown prior on τ %q: give half-normal, half-cauchy or uniform", p.Family).WithHint("TauPrior")
	}
	return nil
}

func (p MuPrior) validate() error {
	switch p.Family {
	case Normal:
		if !(p.SD > 0) || math.IsInf(p.SD, 0) || math.IsNaN(p.Mean) || math.IsInf(p.Mean, 0) {
			return errs.New(errs.InvalidOption, "bayesian meta-analysis", "the normal prior on μ needs a finite mean and a positive, finite SD (got mean %v, SD %v)", p.Mean, p.SD).WithHint("MuSD")
		}
		lo, hi := p.bounds()
		if !(lo < hi) {
			return errs.New(errs.InvalidOption, "bayesian meta-analysis", "the truncation interval of the μ prior is empty ([%v, %v])", lo, hi).WithHint("MuPrior")
		}
		if truncProb(p.Mean, p.SD, lo, hi) <= 0 {
			return errs.New(errs.InvalidOption, "bayesian meta-analysis", "the μ prior has no mass in its truncation interval [%v, %v]", lo, hi).WithHint("MuPrior")
		}
	case Flat:
		if p.Lower != nil || p.Upper != nil {
			return errs.New(errs.InvalidOption, "bayesian meta-analysis", "a flat prior on μ cannot be truncated; use a normal prior with bounds").WithHint("MuPrior")
		}
	default:
		return errs.New(errs.InvalidOption, "bayesian meta-analysis", "unknown prior on μ %q: give normal or flat", p.Family).WithHint("MuPrior")
	}
	return nil
}

// bounds returns the truncation interval (±Inf when unbounded).
func (p MuPrior) bounds() (lo, hi float64) {
	lo, hi = math.Inf(-1), math.Inf(1)
	if p.Lower != nil {
		lo = *p.Lower
	}
	if p.Upper != nil {
		hi = *p.Upper
	}
	return lo, hi
}

// truncated reports whether the μ prior is truncated.
func (p MuPrior) truncated() bool { return p.Family == Normal && (p.Lower != nil || p.Upper != nil) }

// LogDensity is log p(τ) (−Inf outside the support; 0 for the improper
// uniform prior).
func (p TauPrior) LogDensity(t float64) float64 {
	if t < 0 {
		return math.Inf(-1)
	}
	s := p.Scale
	switch p.Family {
	case HalfNormal:
		z := t / s
		return math.Log(2) - 0.5*math.Log(2*math.Pi) - math.Log(s) - 0.5*z*z
	case HalfCauchy:
		z := t / s
		return math.Log(2/math.Pi) - math.Log(s) - math.Log1p(z*z)
	case Uniform:
		if math.IsInf(s, 1) {
			return 0
		}
		if t > s {
			return math.Inf(-1)
		}
		return -math.Log(s)
	}
	return math.NaN()
}

// LogDensity is log p(μ) (normalised over the truncation interval; 0 for
// the flat prior).
func (p MuPrior) LogDensity(m float64) float64 {
	if p.Family == Flat {
		return 0
	}
	lo, hi := p.bounds()
	if m < lo || m > hi {
		return math.Inf(-1)
	}
	z := (m - p.Mean) / p.SD
	return -0.5*math.Log(2*math.Pi) - math.Log(p.SD) - 0.5*z*z - logTruncProb(p.Mean, p.SD, lo, hi)
}

// String describes the prior, e.g. "half-normal(scale = 0.5)".
func (p TauPrior) String() string {
	if p.Family == Uniform {
		if math.IsInf(p.Scale, 1) {
			return "uniform(0, ∞) (improper)"
		}
		return fmt.Sprintf("uniform(0, %g)", p.Scale)
	}
	return fmt.Sprintf("%s(scale = %g)", p.Family, p.Scale)
}

// String describes the prior, e.g. "normal(mean = 0, sd = 1)".
func (p MuPrior) String() string {
	if p.Family == Flat {
		return "flat (improper uniform)"
	}
	s := fmt.Sprintf("normal(mean = %g, sd = %g)", p.Mean, p.SD)
	if p.truncated() {
		lo, hi := p.bounds()
		s += fmt.Sprintf(" truncated to [%g, %g]", lo, hi)
	}
	return s
}
