package meta

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/errs"
	"gonum.org/v1/gonum/stat/distuv"
)

// SubgroupResult holds a model per subgroup and the tests of subgroup
// differences.
type SubgroupResult struct {
	Levels []string  `json:"levels"` // sorted subgroup levels
	Fits   []*Result `json:"fits"`   // one model per level (separate τ²)
	// Test of subgroup differences with separate τ² per subgroup: a
	// fixed-effects meta-regression of the subgroup estimates on the level
	// factor, with their squared standard errors as variances (metafor
	// documentation, "subgroup analysis"); Q_b ~ χ²(levels − 1).
	QB   float64 `json:"Q_between"`
	QBDF int     `json:"Q_between_df"`
	QBP  float64 `json:"Q_between_p"`
	// Common is the moderator model with the subgroup factor and a common
	// τ²; its QM (χ², or F under t/knha) tests subgroup differences.
	Common *Result  `json:"common"`
	Notes  []string `json:"notes,omitempty"`
}

// Subgroups fits opt's model separately within each level of groups and
// tests whether the subgroup effects differ, with separate τ² (Q_between on
// the subgroup estimates) and with a common τ² (the QM of the model with
// groups as a factor moderator). opt.Mods must be empty. Studies with an empty
// group are dropped with a note.
func Subgroups(yi, vi []float64, groups []string, opt Options) (*SubgroupResult, error) {
	if len(opt.Mods) > 0 {
		return nil, errs.New(errs.InvalidOption, "meta", "Subgroups fits intercept-only models per subgroup; remove the moderators (or use them in Fit)")
	}
	if opt.Weights != nil {
		return nil, errs.New(errs.InvalidOption, "meta", "subgroup analyses with user weights are not available; fit each subgroup with Fit and the weights")
	}
	if len(groups) != len(yi) {
		return nil, errs.New(errs.InvalidOption, "meta", "%d group labels for %d studies", len(groups), len(yi))
	}
	const name = "subgroup"
	copt := opt
	copt.Mods = []Moderator{{Name: name, Text: groups}}
	common, err := Fit(yi, vi, copt)
	if err != nil {
		return nil, fmt.Errorf("meta: subgroup model with common τ²: %w", err)
	}
	lv := levels(common.d.mods[0].Text)
	if len(lv) < 2 {
		return nil, errs.New(errs.TooFew, "meta", "only one subgroup (%q); nothing to compare", lv[0])
	}
	res := &SubgroupResult{Levels: lv, Common: common, Notes: common.Notes}
	est := make([]float64, len(lv))
	ses := make([]float64, len(lv))
	for j, l := range lv {
		var y, v []float64
		var lab []string
		for i, g := range common.d.mods[0].Text {
			if g == l {
				y = append(y, common.d.y[i])
				v = append(v, common.d.v[i])
				if common.d.labels != nil {
					lab = append(lab, common.d.labels[i])
				}
			}
		}
		o := opt
		o.Labels = lab
		if len(y) == 1 && o.isT() {
			o.Test = TestZ
			res.Notes = append(res.Notes, fmt.Sprintf("subgroup %q has one study: fitted with test z", l))
		}
		r, ferr := Fit(y, v, o)
		if ferr != nil {
			return nil, fmt.Errorf("meta: subgroup %q: %w", l, ferr)
		}
		res.Fits = append(res.Fits, r)
		est[j] = r.Coefficients[0].Estimate
		ses[j] = r.Coefficients[0].SE * r.Coefficients[0].SE
	}
	qb, err := Fit(est, ses, Options{Method: FE, Mods: []Moderator{{Name: name, Text: lv}}})
	if err != nil {
		return nil, fmt.Errorf("meta: test of subgroup differences: %w", err)
	}
	res.QB, res.QBDF = qb.QM, qb.QMDF
	res.QBP = distuv.ChiSquared{K: float64(qb.QMDF)}.Survival(qb.QM)
	return res, nil
}
