package mixed

import (
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/optim"
)

// Options controls Fit. The zero value fits by REML with 95% intervals.
type Options struct {
	// ML fits by maximum likelihood instead of REML (lmer's REML = FALSE).
	ML bool
	// AR1 names an integer time column (e.g. "session"): residuals within each
	// finest group are AR(1) with correlation φ^|s−s′|, gaps respected, as
	// nlme's lme(…, correlation = corAR1(form = ~ session | patient)).
	// It is Correlation "ar1" with Time AR1.
	AR1 string
	// Correlation is a residual correlation structure within the finest
	// grouping factor of the formula (nlme's form = ~ Time | group): "ar1"
	// (corAR1, integer times, gaps respected), "car1" (corCAR1, continuous
	// times, uneven spacing respected), "exp" (corExp), "cs" (corCompSymm,
	// no time needed) or "arma11" (corARMA(p = 1, q = 1), integer times);
	// see corStruct. Its parameters are estimated jointly with θ.
	// With a residual structure (Correlation or Weights) the conventions are
	// nlme's where it has them and lme4's otherwise: df are nlme's
	// containment df (lme; Pinheiro & Bates 2000, section 2.4.2) or n − p
	// (gls), not Satterthwaite's (lmerTest has no residual structures); the
	// fixed-effect covariance of an ML fit uses σ̂² = r²/n as nlme's vcov()
	// (its summary() table rescales the SEs by √(n/(n−p))); BIC uses
	// log n (nlme's REML BIC uses log(n−p)).
	Correlation string
	// Time is the time column of Correlation (session numbers for ar1 and
	// arma11, times for car1 and exp). Rows need not be in time order;
	// times must be unique within a group and none missing.
	Time string
	// Group is the group within which residuals are correlated (nlme's
	// correlation = corCAR1(form = ~ time | patient)), required for a
	// formula without random effects (gls). With random effects the
	// correlation group is the finest grouping factor (the one with the
	// most groups): Group may be empty or name it, except with crossed
	// factors such as (1 | patient) + (1 | rater), where Group must name
	// it (nlme: a pdBlocked covariance in one all-data group,
	// corAR1(form = ~ session | all/patient)). Weights work with crossed
	// factors too, except varpower of the fitted values.
	Group string
	// Weights is a variance function of the residuals (see varFunc):
	// "varident:COL" (nlme's varIdent(form = ~ 1 | COL): one SD ratio per
	// level of COL, the first level of the data in nlme's group order the
	// reference), "varpower:COL" (varPower(form = ~ COL): SD ∝ |COL|^δ) or
	// "varpower" (nlme's default varPower(): SD ∝ |fitted|^δ, the fitted
	// values at the innermost level for lme; fitted by alternation to a
	// fixed point, see fitFittedPower).
	Weights string
	// Level is the confidence level of the fixed-effect intervals; default 0.95.
	Level float64
	// MaxEval caps the criterion evaluations of the fallback simplex
	// search; default 20000 (the Newton polish after it adds a few dozen).
	MaxEval int
	// Ref names the reference level of factors, by variable (arm or
	// factor(arm)) → level, as R's relevel(arm, ref = "control"): the
	// level treatment coding drops, listed first (levels are otherwise
	// sorted, R's factor()).
	Ref map[string]string
	// Contrasts codes every factor of the fixed part: "treatment" (the
	// default: indicators of all levels but the first), "sum" (R's
	// contr.sum: the last level −1 in every column) or "helmert"
	// (contr.helmert: column j contrasts level j+1 with the levels before
	// it), as options(contrasts = c("contr.sum", "contr.poly")) in R. The
	// fit, the ANOVA tables and marginal means do not depend on it; the
	// coefficients and their names (arm1, arm2 for sum and Helmert) do.
	Contrasts string
	// DDF is the df method of the fixed-effect t tests, the ANOVA F tests
	// and the marginal means: "satterthwaite" (the default, "") or
	// "kenward-roger" (Kenward & Roger 1997, as pbkrtest 0.5.2 through
	// lmerTest's ddf = "Kenward-Roger" and emmeans' lmer.df =
	// "kenward-roger"; REML fits without AR(1) only, see kenwardRoger).
	DDF string
}

