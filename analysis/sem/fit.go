package sem

import (
	"errors"
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"github.com/alliance-research/alliance/analysis/internal/optim"
	"github.com/alliance-research/alliance/analysis/internal/wald"
	"gonum.org/v1/gonum/mat"
)

// Options configure Fit.
type Options struct {
	// Level of the confidence intervals (default 0.95).
	Level float64
	// MaxIter bounds the optimiser's iterations (default 10000).
	MaxIter int
	// Information is the information matrix of the standard errors:
	// Observed (default: the Hessian of −ℓ, lavaan's default for ML with
	// missing = "ML") or Expected (per missing-data pattern at the
	// model-implied moments, lavaan's information = "expected" with its
	// default h1.information = "structured").
	Information string
	// Estimator is ML (default) or MLR: ML estimates with Huber–White
	// (sandwich) standard errors and the Yuan–Bentler scaled χ² (lavaan's
	// estimator = "MLR", test "yuan.bentler.mplus").
	Estimator string
}

// Values of Options.Information and Options.Estimator.
const (
	Observed = "observed"
	Expected = "expected"
	ML       = "ML"
	MLR      = "MLR"
)

// ParamResult is one parameter of the fitted model, in lavaan's
// parameterEstimates() names.
type ParamResult struct {
	LHS      string   `json:"lhs"`
	Op       string   `json:"op"`
	RHS      string   `json:"rhs"`
	Label    string   `json:"label"`
	Free     bool     `json:"free"`
	Estimate float64  `json:"estimate"`
	SE       *float64 `json:"se"`
	Z        *float64 `json:"z"`
	P        *float64 `json:"p"`
	CILB     *float64 `json:"ci_lb"`
	CIUB     *float64 `json:"ci_ub"`
	StdAll   float64  `json:"std_all"`
}

// FitIndices are lavaan's fitMeasures() of the model.
type FitIndices struct {
	LogLik    float64 `json:"logLik"`
	LogLikH1  float64 `json:"logLik_h1"`
	NPar      int     `json:"npar"`
	Chisq     float64 `json:"chisq"`
	DF        int     `json:"df"`
	PValue    float64 `json:"pvalue"`
	BaseChisq float64 `json:"baseline_chisq"`
	BaseDF    int     `json:"baseline_df"`
	CFI       float64 `json:"cfi"`
	TLI       float64 `json:"tli"`
	RMSEA     float64 `json:"rmsea"`
	RMSEALB   float64 `json:"rmsea_ci_lb"`
	RMSEAUB   float64 `json:"rmsea_ci_ub"`
	SRMR      float64 `json:"srmr"`
	AIC       float64 `json:"aic"`
	BIC       float64 `json:"bic"`
	N         int     `json:"ntotal"`
	*Scaled
}

// Result is a fitted model.
type Result struct {
	Parameters []ParamResult `json:"parameters"`
	Fit        FitIndices    `json:"fit"`
	Converged  bool          `json:"converged"`
	Iterations int           `json:"iterations"`
	// Theta are the free parameters; Vcov their covariance (row-major):
	// the inverse observed or expected information, or with MLR the
	// sandwich.
	Theta []float64 `json:"-"`
	Vcov  []float64 `json:"-"`
	// Patterns is the number of missing-data patterns.
	Patterns int `json:"missing_patterns"`
	Dropped  int `json:"dropped_cases,omitempty"`
	// Estimator and Information say how the SEs were computed.
	Estimator   string `json:"estimator"`
	Information string `json:"information"`

	model *Model
	idx   []int
	// ainv is the inverse information (total, not per case) and b0 the
	// first-order information Σ sᵢsᵢᵀ of the case scores (MLR only).
	ainv, b0 []float64
	// h1sigma, h1mu are the saturated model's moments.
	h1sigma, h1mu []float64
	// hess is the observed information left by newtonPolish (nil: compute
	// it at Theta).
	hess *mat.SymDense
}

// bfgsGradTol is the largest gradient component of −ℓ/N at which the
// quasi-Newton search stops and the Newton polish takes over.
const bfgsGradTol = 1e-8

// FreeIndex is the position in Theta of the model's k-th parameter, −1
// when it is fixed.
func (res *Result) FreeIndex(k int) int { return res.idx[k] }

// ErrNotPositiveDefinite is what every *NotPositiveDefiniteError is
// (errors.Is).
var ErrNotPositiveDefinite = errors.New("sem: a matrix that must be positive definite is not")

