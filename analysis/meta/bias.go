package meta

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/errs"
)

// BiasOptions selects and configures the analyses of Bias.
type BiasOptions struct {
	RegTest  RegTestOptions
	TrimFill TrimFillOptions
	FSN      FSNOptions
	// PETPEESE and SelModel add those (more expensive) analyses.
	PETPEESE     bool
	PETPEESEOpts PETPEESEOptions
	SelModel     bool
	SelModelOpts SelModelOptions
}

// BiasResult collects the small-study-effect and publication-bias analyses
// of one model, in the JSON layout of DESIGN.md ("bias").
type BiasResult struct {
	Egger    *RegTestResult  `json:"egger"`
	Rank     *RankTestResult `json:"rank"`
	TrimFill *TrimFillResult `json:"trimfill"`
	FSN      *FSNResult      `json:"fsn"`
	PETPEESE *PETPEESEResult `json:"pet_peese,omitempty"`
	SelModel *SelModelResult `json:"selmodel,omitempty"`
}

// Bias runs the Egger-type regression test, the rank correlation test,
// trim and fill and the fail-safe numbers (and, if asked, PET-PEESE and
// the step-function selection model) on an intercept-only model. Each part
// is documented at its own function.
func Bias(r *Result, opt BiasOptions) (*BiasResult, error) {
	if err := r.needIntOnly("the publication-bias analyses"); err != nil {
		return nil, err
	}
	if r.K < 3 {
		return nil, errs.New(errs.TooFew, "meta", "the publication-bias tests need at least 3 studies (k = %d): the regression and rank tests cannot be computed", r.K)
	}
	var out BiasResult
	var err error
	if out.Egger, err = RegTest(r, opt.RegTest); err != nil {
		return nil, err
	}
	if out.Rank, err = RankTest(r); err != nil {
		return nil, err
	}
	if out.TrimFill, err = TrimFill(r, opt.TrimFill); err != nil {
		return nil, err
	}
	if out.FSN, err = FailSafeN(r.Yi, r.Vi, opt.FSN); err != nil {
		return nil, err
	}
	if opt.PETPEESE {
		if out.PETPEESE, err = PETPEESE(r, opt.PETPEESEOpts); err != nil {
			return nil, err
		}
	}
	if opt.SelModel {
		if out.SelModel, err = SelModel(r, opt.SelModelOpts); err != nil {
			return nil, fmt.Errorf("meta: %w", err)
		}
	}
	return &out, nil
}