// FactorCoding is how one factor of the fixed part is coded.
type FactorCoding struct {
	Variable  string   `json:"variable"`
	Levels    []string `json:"levels"`
	Contrasts string   `json:"contrasts"` // treatment, sum or helmert
}

// Coef is one fixed effect with its Satterthwaite t test (lmerTest), the
// inference from the one Wald helper (analysis/internal/wald) with the
// coefficient's own df. It is not the meta packages' coefficient type
// (meta.Coef) because its df is always present and comes before the
// statistic, as the lmm/sessions JSON contract lists it (DESIGN.md).
type Coef struct {
	Name      string  `json:"name"`
	Estimate  float64 `json:"estimate"`
	SE        float64 `json:"se"`
	DF        float64 `json:"df"`
	Statistic float64 `json:"statistic"` // t = estimate / se
	P         float64 `json:"p"`         // two-sided, t distribution with DF
	CILB      float64 `json:"ci_lb"`     // estimate ∓ t_{(1+level)/2, DF} · se
	CIUB      float64 `json:"ci_ub"`
}

// VarComp is one random-effect variance, named as lme4's VarCorr.
type VarComp struct {
	Group    string  `json:"group"`
	Name     string  `json:"name"`
	Variance float64 `json:"variance"`
	SD       float64 `json:"sd"`
}

// Corr is the correlation of two random effects of one group.
type Corr struct {
	Group string  `json:"group"`
	Name1 string  `json:"name1"`
	Name2 string  `json:"name2"`
	Corr  float64 `json:"corr"`
}

// BLUP is a conditional mode of one random effect (lme4's ranef) with its
// conditional standard deviation (from ranef(condVar = TRUE)).
type BLUP struct {
	Group  string  `json:"group"`
	Level  string  `json:"level"`
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	CondSD float64 `json:"cond_sd"`
}

// ICC is the share of the total variance (all random-intercept variances
// plus the residual variance) that lies between groups of one term; given
// only for random-intercept models.
type ICC struct {
	Group string  `json:"group"`
	ICC   float64 `json:"icc"`
}

// Result is a fitted linear mixed model, with JSON names as DESIGN.md.
type Result struct {
	Formula          string      `json:"formula"`
	Fixed            []Coef      `json:"fixed"`
	DFMethod         string      `json:"df_method"`
	Vcov             [][]float64 `json:"vcov"` // covariance of the fixed effects
	Random           []VarComp   `json:"random"`
	Correlations     []Corr      `json:"correlations"`
	ResidualVariance float64     `json:"residual_variance"`
	AR1Phi           *float64    `json:"ar1_phi,omitempty"`
	// CorStruct and VarFunction are the residual correlation structure and
	// variance function with their estimates (nil without them).
	CorStruct   *ResidStructure `json:"correlation_structure,omitempty"`
	VarFunction *ResidStructure `json:"variance_function,omitempty"`
	// GLS is set for a formula without random effects (nlme's gls).
	GLS           bool           `json:"gls,omitempty"`
	LogLik        float64        `json:"logLik"`
	AIC           float64        `json:"AIC"`      // −2 logLik + 2 npar
	BIC           float64        `json:"BIC"`      // −2 logLik + log(nobs) npar (lme4)
	Deviance      float64        `json:"deviance"` // −2 logLik (the REML criterion when REML)
	NPar          int            `json:"npar"`     // fixed effects + θ + σ (+ φ)
	REML          bool           `json:"REML"`
	NObs          int            `json:"nobs"`
	Dropped       int            `json:"dropped"` // rows dropped for missing values
	NGroups       map[string]int `json:"ngroups"`
	Theta         []float64      `json:"theta"` // relative covariance factor, lme4's order
	Singular      bool           `json:"singular"`
	Converged     bool           `json:"converged"`
	Reason        string         `json:"reason"`
	Iterations    int            `json:"iterations"`
	Evaluations   int            `json:"evaluations"`
	ICC           []ICC          `json:"icc,omitempty"`
	R2Marginal    float64        `json:"r2_marginal"`
	R2Conditional float64        `json:"r2_conditional"`
	Ranef         []BLUP         `json:"ranef"`
	Level         float64        `json:"level"`
	// Factors are the fixed part's factors: their levels in coding order
	// (the first is the reference of treatment coding; the last has no
	// coefficient under sum coding) and the contrasts.
	Factors []FactorCoding `json:"factors,omitempty"`
	// Notes are warnings about the model as specified, in words: a numeric
	// predictor that looks like the codes of a categorical variable (see
	// factor(x) in Formula).
	Notes []string `json:"notes,omitempty"`
	// VcovAdj is Kenward and Roger's adjusted covariance Φ_A of the fixed
	// effects (pbkrtest's vcovAdj), with Options.DDF kenward-roger.
	VcovAdj [][]float64 `json:"vcov_adj,omitempty"`
}

