package workflow

import (
	"fmt"
	"strconv"
	"strings"
)

// reproSteps are the command lines and R code of the run: one step for a
// model alone, two (the univariate model with its extras, then the
// three-level model) when both were fitted, as each is its own command.
func (r *MetaRun) reproSteps() []Step {
	o := r.opt
	// An optional analysis that could not be run (ContinueOnFailure) is
	// not in the command line, which must run and give these numbers.
	o.Bias = o.Bias && (r.Bias != nil || r.ThreeLevelBias != nil)
	o.Influence = o.Influence && (r.Influence != nil || r.ThreeLevelInfluence != nil)
	o.LeaveOneOut = o.LeaveOneOut && (r.Leave1out != nil || o.LeaveClusterOut != "" || r.ThreeLevelInfluence != nil)
	if r.Model == nil || r.ThreeLevel == nil {
		return []Step{{Purpose: "the meta-analysis", Command: o.commandLine(r.src), RCode: r.rCode()}}
	}
	uni := o
	uni.Cluster, uni.Univariate, uni.Robust, uni.NoProfile = "", false, "", false
	three := MetaOptions{R: o.R, N: o.N, Yi: o.Yi, Vi: o.Vi, Sei: o.Sei, Study: o.Study, Measure: o.Measure, VType: o.VType,
		Method: o.Method, Test: o.Test, Level: o.Level, Mods: o.Mods, Cluster: o.Cluster, Rho: o.Rho, RhoSet: o.RhoSet,
		NoProfile: o.NoProfile, Robust: o.Robust, RobustType: o.RobustType, Predict: o.Predict, TestTerms: o.TestTerms,
		Bias: r.ThreeLevelBias != nil, PETPEESE: r.ThreeLevelBias != nil && r.ThreeLevelBias.PETPEESE != nil}
	var ub, tb strings.Builder
	r.rUnivariate(&ub)
	r.rThreeLevel(&tb)
	return []Step{
		{Purpose: "the univariate meta-analysis", Command: uni.commandLine(r.src), RCode: ub.String()},
		{Purpose: "the three-level model", Command: three.commandLine(r.src), RCode: tb.String()},
	}
}

// rCode is the R code that reproduces every number of the run with
// metafor (and clubSandwich): the analysed effect sizes inline, so the
// numbers match exactly, then one call per analysis that ran.
func (r *MetaRun) rCode() string {
	var b strings.Builder
	if r.LocScale != nil {
		b.WriteString(r.LocScale.RCode())
	}
	if r.Model != nil {
		r.rUnivariate(&b)
	}
	if r.ThreeLevel != nil {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		r.rThreeLevel(&b)
	}
	return b.String()
}