// NotPositiveDefiniteError says which matrix of the fit is not positive
// definite, and where.
type NotPositiveDefiniteError struct {
	// Matrix is "implied" (the model-implied covariance matrix of some
	// missing-data pattern) or "information" (the information matrix of
	// the standard errors).
	Matrix string
	// At is "start" (the start values) or "solution".
	At string
}

func (e *NotPositiveDefiniteError) Error() string {
	if e.Matrix == "information" {
		return "sem: the information matrix is not positive definite at the solution, so there are no standard errors: the model is not identified, or an estimate is on a boundary (a variance at 0)"
	}
	if e.At == "start" {
		return "sem: the model-implied covariance matrix is not positive definite at the start values: a variable may have (almost) no variance, or two variables be (almost) copies of each other"
	}
	return "sem: the model-implied covariance matrix is not positive definite at the solution: a variance is negative or a correlation beyond ±1 (a Heywood case); the model does not suit the data"
}

// Is makes errors.Is(err, ErrNotPositiveDefinite) true.
func (e *NotPositiveDefiniteError) Is(target error) bool { return target == ErrNotPositiveDefinite }

// ConvergenceError says that the optimiser stopped before the optimum;
// Fit returns it with the result where it stopped.
type ConvergenceError struct {
	// Iterations are the quasi-Newton iterations used.
	Iterations int
	// MaxGradient is the largest |∂ℓ/∂θ_j| (total over cases) where it
	// stopped, Decrement the last Newton decrement gᵀH⁻¹g (−1 when the
	// Hessian was not positive definite there, NaN when the iteration
	// limit left no Newton step).
	MaxGradient, Decrement float64
	// Reason is the quasi-Newton search's status.
	Reason string
}

func (e *ConvergenceError) Error() string {
	why := ""
	switch {
	case e.Decrement >= 0:
		why = fmt.Sprintf("log-likelihood still about %.3g below the optimum; ", e.Decrement/2)
	case e.Decrement < 0:
		why = "the Hessian is not positive definite there; "
	}
	return fmt.Sprintf("sem: the optimiser did not converge after %d iterations (%slargest gradient component %.3g; %s): the estimates are where it stopped; simplify the model (fewer waves, equality constraints)",
		e.Iterations, why, e.MaxGradient, e.Reason)
}

// objective is −ℓ(θ)/N and its gradient.
type objective struct {
	md  *Model
	d   *Data
	idx []int
}

func (o objective) eval(theta, grad []float64) float64 {
	r := o.md.build(theta, o.idx)
	if !r.moments() {
		return math.Inf(1)
	}
	p := o.d.P
	var gS, gM []float64
	if grad != nil {
		gS, gM = make([]float64, p*p), make([]float64, p)
	}
	ll, ok := o.d.logLik(r.sigma, r.mu, gS, gM)
	if !ok {
		return math.Inf(1)
	}
	N := float64(o.d.N)
	if grad != nil {
		o.md.chain(r, gS, gM, o.idx, grad)
		for i := range grad {
			grad[i] /= -N
		}
	}
	return -ll / N
}

