package main

import (
	"io"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots/textout"
	"github.com/spf13/cobra"
)

// metaFlags are the flags of 'alliance meta'; every analysis decision is
// workflow.Meta's.
type metaFlags struct {
	read                         readFlags
	r, n, yi, vi, sei, study     string
	measure, vtype, method, test string
	level                        float64
	mods, subgroup               string
	permutations                 int
	exact                        bool
	seed                         uint64
	rcode                        bool
	tau2                         float64
	table                        string
	predict, testTerms           string
	scale                        scaleFlags

	bias                 bool
	regModel, predictor  string
	tfEstimator, tfSide  string
	fsnTarget            float64
	petPeese, tes, hc    bool
	selType, selPrec     string
	selSteps             []float64
	fsnUnweighted        bool
	influence, leave1out bool
	leaveCluster         string
	cumulative           string
	cumDecreasing        bool
	cluster              string
	rho                  float64
	aggregate, aggMethod string
	aggOut               string
	robust, robustType   string
	noProfile            bool
	bayes, noBMA         bool
	tauPrior, muPrior    string
	tauScale             float64
	muMean, muSD         float64
	goshSubsets          int
	goshTable            string
	figures              map[string]*string // figure name → --flag value (path)
	set                  func(string) bool
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
	{"gosh", "gosh", "GOSH (metafor's gosh): refit the model to every subset of the studies (up to 2^20 − 1 = 1,048,575, k ≤ 20; random subsets beyond, see --gosh-subsets and --seed), flag the studies whose inclusion moves the mean estimate or I² by more than 1 SD, and write the I² × estimate plot to `FILE`"},
}