func (r *MetaRun) rUnivariate(b *strings.Builder) {
	res, o := r.Model, r.opt
	b.WriteString(res.RCode(""))
	rows := res.Rows
	pick := func(x []string) []string {
		out := make([]string, len(rows))
		for i, j := range rows {
			out[i] = x[j]
		}
		return out
	}
	if r.Subgroups != nil {
		fmt.Fprintf(b, "# subgroups by %s\ng <- %s\n", o.Subgroup, rStrs(r.eff.subgroup))
		fmt.Fprintf(b, "dat_all <- data.frame(yi = %s, vi = %s, g = g)\n", rNums(r.eff.yi), rNums(r.eff.vi))
		fmt.Fprintf(b, "by_g <- lapply(split(dat_all, dat_all$g), function(d) rma(yi, vi, data = d, method = %q, test = %q,\n  control = list(threshold = 1e-10, maxiter = 1000, tol = 1e-12)))\nby_g\n", res.Method, res.Test)
		fmt.Fprintf(b, "common <- rma(yi, vi, mods = ~ factor(g), data = dat_all, method = %q, test = %q,\n  control = list(threshold = 1e-10, maxiter = 1000, tol = 1e-12))   # common tau2\ncommon   # its QM is the test of differences between the subgroups\n", res.Method, res.Test)
	}
	if p := r.Permutation; p != nil {
		if p.Exact {
			b.WriteString("permutest(res, exact = TRUE)\n")
		} else {
			fmt.Fprintf(b, "set.seed(%d)   # R's random numbers differ from ours: p agrees within Monte Carlo error\npermutest(res, iter = %d)\n", p.Seed, p.Iterations)
		}
	}
	if bi := r.Bias; bi != nil {
		b.WriteString("# small-study effects and publication bias\n")
		if e := bi.Egger; e != nil {
			if e.Predictor == "ni" || e.Predictor == "ninv" || e.Predictor == "sqrtni" || e.Predictor == "sqrtninv" {
				fmt.Fprintf(b, "ni <- %s\n", rNums(r.analysedN(res)))
				fmt.Fprintf(b, "rg <- regtest(res, model = %q, predictor = %q, ni = ni); rg\n", e.Model, e.Predictor)
			} else {
				fmt.Fprintf(b, "rg <- regtest(res, model = %q, predictor = %q); rg\n", e.Model, e.Predictor)
			}
		}
		if bi.Rank != nil {
			b.WriteString("rk <- ranktest(res); rk\n")
		}
		if tf := bi.TrimFill; tf != nil {
			fmt.Fprintf(b, "tf <- trimfill(res, estimator = %q, side = %q, control = list(threshold = 1e-10, maxiter = 1000, tol = 1e-12)); tf\n", tf.Estimator, tf.Side)
		}
		if f := bi.FSN; f != nil {
			b.WriteString("f1 <- fsn(yi, vi, data = dat); f1                     # Rosenthal\n")
			fmt.Fprintf(b, "f2 <- fsn(yi, vi, data = dat, type = \"Orwin\", target = %s, weighted = %s); f2\n", strconv.FormatFloat(f.OrwinTarget, 'g', 17, 64), map[bool]string{true: "TRUE", false: "FALSE"}[f.OrwinWeighted])
			b.WriteString("f3 <- fsn(yi, vi, data = dat, type = \"Rosenberg\"); f3\n")
		}
		if bi.PETPEESE != nil {
			b.WriteString("rma(yi, vi, mods = ~ sqrt(vi), data = dat, method = \"FE\")   # PET\nrma(yi, vi, mods = ~ vi, data = dat, method = \"FE\")         # PEESE\n")
		}
		if s := bi.SelModel; s != nil {
			b.WriteString(r.selModelRCode(s))
		}
		if bi.TES != nil {
			b.WriteString("tes(res)\n")
		}
		if bi.HC != nil {
			b.WriteString("hc(res)\n")
		}
	}
	if r.influence != nil {
		b.WriteString("inf <- influence(res)\ninf\nbj <- baujat(res)\n")
	}
	if len(r.Leave1out) > 0 {
		if o.LeaveClusterOut != "" {
			// metafor ≥ 4.0 has leave1out(res, cluster = cluster); written
			// out, this runs with every version
			fmt.Fprintf(b, "cluster <- %s\n", rStrs(pick(r.eff.ids[strings.ToLower(o.LeaveClusterOut)])))
			fmt.Fprintf(b, `l1o <- do.call(rbind, lapply(unique(cluster), function(cl) {
  f <- rma(yi, vi, data = dat, subset = cluster != cl, method = %q, test = %q, control = list(threshold = 1e-10, maxiter = 1000, tol = 1e-12))
  data.frame(cluster = cl, k = f$k, estimate = c(f$beta), se = f$se, zval = f$zval, pval = f$pval, ci.lb = f$ci.lb, ci.ub = f$ci.ub,
    Q = f$QE, Qp = f$QEp, tau2 = f$tau2, I2 = f$I2, H2 = f$H2) }))
l1o   # leaving out one cluster at a time
`, res.Method, res.Test)
		} else {
			b.WriteString("l1o <- leave1out(res); l1o\n")
		}
	}
	if len(r.Cumulative) > 0 {
		order := make([]float64, len(rows))
		for i, j := range rows {
			order[i] = r.eff.cumOrder[j]
		}
		// metafor ≥ 3.0 sorts by the variable given as order (order(ord)
		// there would sort by the ranks' positions instead)
		dec := ""
		if o.CumulativeDecreasing {
			dec = ", decreasing = TRUE"
		}
		fmt.Fprintf(b, "ord <- %s\ncum <- cumul(res, order = ord%s); cum\n", rNums(order), dec)
	}
	if rb := r.Robust; rb != nil {
		fmt.Fprintf(b, "cl <- %s\n", rStrs(pick(r.eff.ids[strings.ToLower(o.Robust)])))
		b.WriteString(rRobustCall("res", "rob", rb.Type))
	}
	if g := r.Gosh; g != nil {
		if g.AllSubsets {
			fmt.Fprintf(b, "sav <- gosh(res, subsets = %d)   # all %d subsets\n", g.Subsets, g.Subsets)
		} else {
			fmt.Fprintf(b, "sav <- gosh(res, subsets = %d, seed = %d)   # random subsets: R's differ from ours\n", g.Subsets, *g.Seed)
		}
		if out := goshOut(g); out >= 0 {
			fmt.Fprintf(b, "plot(sav, out = %d)   # study %s\n", out+1, g.Studies[out].Study)
		} else {
			b.WriteString("plot(sav)\n")
		}
	}
	rPredict(b, "res", res.Predictions, res.VcovNamed, res.TermTests, res.Measure == "ZCOR")
	r.rUniDiag(b)
	rRobustTerms(b, "res", "rob", r.RobustTermTests, res.VcovNamed)
	r.rUnivariateJSON(b)
}

