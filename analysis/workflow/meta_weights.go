package workflow

import (
	"fmt"
	"math"
	"strconv"

	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/datasets"
)

// checkWeights refuses what user weights (MetaOptions.Weights) cannot be
// combined with, and GENQ/GENQM without them. With weights the univariate
// model, its predictions, term tests, leave-one-out and cumulative analyses
// are available (metafor refits those with the weights); the analyses whose
// own models here assume inverse-variance weights are not.
func (o MetaOptions) checkWeights() error {
	if o.Weights == "" {
		if o.Method == meta.GENQ || o.Method == meta.GENQM {
			return invalid("Weights", "method %s (the generalised Q estimator) needs user weights as its aᵢ: name a weight column, e.g. the sample sizes", o.Method)
		}
		return nil
	}
	refuse := func(what string) error {
		return invalid("Weights", "%s: not available with user weights (its model here uses inverse-variance weights); drop the weights or that analysis. With weights: the model, its predictions and term tests, leave-one-out and cumulative analyses", what)
	}
	switch {
	case o.Cluster != "":
		return refuse("the three-level model")
	case o.Aggregate != "":
		return refuse("aggregation")
	case o.Robust != "":
		return refuse("cluster-robust inference")
	case o.Subgroup != "":
		return refuse("subgroup analyses")
	case o.Permutations > 0 || o.Exact:
		return refuse("the permutation test")
	case o.Bias:
		return refuse("the small-study and publication-bias analyses (and the funnel plot)")
	case o.Influence:
		return refuse("influence diagnostics (and the Baujat and influence plots)")
	case o.Bayes != nil:
		return refuse("the Bayesian meta-analysis")
	case len(o.Scale) > 0:
		return refuse("the location–scale model")
	case len(o.Figures) > 0:
		return refuse("the figures (their study weights)")
	case o.StudyTable:
		return refuse("the table of included studies (its weights)")
	}
	return nil
}

// weightsOf returns the weight column's values: numeric, ≥ 0 and finite
// (missing values stay NaN and drop their study).
func weightsOf(st *datasets.Studies, v datasets.Var) ([]float64, error) {
	if !v.Numeric {
		return nil, inputErr(datasets.Problem{File: st.Name, Column: v.Name, Msg: fmt.Sprintf("the weight column %q is text; user weights must be numbers ≥ 0", v.Name)})
	}
	for i, a := range v.Num {
		if a < 0 || math.IsInf(a, 0) {
			line := 0
			if i < len(st.Line) {
				line = st.Line[i]
			}
			return nil, inputErr(datasets.Problem{File: st.Name, Line: line, Column: v.Name, Value: strconv.FormatFloat(a, 'g', -1, 64),
				Msg: "is not a weight: user weights must be finite numbers ≥ 0"})
		}
	}
	return v.Num, nil
}

// weightsNote says how a model with user weights differs from the usual
// inverse-variance one.
func (r *MetaRun) weightsNote() {
	if r.opt.Weights == "" || r.Model == nil || !r.Model.UserWeights {
		return
	}
	tau := fmt.Sprintf("τ² is estimated by %s with inverse-variance weights", r.Model.Method)
	if r.Model.Method == meta.GENQ || r.Model.Method == meta.GENQM {
		tau = fmt.Sprintf("τ² (%s) and its CI use the weights as the generalised Q statistic's aᵢ", r.Model.Method)
	}
	r.Notes = append(r.Notes, fmt.Sprintf("The pooled estimate weights the studies by the column %s (user weights, as metafor's rma(…, weights = %s)), not by 1/(vᵢ + τ²); its standard errors are the sandwich form (X'AX)⁻¹X'A(V + τ²I)AX(X'AX)⁻¹. %s; Q and I² are those of the inverse-variance model.",
		r.opt.Weights, r.opt.Weights, tau))
}
