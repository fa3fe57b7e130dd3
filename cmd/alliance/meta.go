package main

import (
	"io"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots/textout"
	"github.com/spf13/cobra"
)

// metaFlags are the flags of 'alliance meta', bound to the workflow's
// options (every analysis decision is workflow.Meta's); the rest are the
// command line's own: the table to print, the files to write.
type metaFlags struct {
	read              readFlags
	opt               workflow.MetaOptions
	bayes             workflow.BayesOptions
	bayesOn           bool
	predict, newscale string
	table, aggOut     string
	goshTable         string
	figures           map[string]*string // figure name → --flag value (path)
	set               func(string) bool
	hints             map[string]string // option → flag (optionFlags)
}

const metaDefaultDataset = "demo-studies"

// metaFigureFlags maps each figure flag to the workflow's figure name.
var metaFigureFlags = []struct{ flag, name, help string }{
	{"forest", "forest", "write a forest plot to `FILE` (.png, .svg, .pdf)"},
	{"funnel", "funnel", "write a contour-enhanced funnel plot (with trim-and-fill's filled studies and Egger's line) to `FILE`"},
	{"baujat", "baujat", "write a Baujat plot (contribution to Q vs influence on the estimate) to `FILE`"},
	{"bubble", "bubble", "write a bubble plot of a meta-regression on one numeric moderator to `FILE`"},
	{"radial", "radial", "write a radial (Galbraith) plot to `FILE`"},
	{"influence-plot", "influence", "write the influence panel (rstudent, DFFITS, Cook's D, COVRATIO, τ² and Q_E left out, hat, weight by study) to `FILE`"},
	{"leave1out-forest", "leave1out-forest", "write the leave-one-out estimates as a forest plot to `FILE` (implies --leave1out)"},
	{"cumulative-forest", "cumulative-forest", "write the cumulative meta-analysis as a forest plot to `FILE` (needs --cumulative)"},
	{"selmodel-plot", "selmodel", "write the estimated selection function with its confidence band to `FILE` (implies --bias --selmodel)"},
	{"posterior-plot", "posterior", "write the posterior densities of μ and τ with their credible intervals to `FILE` (implies --bayes)"},
	{"profile-plot", "profile", "write the profile (restricted) log-likelihood of the model's variance components to `FILE`, with the profile-likelihood CI marked, as metafor's profile(res): τ² of the univariate model (REML or ML), each σ² with --cluster"},
	{"gosh", "gosh", "GOSH (metafor's gosh): refit the model to every subset of the studies (up to 2^20 − 1 = 1,048,575, k ≤ 20; random subsets beyond, see --gosh-subsets and --seed), flag the studies whose inclusion moves the mean estimate or I² by more than 1 SD, and write the I² × estimate plot to `FILE`"},
}