// Model is a fitted model: its Result plus what Compare needs to refit it.
type Model struct {
	Result  Result
	formula string
	data    Data
	opts    Options
	d       *design
	e       *engine
	x       []float64 // optimum: θ, then φ with AR(1)
	stats   *Stats    // the statistics of a FitStats model (nil from Fit)
	kr      *krAdj    // the Kenward–Roger adjustment, once computed
}

// Fit fits the linear mixed model y = Xβ + Zb + ε, b ~ N(0, σ²ΛθΛθᵀ),
// ε ~ N(0, σ²R) (R = I, or block diagonal over the finest groups with
// Options.Correlation and Options.Weights: R_j = Λ_j C_j Λ_j, see residual)
// by REML (default) or ML, minimising the profiled deviance over θ (and the
// residual structure's parameters) as lme4's lmer (Bates et al. 2015,
// J. Stat. Softw. 67(1)) with θ's diagonal ≥ 0. Nested models with
// independent residuals take Newton steps on differences of the analytic
// gradient (gradient.go) from moment estimates of θ where those apply
// (momentStart), else a bounded quasi-Newton search on that gradient
// followed by the same Newton steps, which put the variance parameters at the optimum to ~1e-9
// relative where lme4's simplex (and bobyqa) stop ~1e-7 short on the flat
// criterion (see minimise). A residual structure or the general
// (crossed) path uses a bounded Nelder–Mead search, then Newton steps with
// Richardson-extrapolated numerical derivatives (newtonPolish), to ~1e-8.
// Fixed effects are tested with Satterthwaite's
// degrees of freedom as lmerTest (Kuznetsova, Brockhoff & Christensen 2017,
// J. Stat. Softw. 82(13)); with a residual structure by nlme's containment
// df (see Options.Correlation). A formula without random-effect terms is
// fitted as nlme's gls: the same criterion with Λ empty (R = I gives
// ordinary least squares with the REML or ML σ̂²), df n − p.
//
// An error is returned for an unsupported formula, missing columns, or data
// that cannot be fitted; a search that stops early returns a Model with
// Result.Converged false and the reason.
func Fit(formula string, data Data, opts Options) (*Model, error) {
	f, err := parseFormulaAny(formula)
	if err != nil {
		return nil, err
	}
	if opts.Level == 0 {
		opts.Level = 0.95
	}
	if !(opts.Level > 0 && opts.Level < 1) {
		return nil, errs.New(errs.InvalidOption, "mixed", "confidence level %g must lie in (0, 1)", opts.Level)
	}
	if err = checkDDF(opts); err != nil {
		return nil, err
	}
	d, err := buildDesign(f, data, opts)
	if err != nil {
		return nil, err
	}
	if d.n-d.p < 1 {
		return nil, errs.New(errs.TooFew, "mixed", "%d observations for %d fixed effects; need more observations than fixed effects", d.n, d.p)
	}
	ee := newEngine(d)
	if d.rows == nil { // the rows were summed per node, not kept: X's rank from the sums
		if err := d.checkRank(ee.crossX); err != nil {
			return nil, err
		}
	}
	return fitDesign(formula, data, opts, d, ee)
}