// rThreeLevel is the one R script of the three-level model (command line
// and report alike): the analysed data inline, vcalc when ρ ≠ 0, rma.mv with
// tight controls, profile CIs and CR2 inference.
func (r *MetaRun) rThreeLevel(b *strings.Builder) {
	res, o, e := r.ThreeLevel, r.opt, &r.eff
	outer := e.ids[strings.ToLower(e.outer)]
	inner := e.ids[strings.ToLower(e.inner)]
	on, in := rName(e.outer), "row"
	if e.inner != "" {
		in = rName(e.inner)
	}
	b.WriteString("library(metafor)\ndat3 <- data.frame(\n")
	fmt.Fprintf(b, "  yi = %s,\n  vi = %s,\n  %s = %s", rNums(e.yi), rNums(e.vi), on, rStrs(outer))
	if inner != nil {
		fmt.Fprintf(b, ",\n  %s = %s", in, rStrs(inner))
	}
	for _, m := range e.mods {
		if m.Numeric != nil {
			fmt.Fprintf(b, ",\n  %s = %s", rName(m.Name), rNums(m.Numeric))
		} else {
			fmt.Fprintf(b, ",\n  %s = %s", rName(m.Name), rStrs(m.Text))
		}
	}
	b.WriteString(")\n")
	if inner == nil {
		b.WriteString("dat3$row <- seq_len(nrow(dat3))\n")
	}
	v := "vi"
	if o.Rho != 0 {
		fmt.Fprintf(b, "V <- vcalc(vi, cluster = %s, obs = %s, rho = %g, data = dat3)\n", on, in, o.Rho)
		v = "V"
	}
	mods := r.rModsFormula()
	fmt.Fprintf(b, "res3 <- rma.mv(yi, %s%s, random = ~ 1 | %s/%s, data = dat3, method = %q, test = %q,\n               control = list(rel.tol = 1e-10))\nsummary(res3)\n", v, mods, on, in, res.Method, res.Test)
	if res.Measure == "ZCOR" && len(res.Coefficients) == 1 {
		b.WriteString("predict(res3, transf = transf.ztor)\n")
	} else if len(res.Coefficients) == 1 {
		b.WriteString("predict(res3)\n")
	}
	if !o.NoProfile {
		b.WriteString("ci3 <- confint(res3, control = list(tol = 1e-12)); ci3\n")
	}
	if rb := res.Robust; rb != nil {
		fmt.Fprintf(b, "cl <- %s\n", rStrs(e.ids[strings.ToLower(o.Robust)]))
		b.WriteString(rRobustCall("res3", "rob3", rb.Type))
	}
	r.rThreeLevelBias(b, v, on, in)
	r.rThreeLevelInfluence(b, v, on, in)
	rPredict(b, "res3", res.Predictions, res.VcovNamed, res.TermTests, res.Measure == "ZCOR")
	rRobustTerms(b, "res3", "rob3", res.RobustTermTests, res.VcovNamed)
	r.rThreeLevelJSON(b)
}