func newMetaCmd(e *env) *cobra.Command {
	mf := &metaFlags{figures: map[string]*string{}}
	cmd := &cobra.Command{
		Use:   "meta [FILE]",
		Short: "Meta-analysis of correlations or precomputed effect sizes (metafor's rma)",
		Long: `Pools study-level correlations (columns ri and ni by default; Fisher z,
measure ZCOR) or precomputed effect sizes (yi with vi or sei) in a fixed- or
random-effects model, with every tau² estimator of metafor (FE, EE, DL, HE,
HS, SJ, ML, REML, EB, PM), z, t or Knapp–Hartung tests, heterogeneity (Q, I²,
H², τ² with Q-profile CIs), the prediction interval, moderators, subgroups
and permutation tests; publication bias, influence, leave-one-out and
cumulative analyses; three-level models, aggregation and CR2 robust
inference. Numbers equal metafor 3.8-1's. --bayes adds a Bayesian
random-effects meta-analysis by numerical integration (as bayesmeta) with
Bayes factors and model averaging over fixed/random and effect/no effect
(as metaBMA).

Without FILE the embedded, simulated dataset demo-studies is analysed.`,
		Example: `  alliance meta                                   # embedded demo data
  alliance meta --dataset molloy2014 --test knha
  alliance meta studies.csv --r r --n n --mods year,rater
  alliance meta studies.csv --yi d --vi v --method DL --format json
  alliance meta studies.csv --subgroup rater --r-code
  alliance meta studies.csv --bias --influence --leave1out --cumulative year
  alliance meta studies.csv --cluster study/es_id --robust study
  alliance meta studies.csv --bayes --tau-prior half-cauchy --tau-scale 0.3 --posterior-plot post.png`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			mf.set = cmd.Flags().Changed
			return runMeta(e, mf, args)
		},
	}
	f := cmd.Flags()
	mf.read.register(cmd, metaDefaultDataset)
	f.StringVar(&mf.r, "r", "", "correlation column (default: ri or r)")
	f.StringVar(&mf.n, "n", "", "sample-size column (default: ni or n)")
	f.StringVar(&mf.yi, "yi", "", "precomputed effect-size column (default: yi)")
	f.StringVar(&mf.vi, "vi", "", "sampling-variance column (default: vi)")
	f.StringVar(&mf.sei, "sei", "", "standard-error column, instead of --vi (default: sei)")
	f.StringVar(&mf.study, "study", "", "study-label column (default: label, study, author or authors)")
	f.StringVar(&mf.measure, "measure", "", "effect-size measure: ZCOR (default for r), COR, UCOR; for yi/vi a label, e.g. ZCOR when yi are Fisher z values (adds the r back-transform)")
	enumVar(cmd, &mf.vtype, "vtype", "LS", "variance type for COR and UCOR: LS, AV, H0 (UCOR: also UB)", "LS", "AV", "H0", "UB")
	enumVar(cmd, &mf.method, "method", "REML", "tau² estimator: "+strings.Join(workflow.Tau2Methods, ", "), workflow.Tau2Methods...)
	enumVar(cmd, &mf.test, "test", "z", "inference: z, t, knha (Knapp–Hartung) or adhoc", workflow.MetaTests...)
	levelVar(cmd, &mf.level, "the intervals")
	f.StringVar(&mf.mods, "mods", "", "moderator columns, comma-separated (text columns become factors)")
	f.StringVar(&mf.predict, "predict", "", "meta-regression predictions at moderator values: points separated by ';', each `year=2010,rater=patient` (factors by level name), as metafor predict(res, newmods)")
	f.StringVar(&mf.testTerms, "test-terms", "", "Wald test (F under t/knha) that the coefficients of these comma-separated moderators are all zero, as anova(res, btt)")
	mf.scale.register(cmd)
	f.StringVar(&mf.subgroup, "subgroup", "", "column defining subgroups: a model per level and tests of subgroup differences")
	f.IntVar(&mf.permutations, "permutations", 0, "permutation test with `N` iterations (exact when 2^k ≤ N for intercept-only models)")
	f.Uint64Var(&mf.seed, "seed", 1, "seed of the permutation test and of GOSH's random subsets")
	f.BoolVar(&mf.exact, "exact", false, "exact permutation test: enumerate every sign flip (intercept-only) or unique row permutation (moderators), as permutest(exact = TRUE)")
	f.BoolVar(&mf.rcode, "r-code", false, "also print the equivalent metafor call, so a reviewer can check the numbers")
	f.StringVar(&mf.table, "table", "", "with --format csv: which table (coefficients, heterogeneity, subgroups, influence, influence-effects, leave1out, cumulative, robust, aggregated; default the first)")
	f.Float64Var(&mf.tau2, "tau2", 0, "fix tau² at this value instead of estimating it (default: estimated)")

	f.BoolVar(&mf.bias, "bias", false, "publication bias: Egger's regression test, rank correlation test, trim-and-fill, fail-safe N")
	enumVar(cmd, &mf.regModel, "regtest-model", "rma", "Egger-type test: rma (the model with a precision predictor) or lm (weighted regression)", "rma", "lm")
	enumVar(cmd, &mf.predictor, "predictor", "sei", "Egger-type test predictor: sei, vi, ni, ninv, sqrtni, sqrtninv", "sei", "vi", "ni", "ninv", "sqrtni", "sqrtninv")
	enumVar(cmd, &mf.tfEstimator, "trimfill", "L0", "trim-and-fill estimator: L0, R0 or Q0", "L0", "R0", "Q0")
	enumVar(cmd, &mf.tfSide, "trimfill-side", "", "side with missing studies: left or right (default: chosen as metafor does)", "left", "right")
	f.Float64Var(&mf.fsnTarget, "fsn-target", 0, "Orwin's fail-safe N target effect (default: half the mean effect, as metafor — an arbitrary choice)")
	f.BoolVar(&mf.fsnUnweighted, "fsn-unweighted", false, "Orwin's fail-safe N from the unweighted mean effect (metafor before 4.4); default: the inverse-variance weighted mean, as metafor ≥ 4.4")
	f.BoolVar(&mf.petPeese, "pet-peese", false, "with --bias: the conditional PET-PEESE estimate")
	enumVar(cmd, &mf.selType, "selmodel", "", "with --bias: a selection model (metafor's selmodel), --selmodel=TYPE with TYPE one of beta, halfnorm, negexp, logistic, power, negexppow, stepfun; a bare --selmodel is stepfun (one step at one-sided p = .025 unless --steps)", workflow.SelModelTypes...)
	f.Lookup("selmodel").NoOptDefVal = "stepfun"
	f.BoolVar(&mf.tes, "tes", false, "with --bias: the test of excess significance (Ioannidis & Trikalinos 2007; metafor's tes)")
	f.BoolVar(&mf.hc, "hc", false, "with --bias: the Henmi–Copas confidence interval around the fixed-effect estimate (metafor's hc)")
	enumVar(cmd, &mf.selPrec, "prec", "", "with --selmodel=halfnorm, negexp, logistic, power or negexppow: let selection depend on precision: sei, vi, ninv or sqrtninv (divided by its maximum, as metafor)", workflow.SelModelPrecs...)
	floatsVar(cmd, &mf.selSteps, "steps", "with --bias: the step-function selection model with these one-sided p-value cut points, e.g. .025,.05,.5,1 (metafor's steps; a last 1 is added; implies --selmodel)")
	f.BoolVar(&mf.influence, "influence", false, "influence diagnostics: studentized residuals, DFFITS, Cook's distance, COVRATIO, leave-one-out τ² and Q, hat values, weights; with --cluster, Cook's distance, DFBETAS and hat values per cluster and per effect size")
	f.BoolVar(&mf.leave1out, "leave1out", false, "leave-one-out estimates, one study at a time (with --cluster, one cluster at a time)")
	f.StringVar(&mf.leaveCluster, "leave1out-cluster", "", "leave-one-out by cluster: leave out all rows of one value of `COLUMN` at a time (e.g. study)")
	f.StringVar(&mf.cumulative, "cumulative", "", "cumulative meta-analysis ordered by a numeric `COLUMN` (e.g. year)")
	f.BoolVar(&mf.cumDecreasing, "cumulative-decreasing", false, "order the cumulative meta-analysis from the largest value down")
	f.StringVar(&mf.cluster, "cluster", "", "three-level model: outer[/inner] columns (e.g. study or study/es_id; without inner, one inner unit per row)")
	f.Float64Var(&mf.rho, "rho", 0, "correlation of sampling errors within a cluster (three-level model) or the assumed correlation for --aggregate (default .5 there)")
	f.StringVar(&mf.aggregate, "aggregate", "", "aggregate effect sizes within this `COLUMN` before the analysis (use --rho; default .5 for aggregation)")
	enumVar(cmd, &mf.aggMethod, "aggregate-method", "cs", "aggregation: cs (metafor aggregate.escalc, compound symmetry) or mac (the MAc composite of correlations)", "cs", "mac")
	f.StringVar(&mf.aggOut, "aggregate-out", "", "also write the aggregated table as CSV to `FILE`")
	f.StringVar(&mf.robust, "robust", "", "cluster-robust inference clustering by this `COLUMN` (CR2 with Satterthwaite df by default)")
	enumVar(cmd, &mf.robustType, "robust-type", "CR2", "robust variance: CR2 (clubSandwich) or CR1 (metafor robust, adjust = TRUE)", "CR2", "CR1")
	f.BoolVar(&mf.noProfile, "no-profile", false, "three-level model: skip the profile-likelihood CIs and likelihood-ratio tests (faster for large k)")
	f.BoolVar(&mf.bayes, "bayes", false, "Bayesian random-effects meta-analysis: posterior of μ, τ and a new study's effect, Bayes factors for μ = 0 and τ = 0, model averaging (bayesmeta/metaBMA)")
	enumVar(cmd, &mf.tauPrior, "tau-prior", "half-normal", "with --bayes: prior on τ: half-normal, half-cauchy or uniform", "half-normal", "half-cauchy", "uniform")
	f.Float64Var(&mf.tauScale, "tau-scale", 0, "with --bayes: scale of the half-normal/half-Cauchy prior on τ (default 0.5, weakly informative on Fisher z), or the upper bound of the uniform prior (default: none, bayesmeta's improper uniform)")
	enumVar(cmd, &mf.muPrior, "mu-prior", "normal", "with --bayes: prior on μ: normal or flat (flat: no Bayes factor for μ = 0, no model averaging)", "normal", "flat")
	f.Float64Var(&mf.muMean, "mu-mean", 0, "with --bayes: mean of the normal prior on μ")
	f.Float64Var(&mf.muSD, "mu-sd", 0, "with --bayes: SD of the normal prior on μ (default 1; Bayes factors depend on it)")
	f.BoolVar(&mf.noBMA, "no-bma", false, "with --bayes: skip model averaging")
	for _, ff := range metaFigureFlags {
		p := new(string)
		mf.figures[ff.flag] = p
		figureVar(cmd, p, ff.flag, ff.help)
	}
	f.IntVar(&mf.goshSubsets, "gosh-subsets", 0, "with --gosh: fit every subset when there are at most `N`, else N random subsets drawn with --seed (default 1048575; metafor's default is 1000000)")
	f.StringVar(&mf.goshTable, "gosh-table", "", "with --gosh: also write every subset's k, QE, I2, H2, tau2, estimate and 0/1 inclusion columns as CSV to `FILE` (gosh()$res and $incl)")
	return cmd
}

