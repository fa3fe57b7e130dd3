package meta

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"github.com/alliance-research/alliance/analysis/internal/optim"
	"github.com/alliance-research/alliance/analysis/internal/wald"
	"gonum.org/v1/gonum/stat/distuv"
)

// SelModelOptions configures SelModel.
type SelModelOptions struct {
	// Step is the one-sided p-value cut of the step function (default
	// 0.025: significant in the expected direction at the two-sided .05
	// level).
	Step float64
}

// SelModelResult is the three-parameter selection model (Vevea & Hedges
// 1995; metafor's selmodel(type = "stepfun", steps = Step)).
type SelModelResult struct {
	Step      float64 `json:"step"`
	Estimate  float64 `json:"estimate"` // selection-adjusted mean effect
	SE        float64 `json:"se"`
	Statistic float64 `json:"statistic"`
	P         float64 `json:"p"`
	CILB      float64 `json:"ci_lb"`
	CIUB      float64 `json:"ci_ub"`
	Tau2      float64 `json:"tau2"`
	SETau2    float64 `json:"se_tau2"`
	// Delta is the relative likelihood of selection of a study with
	// p > Step (the first interval's is fixed at 1).
	Delta     float64 `json:"delta"`
	SEDelta   float64 `json:"se_delta"`
	DeltaCILB float64 `json:"delta_ci_lb"`
	DeltaCIUB float64 `json:"delta_ci_ub"`
	LogLik    float64 `json:"logLik"`  // maximised log-likelihood
	LogLik0   float64 `json:"logLik0"` // ML log-likelihood of the model without selection
	LRT       float64 `json:"LRT"`     // 2(logLik − logLik0), χ²(1) under no selection
	LRTP      float64 `json:"LRT_p"`   //
	PTable    [2]int  `json:"ptable"`  // studies with p ≤ Step and p > Step
	Converged bool    `json:"converged"`
	Note      string  `json:"note,omitempty"`
}

// SelModel fits the step-function selection model with one cut at a
// one-sided p-value (default .025) by maximum likelihood, as metafor's
// selmodel(x, type = "stepfun", steps = Step) (Vevea & Hedges 1995,
// Psychometrika 60:419–435; Hedges 1992). With pᵢ = 1 − Φ(yᵢ/√vᵢ),
// cᵢ = z_{1−Step}√vᵢ, sᵢ² = vᵢ + τ² and weights 1 for pᵢ ≤ Step, δ otherwise,
//
//	ℓ(μ, τ², δ) = Σ [log δ_{g(i)} + log φ(yᵢ; μ, sᵢ²) − log Aᵢ],
//	Aᵢ = 1 − Φ((cᵢ − μ)/sᵢ) + δ Φ((cᵢ − μ)/sᵢ).
//
// τ² is fixed at 0 for FE/EE models. As metafor, δ is bounded to [0, 100]
// (logistic map) and τ² optimised on the log scale; the optimum is found
// by Levenberg–Marquardt-damped Newton steps on the analytic gradient
// (Hessian by central differences of the gradient) until the step is below
// 1e-12, so it does not depend on an optimiser's stopping rule. Standard errors come
// from the Hessian in (μ, τ², δ) (metafor: numDeriv); LRT compares with the
// ML log-likelihood of r's model at its τ̂² (logLik(x, REML = FALSE)).
func SelModel(r *Result, opt SelModelOptions) (*SelModelResult, error) {
	if err := r.needIntOnly("the selection model"); err != nil {
		return nil, err
	}
	step := opt.Step
	if step == 0 {
		step = 0.025
	}
	if !(step > 0 && step < 1) {
		return nil, errs.New(errs.InvalidOption, "meta: selection model", "step %g must be a p-value in (0, 1)", step)
	}
	lik := newSelLik(r.Yi, r.Vi, step, r.Method == FE || r.Method == EE)
	k := len(lik.y)
	if k < lik.npar {
		return nil, errs.New(errs.TooFew, "meta: selection model", "k = %d is too small for %d parameters", k, lik.npar)
	}
	res := &SelModelResult{Step: step, PTable: lik.ptable}
	if res.PTable[0] == 0 || res.PTable[1] == 0 {
		return nil, errs.New(errs.TooFew, "meta: selection model", "no study has p %s %g, so δ cannot be estimated", map[bool]string{true: "≤", false: ">"}[res.PTable[0] == 0], step)
	}
	x := []float64{r.Coefficients[0].Estimate}
	if !lik.fe {
		x = append(x, math.Log(r.Tau2+0.001))
	}
	x = append(x, math.Log(1/(selDmax-1)))
	lm, err := optim.MinimizeLM(lik.objective, lik.gradient, x, optim.LMSettings{})
	if err != nil {
		return res, errs.New(errs.InvalidOption, "meta: selection model", "%v", err)
	}
	res.Converged = lm.Converged
	mu, tau2, delta := lik.untrans(lm.X)
	res.Estimate, res.Tau2, res.Delta = mu, tau2, delta
	res.LogLik = lik.llgrad(mu, tau2, delta, nil)
	nan := math.NaN()
	res.SE, res.SETau2, res.SEDelta = nan, nan, nan
	if se, ok := lik.standardErrors(mu, tau2, delta); ok {
		res.SE, res.SETau2, res.SEDelta = se[0], se[1], se[2]
	} else {
		res.Note = "the Hessian could not be inverted: standard errors are not available"
	}
	ref := wald.Normal(r.Level)
	crit := ref.Crit()
	w := ref.Coef(mu, res.SE*res.SE)
	res.Statistic, res.P, res.CILB, res.CIUB = w.Statistic, w.P, w.CILB, w.CIUB
	res.DeltaCILB, res.DeltaCIUB = math.Max(0, delta-crit*res.SEDelta), delta+crit*res.SEDelta
	m := newModel(r.d, r.opt)
	ll0, err := m.logLikAt(r.Tau2, false)
	if err != nil {
		return nil, err
	}
	res.LogLik0 = ll0
	res.LRT = math.Max(0, -2*(ll0-res.LogLik))
	res.LRTP = distuv.ChiSquared{K: 1}.Survival(res.LRT)
	if delta <= 1.2e-4 || delta >= selDmax-100*1.2e-4 {
		res.Note = "δ is at (or near) its bound [0, 100]; treat the results with caution"
	}
	return res, nil
}