func newMetaCmd(e *env) *cobra.Command {
	mf := &metaFlags{figures: map[string]*string{}}
	cmd := &cobra.Command{
		Use:     "meta [FILE]",
		Short:   "Meta-analysis of correlations or precomputed effect sizes (metafor's rma)",
		Long:    helpText("meta", "long"),
		Example: helpText("meta", "example"),
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			mf.set = cmd.Flags().Changed
			return runMeta(e, mf, args)
		},
	}
	f, o := cmd.Flags(), &mf.opt
	mf.read.register(cmd, metaDefaultDataset)
	f.StringVar(&o.R, "r", "", "correlation column (default: ri or r)")
	f.StringVar(&o.N, "n", "", "sample-size column (default: ni or n)")
	f.StringVar(&o.Yi, "yi", "", "precomputed effect-size column (default: yi)")
	f.StringVar(&o.Vi, "vi", "", "sampling-variance column (default: vi)")
	f.StringVar(&o.Sei, "sei", "", "standard-error column, instead of --vi (default: sei)")
	f.StringVar(&o.Study, "study", "", "study-label column (default: label, study, author or authors)")
	f.StringVar(&o.Measure, "measure", "", "effect-size measure: ZCOR (default for r), COR, UCOR; for yi/vi a label, e.g. ZCOR when yi are Fisher z values (adds the r back-transform)")
	enumVar(cmd, &o.VType, "vtype", "LS", "variance type for COR and UCOR: LS, AV, H0 (UCOR: also UB)", "LS", "AV", "H0", "UB")
	enumVar(cmd, &o.Method, "method", "REML", "tau² estimator: "+strings.Join(workflow.Tau2Methods, ", "), workflow.Tau2Methods...)
	enumVar(cmd, &o.Test, "test", "z", "inference: z, t, knha (Knapp–Hartung) or adhoc", workflow.MetaTests...)
	levelVar(cmd, &o.Level, "the intervals")
	listVar(cmd, &o.Mods, "mods", "moderator columns, comma-separated (text columns become factors)")
	f.StringVar(&mf.predict, "predict", "", "meta-regression predictions at moderator values: points separated by ';', each `year=2010,rater=patient` (factors by level name), as metafor predict(res, newmods)")
	listVar(cmd, &o.TestTerms, "test-terms", "Wald test (F under t/knha) that the coefficients of these comma-separated moderators are all zero, as anova(res, btt); with --robust also the cluster-robust test (CR2: HTZ, clubSandwich Wald_test; CR1/CR0: F)")
	listVar(cmd, &o.Scale, "scale", "location–scale model: scale moderator columns, comma-separated, for log τ² (text columns become factors), as metafor rma(yi, vi, mods, scale = ~ …); with --method REML or ML")
	f.StringVar(&mf.newscale, "newscale", "", "with --scale: τ² predicted at scale values, points separated by ';', each `rater=patient,year=2010`, as predict(res, newscale, transf = exp)")
	f.StringVar(&o.Subgroup, "subgroup", "", "column defining subgroups: a model per level and tests of subgroup differences")
	f.IntVar(&o.Permutations, "permutations", 0, "permutation test with `N` iterations (exact when 2^k ≤ N for intercept-only models)")
	f.Uint64Var(&o.Seed, "seed", 1, "seed of the permutation test and of GOSH's random subsets")
	f.BoolVar(&o.Exact, "exact", false, "exact permutation test: enumerate every sign flip (intercept-only) or unique row permutation (moderators), as permutest(exact = TRUE)")
	f.BoolVar(&o.RCode, "r-code", false, "also print the equivalent metafor call, so a reviewer can check the numbers")
	f.StringVar(&mf.table, "table", "", "with --format csv: which table (coefficients, heterogeneity, subgroups, influence, influence-effects, leave1out, cumulative, robust, aggregated, studies, compare; default the first)")
	numVar(cmd, &o.Tau2, "tau2", "fix tau² at this value instead of estimating it (default: estimated)")

	f.BoolVar(&o.Bias, "bias", false, "publication bias: Egger's regression test, rank correlation test, trim-and-fill, fail-safe N")
	enumVar(cmd, &o.RegTestModel, "regtest-model", "rma", "Egger-type test: rma (the model with a precision predictor) or lm (weighted regression)", "rma", "lm")
	enumVar(cmd, &o.RegTestPredictor, "predictor", "sei", "Egger-type test predictor: sei, vi, ni, ninv, sqrtni, sqrtninv", "sei", "vi", "ni", "ninv", "sqrtni", "sqrtninv")
	enumVar(cmd, &o.TrimFillEstimator, "trimfill", "L0", "trim-and-fill estimator: L0, R0 or Q0", "L0", "R0", "Q0")
	enumVar(cmd, &o.TrimFillSide, "trimfill-side", "", "side with missing studies: left or right (default: chosen as metafor does)", "left", "right")
	numVar(cmd, &o.FSNTarget, "fsn-target", "Orwin's fail-safe N target effect (default: half the mean effect, as metafor — an arbitrary choice)")
	f.BoolVar(&o.FSNUnweighted, "fsn-unweighted", false, "Orwin's fail-safe N from the unweighted mean effect (metafor before 4.4); default: the inverse-variance weighted mean, as metafor ≥ 4.4")
	f.BoolVar(&o.PETPEESE, "pet-peese", false, "with --bias: the conditional PET-PEESE estimate")
	enumVar(cmd, &o.SelType, "selmodel", "", "with --bias: a selection model (metafor's selmodel), --selmodel=TYPE with TYPE one of beta, halfnorm, negexp, logistic, power, negexppow, stepfun; a bare --selmodel is stepfun (one step at one-sided p = .025 unless --steps)", workflow.SelModelTypes...)
	f.Lookup("selmodel").NoOptDefVal = "stepfun"
	f.BoolVar(&o.TES, "tes", false, "with --bias: the test of excess significance (Ioannidis & Trikalinos 2007; metafor's tes)")
	f.BoolVar(&o.HC, "hc", false, "with --bias: the Henmi–Copas confidence interval around the fixed-effect estimate (metafor's hc)")
	enumVar(cmd, &o.SelPrec, "prec", "", "with --selmodel=halfnorm, negexp, logistic, power or negexppow: let selection depend on precision: sei, vi, ninv or sqrtninv (divided by its maximum, as metafor)", workflow.SelModelPrecs...)
	floatsVar(cmd, &o.SelSteps, "steps", "with --bias: the step-function selection model with these one-sided p-value cut points, e.g. .025,.05,.5,1 (metafor's steps; a last 1 is added; implies --selmodel)")
	f.BoolVar(&o.Influence, "influence", false, "influence diagnostics: studentized residuals, DFFITS, Cook's distance, COVRATIO, leave-one-out τ² and Q, hat values, weights; with --cluster, Cook's distance, DFBETAS and hat values per cluster and per effect size")
	f.BoolVar(&o.LeaveOneOut, "leave1out", false, "leave-one-out estimates, one study at a time (with --cluster, one cluster at a time)")
	f.StringVar(&o.LeaveClusterOut, "leave1out-cluster", "", "leave-one-out by cluster: leave out all rows of one value of `COLUMN` at a time (e.g. study)")
	f.StringVar(&o.Cumulative, "cumulative", "", "cumulative meta-analysis ordered by a numeric `COLUMN` (e.g. year)")
	f.BoolVar(&o.CumulativeDecreasing, "cumulative-decreasing", false, "order the cumulative meta-analysis from the largest value down")
	f.StringVar(&o.Cluster, "cluster", "", "three-level model: outer[/inner] columns (e.g. study or study/es_id; without inner, one inner unit per row)")
	f.Float64Var(&o.Rho, "rho", 0, "correlation of sampling errors within a cluster (three-level model) or the assumed correlation for --aggregate (default .5 there)")
	f.StringVar(&o.Aggregate, "aggregate", "", "aggregate effect sizes within this `COLUMN` before the analysis (use --rho; default .5 for aggregation)")
	enumVar(cmd, &o.AggregateMethod, "aggregate-method", "cs", "aggregation: cs (metafor aggregate.escalc, compound symmetry) or mac (the MAc composite of correlations)", "cs", "mac")
	f.StringVar(&mf.aggOut, "aggregate-out", "", "also write the aggregated table as CSV to `FILE`")
	f.StringVar(&o.Robust, "robust", "", "cluster-robust inference clustering by this `COLUMN` (CR2 with Satterthwaite df by default)")
	enumVar(cmd, &o.RobustType, "robust-type", "CR2", "robust variance: CR2 (clubSandwich), CR1 (metafor robust, adjust = TRUE) or CR0 (adjust = FALSE)", "CR2", "CR1", "CR0")
	f.BoolVar(&o.NoProfile, "no-profile", false, "three-level model: skip the profile-likelihood CIs and likelihood-ratio tests (faster for large k)")
	f.BoolVar(&mf.bayesOn, "bayes", false, "Bayesian random-effects meta-analysis: posterior of μ, τ and a new study's effect, Bayes factors for μ = 0 and τ = 0, model averaging (bayesmeta/metaBMA)")
	enumVar(cmd, &mf.bayes.TauPrior, "tau-prior", "half-normal", "with --bayes: prior on τ: half-normal, half-cauchy or uniform", "half-normal", "half-cauchy", "uniform")
	f.Float64Var(&mf.bayes.TauScale, "tau-scale", 0, "with --bayes: scale of the half-normal/half-Cauchy prior on τ (default 0.5, weakly informative on Fisher z), or the upper bound of the uniform prior (default: none, bayesmeta's improper uniform)")
	enumVar(cmd, &mf.bayes.MuPrior, "mu-prior", "normal", "with --bayes: prior on μ: normal or flat (flat: no Bayes factor for μ = 0, no model averaging)", "normal", "flat")
	f.Float64Var(&mf.bayes.MuMean, "mu-mean", 0, "with --bayes: mean of the normal prior on μ")
	f.Float64Var(&mf.bayes.MuSD, "mu-sd", 0, "with --bayes: SD of the normal prior on μ (default 1; Bayes factors depend on it)")
	f.BoolVar(&mf.bayes.NoBMA, "no-bma", false, "with --bayes: skip model averaging")
	for _, ff := range metaFigureFlags {
		p := new(string)
		mf.figures[ff.flag] = p
		figureVar(cmd, p, ff.flag, ff.help)
	}
	f.BoolVar(&o.Residuals, "residuals", false, "per-study fitted values, BLUPs with prediction intervals, standardized and studentized residuals (metafor's fitted, blup, rstandard, rstudent); JSON studies, --format csv --table studies")
	listVar(cmd, &o.Compare, "compare", "likelihood-ratio test against a second, nested model with these comma-separated moderators (1: intercept only), both refitted by ML, as anova(m1, m2, refit = TRUE); e.g. --mods ablat,year --compare ablat")
	f.StringVar(&o.Weights, "weights", "", "user weights: a numeric `COLUMN` of weights ≥ 0 for the pooled estimate, as metafor rma(yi, vi, weights = w) (SEs from the sandwich with the random-effects variances; a missing weight drops the study); needed by --method GENQ and GENQM; not with --bias, --influence, --cluster, --subgroup, --robust, --aggregate, --permutations, --bayes, --scale or the figures")
	f.IntVar(&o.GoshSubsets, "gosh-subsets", 0, "with --gosh: fit every subset when there are at most `N`, else N random subsets drawn with --seed (default 1048575; metafor's default is 1000000)")
	f.StringVar(&mf.goshTable, "gosh-table", "", "with --gosh: also write every subset's k, QE, I2, H2, tau2, estimate and 0/1 inclusion columns as CSV to `FILE` (gosh()$res and $incl)")
	mf.hints = optionFlags(cmd, map[string]string{"Figures": "--cumulative-forest/--bubble", "Bayes": "--bayes", "BMAPrior": "--bayes",
		"Predict": "--predict", "NewScale": "--newscale", "Tau2Profile": "--profile-plot", "Gosh": "--gosh"}, &mf.opt, &mf.bayes)
	return cmd
}