func rNums(x []float64) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = strconv.FormatFloat(v, 'g', 17, 64)
		if s[i] == "NaN" {
			s[i] = "NA"
		}
	}
	return "c(" + strings.Join(s, ", ") + ")"
}

func rStrs(x []string) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = strconv.Quote(v)
	}
	return "c(" + strings.Join(s, ", ") + ")"
}

// commandLine is the alliance command that reproduces the run.
func (o MetaOptions) commandLine(src Source) string {
	a := []string{"alliance", "meta"}
	if src.Embedded {
		a = append(a, "--dataset", src.Name)
	} else {
		a = append(a, shellQuote(src.Name))
	}
	str := func(flag, v, def string) {
		if v != "" && v != def {
			a = append(a, flag, shellQuote(v))
		}
	}
	str("--r", o.R, "")
	str("--n", o.N, "")
	str("--yi", o.Yi, "")
	str("--vi", o.Vi, "")
	str("--sei", o.Sei, "")
	str("--study", o.Study, "")
	str("--measure", o.Measure, "")
	str("--vtype", o.VType, "LS")
	str("--method", o.Method, "REML")
	str("--test", o.Test, "z")
	if o.Level != 0.95 {
		a = append(a, "--level", strconv.FormatFloat(100*o.Level, 'g', -1, 64))
	}
	if o.Tau2 != nil {
		a = append(a, "--tau2", strconv.FormatFloat(*o.Tau2, 'g', -1, 64))
	}
	str("--mods", strings.Join(o.Mods, ","), "")
	str("--subgroup", o.Subgroup, "")
	if o.Exact {
		a = append(a, "--exact")
	} else if o.Permutations > 0 {
		a = append(a, "--permutations", strconv.Itoa(o.Permutations), "--seed", strconv.FormatUint(o.Seed, 10))
	}
	if o.Bias {
		a = append(a, "--bias")
		str("--regtest-model", o.RegTestModel, "rma")
		str("--predictor", o.RegTestPredictor, "sei")
		str("--trimfill", o.TrimFillEstimator, "L0")
		str("--trimfill-side", o.TrimFillSide, "")
		if o.FSNUnweighted {
			a = append(a, "--fsn-unweighted")
		}
		if o.FSNTarget != nil {
			a = append(a, "--fsn-target", strconv.FormatFloat(*o.FSNTarget, 'g', -1, 64))
		}
		if o.PETPEESE {
			a = append(a, "--pet-peese")
		}
		if o.SelModel {
			a = append(a, selModelArgs(o)...)
		}
		if o.TES {
			a = append(a, "--tes")
		}
		if o.HC {
			a = append(a, "--hc")
		}
	}
	if o.Influence {
		a = append(a, "--influence")
	}
	if o.LeaveOneOut && o.LeaveClusterOut == "" {
		a = append(a, "--leave1out")
	}
	str("--leave1out-cluster", o.LeaveClusterOut, "")
	str("--cumulative", o.Cumulative, "")
	if o.CumulativeDecreasing {
		a = append(a, "--cumulative-decreasing")
	}
	str("--cluster", o.Cluster, "")
	if o.RhoSet || o.Rho != 0 {
		a = append(a, "--rho", strconv.FormatFloat(o.Rho, 'g', -1, 64))
	}
	if o.NoProfile {
		a = append(a, "--no-profile")
	}
	str("--aggregate", o.Aggregate, "")
	if o.Aggregate != "" {
		str("--aggregate-method", o.AggregateMethod, "cs")
	}
	str("--robust", o.Robust, "")
	if o.Robust != "" {
		str("--robust-type", o.RobustType, "CR2")
	}
	if o.GoshSubsets != 0 {
		a = append(a, "--gosh-subsets", strconv.Itoa(o.GoshSubsets))
		if o.Permutations == 0 && !o.Exact {
			a = append(a, "--seed", strconv.FormatUint(o.Seed, 10))
		}
	}
	a = append(a, o.predictArgs()...)
	a = append(a, o.scaleArgs()...)
	a = append(a, o.uniDiagArgs()...)
	str("--weights", o.Weights, "")
	return strings.Join(a, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	for _, c := range s {
		if !(c == '-' || c == '_' || c == '.' || c == '/' || c == ',' || c == ':' || c == '+' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	if s == "" {
		return "''"
	}
	return s
}
