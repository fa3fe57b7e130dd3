package mixed

import (
	"fmt"
	"math"
	"runtime"

	"github.com/alliance-research/alliance/analysis/errs"
	"gonum.org/v1/gonum/stat/distuv"
)

// CI is one confidence interval of lme4's confint.merMod: a random-effect
// SD or correlation (Parm .sig01, .sig02, …, Group the grouping factor,
// Name lme4's sd_(Intercept) or cor_Days.(Intercept)), the residual SD σ
// (.sigma, group Residual, name sigma) or a fixed effect (Parm and Name
// the coefficient, Group empty).
type CI struct {
	Parm  string `json:"parm"`
	Group string `json:"group,omitempty"`
	Name  string `json:"name"`
	// Estimate is the value the interval is about: for the profile, the
	// ML estimate (lme4 profiles the ML deviance, refitting a REML model
	// by ML); for the bootstrap and Wald intervals, the fitted model's.
	Estimate float64 `json:"estimate"`
	Lower    float64 `json:"lower"`
	Upper    float64 `json:"upper"`
	Method   string  `json:"method"` // profile, boot or Wald
}

// ConfintOptions controls Model.Confint.
type ConfintOptions struct {
	// Method is "profile" (default), "boot" or "Wald", as confint.merMod's
	// method, or "nlme" (nlme's intervals(m) of a model with a residual
	// structure: see nlmeIntervals).
	Method string
	// Level is the confidence level; default the model's Options.Level.
	Level float64
	// NSim is the number of bootstrap samples (default 500, as lme4's nsim).
	NSim int
	// Seed seeds the bootstrap: sample i is drawn from the PCG stream
	// (Seed, i), so the intervals do not depend on the number of workers.
	Seed uint64
	// Workers is the number of goroutines (default GOMAXPROCS).
	Workers int
	// Progress, if set, is called (never concurrently) with the bootstrap
	// refits done and their total.
	Progress func(done, total int)
}

// ConfintResult holds the intervals of Model.Confint, the variance
// parameters first (in lme4's order), then σ, then the fixed effects.
type ConfintResult struct {
	Method    string  `json:"method"`
	Level     float64 `json:"level"`
	Intervals []CI    `json:"intervals"`
	// NSim, Seed and Failed describe a bootstrap: samples drawn, the seed,
	// and refits that failed (left out of the percentiles, as boot.ci
	// drops non-finite replicates).
	NSim   int      `json:"nsim,omitempty"`
	Seed   uint64   `json:"seed,omitempty"`
	Failed int      `json:"failed,omitempty"`
	Notes  []string `json:"notes,omitempty"`
}

