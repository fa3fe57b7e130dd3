package workflow

import (
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
	"github.com/alliance-research/alliance/datasets"
)

// MetaOptions are every choice of a study-level meta-analysis. The zero
// value is metafor's default model: Fisher z of correlations (or the
// precomputed yi with vi or sei), REML, z tests, 95% intervals, no
// moderators and no optional analyses.
type MetaOptions struct {
	// Column names (empty: the documented defaults of datasets.StudyColumns).
	R, N, Yi, Vi, Sei, Study string

	// Measure is the effect-size measure: ZCOR (default for r and n), COR,
	// UCOR; for yi/vi a label (ZCOR adds the r back-transform). VType is
	// the variance type of COR/UCOR (LS, AV, H0, UB).
	Measure, VType string
	// Method is the τ² estimator (default REML); Test z (default), t, knha
	// or adhoc; Level the confidence level (default 0.95).
	Method, Test string
	Level        float64
	// Tau2 fixes τ² instead of estimating it.
	Tau2 *float64

	// Mods are the moderator columns of a meta-regression (text columns
	// become factors); Subgroup a column defining subgroups.
	Mods     []string
	Subgroup string

	// Permutations > 0 runs a permutation test with that many iterations
	// (Seed); Exact enumerates every permutation. Progress, if set, is
	// called as permutations complete.
	Permutations int
	Exact        bool
	Seed         uint64
	Progress     func(done int)

	// Bias runs Egger's regression test (RegTestModel rma or lm,
	// RegTestPredictor sei, vi, ni, ninv, sqrtni, sqrtninv), the rank
	// correlation test, trim and fill (TrimFillEstimator L0, R0, Q0;
	// TrimFillSide left/right/"" as metafor) and fail-safe N (FSNTarget for
	// Orwin's); PETPEESE and SelModel add those estimates.
	Bias                            bool
	RegTestModel, RegTestPredictor  string
	TrimFillEstimator, TrimFillSide string
	FSNTarget                       *float64
	// FSNUnweighted uses the unweighted mean for Orwin's fail-safe N
	// (metafor before 4.4-0); the default is the weighted mean.
	FSNUnweighted          bool
	PETPEESE, SelModel     bool
	Influence, LeaveOneOut bool
	LeaveClusterOut        string // column: leave out one cluster at a time
	Cumulative             string // numeric column ordering a cumulative meta-analysis
	CumulativeDecreasing   bool

	// Cluster "outer[/inner]" fits the three-level model rma.mv(yi, V,
	// random = ~ 1 | outer/inner); without inner, one unit per row. Rho is
	// the correlation of sampling errors within a cluster (RhoSet says it
	// was given; aggregation assumes .5 otherwise). With Univariate also
	// set, the univariate model is fitted and reported beside it (as the
	// report does).
	Cluster    string
	Univariate bool
	// ThreeLevelAuto, with Cluster empty, detects nesting — the embedded
	// dataset's cluster column, or study labels that repeat — and then fits
	// the three-level model (with CR2 inference by the cluster) beside the
	// univariate one, saying so in a note.
	ThreeLevelAuto bool
	// SuggestModerators adds a note naming the table's unused columns that
	// could be moderators (nothing is tested unless named in Mods).
	SuggestModerators bool
	Rho               float64
	RhoSet            bool
	// NoProfile skips the three-level model's profile CIs and LRTs.
	NoProfile bool

	// Aggregate a column: effect sizes are aggregated within it first
	// (AggregateMethod cs as metafor's aggregate.escalc, or mac).
	Aggregate, AggregateMethod string

	// Robust a column: cluster-robust inference clustered by it (RobustType
	// CR2, the default, CR1 or CR0).
	Robust, RobustType string

	// Figures to specify (their names: forest, funnel, baujat, bubble,
	// radial, influence, leave1out-forest, cumulative-forest).
	Figures []string

	// Reference compares a pooled correlation with the latest synthesis
	// of the alliance–outcome literature in the reading (as the report does).
	Reference bool

	// ContinueOnFailure turns the failure of an optional analysis (bias,
	// influence, leave-one-out) into a warning shown first instead of an
	// error, as a report does.
	ContinueOnFailure bool

	// StudyTable adds the table of the included studies (label, n, the
	// effect and its CI, the model's weight), as a report does.
	StudyTable bool

	// RCode includes the R code in the typed results (JSON r_code).
	RCode bool

	// Predict lists points of moderator values (moderator name → number,
	// or level name for a factor) at which the meta-regression's fitted
	// values, CIs and prediction intervals are reported (metafor
	// predict(res, newmods = …)), with the named covariance of the
	// coefficients (JSON predictions, vcov). TestTerms names moderators (or
	// coefficients) whose coefficients are tested jointly, as
	// anova(res, btt = …) (JSON term_tests).
	Predict   []map[string]string
	TestTerms []string

	// Bayes, if set, adds the Bayesian random-effects meta-analysis and
	// model averaging of the univariate model (JSON "bayes").
	Bayes *BayesOptions

	// SelSteps are the selection model's one-sided p-value cut points
	// (metafor's steps; a last 1 is added). Empty: {.025, 1} for stepfun,
	// none for the continuous types (which take at most one).
	SelSteps []float64
	// SelType is the selection function (meta.SelTypes; empty: stepfun);
	// setting it implies SelModel. SelPrec is the precision measure of
	// halfnorm, negexp, logistic, power and negexppow (sei, vi, ninv,
	// sqrtninv; empty: none).
	SelType, SelPrec string
	// TES adds the test of excess significance (metafor's tes) and HC the
	// Henmi–Copas CI (metafor's hc) to the bias analysis.
	TES, HC bool

	// Scale names the scale moderator columns of a location–scale model
	// (log τ² = z'α; text columns become factors), fitted instead of the
	// univariate model (see meta_scale.go); NewScale lists points of scale
	// values at which τ² is predicted (metafor predict(res, newscale)).
	Scale    []string
	NewScale []map[string]string

	// Residuals adds each study's fitted value, BLUP with its prediction
	// interval, and standardized and studentized residuals of the
	// univariate model (metafor's fitted, blup, rstandard, rstudent; JSON
	// studies). Compare names the moderators of a second model ("1": the
	// intercept-only model), tested against the main one by a
	// likelihood-ratio test with both refitted by ML (metafor's
	// anova(m1, m2, refit = TRUE); JSON compare).
	Residuals bool
	Compare   []string
	// Weights names a numeric column of user weights aᵢ ≥ 0 for the
	// univariate model, metafor's rma(yi, vi, weights = w): β̂ = (X'AX)⁻¹X'Ay
	// with metafor's sandwich SEs (see analysis/meta/weights.go); methods
	// GENQ and GENQM need it. A missing weight drops the study.
	Weights string
	// Gosh runs GOSH on the univariate intercept-only model (meta.Gosh:
	// every subset up to GoshSubsets, default meta.DefaultGoshSubsets,
	// random subsets seeded with Seed beyond); the "gosh" figure implies
	// it. GoshProgress, if set, is called as subset fits complete.
	Gosh         bool
	GoshSubsets  int
	GoshProgress func(done, total int)
}