// Fit estimates the model by (FIML) maximum likelihood.
func Fit(md *Model, d *Data, opt Options) (*Result, error) {
	if md.NObs != d.P {
		return nil, fmt.Errorf("sem: the model has %d observed variables and the data %d", md.NObs, d.P)
	}
	if opt.Level == 0 {
		opt.Level = 0.95
	}
	if opt.MaxIter == 0 {
		opt.MaxIter = 10000
	}
	switch opt.Information {
	case "":
		opt.Information = Observed
	case Observed, Expected:
	default:
		return nil, fmt.Errorf("sem: information %q: give %s or %s", opt.Information, Observed, Expected)
	}
	switch opt.Estimator {
	case "":
		opt.Estimator = ML
	case ML, MLR:
	default:
		return nil, fmt.Errorf("sem: estimator %q: give %s or %s", opt.Estimator, ML, MLR)
	}
	idx, nfree, err := md.freeIndex()
	if err != nil {
		return nil, err
	}
	theta := make([]float64, nfree)
	for i, p := range md.Params {
		if idx[i] >= 0 {
			theta[idx[i]] = p.Value
		}
	}
	obj := objective{md, d, idx}
	if math.IsInf(obj.eval(theta, nil), 1) {
		return nil, &NotPositiveDefiniteError{Matrix: "implied", At: "start"}
	}
	// BFGS runs on z = Lᵀ(θ − θ₀), L the Cholesky factor of the expected
	// information at θ₀ (damped towards its diagonal when not positive
	// definite, see newPreconditioner), so that its steps are
	// taken in a well-scaled space: panels mix scales (an alliance SD of
	// 0.3 beside a symptom SD of 4), and identity-started BFGS needed
	// hundreds of iterations. Far from the optimum the information at the
	// start values is a poor scale, so a first round stops at
	// |∇_z| < 0.1 and the second starts afresh from there with the
	// Hessian at that point (10,000 patients × 10 waves: 360 iterations →
	// 13 + 12).
	var res optim.BFGSResult
	iters := 0
	inf := make([]float64, nfree)
	ninf := make([]float64, nfree)
	for i := range inf {
		inf[i], ninf[i] = math.Inf(1), math.Inf(-1)
	}
	for _, gtol := range []float64{1e-1, bfgsGradTol} {
		pre := newPreconditioner(obj, theta)
		f := func(z, g []float64) float64 {
			v := obj.eval(pre.theta(z), g)
			pre.gradient(g)
			return v
		}
		res, err = optim.MinimizeBoxBFGS(f, make([]float64, nfree), ninf, inf, optim.BFGSSettings{GTol: gtol, MaxIter: opt.MaxIter - iters})
		if err != nil {
			return nil, fmt.Errorf("sem: the optimiser failed: %v", err)
		}
		iters += res.Iterations
		theta = append([]float64(nil), pre.theta(res.X)...)
		if iters >= opt.MaxIter {
			break
		}
	}
	// Newton steps on the closed-form Hessian finish the search
	// (newtonPolish): converged when the last Newton decrement gᵀH⁻¹g
	// (twice the gain in ℓ still to be had) is below 10⁻⁸.
	x, hess, dec := theta, (*mat.SymDense)(nil), math.NaN()
	if k := min(4, opt.MaxIter-iters); k > 0 {
		x, hess, dec = newtonPolish(obj, theta, k)
	}
	converged := dec >= 0 && dec < 1e-8 // false for NaN
	if !converged && res.Converged {
		converged = true
	}
	out := &Result{Theta: x, Converged: converged, Iterations: iters, Patterns: d.Patterns(), Dropped: d.Dropped,
		Estimator: opt.Estimator, Information: opt.Information, model: md, idx: idx, hess: hess}
	if err := out.inference(obj, opt); err != nil {
		return nil, err
	}
	out.indices(obj)
	if opt.Estimator == MLR {
		if err := out.scaled(obj, opt); err != nil {
			return nil, err
		}
	}
	if !converged {
		g := make([]float64, len(x))
		obj.eval(x, g)
		mg := 0.0
		for _, v := range g {
			mg = math.Max(mg, math.Abs(v)*float64(d.N))
		}
		return out, &ConvergenceError{Iterations: iters, MaxGradient: mg, Decrement: dec, Reason: res.Reason}
	}
	return out, nil
}

// inference computes the covariance of θ and the parameter table. The
// observed information is the Hessian of −ℓ (central differences of the
// analytic gradient), the expected one Δᵀ I(Σ(θ)) Δ with I of
// expectedInfo and Δ of jacobian. For MLR the covariance is the sandwich
// A⁻¹ (Σᵢ sᵢsᵢᵀ) A⁻¹ with sᵢ = Δᵀ gᵢ the case scores at the solution
// (Huber 1967; White 1982; lavaan's se = "robust.huber.white").
func (res *Result) inference(obj objective, opt Options) error {
	level := opt.Level
	n := len(res.Theta)
	var H *mat.SymDense
	if opt.Information == Expected {
		H = res.expectedInformation(obj)
	} else {
		H = res.observedInformation(obj)
	}
	res.Vcov = nil
	if n > 0 && H != nil {
		res.ainv = invertSym(H)
	}
	if res.ainv != nil {
		res.Vcov = res.ainv
		if opt.Estimator == MLR {
			res.b0 = res.scoreProducts(obj)
			if res.b0 == nil {
				return &NotPositiveDefiniteError{Matrix: "implied", At: "solution"}
			}
			res.Vcov = sandwich(res.ainv, res.b0, n)
		}
	}
	md := res.model
	r := md.build(res.Theta, res.idx)
	r.moments()
	m := r.m
	ref := wald.Normal(level)
	for k, p := range md.Params {
		v := p.Value
		pr := ParamResult{Op: p.Op, Label: p.Label, Free: res.idx[k] >= 0}
		if pr.Free {
			v = res.Theta[res.idx[k]]
		}
		pr.Estimate = v
		switch p.Matrix {
		case Path:
			pr.LHS, pr.RHS = md.Names[p.To], md.Names[p.From]
			if p.Op == "=~" {
				pr.LHS, pr.RHS = md.Names[p.From], md.Names[p.To]
			}
			pr.StdAll = v * math.Sqrt(r.full[p.From*m+p.From]/r.full[p.To*m+p.To])
		case Cov:
			pr.LHS, pr.RHS = md.Names[p.To], md.Names[p.From]
			if p.To == p.From {
				pr.StdAll = v / r.full[p.To*m+p.To]
			} else {
				pr.StdAll = v / math.Sqrt(r.S[p.To*m+p.To]*r.S[p.From*m+p.From])
			}
		case Mean:
			pr.LHS = md.Names[p.To]
			pr.StdAll = v / math.Sqrt(r.full[p.To*m+p.To])
		}
		if pr.Free && res.Vcov != nil {
			j := res.idx[k]
			w := ref.Coef(v, res.Vcov[j*n+j])
			pr.SE, pr.Z, pr.P, pr.CILB, pr.CIUB = &w.SE, &w.Statistic, &w.P, &w.CILB, &w.CIUB
		}
		res.Parameters = append(res.Parameters, pr)
	}
	if res.Vcov == nil && n > 0 {
		return &NotPositiveDefiniteError{Matrix: "information", At: "solution"}
	}
	return nil
}