// selDmax is the upper bound of δ (metafor's default for stepfun).
const selDmax = 100.0

// selLik is the step-function selection likelihood of SelModel.
type selLik struct {
	y, v   []float64
	sel    []bool // true: p > step (weight δ)
	ptable [2]int // studies with p ≤ step and p > step
	zc     float64
	fe     bool // τ² fixed at 0
	npar   int  // 2 (FE/EE) or 3
	g3     []float64
}

func newSelLik(y, v []float64, step float64, fe bool) *selLik {
	l := &selLik{y: y, v: v, sel: make([]bool, len(y)), zc: distuv.UnitNormal.Quantile(1 - step), fe: fe, npar: 3, g3: make([]float64, 3)}
	if fe {
		l.npar = 2
	}
	for i := range y {
		p := normSF(y[i] / math.Sqrt(v[i]))
		l.sel[i] = !(p <= step)
		if l.sel[i] {
			l.ptable[1]++
		} else {
			l.ptable[0]++
		}
	}
	return l
}

// llgrad returns ℓ(μ, τ², δ) and, if g is not nil, stores its gradient in
// (μ, τ², δ) in g[0:3].
func (l *selLik) llgrad(mu, tau2, delta float64, g []float64) float64 {
	var ll, gm, gt, gd float64
	for i, y := range l.y {
		s2 := l.v[i] + tau2
		s := math.Sqrt(s2)
		e := y - mu
		ll += -0.5*math.Log(2*math.Pi*s2) - e*e/(2*s2)
		gm += e / s2
		gt += -0.5/s2 + e*e/(2*s2*s2)
		if l.sel[i] {
			ll += math.Log(delta)
			gd += 1 / delta
		}
		a := (l.zc*math.Sqrt(l.v[i]) - mu) / s
		phiA := normCDF(a)
		A := 1 - (1-delta)*phiA
		ll -= math.Log(A)
		dens := math.Exp(-0.5*a*a) / math.Sqrt(2*math.Pi)
		gm -= (1 - delta) * dens / s / A
		gt -= (1 - delta) * dens * a / (2 * s2) / A
		gd -= phiA / A
	}
	if g != nil {
		g[0], g[1], g[2] = gm, gt, gd
	}
	return ll
}

// untrans maps the optimiser's x = (μ, log τ², logit(δ/100)) (no τ² for
// FE/EE) to (μ, τ², δ).
func (l *selLik) untrans(x []float64) (mu, tau2, delta float64) {
	mu = x[0]
	if !l.fe {
		tau2 = math.Exp(x[1])
		if tau2 < 10*2.220446049250313e-16 {
			tau2 = 0
		}
	}
	delta = selDmax / (1 + math.Exp(-x[l.npar-1]))
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
	l.llgrad(mu, t, d, l.g3)
	grad[0] = -l.g3[0]
	if !l.fe {
		grad[1] = -l.g3[1] * t
	}
	grad[l.npar-1] = -l.g3[2] * d * (1 - d/selDmax)
}

// standardErrors returns the standard errors of (μ, τ², δ) (NaN for τ²
// under FE/EE) from the inverse of the Hessian of −ℓ in (μ, τ², δ), by
// central differences of the gradient (one-sided upwards in τ² near 0);
// ok is false when the Hessian is not positive definite.
func (l *selLik) standardErrors(mu, tau2, delta float64) ([3]float64, bool) {
	npar := l.npar
	theta := []float64{mu, tau2, delta}
	idx := []int{0, 1, 2}
	if l.fe {
		idx = []int{0, 2}
	}
	h := make([]float64, npar*npar)
	for jj, j := range idx {
		hj := 1e-5 * math.Max(math.Abs(theta[j]), 1e-3)
		tp := append([]float64(nil), theta...)
		tm := append([]float64(nil), theta...)
		tp[j] += hj
		tm[j] -= hj
		if j == 1 && tm[j] < 0 {
			tm[j], tp[j] = theta[j], theta[j]+2*hj
		}
		gp, gm := make([]float64, 3), make([]float64, 3)
		l.llgrad(tp[0], tp[1], tp[2], gp)
		l.llgrad(tm[0], tm[1], tm[2], gm)
		for ii, i := range idx {
			h[ii*npar+jj] = -(gp[i] - gm[i]) / (tp[j] - tm[j])
		}
	}
	for i := 0; i < npar; i++ {
		for j := 0; j < i; j++ {
			a := (h[i*npar+j] + h[j*npar+i]) / 2
			h[i*npar+j], h[j*npar+i] = a, a
		}
	}
	nan := math.NaN()
	se := [3]float64{nan, nan, nan}
	inv, err := invSym(h, npar)
	if err != nil {
		return se, false
	}
	se[0] = math.Sqrt(inv[0])
	if !l.fe {
		se[1] = math.Sqrt(inv[1*npar+1])
	}
	se[2] = math.Sqrt(inv[(npar-1)*npar+npar-1])
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