// MetaExtras are the optional analyses beside a univariate model, in the
// JSON names of DESIGN.md.
type MetaExtras struct {
	Subgroups   *meta.SubgroupResult `json:"subgroups,omitempty"`
	Permutation *meta.PermResult     `json:"permutation,omitempty"`
	Bias        *meta.BiasResult     `json:"bias,omitempty"`
	Influence   []meta.InfluenceRow  `json:"influence,omitempty"`
	Baujat      []meta.BaujatPoint   `json:"baujat,omitempty"`
	Leave1out   []meta.SummaryRow    `json:"leave1out,omitempty"`
	Cumulative  []meta.SummaryRow    `json:"cumulative,omitempty"`
	Robust      *metamv.Robust       `json:"robust,omitempty"`
	Aggregated  *effectsize.AggTable `json:"aggregated,omitempty"`
	Bayes       *BayesMeta           `json:"bayes,omitempty"`
	Studies     []meta.StudyRow      `json:"studies,omitempty"`
	Compare     *meta.Comparison     `json:"compare,omitempty"`
	// RobustTermTests are the cluster-robust tests of --test-terms (with
	// --robust): CR2 HTZ, CR0/CR1 F.
	RobustTermTests []metamv.RobustTermTest `json:"robust_term_tests,omitempty"`
	Gosh            *meta.GoshResult        `json:"gosh,omitempty"`
}

