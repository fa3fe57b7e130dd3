package workflow

import "strings"

// MetaFields are the options of a meta-analysis (MetaOptions) as a user
// gives them: each the flag --Name of 'alliance meta', with its one help
// text, default and list of choices (BindTarget finds the option each
// sets). The files written, the table printed and the prediction points
// are the front end's.
func MetaFields() []Field {
	return []Field{
		{Name: "r", Option: "R", Usage: "correlation column (default: ri or r)"},
		{Name: "n", Option: "N", Usage: "sample-size column (default: ni or n)"},
		{Name: "yi", Option: "Yi", Usage: "precomputed effect-size column (default: yi)"},
		{Name: "vi", Option: "Vi", Usage: "sampling-variance column (default: vi)"},
		{Name: "sei", Option: "Sei", Usage: "standard-error column, instead of --vi (default: sei)"},
		{Name: "study", Option: "Study", Usage: "study-label column (default: label, study, author or authors)"},
		{Name: "measure", Option: "Measure", Usage: "effect-size measure: ZCOR (default for r), COR, UCOR; for yi/vi a label, e.g. ZCOR when yi are Fisher z values (adds the r back-transform)"},
		{Name: "vtype", Default: "LS", Choices: []string{"LS", "AV", "H0", "UB"}, Option: "VType", Usage: "variance type for COR and UCOR: LS, AV, H0 (UCOR: also UB)"},
		{Name: "method", Default: "REML", Choices: Tau2Methods, Option: "Method", Usage: "tau² estimator: " + strings.Join(Tau2Methods, ", ")},
		{Name: "test", Default: "z", Choices: MetaTests, Option: "Test", Usage: "inference: z, t, knha (Knapp–Hartung) or adhoc"},
		{Name: "level", Kind: LevelField, Option: "Level", Usage: "confidence level of the intervals, in percent (or as a proportion)"},
		{Name: "mods", Option: "Mods", Usage: "moderator columns, comma-separated (text columns become factors)"},
		{Name: "test-terms", Option: "TestTerms", Usage: "Wald test (F under t/knha) that the coefficients of these comma-separated moderators are all zero, as anova(res, btt); with --robust also the cluster-robust test (CR2: HTZ, clubSandwich Wald_test; CR1/CR0: F)"},
		{Name: "scale", Option: "Scale", Usage: "location–scale model: scale moderator columns, comma-separated, for log τ² (text columns become factors), as metafor rma(yi, vi, mods, scale = ~ …); with --method REML or ML"},
		{Name: "subgroup", Option: "Subgroup", Usage: "column defining subgroups: a model per level and tests of subgroup differences"},
		{Name: "permutations", Option: "Permutations", Usage: "permutation test with `N` iterations (exact when 2^k ≤ N for intercept-only models)"},
		{Name: "seed", Default: "1", Option: "Seed", Usage: "seed of the permutation test and of GOSH's random subsets"},
		{Name: "exact", Option: "Exact", Usage: "exact permutation test: enumerate every sign flip (intercept-only) or unique row permutation (moderators), as permutest(exact = TRUE)"},
		{Name: "r-code", Option: "RCode", Usage: "also print the equivalent metafor call, so a reviewer can check the numbers"},
		{Name: "tau2", Option: "Tau2", Usage: "fix tau² at this value instead of estimating it (default: estimated)"},
		{Name: "bias", Option: "Bias", Usage: "publication bias: Egger's regression test, rank correlation test, trim-and-fill, fail-safe N"},
		{Name: "regtest-model", Default: "rma", Choices: []string{"rma", "lm"}, Option: "RegTestModel", Usage: "Egger-type test: rma (the model with a precision predictor) or lm (weighted regression)"},
		{Name: "predictor", Default: "sei", Choices: []string{"sei", "vi", "ni", "ninv", "sqrtni", "sqrtninv"}, Option: "RegTestPredictor", Usage: "Egger-type test predictor: sei, vi, ni, ninv, sqrtni, sqrtninv"},
		{Name: "trimfill", Default: "L0", Choices: []string{"L0", "R0", "Q0"}, Option: "TrimFillEstimator", Usage: "trim-and-fill estimator: L0, R0 or Q0"},
		{Name: "trimfill-side", Choices: []string{"left", "right"}, Option: "TrimFillSide", Usage: "side with missing studies: left or right (default: chosen as metafor does)"},
		{Name: "fsn-target", Option: "FSNTarget", Usage: "Orwin's fail-safe N target effect (default: half the mean effect, as metafor — an arbitrary choice)"},
		{Name: "fsn-unweighted", Option: "FSNUnweighted", Usage: "Orwin's fail-safe N from the unweighted mean effect (metafor before 4.4); default: the inverse-variance weighted mean, as metafor ≥ 4.4"},
		{Name: "pet-peese", Option: "PETPEESE", Usage: "with --bias: the conditional PET-PEESE estimate"},
		{Name: "selmodel", Choices: SelModelTypes, Option: "SelType", Bare: "stepfun", Usage: "with --bias: a selection model (metafor's selmodel), --selmodel=TYPE with TYPE one of beta, halfnorm, negexp, logistic, power, negexppow, stepfun; a bare --selmodel is stepfun (one step at one-sided p = .025 unless --steps)"},
		{Name: "tes", Option: "TES", Usage: "with --bias: the test of excess significance (Ioannidis & Trikalinos 2007; metafor's tes)"},
		{Name: "hc", Option: "HC", Usage: "with --bias: the Henmi–Copas confidence interval around the fixed-effect estimate (metafor's hc)"},
		{Name: "prec", Choices: SelModelPrecs, Option: "SelPrec", Usage: "with --selmodel=halfnorm, negexp, logistic, power or negexppow: let selection depend on precision: sei, vi, ninv or sqrtninv (divided by its maximum, as metafor)"},
		{Name: "steps", Option: "SelSteps", Usage: "with --bias: the step-function selection model with these one-sided p-value cut points, e.g. .025,.05,.5,1 (metafor's steps; a last 1 is added; implies --selmodel)"},
		{Name: "influence", Option: "Influence", Usage: "influence diagnostics: studentized residuals, DFFITS, Cook's distance, COVRATIO, leave-one-out τ² and Q, hat values, weights; with --cluster, Cook's distance, DFBETAS and hat values per cluster and per effect size"},
		{Name: "leave1out", Option: "LeaveOneOut", Usage: "leave-one-out estimates, one study at a time (with --cluster, one cluster at a time)"},
		{Name: "leave1out-cluster", Option: "LeaveClusterOut", Usage: "leave-one-out by cluster: leave out all rows of one value of `COLUMN` at a time (e.g. study)"},
		{Name: "cumulative", Option: "Cumulative", Usage: "cumulative meta-analysis ordered by a numeric `COLUMN` (e.g. year)"},
		{Name: "cumulative-decreasing", Option: "CumulativeDecreasing", Usage: "order the cumulative meta-analysis from the largest value down"},
		{Name: "cluster", Option: "Cluster", Usage: "three-level model: outer[/inner] columns (e.g. study or study/es_id; without inner, one inner unit per row)"},
		{Name: "rho", Option: "Rho", Usage: "correlation of sampling errors within a cluster (three-level model) or the assumed correlation for --aggregate (default .5 there)"},
		{Name: "aggregate", Option: "Aggregate", Usage: "aggregate effect sizes within this `COLUMN` before the analysis (use --rho; default .5 for aggregation)"},
		{Name: "aggregate-method", Default: "cs", Choices: []string{"cs", "mac"}, Option: "AggregateMethod", Usage: "aggregation: cs (metafor aggregate.escalc, compound symmetry) or mac (the MAc composite of correlations)"},
		{Name: "robust", Option: "Robust", Usage: "cluster-robust inference clustering by this `COLUMN` (CR2 with Satterthwaite df by default)"},
		{Name: "robust-type", Default: "CR2", Choices: []string{"CR2", "CR1", "CR0"}, Option: "RobustType", Usage: "robust variance: CR2 (clubSandwich), CR1 (metafor robust, adjust = TRUE) or CR0 (adjust = FALSE)"},
		{Name: "no-profile", Option: "NoProfile", Usage: "three-level model: skip the profile-likelihood CIs and likelihood-ratio tests (faster for large k)"},
		{Name: "residuals", Option: "Residuals", Usage: "per-study fitted values, BLUPs with prediction intervals, standardized and studentized residuals (metafor's fitted, blup, rstandard, rstudent); JSON studies, --format csv --table studies"},
		{Name: "compare", Option: "Compare", Usage: "likelihood-ratio test against a second, nested model with these comma-separated moderators (1: intercept only), both refitted by ML, as anova(m1, m2, refit = TRUE); e.g. --mods ablat,year --compare ablat"},
		{Name: "weights", Option: "Weights", Usage: "user weights: a numeric `COLUMN` of weights ≥ 0 for the pooled estimate, as metafor rma(yi, vi, weights = w) (SEs from the sandwich with the random-effects variances; a missing weight drops the study); needed by --method GENQ and GENQM; not with --bias, --influence, --cluster, --subgroup, --robust, --aggregate, --permutations, --bayes, --scale or the figures"},
		{Name: "gosh-subsets", Option: "GoshSubsets", Usage: "with --gosh: fit every subset when there are at most `N`, else N random subsets drawn with --seed (default 1048575; metafor's default is 1000000)"},
	}
}

