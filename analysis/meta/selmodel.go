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
	y, v := r.Yi, r.Vi
	k := len(y)
	fe := r.Method == FE || r.Method == EE
	npar := 3
	if fe {
		npar = 2
	}
	if k < npar {
		return nil, errs.New(errs.TooFew, "meta: selection model", "k = %d is too small for %d parameters", k, npar)
	}
	zc := distuv.UnitNormal.Quantile(1 - step)
	sel := make([]bool, k) // true: p > step (weight δ)
	res := &SelModelResult{Step: step}
	for i := range y {
		p := normSF(y[i] / math.Sqrt(v[i]))
		sel[i] = !(p <= step)
		if sel[i] {
			res.PTable[1]++
		} else {
			res.PTable[0]++
		}
	}
	if res.PTable[0] == 0 || res.PTable[1] == 0 {
		return nil, errs.New(errs.TooFew, "meta: selection model", "no study has p %s %g, so δ cannot be estimated", map[bool]string{true: "≤", false: ">"}[res.PTable[0] == 0], step)
	}
	// ll and its gradient in θ = (μ, τ², δ).
	llgrad := func(mu, tau2, delta float64, g []float64) float64 {
		var ll, gm, gt, gd float64
		for i := range y {
			s2 := v[i] + tau2
			s := math.Sqrt(s2)
			e := y[i] - mu
			ll += -0.5*math.Log(2*math.Pi*s2) - e*e/(2*s2)
			gm += e / s2
			gt += -0.5/s2 + e*e/(2*s2*s2)
			if sel[i] {
				ll += math.Log(delta)
				gd += 1 / delta
			}
			a := (zc*math.Sqrt(v[i]) - mu) / s
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
	// Transformed parameters: μ, log τ², logit(δ/100).
	const dmax = 100.0
	untrans := func(x []float64) (mu, tau2, delta float64) {
		mu = x[0]
		if !fe {
			tau2 = math.Exp(x[1])
			if tau2 < 10*2.220446049250313e-16 {
				tau2 = 0
			}
		}
		delta = dmax / (1 + math.Exp(-x[npar-1]))
		return
	}
	g3 := make([]float64, 3)
	f := func(x []float64) float64 {
		mu, t, d := untrans(x)
		return -llgrad(mu, t, d, nil)
	}
	gradf := func(grad, x []float64) {
		mu, t, d := untrans(x)
		llgrad(mu, t, d, g3)
		grad[0] = -g3[0]
		if !fe {
			grad[1] = -g3[1] * t
		}
		grad[npar-1] = -g3[2] * d * (1 - d/dmax)
	}
	x := []float64{r.Coefficients[0].Estimate}
	if !fe {
		x = append(x, math.Log(r.Tau2+0.001))
	}
	x = append(x, math.Log(1/(dmax-1)))
	lm, err := optim.MinimizeLM(f, gradf, x, optim.LMSettings{})
	if err != nil {
		return res, errs.New(errs.InvalidOption, "meta: selection model", "%v", err)
	}
	x, res.Converged = lm.X, lm.Converged
	mu, tau2, delta := untrans(x)
	res.Estimate, res.Tau2, res.Delta = mu, tau2, delta
	res.LogLik = llgrad(mu, tau2, delta, nil)
	// Hessian of −ℓ in (μ, τ², δ).
	theta := []float64{mu, tau2, delta}
	idx := []int{0, 1, 2}
	if fe {
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
		llgrad(tp[0], tp[1], tp[2], gp)
		llgrad(tm[0], tm[1], tm[2], gm)
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
	res.SE, res.SETau2, res.SEDelta = nan, nan, nan
	if inv, err := invSym(h, npar); err == nil {
		res.SE = math.Sqrt(inv[0])
		if !fe {
			res.SETau2 = math.Sqrt(inv[1*npar+1])
		}
		res.SEDelta = math.Sqrt(inv[(npar-1)*npar+npar-1])
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
	if delta <= 1.2e-4 || delta >= dmax-100*1.2e-4 {
		res.Note = "δ is at (or near) its bound [0, 100]; treat the results with caution"
	}
	return res, nil
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
