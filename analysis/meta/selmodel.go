package meta

import (
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"github.com/alliance-research/alliance/analysis/internal/optim"
	"github.com/alliance-research/alliance/analysis/internal/wald"
	"gonum.org/v1/gonum/stat/distuv"
)

// SelModelOptions configures SelModel.
type SelModelOptions struct {
	// Steps are the one-sided p-value cut points α₁ < α₂ < … < α_J = 1 of
	// the step function (metafor's steps); a last step of 1 is added when
	// missing. Empty: {Step, 1}.
	Steps []float64
	// Step is the single cut used when Steps is empty (default 0.025:
	// significant in the expected direction at the two-sided .05 level).
	// For the continuous types Steps (one cut and 1) is optional: the
	// weight is 1 for p ≤ Steps[0] and w(p)/w(Steps[0]) above it.
	Step float64
	// Type is the selection function (SelTypes; empty: stepfun).
	Type string
	// Prec is the precision measure of halfnorm, negexp, logistic, power
	// and negexppow (PrecSEI, PrecVI, PrecNInv, PrecSqrtNInv; empty: none),
	// divided by its maximum as metafor does; Ni holds the sample sizes
	// (one per input row of Fit) for ninv and sqrtninv.
	Prec string
	Ni   []float64
}

// SelModelResult is a fitted selection model (metafor's selmodel(x, type
// = Type, steps = Steps, prec = Prec)): the step function of Vevea &
// Hedges (1995) or one of the continuous selection functions.
type SelModelResult struct {
	Type      string    `json:"type"`           // SelTypes
	Prec      string    `json:"prec,omitempty"` // precision measure, if any
	Steps     []float64 `json:"steps"`          // the cut points, the last one 1 (nil: none)
	Estimate  float64   `json:"estimate"`       // selection-adjusted mean effect
	SE        float64   `json:"se"`
	Statistic float64   `json:"statistic"`
	P         float64   `json:"p"`
	CILB      float64   `json:"ci_lb"`
	CIUB      float64   `json:"ci_ub"`
	Tau2      float64   `json:"tau2"`
	SETau2    float64   `json:"se_tau2"`
	// Delta[j] is the relative likelihood of selection of a study with
	// Steps[j-1] < p ≤ Steps[j]; Delta[0] is fixed at 1 (its SE and CI are
	// NaN). The CIs are Wald intervals δ ± z·SE, the lower bound cut at 0.
	Delta     []float64 `json:"delta"`
	SEDelta   []float64 `json:"se_delta"`
	DeltaCILB []float64 `json:"delta_ci_lb"`
	DeltaCIUB []float64 `json:"delta_ci_ub"`
	// PDelta are the Wald tests of δ against no selection (δ = 1 for
	// stepfun and beta, 0 otherwise), as metafor's pval.delta.
	PDelta []float64 `json:"pval_delta"`
	// VCovDelta is the covariance of δ (row-major, len(Delta)²; for
	// stepfun the fixed δ₁'s row and column are NaN).
	VCovDelta []float64 `json:"-"`
	LogLik    float64   `json:"logLik"`  // maximised log-likelihood
	LogLik0   float64   `json:"logLik0"` // ML log-likelihood of the model without selection
	LRT       float64   `json:"LRT"`     // 2(logLik − logLik0), χ²(LRTDF) under no selection
	LRTDF     int       `json:"LRT_df"`  // number of estimated δ (len(Steps) − 1)
	LRTP      float64   `json:"LRT_p"`
	PTable    []int     `json:"ptable"` // studies per p-value interval
	Converged bool      `json:"converged"`
	Note      string    `json:"note,omitempty"`
}

