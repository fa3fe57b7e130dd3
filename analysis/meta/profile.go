package meta

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/optim"
	"gonum.org/v1/gonum/stat/distuv"
)

// ProfilePoint is the (restricted) log-likelihood of a model with τ² fixed
// at Tau2 and β re-estimated (metafor's profile.rma.uni: ll at tau2).
type ProfilePoint struct {
	Tau2   float64 `json:"tau2"`
	LogLik float64 `json:"ll"`
}

// PLCI is the profile-likelihood confidence interval of τ² (metafor's
// confint(res, type = "PL")).
type PLCI struct {
	LB    float64 `json:"ci_lb"`
	UB    float64 `json:"ci_ub"`
	Level float64 `json:"level"`
	// Crit is the χ²₁ quantile the bounds solve for: 2(ℓ(τ̂²) − ℓ(τ²)) = Crit.
	Crit float64 `json:"crit"`
	Note string  `json:"note,omitempty"` // a bound at the end of the search interval
}

// checkProfile refuses models whose τ² is not a likelihood estimate.
func checkProfile(r *Result) error {
	if r == nil || r.d == nil {
		return errs.New(errs.InvalidOption, "meta", "the profile likelihood needs a model from Fit")
	}
	if r.opt.isFE() {
		return errs.New(errs.InvalidOption, "meta", "a %s model has no τ² to profile", r.Method)
	}
	if r.opt.Tau2 != nil {
		return errs.New(errs.InvalidOption, "meta", "τ² was fixed by the user: there is no estimate to profile")
	}
	if r.Method != ML && r.Method != REML {
		return errs.New(errs.InvalidOption, "meta", "the profile likelihood of τ² is for models fitted by ML or REML, not %s (its estimate does not maximise a likelihood); refit with method REML", r.Method)
	}
	if r.opt.Weights != nil {
		// metafor profiles the weighted model's own likelihood; ours is
		// the inverse-variance one, 2e-4 apart on dat.bcg: not offered.
		return errs.New(errs.InvalidOption, "meta", "the profile likelihood of τ² is not computed for a model with user weights (the Q-profile CI is shown)")
	}
	return nil
}

// ProfileLogLik returns the log-likelihood of r's model (REML's restricted
// one for REML fits, the ML one for ML fits) at each τ² of tau2s, with β
// re-estimated at each (metafor's profile(res) values, profile.rma.uni).
func ProfileLogLik(r *Result, tau2s []float64) ([]ProfilePoint, error) {
	if err := checkProfile(r); err != nil {
		return nil, err
	}
	m := newModel(r.d, r.opt)
	out := make([]ProfilePoint, len(tau2s))
	for i, t := range tau2s {
		if !(t >= 0) || math.IsInf(t, 1) {
			return nil, errs.New(errs.InvalidOption, "meta", "τ² = %g: the profile is defined for τ² ≥ 0", t)
		}
		ll, err := m.logLikAt(t, r.Method == REML)
		if err != nil {
			return nil, err
		}
		out[i] = ProfilePoint{Tau2: t, LogLik: ll}
	}
	return out, nil
}

// ProfileCI returns the profile-likelihood confidence interval of τ² of a
// model fitted by ML or REML (Hardy & Thompson 1996; metafor 3.8's
// confint(res, type = "PL")): the τ² on either side of τ̂² where
//
//	2(ℓ(τ̂²) − ℓ(τ²)) = χ²₁,₁₋α
//
// with ℓ the (restricted) log-likelihood profiled over β. The search runs
// on [0, max(100, 10τ̂²)] as metafor's: when the likelihood ratio at 0 is
// below the critical value the lower bound is 0, when it is below at the
// upper end the bound is that end (said in Note). Roots are found to
// machine precision (metafor's uniroot stops at tol ≈ 1.2e-4 unless
// control = list(tol = …) is given).
func ProfileCI(r *Result) (*PLCI, error) {
	if err := checkProfile(r); err != nil {
		return nil, err
	}
	m := newModel(r.d, r.opt)
	reml := r.Method == REML
	crit := distuv.ChiSquared{K: 1}.Quantile(r.Level)
	llMax, err := m.logLikAt(r.Tau2, reml)
	if err != nil {
		return nil, err
	}
	var ferr error
	f := func(t float64) float64 {
		ll, e := m.logLikAt(t, reml)
		if e != nil {
			ferr = e
			return math.NaN()
		}
		return -2*(ll-llMax) - crit
	}
	out := &PLCI{Level: r.Level, Crit: crit}
	lo, hi := 0.0, math.Max(100, 10*r.Tau2)
	if f(lo) < 0 {
		out.LB = lo
	} else {
		res, rerr := optim.Root(f, lo, r.Tau2, 0, 10000)
		if ferr != nil {
			return nil, ferr
		}
		if rerr != nil {
			return nil, fmt.Errorf("meta: profile-likelihood lower bound of τ²: %w", rerr)
		}
		out.LB = res.X
	}
	if f(hi) < 0 {
		out.UB = hi
		out.Note = fmt.Sprintf("upper bound of τ² > %g (the search limit)", hi)
	} else {
		res, rerr := optim.Root(f, r.Tau2, hi, 0, 10000)
		if ferr != nil {
			return nil, ferr
		}
		if rerr != nil {
			return nil, fmt.Errorf("meta: profile-likelihood upper bound of τ²: %w", rerr)
		}
		out.UB = res.X
	}
	if ferr != nil {
		return nil, ferr
	}
	return out, nil
}
