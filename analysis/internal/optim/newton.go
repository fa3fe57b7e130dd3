package optim

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// LMSettings controls MinimizeLM. The zero value of a field selects its
// default.
type LMSettings struct {
	// MaxIter caps the Newton iterations. Default 500.
	MaxIter int
	// StepTol stops the search when every |s_j| ≤ StepTol·max(1, |x_j|) and
	// the step does not increase f. Default 1e-12.
	StepTol float64
	// HessStep is the relative central-difference step of the Hessian,
	// h_j = HessStep·max(1, |x_j|). Default 1e-5.
	HessStep float64
}

// LMResult is the outcome of MinimizeLM.
type LMResult struct {
	X          []float64 // the last point
	F          float64   // f(X)
	Iterations int       // Newton iterations used
	Converged  bool      // the step criterion was met
}

// MinimizeLM minimises the smooth f from x0 by Newton steps damped as in
// Levenberg (1944) and Marquardt (1963): at x it solves
//
//	(H + λ D) s = g,  D = diag(max(|H_jj|, 10⁻⁸)),
//
// with g the analytic gradient (grad(g, x) stores it) and H its central
// differences, H_ij = (g_i(x + h_j e_j) − g_i(x − h_j e_j)) / 2h_j,
// symmetrised. A step that lowers f is taken and λ shrinks tenfold (not
// below 10⁻¹²); otherwise (or when H + λD is not positive definite) λ
// grows tenfold, at most 60 times per iteration. It starts at λ = 10⁻³ and
// stops when the step is below StepTol (relative) without increasing f.
// An error is returned only for malformed input.
func MinimizeLM(f func(x []float64) float64, grad func(g, x []float64), x0 []float64, s LMSettings) (LMResult, error) {
	n := len(x0)
	if n == 0 {
		return LMResult{}, fmt.Errorf("optim: MinimizeLM needs at least one parameter")
	}
	if s.MaxIter <= 0 {
		s.MaxIter = 500
	}
	if s.StepTol <= 0 {
		s.StepTol = 1e-12
	}
	if s.HessStep <= 0 {
		s.HessStep = 1e-5
	}
	w := &lmWork{f: f, grad: grad, n: n, x: append([]float64(nil), x0...),
		g: make([]float64, n), gp: make([]float64, n), gm: make([]float64, n),
		h: make([]float64, n*n), a: make([]float64, n*n), xn: make([]float64, n), step: make([]float64, n),
		lambda: 1e-3}
	w.fx = f(w.x)
	for it := 1; it <= s.MaxIter; it++ {
		w.hessian(s.HessStep)
		switch w.dampedStep(s.StepTol) {
		case lmConverged:
			return LMResult{X: w.x, F: w.fx, Iterations: it, Converged: true}, nil
		case lmStuckSmall:
			return LMResult{X: w.x, F: w.fx, Iterations: it, Converged: true}, nil
		case lmStuck:
			return LMResult{X: w.x, F: w.fx, Iterations: it, Converged: false}, nil
		}
	}
	return LMResult{X: w.x, F: w.fx, Iterations: s.MaxIter}, nil
}

// lmWork is the state of one MinimizeLM search.
type lmWork struct {
	f              func([]float64) float64
	grad           func(g, x []float64)
	n              int
	x, g, gp, gm   []float64
	h, a, xn, step []float64
	fx, lambda     float64
}

// The outcomes of one damped step.
const (
	lmMoved      = iota // a step lowered f; go on
	lmConverged         // the step is below tolerance and does not raise f
	lmStuckSmall        // 60 increases of λ found no lower f, last step small
	lmStuck             // 60 increases of λ found no lower f
	lmSingular          // H + λD not positive definite at the last λ; go on
)

// hessian sets g = ∇f(x) and h to the symmetrised central differences of
// the gradient.
func (w *lmWork) hessian(rel float64) {
	n, x := w.n, w.x
	w.grad(w.g, x)
	for j := 0; j < n; j++ {
		hj := rel * math.Max(1, math.Abs(x[j]))
		xj := x[j]
		x[j] = xj + hj
		w.grad(w.gp, x)
		x[j] = xj - hj
		w.grad(w.gm, x)
		x[j] = xj
		for i := 0; i < n; i++ {
			w.h[i*n+j] = (w.gp[i] - w.gm[i]) / (2 * hj)
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			m := (w.h[i*n+j] + w.h[j*n+i]) / 2
			w.h[i*n+j], w.h[j*n+i] = m, m
		}
	}
}

// dampedStep tries x − (H + λD)⁻¹g for growing λ until f decreases.
func (w *lmWork) dampedStep(tol float64) int {
	n, x := w.n, w.x
	for tries := 0; tries < 60; tries++ {
		copy(w.a, w.h)
		for i := 0; i < n; i++ {
			w.a[i*n+i] += w.lambda * math.Max(math.Abs(w.h[i*n+i]), 1e-8)
		}
		if linalg.Cholesky(w.a, n) != nil {
			w.lambda *= 10
			continue
		}
		copy(w.step, w.g)
		linalg.Solve(w.a, n, w.step)
		small := true
		for j := range x {
			w.xn[j] = x[j] - w.step[j]
			if math.Abs(w.step[j]) > tol*math.Max(1, math.Abs(x[j])) {
				small = false
			}
		}
		fn := w.f(w.xn)
		if small && !(fn > w.fx+1e-14*math.Abs(w.fx)) {
			copy(x, w.xn)
			w.fx = fn
			return lmConverged
		}
		if fn <= w.fx {
			copy(x, w.xn)
			w.fx = fn
			w.lambda = math.Max(w.lambda/10, 1e-12)
			return lmMoved
		}
		w.lambda *= 10
		if tries == 59 {
			if small {
				return lmStuckSmall
			}
			return lmStuck
		}
	}
	return lmSingular
}
