package metamv

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/meta"
)

// BiasOptions configures Bias.
type BiasOptions struct {
	// PETPEESE adds the PET-PEESE estimate on the same three-level model.
	PETPEESE bool
	// Alpha is the two-sided level at which PET's intercept must differ
	// from zero for PEESE to be used (default 0.05, as meta.PETPEESE).
	Alpha float64
}

// Bias runs the multilevel Egger test (Rodgers & Pustejovsky 2021, Psychol.
// Methods 26:141–160; Egger et al. 1997) for dependent effect sizes: the
// three-level model of Fit with the standard error as moderator,
//
//	yᵢⱼ = β₀ + β₁·√vᵢⱼ + u_j + w_ij + e_ij,
//
// metafor's rma.mv(yi, V, mods = ~ sqrt(vi), random = ~ 1 | outer/inner),
// whose slope β₁ is tested with CR2 cluster-robust variance clustered by
// the outer level and Satterthwaite degrees of freedom (Pustejovsky &
// Tipton 2018), as clubSandwich::coef_test(fit, vcov = "CR2", cluster =
// outer). The intercept β₀ is the limit estimate, the effect of a study of
// standard error 0, with its CR2 standard error and t interval.
//
// With bopt.PETPEESE, the conditional PET-PEESE estimate (Stanley &
// Doucouliagos 2014) is formed on the same model: PET is the regression
// above, PEESE the one on vᵢⱼ (mods = ~ vi); PEESE's intercept is used
// when PET's intercept differs from 0 at level Alpha under CR2, PET's
// otherwise, both with CR2 confidence intervals.
//
// The rank correlation test and trim and fill assume independent effects
// and are not computed here. opt.Mods must be empty (the tests concern an
// intercept-only model); opt.Rho sets the correlated sampling errors
// (CHE). The result uses meta.BiasResult's fields, Model "rma.mv".
func Bias(yi, vi []float64, outer, inner []string, opt Options, bopt BiasOptions) (*meta.BiasResult, error) {
	if len(opt.Mods) > 0 {
		return nil, errs.New(errs.InvalidOption, "metamv", "the small-study tests need an intercept-only model (no moderators)")
	}
	alpha := bopt.Alpha
	if alpha == 0 {
		alpha = 0.05
	}
	if !(alpha > 0 && alpha < 1) {
		return nil, errs.New(errs.InvalidOption, "metamv", "PET-PEESE alpha %g must be in (0, 1)", alpha)
	}
	egger, err := regTestMV(yi, vi, outer, inner, opt, meta.PredSEI)
	if err != nil {
		return nil, fmt.Errorf("metamv: multilevel Egger test: %w", err)
	}
	out := &meta.BiasResult{Egger: egger}
	if !bopt.PETPEESE {
		return out, nil
	}
	peese, err := regTestMV(yi, vi, outer, inner, opt, meta.PredVI)
	if err != nil {
		return nil, fmt.Errorf("metamv: PEESE: %w", err)
	}
	pp := &meta.PETPEESEResult{PET: egger, PEESE: peese, Alpha: alpha, Use: "PET"}
	use := egger
	if *egger.EstP < alpha {
		pp.Use, use = "PEESE", peese
	}
	pp.Estimate, pp.CILB, pp.CIUB = *use.Estimate, *use.CILB, *use.CIUB
	out.PETPEESE = pp
	return out, nil
}

// regTestMV fits the three-level model with √vᵢ (pred sei) or vᵢ (pred vi)
// as moderator and returns the CR2 test of its slope and the CR2 inference
// of the intercept.
func regTestMV(yi, vi []float64, outer, inner []string, opt Options, pred string) (*meta.RegTestResult, error) {
	x := make([]float64, len(vi))
	name := "vi"
	for i, v := range vi {
		x[i] = v
		if pred == meta.PredSEI {
			x[i] = math.Sqrt(v)
		}
	}
	if pred == meta.PredSEI {
		name = "sqrt(vi)"
	}
	opt.Mods = []meta.Moderator{{Name: name, Numeric: x}}
	opt.NoProfile = true
	fit, err := Fit(yi, vi, outer, inner, opt)
	if err != nil {
		return nil, err
	}
	rb, err := ClusterRobust(fit, outer, RobustOptions{Type: CR2, Level: fit.Level})
	if err != nil {
		return nil, err
	}
	if len(rb.Coefficients) != 2 {
		return nil, errs.New(errs.Singular, "metamv", "the precision moderator is collinear with the intercept (all sampling variances equal)")
	}
	b0, b1 := rb.Coefficients[0], rb.Coefficients[1]
	df := *b1.DF
	est, se, st, p, lb, ub := b0.Estimate, b0.SE, b0.Statistic, b0.P, b0.CILB, b0.CIUB
	return &meta.RegTestResult{Model: "rma.mv", Predictor: pred, Statistic: b1.Statistic, DF: &df, P: b1.P, Slope: b1.Estimate,
		Estimate: &est, SE: &se, EstStat: &st, EstP: &p, CILB: &lb, CIUB: &ub, Level: rb.Level, Intercept: true}, nil
}