// options returns the workflow's options of the flags: the figures asked
// for, the points parsed, and the Bayesian analysis when any of its flags
// is given (and --bayes is not false).
func (mf *metaFlags) options() (workflow.MetaOptions, error) {
	o := mf.opt
	o.RhoSet = mf.set("rho")
	o.SelModel = o.SelType != "" || mf.set("steps")
	for _, ff := range metaFigureFlags {
		if *mf.figures[ff.flag] != "" {
			o.Figures = append(o.Figures, ff.name)
		}
	}
	bayesSet := false
	for _, fl := range []string{"bayes", "tau-prior", "tau-scale", "mu-prior", "mu-mean", "mu-sd", "no-bma", "posterior-plot"} {
		bayesSet = bayesSet || mf.set(fl)
	}
	if bayesSet && !(mf.set("bayes") && !mf.bayesOn) {
		b := mf.bayes
		if !mf.set("tau-prior") {
			b.TauPrior = "" // the workflow's default, said as such
		}
		if !mf.set("mu-prior") {
			b.MuPrior = ""
		}
		o.Bayes = &b
	}
	var err error
	if o.Predict, err = workflow.ParsePredict(mf.predict); err == nil {
		o.NewScale, err = workflow.ParsePoints("NewScale", mf.newscale)
	}
	return o, withOptionFlag(err, mf.hints)
}