// MetaRun is a study-level meta-analysis: the typed results (its JSON is
// the output of 'alliance meta') and the document part every front end
// renders.
type MetaRun struct {
	DataName string `json:"data"`
	// Model is the univariate model (nil when only a three-level model was
	// asked for).
	Model *meta.Result `json:"-"`
	// MetaExtras are the optional analyses of the univariate model.
	MetaExtras
	ThreeLevel *metamv.Result `json:"-"`
	// ThreeLevelBias is the multilevel Egger test (and PET-PEESE) of the
	// three-level model (with --cluster --bias; JSON "bias").
	ThreeLevelBias *meta.BiasResult `json:"-"`
	RCode          string           `json:"r_code,omitempty"`
	Notes          []string         `json:"-"`

	// LocScale is the location–scale model (with Scale; then Model is nil).
	LocScale *meta.LocScaleResult `json:"-"`

	influence *meta.InfluenceResult
	failed    bool
	opt       MetaOptions
	src       Source
	st        *datasets.Studies
	eff       effects
	data      *DataPart
	top       []Note
	sec       *Section
	methods   []string
	cites     []string
	steps     []Step

	// ThreeLevelInfluence holds the three-level model's influence
	// diagnostics and leave-one-cluster-out fits (with --cluster and
	// --influence or --leave1out; JSON "influence" and "leave1out").
	ThreeLevelInfluence *metamv.InfluenceResult `json:"-"`

	// the univariate model's profile-likelihood CI of τ², profile plot and
	// model comparison (meta_unidiag.go)
	plci        *meta.PLCI
	profile     *Tau2ProfileSpec
	compareMods [2][]string // moderators of the full and reduced models
	compareNote string
	compareData *compareData
}

// Meta runs a study-level meta-analysis of src as opt asks.
func Meta(src Source, opt MetaOptions) (*MetaRun, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	run := &MetaRun{opt: opt, src: src, DataName: src.Label()}
	if err := run.load(); err != nil {
		return nil, err
	}
	if run.opt.Cluster != "" {
		if err := run.fitThreeLevel(); err != nil {
			return nil, err
		}
		// beside a univariate model (the report) only for an intercept-only
		// model; the univariate side already says why moderators stop it
		if run.opt.Bias && len(run.eff.mods) == 0 {
			if err := run.fitThreeLevelBias(); err != nil {
				return nil, err
			}
		}
		if err := run.fitThreeLevelInfluence(); err != nil {
			return nil, err
		}
	}
	if len(run.opt.Scale) > 0 {
		if err := run.fitLocScale(); err != nil {
			return nil, err
		}
	} else if run.opt.Cluster == "" || run.opt.Univariate {
		if err := run.fitUnivariate(); err != nil {
			return nil, err
		}
	}
	if run.opt.Gosh {
		if err := run.fitGosh(); err != nil {
			return nil, err
		}
	}
	if run.opt.Bayes != nil {
		if err := run.fitBayes(); err != nil {
			return nil, err
		}
	}
	if err := run.predictions(); err != nil {
		return nil, err
	}
	if err := run.uniDiagnostics(); err != nil {
		return nil, err
	}
	run.compose()
	return run, nil
}

