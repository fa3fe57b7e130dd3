package metamv

import (
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/meta"
)

// Estimation methods accepted in Options.Method.
const (
	REML = "REML" // restricted maximum likelihood (the default, as rma.mv)
	ML   = "ML"   // maximum likelihood
)

// Options configures Fit. The zero value gives metafor's rma.mv defaults:
// REML, z tests, 95% level, intercept only, independent sampling errors.
type Options struct {
	// Method is REML (default) or ML.
	Method string
	// Test is "z" (default) or "t" (t and F tests with k − p degrees of
	// freedom, rma.mv's test = "t").
	Test string
	// Level is the confidence level, default 0.95 (95 is accepted too).
	Level float64
	// Mods are the moderators, coded as in meta.Fit (treatment contrasts,
	// R's column names).
	Mods []meta.Moderator
	// Rho is the correlation of the sampling errors of two different effect
	// sizes in the same outer cluster: Cov(eᵢ, eⱼ) = ρ·√(vᵢvⱼ) (metafor
	// vcalc(vi, cluster, obs, rho) with distinct obs). 0 means independent
	// sampling errors (V diagonal). Must lie in (−1, 1).
	Rho float64
	// Measure names the effect-size measure; "ZCOR" adds the back-transformed
	// r block. Default "GEN".
	Measure string
	// OuterName and InnerName name the levels in text output and in the
	// level labels (default "outer" and "inner"), e.g. "study" and "es_id".
	OuterName, InnerName string
	// Sigma2 fixes a variance component at the given value instead of
	// estimating it (metafor's sigma2 = c(NA, 0) etc.); nil estimates it.
	Sigma2 [2]*float64
	// NoProfile skips the profile-likelihood CIs of the σ² components and
	// the likelihood-ratio tests against the two-level models (they refit
	// the model many times).
	NoProfile bool
	// MaxIter bounds the Fisher-scoring iterations (default 1000).
	MaxIter int
	// Tol is the convergence tolerance: iterations stop when no component
	// changes by more than Tol·(σ²₁ + σ²₂ + ṽ), ṽ the typical sampling
	// variance. Default 1e-10.
	Tol float64

	// dense makes Fit factor each cluster's covariance densely (the test
	// oracle of the structured path).
	dense bool
}

func (o Options) withDefaults() (Options, error) {
	if o.Method == "" {
		o.Method = REML
	}
	o.Method = strings.ToUpper(o.Method)
	if o.Method != REML && o.Method != ML {
		return o, errs.New(errs.InvalidOption, "metamv", "unknown method %q (use REML or ML)", o.Method)
	}
	if o.Test == "" {
		o.Test = "z"
	}
	o.Test = strings.ToLower(o.Test)
	if o.Test != "z" && o.Test != "t" {
		return o, errs.New(errs.InvalidOption, "metamv", "unknown test %q (use z or t)", o.Test)
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	if o.Level > 1 && o.Level < 100 {
		o.Level /= 100
	}
	if !(o.Level > 0 && o.Level < 1) {
		return o, errs.New(errs.InvalidOption, "metamv", "level %g must be in (0, 1), e.g. 0.95", o.Level)
	}
	if !(o.Rho > -1 && o.Rho < 1) {
		return o, errs.New(errs.InvalidOption, "metamv", "rho = %g must lie in (−1, 1); a correlation of ±1 makes the sampling covariance singular", o.Rho)
	}
	if o.Measure == "" {
		o.Measure = "GEN"
	}
	if o.OuterName == "" {
		o.OuterName = "outer"
	}
	if o.InnerName == "" {
		o.InnerName = "inner"
	}
	for j, s := range o.Sigma2 {
		if s != nil && (math.IsNaN(*s) || *s < 0 || math.IsInf(*s, 0)) {
			return o, errs.New(errs.InvalidOption, "metamv", "fixed sigma2[%d] = %g must be a finite non-negative number", j+1, *s)
		}
	}
	if o.MaxIter <= 0 {
		o.MaxIter = 1000
	}
	if !(o.Tol > 0) {
		o.Tol = 1e-10
	}
	return o, nil
}