// options turns the flags into the workflow's options.
func (mf *metaFlags) options() workflow.MetaOptions {
	o := workflow.MetaOptions{
		R: mf.r, N: mf.n, Yi: mf.yi, Vi: mf.vi, Sei: mf.sei, Study: mf.study,
		Measure: mf.measure, VType: mf.vtype, Method: mf.method, Test: mf.test, Level: mf.level,
		Mods: splitList(mf.mods), Subgroup: mf.subgroup,
		Permutations: mf.permutations, Exact: mf.exact, Seed: mf.seed,
		Bias: mf.bias, RegTestModel: mf.regModel, RegTestPredictor: mf.predictor,
		TrimFillEstimator: mf.tfEstimator, TrimFillSide: mf.tfSide, FSNUnweighted: mf.fsnUnweighted, PETPEESE: mf.petPeese, SelModel: mf.selType != "", SelType: mf.selType, SelPrec: mf.selPrec, TES: mf.tes, HC: mf.hc,
		Influence: mf.influence, LeaveOneOut: mf.leave1out, LeaveClusterOut: mf.leaveCluster,
		Cumulative: mf.cumulative, CumulativeDecreasing: mf.cumDecreasing,
		Cluster: mf.cluster, Rho: mf.rho, RhoSet: mf.set("rho"), NoProfile: mf.noProfile,
		Aggregate: mf.aggregate, AggregateMethod: mf.aggMethod,
		Robust: mf.robust, RobustType: mf.robustType, RCode: mf.rcode,
		TestTerms:   splitList(mf.testTerms),
		GoshSubsets: mf.goshSubsets,
	}
	if mf.set("tau2") {
		t := mf.tau2
		o.Tau2 = &t
	}
	if mf.set("steps") {
		o.SelModel, o.SelSteps = true, mf.selSteps
	}
	if mf.set("fsn-target") {
		t := mf.fsnTarget
		o.FSNTarget = &t
	}
	for _, ff := range metaFigureFlags {
		if *mf.figures[ff.flag] != "" {
			o.Figures = append(o.Figures, ff.name)
		}
	}
	bayesSet := false
	for _, fl := range []string{"bayes", "tau-prior", "tau-scale", "mu-prior", "mu-mean", "mu-sd", "no-bma", "posterior-plot"} {
		bayesSet = bayesSet || mf.set(fl)
	}
	if bayesSet && !(mf.set("bayes") && !mf.bayes) {
		b := &workflow.BayesOptions{TauScale: mf.tauScale, MuMean: mf.muMean, MuSD: mf.muSD, NoBMA: mf.noBMA}
		if mf.set("tau-prior") {
			b.TauPrior = mf.tauPrior
		}
		if mf.set("mu-prior") {
			b.MuPrior = mf.muPrior
		}
		o.Bayes = b
	}
	return o
}