// Confint returns confidence intervals of the variance components and the
// fixed effects, as lme4's confint.merMod(m, method = …, level = …):
//
// Profile (method "profile"): lme4's profile.merMod profiles the ML
// deviance D (a REML fit is refitted by ML first) in the parameters
// ψ = (SDs and correlations of each term, σ) and β: for parameter ψ_k held
// at x, D is minimised over the others, and the interval is where the
// signed root ζ(x) = sign(x − ψ̂_k)·√(D(x) − D̂) crosses ∓z_{(1+level)/2}.
// lme4 evaluates ζ on a grid and reads the limits off an interpolating
// spline; here each limit is found by Brent's method on ζ itself, every
// ζ a fresh minimisation (the bounded simplex and Newton steps of Fit),
// which is the value the spline approximates. Each point of the profile
// is minimised from the optimum of its inner neighbour, walking out from
// the estimate in steps of about ½ in ζ, so that the path stays on the
// branch continuous from the estimate (a long jump can land where an SD
// sticks at 0, with a higher D). On the goldens (Dyestuff, Dyestuff2,
// sleepstudy, nested therapist/patient, Orthodont, a random slope at its
// boundary; on the general path Penicillin's crossed plates and samples,
// partially crossed patients × raters with and without a correlated
// patient slope, and a || term) our limits agree with an exact R reference
// (uniroot on lme4's devfun2, each point re-optimised by bobyqa) to 4e-8
// relative (4e-10 on the nested goldens), and with lme4's spline limits
// to 2.5e-3 (9e-3 on Orthodont) where lme4's profile holds (the spline's
// error: Dyestuff's .sig01 lower limit 12.1985 against the exact 12.1965);
// on Orthodont lme4's profile of σ fails ([1.3075, 1.3242], where its own
// deviance is 0.88 above the minimum at σ = 1.2; ours [1.097, 1.599]).
// A fixed effect β_j held at b is
// profiled over θ with σ and the other β profiled out (the deviance of the
// model refitted with x_j b as an offset, lme4's fe.zeta). An SD whose
// profile stays within z down to 0 (a variance estimated at or near zero,
// e.g. Dyestuff2) has lower limit 0, and a correlation whose profile
// stays within z up to ±1 has that limit, as lme4 reports them (its
// spline returns NA there and confint substitutes the bound); a note says
// so. Bates (2010), lme4: Mixed-effects modeling with R, ch. 1.5.
//
// Bootstrap (method "boot"): the parametric bootstrap of lme4's bootMer:
// NSim responses y* = Xβ̂ + ZΛ̂u* + ε* with u* ~ N(0, σ̂²I), ε* ~ N(0, σ̂²I)
// are drawn from the fitted model and refitted by the same criterion
// (REML or ML) from θ̂, and the interval of each of the SDs, correlations,
// σ and β is the percentile interval of boot.ci(type = "perc") (order
// statistics interpolated on the normal quantile scale, boot's norm.inter).
// The draws are seeded per sample (see Seed), so the intervals are the
// same for any number of workers, but they are not R's (another generator).
//
// Wald (method "Wald"): β̂_j ∓ z·SE_j for the fixed effects only (lme4
// gives NA for the variance parameters). With a residual structure lme4
// has no such model and nlme's intervals(m, which = "fixed") use t
// quantiles on nlme's df, β̂_j ∓ t·SE_j: those are the fixed-effect table's
// ci_lb and ci_ub (Result.Fixed), not these z intervals; a note says so.
//
// Both work on the nested and the general path alike (crossed and
// partially crossed factors, || terms, several terms on one factor): the
// profile needs only the criterion and the reduced [X y] block, the
// bootstrap the groups of each row. With a residual structure (AR(1),
// another correlation, a variance function, gls) the profile and the
// bootstrap are refused, lme4 cannot fit these models; their reference is
// nlme's intervals(m), method "nlme" (nlmeIntervals: lme fits with
// uncorrelated random effects). The profile and the bootstrap also refuse
// models fitted from sufficient statistics (they need the rows).
func (m *Model) Confint(o ConfintOptions) (*ConfintResult, error) {
	if o.Level == 0 {
		o.Level = m.opts.Level
	}
	if !(o.Level > 0 && o.Level < 1) {
		return nil, errs.New(errs.InvalidOption, "mixed", "confidence level %g must lie in (0, 1)", o.Level).WithHint("Level")
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	method := o.Method
	if method == "" {
		method = "profile"
	}
	if method != "Wald" && method != "wald" && method != "nlme" {
		if m.d.resid != nil || m.opts.AR1 != "" {
			return nil, errs.New(errs.InvalidOption, "mixed", "%s confidence intervals with a residual structure (AR(1) or another correlation, a variance function, gls) are not available: lme4's profile and bootstrap cannot fit these models; nlme's intervals(m) (Wald on nlme's unconstrained scale for the variance parameters, t on nlme's df for the fixed effects) are method nlme", method).WithHint("Method")
		}
		if m.d.tot != nil {
			return nil, errs.New(errs.InvalidOption, "mixed", "%s confidence intervals need the model fitted from its rows, not from summary statistics", method).WithHint("Method")
		}
	}
	res := &ConfintResult{Level: o.Level}
	switch method {
	case "profile":
		res.Method = "profile"
		ml := m
		if !m.opts.ML {
			mo := m.opts
			mo.ML, mo.DDF = true, "" // the profile needs no df; KR needs REML
			var err error
			if ml, err = Fit(m.formula, m.data, mo); err != nil {
				return nil, fmt.Errorf("mixed: the ML refit for the profile: %w", err)
			}
			res.Notes = append(res.Notes, "The profile is of the ML deviance (the REML fit was refitted by ML, as lme4's profile does): the intervals are centred on the ML estimates.")
		}
		cis, notes, err := profileCI(ml, o.Level, o.Workers)
		if err != nil {
			return nil, err
		}
		res.Intervals, res.Notes = cis, append(res.Notes, notes...)
	case "boot":
		res.Method = "boot"
		if o.NSim == 0 {
			o.NSim = 500
		}
		if o.NSim < 2 {
			return nil, errs.New(errs.InvalidOption, "mixed", "%d bootstrap samples: give at least 2 (lme4's default is 500)", o.NSim).WithHint("NSim")
		}
		b, err := m.bootstrap(o)
		if err != nil {
			return nil, err
		}
		res.Intervals, res.NSim, res.Seed, res.Failed = b.intervals(o.Level), o.NSim, o.Seed, b.failed
		if b.failed > 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("%d of %d bootstrap refits failed and are left out of the percentiles.", b.failed, o.NSim))
		}
		if r := float64(o.NSim-b.failed+1) * (1 - o.Level) / 2; r < 1 {
			res.Notes = append(res.Notes, fmt.Sprintf("%d bootstrap samples are too few for a %g%% percentile interval: the limits are the extreme samples.", o.NSim-b.failed, 100*o.Level))
		}
	case "Wald", "wald":
		res.Method = "Wald"
		z := distuv.UnitNormal.Quantile((1 + o.Level) / 2)
		for _, c := range m.Result.Fixed {
			res.Intervals = append(res.Intervals, CI{Parm: c.Name, Name: c.Name, Estimate: c.Estimate, Lower: c.Estimate - z*c.SE, Upper: c.Estimate + z*c.SE, Method: "Wald"})
		}
		res.Notes = append(res.Notes, "Wald intervals (estimate ∓ z·SE, normal quantile, as lme4's confint(method = \"Wald\")) are given for the fixed effects only.")
		if m.d.resid != nil {
			res.Notes = append(res.Notes, "With a residual structure these z intervals have no reference (lme4 cannot fit the model); nlme's intervals(m, which = \"fixed\") use t quantiles on nlme's df: they are the fixed-effect table's intervals (and method nlme's).")
		}
	case "nlme":
		res.Method = "nlme"
		if err := m.nlmeIntervals(res, o.Level); err != nil {
			return nil, err
		}
	default:
		return nil, errs.New(errs.InvalidOption, "mixed", "confidence-interval method %q: give profile, boot, Wald or nlme", o.Method).WithHint("Method")
	}
	for _, c := range res.Intervals {
		if math.IsNaN(c.Lower) || math.IsNaN(c.Upper) {
			return nil, errs.New(errs.NoConvergence, "mixed", "the %s interval of %s could not be computed", res.Method, c.Parm)
		}
	}
	return res, nil
}
