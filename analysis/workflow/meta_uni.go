package workflow

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
)

// metaOptions are the options of meta.Fit for the analysed effects.
func (r *MetaRun) metaOptions() meta.Options {
	o := r.opt
	return meta.Options{Method: o.Method, Test: o.Test, Level: o.Level, Labels: r.eff.labels, Measure: r.eff.measure, Tau2: o.Tau2, Mods: r.eff.mods, Weights: r.eff.weights}
}

// fitUnivariate fits rma(yi, vi, mods) and every univariate extra asked for.
func (r *MetaRun) fitUnivariate() error {
	o, e := r.opt, &r.eff
	mo := r.metaOptions()
	res, err := meta.Fit(e.yi, e.vi, mo)
	if err != nil {
		return err
	}
	r.Model = res
	r.weightsNote()
	if d := len(e.yi) - res.K; d > 0 {
		reason := "a missing moderator value"
		if o.Weights != "" {
			reason = "a missing moderator value or weight"
		}
		r.data.Dropped = append(r.data.Dropped, Dropped{Analysis: "meta-analysis", N: d, Unit: "effect sizes", Reason: reason})
	}
	r.data.Counts["effects analysed"] = res.K
	if o.Cluster == "" && o.Aggregate == "" {
		for _, c := range r.st.Cluster {
			if note := dependenceNote(c.Text, res.Rows); note != "" {
				r.Notes = append(r.Notes, note)
				break
			}
		}
	}
	if o.Subgroup != "" {
		sg, serr := meta.Subgroups(e.yi, e.vi, e.subgroup, meta.Options{Method: o.Method, Test: o.Test, Level: o.Level, Labels: e.labels, Measure: e.measure, Tau2: o.Tau2})
		if serr != nil {
			return serr
		}
		r.Subgroups = sg
	}
	if o.Permutations > 0 || o.Exact {
		progress := o.Progress
		if progress == nil {
			progress = func(int) {}
		}
		var pr *meta.PermResult
		if o.Exact {
			pr, err = meta.PermuteExact(e.yi, e.vi, mo, progress)
		} else {
			pr, err = meta.Permute(e.yi, e.vi, mo, o.Permutations, o.Seed, progress)
		}
		if err != nil {
			return err
		}
		r.Permutation = pr
	}
	intOnly := len(res.Coefficients) == 1
	need := func(what string) error {
		if !intOnly {
			return r.optional(what, invalid("Mods", "%s needs an intercept-only model (no moderators)", what))
		}
		return nil
	}
	if (o.Bias) && !intOnly {
		// Not run: an error, or with ContinueOnFailure a warning.
		if err = need("the publication-bias analyses"); err != nil {
			return err
		}
	} else if o.Bias {
		fsn := meta.FSNOptions{Target: o.FSNTarget, OrwinUnweighted: o.FSNUnweighted}
		b, berr := meta.Bias(res, meta.BiasOptions{
			RegTest:  meta.RegTestOptions{Model: o.RegTestModel, Predictor: o.RegTestPredictor, Ni: r.analysedN(res)},
			TrimFill: meta.TrimFillOptions{Estimator: o.TrimFillEstimator, Side: o.TrimFillSide},
			FSN:      fsn, PETPEESE: o.PETPEESE, SelModel: o.SelModel,
			SelModelOpts: meta.SelModelOptions{Steps: o.SelSteps, Type: o.SelType, Prec: o.SelPrec, Ni: r.analysedN(res)},
			TES:          o.TES, HC: o.HC,
		})
		if err = r.optional("the publication-bias analyses", berr); err != nil {
			return err
		}
		r.Bias = b
	}
	if (o.Influence) && !intOnly {
		// Not run: an error, or with ContinueOnFailure a warning.
		if err = need("influence diagnostics"); err != nil {
			return err
		}
	} else if o.Influence {
		inf, ierr := meta.Influence(res)
		if err = r.optional("the influence diagnostics", ierr); err != nil {
			return err
		}
		r.influence, r.Influence, r.Baujat = inf, inf.Rows, inf.Baujat
	}
	if (o.LeaveOneOut || o.LeaveClusterOut != "") && !intOnly {
		// Not run: an error, or with ContinueOnFailure a warning.
		if err = need("leave-one-out analyses"); err != nil {
			return err
		}
	} else if o.LeaveOneOut || o.LeaveClusterOut != "" {
		var rows []meta.SummaryRow
		if o.LeaveClusterOut != "" {
			rows, err = meta.LeaveClusterOut(res, e.ids[strings.ToLower(o.LeaveClusterOut)])
		} else {
			rows, err = meta.LeaveOneOut(res)
		}
		if err = r.optional("the leave-one-out analysis", err); err != nil {
			return err
		}
		r.Leave1out = rows
	}
	if o.Cumulative != "" {
		if err := need("the cumulative meta-analysis"); err != nil {
			return err
		}
		rows, err := meta.Cumulative(res, e.cumOrder, o.CumulativeDecreasing)
		if err != nil {
			return err
		}
		r.Cumulative = rows
	}
	if o.Robust != "" && o.Cluster == "" {
		rb, err := metamv.ClusterRobustUni(res, e.ids[strings.ToLower(o.Robust)], metamv.RobustOptions{Type: o.RobustType, Level: res.Level})
		if err != nil {
			return err
		}
		r.Robust = rb
	}
	return nil
}