// BayesFields are the options of the Bayesian meta-analysis
// (BayesOptions); AskBayes says when they ask for it.
func BayesFields() []Field {
	return []Field{
		{Name: "tau-prior", Choices: []string{"half-normal", "half-cauchy", "uniform"}, Option: "TauPrior", Usage: "with --bayes: prior on τ: half-normal (the default), half-cauchy or uniform"},
		{Name: "tau-scale", Option: "TauScale", Usage: "with --bayes: scale of the half-normal/half-Cauchy prior on τ (default 0.5, weakly informative on Fisher z), or the upper bound of the uniform prior (default: none, bayesmeta's improper uniform)"},
		{Name: "mu-prior", Choices: []string{"normal", "flat"}, Option: "MuPrior", Usage: "with --bayes: prior on μ: normal (the default) or flat (flat: no Bayes factor for μ = 0, no model averaging)"},
		{Name: "mu-mean", Option: "MuMean", Usage: "with --bayes: mean of the normal prior on μ"},
		{Name: "mu-sd", Option: "MuSD", Usage: "with --bayes: SD of the normal prior on μ (default 1; Bayes factors depend on it)"},
		{Name: "no-bma", Option: "NoBMA", Usage: "with --bayes: skip model averaging"},
	}
}

// AskBayes returns the Bayesian analysis a front end asks for: b when
// the analysis is switched on, or when any of its fields (BayesFields, or
// its posterior figure) is given and the switch is not given off; nil
// otherwise. Priors left empty take the workflow's defaults, said so in
// the methods.
func AskBayes(b BayesOptions, on, onGiven, fieldGiven bool) *BayesOptions {
	if on || fieldGiven && !onGiven {
		return &b
	}
	return nil
}

// FigureField is a figure a user asks for by writing it to a file: Name
// is its control (the flag --Name), Figure its name in the options'
// Figures and in the section, Usage its one help text.
type FigureField struct{ Name, Figure, Usage string }

// MetaFigureFieldOf returns the field that asks for the figure a section
// names name (its own, or a three-level model's variant of it, as
// "funnel-three-level" for the funnel), and false for none.
func MetaFigureFieldOf(name string) (FigureField, bool) {
	for _, ff := range MetaFigureFields() {
		if ff.Figure == name || ff.Figure == threeLevelFigure(name) {
			return ff, true
		}
	}
	return FigureField{}, false
}

// MetaFigureFields are the figures of the meta-analysis (MetaOptions.Figures),
// each with what asking for it implies.
func MetaFigureFields() []FigureField {
	return []FigureField{
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
}