func (o MetaOptions) withDefaults() (MetaOptions, error) {
	o.Method = strings.ToUpper(o.Method)
	if o.Method == "" {
		o.Method = "REML"
	}
	o.Test = strings.ToLower(o.Test)
	if o.Test == "" {
		o.Test = "z"
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	if !(o.Level > 0 && o.Level < 1) {
		return o, invalid("Level", "confidence level %v: give a proportion between 0 and 1 (e.g. 0.95)", o.Level)
	}
	o.Measure = strings.ToUpper(o.Measure)
	o.VType = strings.ToUpper(o.VType)
	if o.VType == "" {
		o.VType = "LS"
	}
	o.RegTestModel, o.RegTestPredictor = strings.ToLower(o.RegTestModel), strings.ToLower(o.RegTestPredictor)
	o.TrimFillEstimator, o.TrimFillSide = strings.ToUpper(o.TrimFillEstimator), strings.ToLower(o.TrimFillSide)
	o.AggregateMethod = strings.ToLower(o.AggregateMethod)
	if o.AggregateMethod == "" {
		o.AggregateMethod = "cs"
	}
	if o.AggregateMethod != "cs" && o.AggregateMethod != "mac" {
		return o, invalid("AggregateMethod", "aggregation method %q: give cs or mac", o.AggregateMethod)
	}
	if err := o.selModelDefaults(); err != nil {
		return o, err
	}
	if !o.Bias && (o.PETPEESE || o.SelModel || len(o.SelSteps) > 0 || o.TES || o.HC) {
		return o, invalid("Bias", "PET-PEESE, the selection model, the test of excess significance and the Henmi–Copas CI are part of the small-study (bias) analysis: ask for it too")
	}
	o.RobustType = strings.ToUpper(o.RobustType)
	if o.RobustType == "" {
		o.RobustType = metamv.CR2
	}
	if o.RobustType != metamv.CR0 && o.RobustType != metamv.CR1 && o.RobustType != metamv.CR2 {
		return o, invalid("RobustType", "robust variance %q: give CR2, CR1 or CR0", o.RobustType)
	}
	if o.Permutations < 0 {
		return o, invalid("Permutations", "%d permutations: give a positive number (1000 or more for p-values)", o.Permutations)
	}
	if !(o.Rho > -1 && o.Rho < 1) {
		return o, invalid("Rho", "within-cluster correlation %v: give a correlation between -1 and 1", o.Rho)
	}
	for _, f := range o.Figures {
		switch f {
		case "forest", "funnel", "baujat", "bubble", "radial", "influence", "leave1out-forest", "cumulative-forest", "posterior", "selmodel", "profile", "gosh":
		default:
			return o, invalid("Figures", "unknown figure %q", f)
		}
	}
	switch {
	case o.Aggregate != "" && (o.Cumulative != "" || o.LeaveClusterOut != ""):
		return o, invalid("Aggregate", "cumulative and leave-one-cluster-out analyses refer to rows of the original table; they cannot be combined with aggregation")
	case o.Cluster != "" && o.Aggregate != "":
		return o, invalid("Aggregate", "give a three-level model or aggregation within clusters, not both")
	case o.Aggregate != "" && (len(o.Mods) > 0 || o.Subgroup != ""):
		return o, invalid("Aggregate", "aggregation cannot be combined with moderators or subgroups (moderators may differ within a cluster)")
	case o.Aggregate != "" && o.Robust != "":
		return o, invalid("Robust", "robust inference clusters rows; after aggregation each cluster is one row, so drop one of the two")
	case o.Bayes != nil && (len(o.Mods) > 0 || o.Subgroup != ""):
		return o, invalid("Bayes", "the Bayesian meta-analysis is for an intercept-only model; drop the moderators and subgroups")
	case o.Bayes != nil && o.Cluster != "" && !o.Univariate:
		return o, invalid("Bayes", "the Bayesian meta-analysis is univariate; it cannot be combined with a three-level model alone")
	case o.has("posterior") && o.Bayes == nil:
		return o, invalid("Figures", "the posterior plot needs the Bayesian meta-analysis")
	case o.has("cumulative-forest") && o.Cumulative == "":
		return o, invalid("Figures", "the cumulative forest plot needs a cumulative meta-analysis (the column that orders the studies)")
	case o.Subgroup != "" && len(o.Mods) > 0:
		return o, invalid("Subgroup", "subgroups cannot be combined with moderators; use the subgroup column as a moderator instead")
	case o.Cluster != "" && !o.Univariate && (o.Subgroup != "" || o.Permutations > 0 || o.Exact || o.Tau2 != nil):
		return o, invalid("Cluster", "subgroups, permutation tests and a fixed τ² are available for univariate models; with a three-level model use moderators")
	case o.Cluster != "" && !o.Univariate && o.Bias && (o.SelModel || o.TES || o.HC || len(o.SelSteps) > 0 || len(o.Mods) > 0 || (o.RegTestModel != "" && o.RegTestModel != "rma") || (o.RegTestPredictor != "" && o.RegTestPredictor != "sei") || (o.TrimFillEstimator != "" && o.TrimFillEstimator != "L0") || o.TrimFillSide != "" || o.FSNTarget != nil || o.FSNUnweighted):
		return o, invalid("Cluster", "with a three-level model the small-study analysis is the multilevel Egger test (predictor sqrt(vi), CR2) and PET-PEESE on an intercept-only model; the selection model, trim and fill, fail-safe N, other Egger variants and moderators assume independent effects or a different model: drop them, or ask for the univariate model")
	}
	if err := o.threeLevelDiagnostics(); err != nil {
		return o, err
	}
	if err := o.checkPredict(); err != nil {
		return o, err
	}
	if err := o.checkScale(); err != nil {
		return o, err
	}
	if err := o.checkUniDiag(); err != nil {
		return o, err
	}
	if err := o.checkWeights(); err != nil {
		return o, err
	}
	o.Gosh = o.RunsGosh()
	switch {
	case o.GoshSubsets != 0 && !o.Gosh:
		return o, invalid("GoshSubsets", "the number of GOSH subsets needs the GOSH analysis (its figure)")
	case o.GoshSubsets < 0 || o.GoshSubsets == 1 || o.GoshSubsets > meta.MaxGoshSubsets:
		return o, invalid("GoshSubsets", "%d GOSH subsets: give a number from 2 to %d", o.GoshSubsets, meta.MaxGoshSubsets)
	case o.Gosh && (len(o.Mods) > 0 || o.Subgroup != ""):
		return o, invalid("Gosh", "GOSH is for an intercept-only model; drop the moderators and subgroups")
	case o.Gosh && o.Cluster != "" && !o.Univariate:
		return o, invalid("Gosh", "GOSH refits the univariate model; it cannot be combined with a three-level model alone")
	}
	if o.has("leave1out-forest") && o.LeaveClusterOut == "" {
		o.LeaveOneOut = true
	}
	if o.has("funnel") && !o.Bias && !(o.Cluster != "" && !o.Univariate && len(o.Mods) > 0) {
		o.Bias = true // the funnel plot shows trim and fill and Egger's line
	}
	if (o.has("baujat") || o.has("influence")) && !o.Influence {
		o.Influence = true
	}
	return o, nil
}

// RunsGosh reports whether the options run the GOSH analysis: asked for,
// or implied by its figure.
func (o MetaOptions) RunsGosh() bool { return o.Gosh || o.has("gosh") }

func (o MetaOptions) has(fig string) bool {
	for _, f := range o.Figures {
		if f == fig {
			return true
		}
	}
	return false
}

func (o MetaOptions) hasUniFigure() bool {
	for _, f := range o.Figures {
		if !threeLevelFigures[f] {
			return true
		}
	}
	return false
}

// isR reports whether the pooled values are Fisher z of correlations that
// are reported back-transformed to r.
func (r *MetaRun) isR() bool { return r.eff.measure == "ZCOR" }

// r3 formats a pooled value in the reported unit.
func (r *MetaRun) unitWord() string {
	if r.isR() {
		return "r"
	}
	return "estimate"
}

// finite reports whether x is a finite number.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// ReportMetaOptions are the report's choices for a study-level table, added
// to what the user chose: the univariate model with bias, influence and
// leave-one-out analyses and their figures, the three-level model beside it
// when effects are nested in studies, the comparison with the latest
// synthesis, suggested (never tested) moderators, and optional analyses
// that fail reported as warnings.
func ReportMetaOptions(o MetaOptions, noThreeLevel bool) MetaOptions {
	o.Bias, o.Influence, o.LeaveOneOut, o.Reference, o.SuggestModerators, o.ContinueOnFailure, o.StudyTable = true, true, true, true, true, true, true
	if o.Cluster != "" {
		o.Univariate = true
		if o.Robust == "" {
			o.Robust = strings.SplitN(o.Cluster, "/", 2)[0]
		}
	} else {
		o.ThreeLevelAuto = !noThreeLevel
	}
	o.Figures = []string{"forest", "funnel", "baujat"}
	if len(o.Mods) == 1 {
		o.Figures = append(o.Figures, "bubble")
	}
	return o
}