// fitDesign minimises the criterion of engine e over θ (and φ) and
// summarises the optimum: the common part of Fit and FitStats.
func fitDesign(formula string, data Data, opts Options, d *design, e *engine) (*Model, error) {
	nt := d.ntheta()
	np := nt + d.resid.npar()
	x0 := make([]float64, np)
	lo := make([]float64, np)
	up := make([]float64, np)
	for _, lv := range d.levels {
		k := lv.thetaOff
		for j := 0; j < lv.q; j++ {
			for i := j; i < lv.q; i++ {
				if i == j {
					x0[k], lo[k] = 1, 0
				} else {
					lo[k] = math.Inf(-1)
				}
				up[k] = math.Inf(1)
				k++
			}
		}
	}
	if d.resid != nil {
		r0, rl, ru := d.resid.init()
		copy(x0[nt:], r0)
		copy(lo[nt:], rl)
		copy(up[nt:], ru)
	}
	if vp := d.resid.fittedPower(); vp != nil {
		return fitFittedPower(formula, data, opts, d, e, vp, x0, lo, up)
	}
	reml := !opts.ML
	obj := func(x []float64) float64 {
		c, ok := e.eval(x[:nt], x[nt:]...)
		if !ok {
			return math.Inf(1)
		}
		return e.deviance(c, reml)
	}
	var res optim.BoundedResult
	switch {
	case np == 0: // gls without a correlation or variance function: closed form
		res = optim.BoundedResult{X: []float64{}, F: obj(nil), Converged: true, Reason: "no variance parameter to optimise (generalised least squares in closed form)"}
	case e.gradientOK():
		e.startTheta(x0)
		var err error
		if res, err = e.minimise(x0, e.momentStart(), lo, up, reml, opts.MaxEval); err != nil {
			return nil, err
		}
		if res, err = e.leaveFace(res, lo, up, reml, opts.MaxEval); err != nil {
			return nil, err
		}
	default: // a residual structure or the general path: no analytic gradient
		var err error
		if res, err = e.simplex(x0, lo, up, reml, opts.MaxEval); err != nil {
			return nil, err
		}
	}
	m := &Model{formula: formula, data: data, opts: opts, d: d, e: e, x: res.X}
	if err := m.summarise(res); err != nil {
		return nil, err
	}
	return m, nil
}