func runMeta(e *env, mf *metaFlags, args []string) error {
	if err := selModelTypeAsFile(mf, args); err != nil {
		return err
	}
	src, err := mf.read.source(e, args, metaDefaultDataset)
	if err != nil {
		return err
	}
	outs := []string{e.out, mf.aggOut, mf.goshTable}
	for _, ff := range metaFigureFlags {
		outs = append(outs, *mf.figures[ff.flag])
	}
	if err = e.checkOutputs(outs...); err != nil {
		return err
	}
	opt, err := mf.options()
	if err != nil {
		return err
	}
	if mf.goshTable != "" && !opt.Gosh && *mf.figures["gosh"] == "" {
		return usagef("--gosh-table needs --gosh FILE (the GOSH analysis and its plot)")
	}
	var done func()
	if opt.Permutations > 0 || opt.Exact {
		opt.Progress, done = e.progress(max(opt.Permutations, 1), "permutations")
	}
	var goshDone func()
	if opt.Gosh || *mf.figures["gosh"] != "" {
		opt.GoshProgress, goshDone = e.lazyProgress("GOSH subset fits")
	}
	run, err := workflow.Meta(src, opt)
	if done != nil {
		done()
	}
	if goshDone != nil {
		goshDone()
	}
	if err != nil {
		return withOptionFlag(err, mf.hints)
	}
	if mf.aggOut != "" && run.Aggregated != nil {
		if err := writeTable(mf.aggOut, run.Aggregated.WriteCSV); err != nil {
			return err
		}
		e.infof("wrote the aggregated table (%d clusters) to %s", len(run.Aggregated.Rows), mf.aggOut)
	}
	if mf.goshTable != "" && run.Gosh != nil {
		if err := writeTable(mf.goshTable, run.Gosh.WriteCSV); err != nil {
			return err
		}
		e.infof("wrote the GOSH table (%d subsets) to %s", run.Gosh.Subsets, mf.goshTable)
	}
	if err := e.saveSectionFigures(run.Section(), func(name string) string {
		for _, ff := range metaFigureFlags {
			if ff.name == name || ff.name == strings.TrimSuffix(name, "-three-level") {
				return *mf.figures[ff.flag]
			}
		}
		return ""
	}); err != nil {
		return err
	}
	rcode := func(w io.Writer) {
		if opt.RCode {
			textout.RCode(w, textout.Format(e.format), run.Steps())
		}
	}
	return e.emitRun(run, run.Output(), tidyCSV(run.Tidy(), mf.table), rcode)
}
