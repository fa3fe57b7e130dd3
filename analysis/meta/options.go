package meta

import (
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Estimators of τ² accepted in Options.Method, with metafor's names.
const (
	FE   = "FE"   // fixed effects (τ² = 0)
	EE   = "EE"   // equal effects (same model as FE)
	DL   = "DL"   // DerSimonian–Laird (1986)
	HE   = "HE"   // Hedges (1983), Hedges & Olkin (1985)
	HS   = "HS"   // Hunter–Schmidt (2004)
	SJ   = "SJ"   // Sidik–Jonkman (2005)
	ML   = "ML"   // maximum likelihood
	REML = "REML" // restricted maximum likelihood (the default)
	EB   = "EB"   // empirical Bayes (Morris 1983)
	PM   = "PM"   // Paule–Mandel (1982)
	// HSk is Hunter–Schmidt with the small-sample correction k/(k − p).
	HSk = "HSk"
	// GENQ is the generalised Q-statistic estimator (DerSimonian & Kacker
	// 2007) with the user weights (Options.Weights) as its aᵢ.
	GENQ = "GENQ"
	// PMM is the median-unbiased Paule–Mandel estimator (Viechtbauer 2021):
	// the root of y'P(τ²)y = the median of χ²(k − p).
	PMM = "PMM"
	// GENQM is the median-unbiased generalised Q estimator (Jackson 2013)
	// with the user weights as its aᵢ.
	GENQM = "GENQM"
)

// MethodUserTau2 is what Result's JSON "method" says when τ² was given
// (Options.Tau2) rather than estimated.
const MethodUserTau2 = "user-specified"

// Tests accepted in Options.Test.
const (
	TestZ     = "z"     // Wald z and χ² tests (metafor's default)
	TestT     = "t"     // t and F tests with k − p df
	TestKNHA  = "knha"  // Knapp–Hartung (2003) adjustment with t and F tests
	TestAdhoc = "adhoc" // Knapp–Hartung with the scale factor truncated below at 1
)

// Moderator is one moderator variable for a meta-regression. Exactly one of
// Numeric (a covariate) or Text (a factor) is set, with one entry per study.
// Missing values are NaN (Numeric) or "" (Text); such studies are dropped.
// A factor is coded with treatment contrasts: its levels are sorted, the
// first is the reference, and the design column for level L is named Name+L,
// as R's model.matrix names them (e.g. "typepsychosocial").
type Moderator struct {
	Name    string
	Numeric []float64
	Text    []string
}

// Options configures Fit. The zero value gives metafor's defaults: REML,
// z tests, 95% level, intercept-only.
type Options struct {
	// Method is the τ² estimator: FE, EE, DL, HE, HS, HSk, SJ, ML, REML
	// (default), EB, PM, PMM, GENQ or GENQM.
	Method string
	// Test is "z" (default), "t", "knha" or "adhoc".
	Test string
	// Level is the confidence level, default 0.95.
	Level float64
	// Mods are the moderators (none: intercept-only model).
	Mods []Moderator
	// Labels optionally names the studies (same length as yi).
	Labels []string
	// Measure names the effect-size measure (e.g. "ZCOR", "COR", "SMD");
	// "ZCOR" adds the back-transformed r block. Default "GEN".
	Measure string
	// Tau2, when set, fixes τ² at this value instead of estimating it.
	Tau2 *float64
	// MaxIter bounds the iterations of the iterative estimators (default 1000).
	MaxIter int
	// Tol is the convergence tolerance of the iterative estimators: they stop
	// when |Δτ²| ≤ Tol·(τ² + ṽ) with ṽ = k/Σ(1/vi) the typical sampling
	// variance. Default 1e-10.
	Tol float64
	// Weights, when set, are user weights aᵢ (one per study, ≥ 0; NaN is
	// missing and drops the study), metafor's rma(yi, vi, weights = a): β̂ =
	// (X'AX)⁻¹X'Ay with the sandwich covariance (see weights.go). τ² is still
	// estimated by Method (GENQ and GENQM use aᵢ; they need Weights).
	Weights []float64
}

// withDefaults fills in defaults and validates the options.
func (o Options) withDefaults() (Options, error) {
	if o.Method == "" {
		o.Method = REML
	}
	o.Method = strings.ToUpper(o.Method)
	if o.Method == strings.ToUpper(HSk) {
		o.Method = HSk
	}
	switch o.Method {
	case FE, EE, DL, HE, HS, HSk, SJ, ML, REML, EB, PM, PMM, GENQ, GENQM:
	default:
		return o, errs.New(errs.InvalidOption, "meta", "unknown method %q (use FE, EE, DL, HE, HS, HSk, SJ, ML, REML, EB, PM, PMM, GENQ or GENQM)", o.Method)
	}
	if err := o.checkWeights(); err != nil {
		return o, err
	}
	if o.Test == "" {
		o.Test = TestZ
	}
	o.Test = strings.ToLower(o.Test)
	switch o.Test {
	case TestZ, TestT, TestKNHA, TestAdhoc:
	default:
		return o, errs.New(errs.InvalidOption, "meta", "unknown test %q (use z, t, knha or adhoc)", o.Test)
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	if o.Level > 1 && o.Level < 100 { // accept 95 as metafor does
		o.Level /= 100
	}
	if !(o.Level > 0 && o.Level < 1) {
		return o, errs.New(errs.InvalidOption, "meta", "level %g must be in (0, 1), e.g. 0.95", o.Level)
	}
	if o.Measure == "" {
		o.Measure = "GEN"
	}
	if o.MaxIter <= 0 {
		o.MaxIter = 1000
	}
	if o.Tol <= 0 || math.IsNaN(o.Tol) {
		o.Tol = 1e-10
	}
	if o.Tau2 != nil && (math.IsNaN(*o.Tau2) || *o.Tau2 < 0) {
		return o, errs.New(errs.InvalidOption, "meta", "fixed tau2 = %g must be a non-negative number", *o.Tau2)
	}
	return o, nil
}

func (o Options) isFE() bool { return o.Method == FE || o.Method == EE }

func (o Options) isT() bool { return o.Test != TestZ }
