package meta

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
)

// PETPEESEOptions configures PETPEESE.
type PETPEESEOptions struct {
	// Model is "lm" (default: weighted least squares with multiplicative
	// dispersion, as Stanley & Doucouliagos 2014) or "rma".
	Model string
	// Alpha is the two-sided level at which PET's intercept must differ
	// from zero for PEESE to be used (default 0.05; Stanley & Doucouliagos
	// used a one-sided .05 test, i.e. Alpha = 0.10 here).
	Alpha float64
}

// PETPEESEResult is the conditional PET-PEESE estimate.
type PETPEESEResult struct {
	PET      *RegTestResult `json:"pet"`   // regression on sei
	PEESE    *RegTestResult `json:"peese"` // regression on vi
	Use      string         `json:"use"`   // "PET" or "PEESE"
	Estimate float64        `json:"estimate"`
	CILB     float64        `json:"ci_lb"`
	CIUB     float64        `json:"ci_ub"`
	Alpha    float64        `json:"alpha"`
}

// PETPEESE computes Stanley & Doucouliagos's (2014, Res. Synth. Methods
// 5:60–78) conditional estimator: PET regresses the effects on their
// standard errors, yᵢ = β₀ + β₁√vᵢ; if its intercept β₀ (the effect at
// infinite precision) differs from 0 at level Alpha, the PEESE regression
// on the variances, yᵢ = β₀ + β₁vᵢ, gives the estimate, otherwise PET's
// intercept does. Both are RegTest limit estimates.
func PETPEESE(r *Result, opt PETPEESEOptions) (*PETPEESEResult, error) {
	if err := r.needIntOnly("PET-PEESE"); err != nil {
		return nil, err
	}
	model := strings.ToLower(opt.Model)
	if model == "" {
		model = "lm"
	}
	alpha := opt.Alpha
	if alpha == 0 {
		alpha = 0.05
	}
	if !(alpha > 0 && alpha < 1) {
		return nil, errs.New(errs.InvalidOption, "meta: PET-PEESE", "alpha %g must be in (0, 1)", alpha)
	}
	pet, err := RegTest(r, RegTestOptions{Model: model, Predictor: PredSEI})
	if err != nil {
		return nil, fmt.Errorf("meta: PET: %w", err)
	}
	peese, err := RegTest(r, RegTestOptions{Model: model, Predictor: PredVI})
	if err != nil {
		return nil, fmt.Errorf("meta: PEESE: %w", err)
	}
	out := &PETPEESEResult{PET: pet, PEESE: peese, Alpha: alpha, Use: "PET"}
	use := pet
	if *pet.EstP < alpha {
		out.Use, use = "PEESE", peese
	}
	out.Estimate, out.CILB, out.CIUB = *use.Estimate, *use.CILB, *use.CIUB
	return out, nil
}