// SelModel fits the step-function selection model by maximum likelihood,
// as metafor's selmodel(x, type = "stepfun", steps = Steps) (Vevea &
// Hedges 1995, Psychometrika 60:419–435; Hedges 1992). With the one-sided
// pᵢ = 1 − Φ(yᵢ/√vᵢ), cut points α₀ = 0 < α₁ < … < α_J = 1, study i in
// interval g(i) = j when α_{j−1} < pᵢ ≤ α_j, sᵢ² = vᵢ + τ²,
// b_{ij} = (z_{1−α_j}√vᵢ − μ)/sᵢ (b_{i0} = +∞, b_{iJ} = −∞) and δ₁ = 1,
//
//	ℓ(μ, τ², δ) = Σ [log δ_{g(i)} + log φ(yᵢ; μ, sᵢ²) − log Aᵢ],
//	Aᵢ = Σ_j δ_j [Φ(b_{i,j−1}) − Φ(b_{ij})].
//
// τ² is fixed at 0 for FE/EE models. As metafor, each δ is bounded to
// [0, 100] (logistic map) and τ² optimised on the log scale; the optimum is
// found by Levenberg–Marquardt-damped Newton steps on the analytic gradient
// (Hessian by central differences of the gradient) until the step is below
// 1e-12, so it does not depend on an optimiser's stopping rule. Standard
// errors come from the Hessian in (μ, τ², δ₂…δ_J) (metafor: numDeriv); the
// LRT (J − 1 df) compares with the ML log-likelihood of r's model at its τ̂²
// (logLik(x, REML = FALSE)). As metafor, an interval without studies is an
// error (its δ is not identified).
//
// Type selects a continuous selection function instead (metafor 3.8-1's
// types, with pval.min, δ bounds, starting values and the no-selection
// value of δ as metafor): with cᵢ the precision measure Prec divided by
// its maximum (1 without Prec) and pᵢ clipped to [pval.min, 1 − pval.min],
//
//	beta       w = p^(δ₁−1)(1−p)^(δ₂−1)    (Citkowicz & Vevea 2017; pval.min 1e-5)
//	halfnorm   w = exp(−δ cᵢ p²)             (Preston, Ashby & Smyth 2004)
//	negexp     w = exp(−δ cᵢ p)
//	logistic   w = 2exp(−δ cᵢ p)/(1 + exp(−δ cᵢ p))
//	power      w = (1 − p)^(cᵢ δ)            (pval.min 1e-5)
//	negexppow  w = exp(−δ₁ cᵢ p^(1/δ₂)),
//
// and, with a step α (Steps = {α}), w = 1 for p ≤ α and w(p)/w(α) above.
// The log-likelihood is Σ [log w(pᵢ) + log φ(yᵢ; μ, sᵢ²) − log Aᵢ] with
// Aᵢ = ∫ w(p(y)) φ(y; μ, sᵢ²) dy, p(y) = 1 − Φ(y/√vᵢ). Aᵢ and its first
// and second derivatives in (μ, τ², δ) are integrated together: in
// closed form where w is constant (beyond the clipping points and below
// the step, and beyond |t| = 9 in t = (y − μ)/sᵢ), by adaptive 15-point
// Gauss–Legendre quadrature (relative 1e-10, the halves kept) in between.
// The maximum is found by damped Newton steps on that analytic gradient
// and Hessian in x = (μ, log τ², logit-scaled δ) (metafor: optim's BFGS
// on numerical derivatives, integrate at rel.tol 1.2e-4), until the Newton
// decrement is below 1e-15 with fresh adaptive integrals; SEs are from the
// inverse of the analytic observed information in (μ, τ², δ), Wald CIs
// (δ's cut at 0) as metafor, the LRT against the ML model has one df per δ.
// A model fitted by REML (or another τ² estimator) is refitted by ML first,
// as metafor does. An optimisation that stalls, or a likelihood that
// cannot be evaluated, is an error of kind errs.NoConvergence with the
// reason.
func SelModel(r *Result, opt SelModelOptions) (*SelModelResult, error) {
	if err := r.needIntOnly("the selection model"); err != nil {
		return nil, err
	}
	r, err := r.mlRefit()
	if err != nil {
		return nil, err
	}
	switch opt.Type {
	case "", SelStepFun:
	default:
		if selFuns[opt.Type] == nil {
			return nil, errs.New(errs.InvalidOption, "meta: selection model", "unknown selection function %q: give one of %v", opt.Type, SelTypes)
		}
		return selContModel(r, opt, opt.Type)
	}
	if opt.Prec != "" {
		return nil, errs.New(errs.InvalidOption, "meta: selection model", "the step-function selection model takes no precision measure (metafor calls it experimental); drop prec")
	}
	steps, err := selSteps(opt)
	if err != nil {
		return nil, err
	}
	lik := newSelLik(r.Yi, r.Vi, steps, r.Method == FE || r.Method == EE || r.Tau2Fix)
	if r.Tau2Fix {
		lik.t2 = r.Tau2 // a user-specified τ² stays fixed, as in metafor
	}
	k := len(lik.y)
	if k < lik.npar {
		return nil, errs.New(errs.TooFew, "meta: selection model", "k = %d is too small for %d parameters", k, lik.npar)
	}
	res := &SelModelResult{Type: "stepfun", Steps: steps, PTable: lik.ptable, LRTDF: len(steps) - 1}
	for j, n := range res.PTable {
		if n == 0 {
			lo := 0.0
			if j > 0 {
				lo = steps[j-1]
			}
			return nil, errs.New(errs.TooFew, "meta: selection model", "no study has %g < p ≤ %g, so its δ cannot be estimated (ptable %v)", lo, steps[j], res.PTable)
		}
	}
	x := []float64{r.Coefficients[0].Estimate}
	if !lik.fe {
		x = append(x, math.Log(r.Tau2+0.001))
	}
	for j := 1; j < len(steps); j++ {
		x = append(x, math.Log(1/(selDmax-1)))
	}
	lm, err := optim.MinimizeLM(lik.objective, lik.gradient, x, optim.LMSettings{})
	if err != nil {
		return nil, errs.New(errs.InvalidOption, "meta: selection model", "the optimisation failed: %v", err)
	}
	res.Converged = lm.Converged
	mu, tau2, delta := lik.untrans(lm.X)
	res.Estimate, res.Tau2, res.Delta = mu, tau2, delta
	res.LogLik = lik.llgrad(mu, tau2, delta, nil)
	if math.IsNaN(res.LogLik) || math.IsInf(res.LogLik, 0) {
		return nil, errs.New(errs.InvalidOption, "meta: selection model", "the log-likelihood is not finite at the optimiser's last point (μ = %g, τ² = %g, δ = %v)", mu, tau2, delta)
	}
	nan := math.NaN()
	var notes []string
	if !lm.Converged {
		notes = append(notes, fmt.Sprintf("the optimiser stopped after %d iterations without meeting its step criterion", lm.Iterations))
	}
	nd := len(delta)
	res.SEDelta, res.DeltaCILB, res.DeltaCIUB = make([]float64, nd), make([]float64, nd), make([]float64, nd)
	res.SE, res.SETau2 = nan, nan
	for j := range res.SEDelta {
		res.SEDelta[j] = nan
	}
	if se, ok := lik.standardErrors(mu, tau2, delta); ok {
		res.SE, res.SETau2 = se[0], se[1]
		copy(res.SEDelta[1:], se[2:])
	} else {
		notes = append(notes, "the Hessian could not be inverted: standard errors are not available")
	}
	ref := wald.Normal(r.Level)
	crit := ref.Crit()
	w := ref.Coef(mu, res.SE*res.SE)
	res.Statistic, res.P, res.CILB, res.CIUB = w.Statistic, w.P, w.CILB, w.CIUB
	res.DeltaCILB[0], res.DeltaCIUB[0] = nan, nan
	for j := 1; j < nd; j++ {
		res.DeltaCILB[j], res.DeltaCIUB[j] = math.Max(0, delta[j]-crit*res.SEDelta[j]), delta[j]+crit*res.SEDelta[j]
		if delta[j] <= 1.2e-4 || delta[j] >= selDmax-100*1.2e-4 {
			notes = append(notes, fmt.Sprintf("δ%d is at (or near) its bound [0, %g]; treat the results with caution", j+1, selDmax))
		}
	}
	res.PDelta = make([]float64, nd)
	res.PDelta[0] = nan
	for j := 1; j < nd; j++ {
		res.PDelta[j] = 2 * normSF(math.Abs((delta[j]-1)/res.SEDelta[j]))
	}
	if err := res.finish(r, notes); err != nil {
		return nil, err
	}
	return res, nil
}