// metaOptionFlags names the flag of each workflow option, for hints.
var metaOptionFlags = map[string]string{
	"Level": "--level", "Bias": "--bias", "AggregateMethod": "--aggregate-method", "RobustType": "--robust-type", "Rho": "--rho",
	"Aggregate": "--aggregate", "Robust": "--robust", "Figures": "--cumulative-forest/--bubble", "Subgroup": "--subgroup",
	"Cluster": "--cluster", "Permutations": "--permutations", "Mods": "--mods", "Method": "--method", "Test": "--test", "Measure": "--measure",
	"Bayes": "--bayes", "TauPrior": "--tau-prior", "TauScale": "--tau-scale", "MuPrior": "--mu-prior", "MuSD": "--mu-sd", "BMAPrior": "--bayes",
	"Predict": "--predict", "TestTerms": "--test-terms", "Scale": "--scale", "NewScale": "--newscale", "SelType": "--selmodel", "SelPrec": "--prec", "SelSteps": "--steps",
	"Gosh": "--gosh", "GoshSubsets": "--gosh-subsets",
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
	opt := mf.options()
	if opt.Predict, err = workflow.ParsePredict(mf.predict); err != nil {
		return withOptionFlag(err, metaOptionFlags)
	}
	if err = mf.scale.apply(&opt); err != nil {
		return err
	}
	if mf.goshTable != "" && !opt.Gosh && *mf.figures["gosh"] == "" {
		return usagef("--gosh-table needs --gosh FILE (the GOSH analysis and its plot)")
	}
	var done func()
	if mf.permutations > 0 || mf.exact {
		opt.Progress, done = e.progress(max(mf.permutations, 1), "permutations")
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
		return withOptionFlag(err, metaOptionFlags)
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
			if ff.name == name || (ff.name == "forest" && name == "forest-three-level") {
				return *mf.figures[ff.flag]
			}
		}
		return ""
	}); err != nil {
		return err
	}
	rcode := func(w io.Writer) {
		if mf.rcode {
			textout.RCode(w, textout.Format(e.format), run.Steps())
		}
	}
	return e.emitRun(run, run.Output(), tidyCSV(run.Tidy(), mf.table), rcode)
}