// preconditioner maps BFGS's variables z to θ = θ₀ + L⁻ᵀz with H₀ = LLᵀ
// the expected information of −ℓ/N at θ₀ (Δᵀ E Δ, the Fisher-scoring
// metric: positive semi-definite everywhere and, without the second-order
// term of hessianAt, a fraction of its cost; or L = diag(√|H₀,jj|) when H₀ is not
// positive definite, or L = I when there is no Hessian), and gradients
// ∂/∂θ to ∂/∂z = L⁻¹ ∂/∂θ.
type preconditioner struct {
	theta0, x []float64
	l         []float64 // lower factor, n × n; nil: diagonal d
	d         []float64
}

func newPreconditioner(obj objective, theta0 []float64) *preconditioner {
	n := len(theta0)
	p := &preconditioner{theta0: theta0, x: make([]float64, n), d: make([]float64, n)}
	for i := range p.d {
		p.d[i] = 1
	}
	H := expectedAt(obj, theta0)
	if H == nil || n == 0 {
		return p
	}
	N := float64(obj.d.N)
	l := make([]float64, n*n)
	// Far from the optimum H₀ is often indefinite: add λ·diag(|H₀|) with
	// λ growing tenfold from 0 (Levenberg–Marquardt's damping) until it
	// is positive definite, and fall back to the diagonal after 10⁴.
	for lambda := 0.0; lambda <= 1e4; lambda = math.Max(10*lambda, 1e-3) {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				l[i*n+j] = H.At(i, j) / N
			}
			l[i*n+i] += lambda * math.Abs(H.At(i, i)) / N
		}
		if linalg.Cholesky(l, n) == nil {
			p.l = l
			return p
		}
	}
	for i := range p.d {
		if v := math.Abs(H.At(i, i)) / N; v > 1e-12 {
			p.d[i] = math.Sqrt(v)
		}
	}
	return p
}

// theta is θ₀ + L⁻ᵀz (shared storage: copy to keep it).
func (p *preconditioner) theta(z []float64) []float64 {
	copy(p.x, z)
	if p.l != nil {
		linalg.BackSolve(p.l, len(z), p.x)
	} else {
		for i := range p.x {
			p.x[i] /= p.d[i]
		}
	}
	for i, v := range p.theta0 {
		p.x[i] += v
	}
	return p.x
}

// gradient turns g = ∂f/∂θ into ∂f/∂z = L⁻¹g in place.
func (p *preconditioner) gradient(g []float64) {
	if p.l != nil {
		linalg.ForwardSolve(p.l, len(g), g)
		return
	}
	for i := range g {
		g[i] /= p.d[i]
	}
}

// expectedAt is the expected information Δᵀ E Δ of −ℓ (total over cases)
// at theta (see Result.expectedInformation), nil when some implied
// covariance matrix is not positive definite.
func expectedAt(obj objective, theta []float64) *mat.SymDense {
	r := obj.md.build(theta, obj.idx)
	if !r.moments() {
		return nil
	}
	W, ok := obj.d.expectedInfo(r.sigma)
	if !ok {
		return nil
	}
	n := len(theta)
	return congruence(W, obj.md.jacobian(r, obj.idx, n), nMoments(obj.d.P), n)
}