// selSteps validates the cut points: increasing, in (0, 1], a last 1
// appended when missing.
func selSteps(opt SelModelOptions) ([]float64, error) {
	steps := append([]float64(nil), opt.Steps...)
	if len(steps) == 0 {
		s := opt.Step
		if s == 0 {
			s = 0.025
		}
		steps = []float64{s}
	}
	for i, s := range steps {
		if !(s > 0 && s <= 1) {
			return nil, errs.New(errs.InvalidOption, "meta: selection model", "step %g must be a p-value in (0, 1]", s)
		}
		if i > 0 && !(s > steps[i-1]) {
			return nil, errs.New(errs.InvalidOption, "meta: selection model", "steps %v must be strictly increasing", steps)
		}
	}
	if steps[len(steps)-1] != 1 {
		steps = append(steps, 1)
	}
	if len(steps) < 2 {
		return nil, errs.New(errs.InvalidOption, "meta: selection model", "steps %v: at least one cut point below 1 is needed", opt.Steps)
	}
	return steps, nil
}

// selDmax is the upper bound of δ (metafor's default for stepfun).
const selDmax = 100.0

// selLik is the step-function selection likelihood of SelModel.
type selLik struct {
	y, v   []float64
	group  []int     // interval of each study (0 … J−1)
	ptable []int     // studies per interval
	zc     []float64 // z_{1−α_j}, j < J−1 (the finite cuts)
	fe     bool      // τ² fixed (at 0, or at t2 when user-specified)
	t2     float64   // the fixed τ²
	npar   int       // optimiser parameters: μ, (log τ²), J−1 logit δ
	g      []float64 // scratch gradient in (μ, τ², δ₁…δ_J)
	b, phi []float64 // scratch per cut
	p      []float64 // scratch per interval: P_j
}

