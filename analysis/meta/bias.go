package meta

import (
	"strings"

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
	// TES adds the test of excess significance, HC the Henmi–Copas CI.
	TES, HC bool
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
	TES      *TESResult      `json:"tes,omitempty"`
	HC       *HCResult       `json:"hc,omitempty"`
	// Errors gives, by method (egger, rank, trimfill, fsn, pet_peese,
	// selmodel, tes, hc), why a method could not be computed; the others stand.
	Errors map[string]string `json:"errors,omitempty"`
}

// Bias runs the Egger-type regression test, the rank correlation test,
// trim and fill and the fail-safe numbers (and, if asked, PET-PEESE and
// the step-function selection model) on an intercept-only model. Each part
// is documented at its own function. A method that cannot be computed
// (too few studies, no convergence) does not take the others with it: its
// field is nil and Errors gives the reason under its JSON name; Bias fails
// only for an invalid option, a model with moderators, or when every
// method failed.
func Bias(r *Result, opt BiasOptions) (*BiasResult, error) {
	if err := r.needIntOnly("the publication-bias analyses"); err != nil {
		return nil, err
	}
	if err := r.refuseUserWeights("the publication-bias analysis", "Egger's test, trim and fill and the selection model would each need the weights carried into their own models"); err != nil {
		return nil, err
	}
	out := &BiasResult{}
	failed := 0
	record := func(name string, err error) error {
		if err == nil {
			return nil
		}
		if errs.KindOf(err) == errs.InvalidOption {
			return err
		}
		if out.Errors == nil {
			out.Errors = map[string]string{}
		}
		out.Errors[name] = err.Error()
		failed++
		return nil
	}
	tried := 0
	step := func(name string, f func() error) error {
		tried++
		if name != "fsn" && r.K < 3 {
			return record(name, errs.New(errs.TooFew, "meta", "needs at least 3 studies (k = %d)", r.K))
		}
		return record(name, f())
	}
	var err error
	if err = step("egger", func() (e error) { out.Egger, e = RegTest(r, opt.RegTest); return }); err != nil {
		return nil, err
	}
	if err = step("rank", func() (e error) { out.Rank, e = RankTest(r); return }); err != nil {
		return nil, err
	}
	if err = step("trimfill", func() (e error) { out.TrimFill, e = TrimFill(r, opt.TrimFill); return }); err != nil {
		return nil, err
	}
	if err = step("fsn", func() (e error) { out.FSN, e = FailSafeN(r.Yi, r.Vi, opt.FSN); return }); err != nil {
		return nil, err
	}
	if opt.PETPEESE {
		if err = step("pet_peese", func() (e error) { out.PETPEESE, e = PETPEESE(r, opt.PETPEESEOpts); return }); err != nil {
			return nil, err
		}
	}
	if opt.SelModel {
		if err = step("selmodel", func() (e error) { out.SelModel, e = SelModel(r, opt.SelModelOpts); return }); err != nil {
			return nil, err
		}
	}
	if opt.TES {
		if err = step("tes", func() (e error) { out.TES, e = TES(r); return }); err != nil {
			return nil, err
		}
	}
	if opt.HC {
		if err = step("hc", func() (e error) { out.HC, e = HenmiCopas(r); return }); err != nil {
			return nil, err
		}
	}
	if failed == tried {
		var reasons []string
		for _, k := range []string{"egger", "rank", "trimfill", "fsn", "pet_peese", "selmodel", "tes", "hc"} {
			if m, ok := out.Errors[k]; ok {
				reasons = append(reasons, k+": "+m)
			}
		}
		return nil, errs.New(errs.TooFew, "meta", "no publication-bias method could be computed (%s)", strings.Join(reasons, "; "))
	}
	return out, nil
}