// analysedN returns the sample sizes of the analysed rows (for the
// ni-based Egger predictors), or nil.
func (r *MetaRun) analysedN(res *meta.Result) []float64 {
	if r.eff.n == nil {
		return nil
	}
	out := make([]float64, len(res.Rows))
	for i, row := range res.Rows {
		out[i] = r.eff.n[row]
	}
	return out
}

// dependenceNote warns when several analysed effects share a cluster
// (study): a univariate model treats them as independent.
func dependenceNote(cluster []string, rows []int) string {
	seen := make(map[string]bool, len(rows))
	for _, i := range rows {
		seen[cluster[i]] = true
	}
	if len(seen) == len(rows) {
		return ""
	}
	return fmt.Sprintf("%d effects come from %d studies: this model treats effects of the same study as independent; a three-level model (effects within studies) or aggregation within studies accounts for the dependence.", len(rows), len(seen))
}

// fitThreeLevel fits rma.mv(yi, V, mods, random = ~ 1 | outer/inner) and,
// when asked, its cluster-robust inference.
func (r *MetaRun) fitThreeLevel() error {
	o, e := r.opt, &r.eff
	if o.Method != metamv.REML && o.Method != metamv.ML {
		return invalid("Method", "the three-level model is fitted by REML or ML, not %s", o.Method)
	}
	if o.Test != "z" && o.Test != "t" {
		return invalid("Test", "the three-level model has z or t tests, not %s; for small-sample inference use CR2 robust inference", o.Test)
	}
	outer := e.ids[strings.ToLower(e.outer)]
	var inner []string
	innerName := "row"
	if e.inner != "" {
		inner, innerName = e.ids[strings.ToLower(e.inner)], e.inner
	}
	res, err := metamv.Fit(e.yi, e.vi, outer, inner, metamv.Options{Method: o.Method, Test: o.Test, Level: o.Level, Mods: e.mods, Rho: o.Rho,
		Measure: e.measure, OuterName: e.outer, InnerName: innerName, NoProfile: o.NoProfile})
	if err != nil {
		return err
	}
	if o.Robust != "" {
		rb, err := metamv.ClusterRobust(res, e.ids[strings.ToLower(o.Robust)], metamv.RobustOptions{Type: o.RobustType, Level: res.Level})
		if err != nil {
			return err
		}
		res.Robust = rb
	}
	r.ThreeLevel = res
	e.nClusters = res.NLevels[0]
	r.data.Counts["studies (clusters)"] = res.NLevels[0]
	return nil
}

// optional reports the failure of an optional analysis: an error, or with
// ContinueOnFailure a warning shown first (the rest still runs).
func (r *MetaRun) optional(what string, err error) error {
	if err == nil || !r.opt.ContinueOnFailure {
		return err
	}
	r.top = append(r.top, Note{Level: Warning, Text: what + " could not be run: " + err.Error()})
	r.failed = true
	return nil
}