func newSelLik(y, v []float64, steps []float64, fe bool) *selLik {
	J := len(steps)
	l := &selLik{y: y, v: v, group: make([]int, len(y)), ptable: make([]int, J), fe: fe,
		g: make([]float64, 2+J), zc: make([]float64, J-1), b: make([]float64, J-1), phi: make([]float64, J-1), p: make([]float64, J)}
	l.npar = J
	if !fe {
		l.npar++
	}
	for j := range l.zc {
		l.zc[j] = distuv.UnitNormal.Quantile(1 - steps[j])
	}
	for i := range y {
		p := normSF(y[i] / math.Sqrt(v[i]))
		j := 0
		for j < J-1 && !(p <= steps[j]) {
			j++
		}
		l.group[i] = j
		l.ptable[j]++
	}
	return l
}

// llgrad returns ℓ(μ, τ², δ) (δ[0] = 1) and, if g is not nil, stores its
// gradient in g = (μ, τ², δ₁, …, δ_J) (len(δ) + 2; the δ₁ entry is unused).
func (l *selLik) llgrad(mu, tau2 float64, delta []float64, g []float64) float64 {
	J := len(delta)
	for j := range g {
		g[j] = 0
	}
	var ll float64
	for i, y := range l.y {
		s2 := l.v[i] + tau2
		s := math.Sqrt(s2)
		e := y - mu
		ll += -0.5*math.Log(2*math.Pi*s2) - e*e/(2*s2) + math.Log(delta[l.group[i]])
		sv := math.Sqrt(l.v[i])
		for j := range l.b {
			l.b[j] = (l.zc[j]*sv - mu) / s
			l.phi[j] = math.Exp(-0.5*l.b[j]*l.b[j]) / math.Sqrt(2*math.Pi)
		}
		// A = Σ δ_j P_j with P_j = Φ(b_{j−1}) − Φ(b_j).
		var A, dAm, dAt float64
		hiCDF, hiPhi, hiPhiB := 1.0, 0.0, 0.0
		for j := 0; j < J; j++ {
			loCDF, loPhi, loPhiB := 0.0, 0.0, 0.0
			if j < J-1 {
				loCDF, loPhi, loPhiB = normCDF(l.b[j]), l.phi[j], l.phi[j]*l.b[j]
			}
			P := hiCDF - loCDF
			A += delta[j] * P
			dAm += delta[j] * (loPhi - hiPhi) / s
			dAt += delta[j] * (loPhiB - hiPhiB) / (2 * s2)
			l.p[j] = P
			hiCDF, hiPhi, hiPhiB = loCDF, loPhi, loPhiB
		}
		ll -= math.Log(A)
		if g != nil {
			g[0] += e/s2 - dAm/A
			g[1] += -0.5/s2 + e*e/(2*s2*s2) - dAt/A
			for j := 0; j < J; j++ {
				g[2+j] -= l.p[j] / A
			}
			g[2+l.group[i]] += 1 / delta[l.group[i]]
		}
	}
	return ll
}