// summarise fills m.Result at the optimum.
func (m *Model) summarise(res optim.BoundedResult) error {
	d, e := m.d, m.e
	nt := d.ntheta()
	reml := !m.opts.ML
	e.keep = true
	c, ok := e.eval(m.x[:nt], m.x[nt:]...)
	e.keep = false
	if !ok {
		return errs.New(errs.Singular, "mixed", "the criterion cannot be evaluated at the optimum (perfect fit or degenerate data)")
	}
	n, p := d.n, d.p
	dof := float64(n)
	if reml {
		dof -= float64(p)
	}
	s2 := c.r2 / dof
	r := &m.Result
	*r = Result{Formula: m.formula, REML: reml, NObs: n, Dropped: d.dropped, Level: m.opts.Level,
		Converged: res.Converged, Reason: res.Reason, Iterations: res.Iterations, Evaluations: res.Evals,
		ResidualVariance: s2, NGroups: map[string]int{}}
	r.Theta = append([]float64(nil), m.x[:nt]...)
	r.Notes = append([]string(nil), d.notes...)
	r.Factors = d.factorCodings()
	m.residReport()
	beta := e.betaHat()
	C := e.covBetaUnscaled()
	r.Vcov = make([][]float64, p)
	vs2 := s2 * d.resid.vcovScale(n, p, reml)
	for i := range r.Vcov {
		r.Vcov[i] = make([]float64, p)
		for j := range r.Vcov[i] {
			r.Vcov[i][j] = vs2 * C[i*p+j]
		}
	}
	dev := e.deviance(c, reml)
	r.Deviance = dev
	r.LogLik = -dev / 2
	r.NPar = p + nt + 1 + d.resid.npar()
	r.AIC = dev + 2*float64(r.NPar)
	r.BIC = dev + math.Log(float64(n))*float64(r.NPar)

	m.varComps(s2)
	r.Ranef = m.blups(beta, s2)
	m.r2(beta, s2)

	// Satterthwaite degrees of freedom.
	se := make([]float64, p)
	for i := range se {
		se[i] = math.Sqrt(r.Vcov[i][i])
	}
	var df []float64
	var err error
	if d.resid != nil {
		df, r.DFMethod = d.residDF()
	} else {
		df, err = m.satterthwaite(math.Sqrt(s2))
		r.DFMethod = "Satterthwaite"
	}
	if err != nil {
		r.DFMethod = fmt.Sprintf("residual (n - p); Satterthwaite failed: %v", err)
		df = make([]float64, p)
		for i := range df {
			df[i] = float64(n - p)
		}
	}
	if d.formula.Intercept {
		beta[0] += d.yShift // the (Intercept) column comes first
	}
	var untested []string
	for i := 0; i < p; i++ {
		r.Fixed = append(r.Fixed, tTest(d.xnames[i], beta[i], se[i], df[i], m.opts.Level))
		if !(df[i] > 0) {
			untested = append(untested, d.xnames[i])
		}
	}
	if len(untested) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%s: no degrees of freedom are left for the t test (too few groups at the level of the term for the containment df), so no p-value or interval is given.", strings.Join(untested, ", ")))
	}
	if m.isKR() {
		return m.krFixed()
	}
	return nil
}

// varComps sets the variance components σ² ΛΛᵀ of every term (lme4's
// VarCorr), their correlations, the group counts and the singular flag
// (a diagonal entry of Λ below 1e-4, as lme4's isSingular tolerance).
func (m *Model) varComps(s2 float64) {
	d, e, r := m.d, m.e, &m.Result
	for l, lv := range d.levels {
		q := lv.q
		if lv.name != glsGroup {
			r.NGroups[lv.groupName()] = lv.nodes
		}
		L := e.lam[l]
		S := make([]float64, q*q) // σ² Λ Λᵀ
		for i := 0; i < q; i++ {
			for j := 0; j < q; j++ {
				t := 0.0
				for k := 0; k <= i && k <= j; k++ {
					t += L[i*q+k] * L[j*q+k]
				}
				S[i*q+j] = s2 * t
			}
		}
		for i := 0; i < q; i++ {
			if L[i*q+i] < 1e-4 {
				r.Singular = true
			}
			r.Random = append(r.Random, VarComp{Group: lv.name, Name: lv.colNames[i], Variance: S[i*q+i], SD: math.Sqrt(S[i*q+i])})
		}
		for j := 0; j < q; j++ {
			for i := j + 1; i < q; i++ {
				den := math.Sqrt(S[i*q+i] * S[j*q+j])
				cr := 0.0
				if den > 0 {
					cr = S[i*q+j] / den
				}
				r.Correlations = append(r.Correlations, Corr{Group: lv.name, Name1: lv.colNames[j], Name2: lv.colNames[i], Corr: cr})
			}
		}
	}
}