// untrans maps the optimiser's x = (μ, log τ², logit(δ₂/100), …) (no τ²
// for FE/EE) to (μ, τ², δ) with δ[0] = 1.
func (l *selLik) untrans(x []float64) (mu, tau2 float64, delta []float64) {
	mu, tau2, off := untransMuTau2(x, l.fe, l.t2)
	delta = make([]float64, 1+len(x)-off)
	delta[0] = 1
	for j, xj := range x[off:] {
		delta[1+j] = selDmax / (1 + math.Exp(-xj))
	}
	return
}

// objective is −ℓ at the transformed x.
func (l *selLik) objective(x []float64) float64 {
	mu, t, d := l.untrans(x)
	return -l.llgrad(mu, t, d, nil)
}

// gradient stores ∂(−ℓ)/∂x in grad (chain rule through untrans).
func (l *selLik) gradient(grad, x []float64) {
	mu, t, d := l.untrans(x)
	l.llgrad(mu, t, d, l.g)
	grad[0] = -l.g[0]
	off := 1
	if !l.fe {
		grad[1] = -l.g[1] * t
		off = 2
	}
	for j := 1; j < len(d); j++ {
		grad[off+j-1] = -l.g[2+j] * d[j] * (1 - d[j]/selDmax)
	}
}

// standardErrors returns the standard errors of θ = (μ, τ², δ₂, …, δ_J)
// (τ²'s NaN under FE/EE) from the inverse of the Hessian of −ℓ in θ, by
// central differences of the gradient (one-sided upwards in τ² near 0);
// ok is false when the Hessian is not positive definite.
func (l *selLik) standardErrors(mu, tau2 float64, delta []float64) ([]float64, bool) {
	J := len(delta)
	theta := append([]float64{mu, tau2}, delta[1:]...) // θ index t ↔ gradient index t (t < 2) or t+1
	gi := func(t int) int {
		if t < 2 {
			return t
		}
		return t + 1
	}
	var idx []int
	for t := range theta {
		if !(l.fe && t == 1) {
			idx = append(idx, t)
		}
	}
	n := len(idx)
	h := make([]float64, n*n)
	gp, gm := make([]float64, 2+J), make([]float64, 2+J)
	at := func(th []float64, g []float64) {
		d := append([]float64{1}, th[2:]...)
		l.llgrad(th[0], th[1], d, g)
	}
	for jj, j := range idx {
		hj := 1e-5 * math.Max(math.Abs(theta[j]), 1e-3)
		tp := append([]float64(nil), theta...)
		tm := append([]float64(nil), theta...)
		tp[j] += hj
		tm[j] -= hj
		if j == 1 && tm[j] < 0 {
			tm[j], tp[j] = theta[j], theta[j]+2*hj
		}
		at(tp, gp)
		at(tm, gm)
		for ii, i := range idx {
			h[ii*n+jj] = -(gp[gi(i)] - gm[gi(i)]) / (tp[j] - tm[j])
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			a := (h[i*n+j] + h[j*n+i]) / 2
			h[i*n+j], h[j*n+i] = a, a
		}
	}
	se := make([]float64, len(theta))
	for i := range se {
		se[i] = math.NaN()
	}
	inv, err := invSym(h, n)
	if err != nil {
		return se, false
	}
	for ii, i := range idx {
		se[i] = math.Sqrt(inv[ii*n+ii])
	}
	return se, true
}

// invSym inverts a symmetric positive definite matrix, column by column
// (A⁻¹ = A⁻¹I).
func invSym(a []float64, n int) ([]float64, error) {
	l, err := cholesky(a, n)
	if err != nil {
		return nil, err
	}
	inv := make([]float64, n*n)
	for j := 0; j < n; j++ {
		inv[j*n+j] = 1
	}
	linalg.SolveCols(l, n, inv, n)
	return inv, nil
}

// mlRefit returns r refitted by ML when it was fitted otherwise (as
// metafor's selmodel, which refits with method = "ML"; FE and EE models and
// a fixed τ² are kept).
func (r *Result) mlRefit() (*Result, error) {
	switch r.Method {
	case FE, EE, ML:
		return r, nil
	}
	o := r.opt
	o.Method = ML
	o.Mods = nil
	o.Labels = r.d.labels // the kept rows'
	if r.Tau2Fix {
		t := r.Tau2
		o.Tau2 = &t
	}
	ml, err := Fit(r.Yi, r.Vi, o)
	if err != nil {
		return nil, errs.New(errs.NoConvergence, "meta: selection model", "the model could not be refitted by maximum likelihood: %v", err)
	}
	ml.d.rows = r.d.rows
	return ml, nil
}

// mlLogLik is the ML log-likelihood of r at its τ̂² (logLik(x, REML =
// FALSE) of an ML, FE or EE model).
func (r *Result) mlLogLik() (float64, error) {
	return newModel(r.d, r.opt).logLikAt(r.Tau2, false)
}

// finish adds the likelihood-ratio test against the model without
// selection (the ML fit of r, df = LRTDF) and joins the notes.
func (res *SelModelResult) finish(r *Result, notes []string) error {
	ll0, err := r.mlLogLik()
	if err != nil {
		return err
	}
	res.LogLik0 = ll0
	res.LRT = math.Max(0, -2*(ll0-res.LogLik))
	res.LRTP = distuv.ChiSquared{K: float64(res.LRTDF)}.Survival(res.LRT)
	res.Note += strings.Join(notes, "; ")
	return nil
}

// untransMuTau2 maps the first coordinates of a selection model's
// optimiser x to μ and τ² = exp(x[1]) (τ² below 10 ε taken as 0), or to the
// fixed τ² when fixed; off is where δ's coordinates start.
func untransMuTau2(x []float64, fixed bool, t2 float64) (mu, tau2 float64, off int) {
	if fixed {
		return x[0], t2, 1
	}
	tau2 = math.Exp(x[1])
	if tau2 < 10*2.220446049250313e-16 {
		tau2 = 0
	}
	return x[0], tau2, 2
}
