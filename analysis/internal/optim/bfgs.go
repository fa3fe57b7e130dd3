package optim

import (
	"fmt"
	"math"
)

// BFGSSettings controls MinimizeBoxBFGS. The zero value of a field selects
// its default.
type BFGSSettings struct {
	// GTol stops the search when the largest projected gradient component
	// is below it. Default 1e-8.
	GTol float64
	// FloorGTol is the largest projected gradient accepted as converged
	// when f stops decreasing in floating point before GTol is reached.
	// Default GTol (no extra allowance).
	FloorGTol float64
	// MaxIter caps the quasi-Newton iterations. Default 1000.
	MaxIter int
	// Scale, when set, replaces H = I by (sᵀy / yᵀy) I before the first
	// update after every reset (Shanno & Phua's scaling, Nocedal & Wright
	// 2006, eq. 6.20), so that the quasi-Newton steps have the objective's
	// scale from the second iteration on.
	Scale bool
	// MaxStep, when positive, caps the largest component of the first trial
	// step after a reset (a steepest-descent step −g, whose length has the
	// gradient's units): the line search starts from t = min(1, MaxStep /
	// max|d_i|).
	MaxStep float64
	// MaxHalvings caps the trial steps of one line search (t, t/2, …).
	// Default 60.
	MaxHalvings int
	// Value, when not nil, is f without its gradient (cheaper to compute):
	// the line search evaluates its trial points with Value and f only at
	// the point it accepts.
	Value func(x []float64) float64
	// Evals, when not nil, is incremented at every evaluation of f or Value.
	Evals *int
}

// BFGSResult is the outcome of MinimizeBoxBFGS.
type BFGSResult struct {
	X          []float64 // the last point, inside [lower, upper]
	F          float64   // f(X)
	Iterations int       // iterations used
	Converged  bool      // a gradient criterion was met
	Reason     string    // why the search stopped, in words
}

// MinimizeBoxBFGS minimises the smooth f over the box lower ≤ x ≤ upper by
// a projected quasi-Newton method (the active-set idea of Bertsekas 1982,
// SIAM J. Control Optim. 20(2), 221–246, with the BFGS inverse-Hessian
// update of Nocedal & Wright 2006, Numerical Optimization, 2nd ed., eq.
// 6.17). f returns the value at x and stores the gradient in grad.
//
// Each iteration
//
//  1. holds fixed the variables at a bound whose gradient points outwards
//     (x_i = l_i with g_i > 0, or x_i = u_i with g_i < 0) and stops when
//     the largest |g_i| of the others is below GTol;
//  2. moves the free variables along d = −H g, H the BFGS approximation of
//     the inverse Hessian, reset to I when the free set changes or d is not
//     a descent direction (then d = −g);
//  3. halves the step t (at most 60 times, MaxHalvings) until the projected point
//     x⁺ = P(x + t d) satisfies Armijo's condition
//     f(x⁺) ≤ f(x) + 10⁻⁴ gᵀ(x⁺ − x);
//  4. updates H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ, s = x⁺ − x, y = g⁺ − g,
//     ρ = 1/sᵀy, when sᵀy > 10⁻¹⁶.
//
// When no decrease is possible in floating point (no Armijo step, a step
// below 1e-14, or a decrease below 1e-16·|f|) the search stops and reports
// convergence if the projected gradient is below FloorGTol. x0 is moved
// into the box first. An error is returned only for malformed input;
// failure to converge is reported through Converged and Reason.
func MinimizeBoxBFGS(f func(x, grad []float64) float64, x0, lower, upper []float64, s BFGSSettings) (BFGSResult, error) {
	n := len(x0)
	if n == 0 {
		return BFGSResult{}, fmt.Errorf("optim: MinimizeBoxBFGS needs at least one parameter")
	}
	if len(lower) != n || len(upper) != n {
		return BFGSResult{}, fmt.Errorf("optim: bounds have lengths %d and %d, want %d", len(lower), len(upper), n)
	}
	for i := range lower {
		if !(lower[i] <= upper[i]) {
			return BFGSResult{}, fmt.Errorf("optim: bound %d: lower %g is not ≤ upper %g", i+1, lower[i], upper[i])
		}
	}
	if s.GTol <= 0 {
		s.GTol = 1e-8
	}
	if s.FloorGTol <= 0 {
		s.FloorGTol = s.GTol
	}
	if s.MaxIter <= 0 {
		s.MaxIter = 1000
	}
	if s.MaxHalvings <= 0 {
		s.MaxHalvings = 60
	}
	value := s.Value
	if s.Evals != nil {
		inner, count := f, s.Evals
		f = func(x, grad []float64) float64 {
			*count++
			return inner(x, grad)
		}
		if value != nil {
			innerV := value
			value = func(x []float64) float64 {
				*count++
				return innerV(x)
			}
		}
	}
	b := newBoxBFGS(f, x0, lower, upper)
	b.value = value
	return b.run(s), nil
}

// boxBFGS is the state of one MinimizeBoxBFGS search.
type boxBFGS struct {
	f              func(x, grad []float64) float64
	value          func(x []float64) float64 // f without the gradient, or nil
	n              int
	lo, hi         []float64
	x, g, xn, gn   []float64
	d, sv, yv, hy  []float64
	h              []float64 // n×n inverse-Hessian approximation
	free, prevFree []bool
	fx, fn         float64
	fresh          bool // H was reset since the last update
}

func newBoxBFGS(f func(x, grad []float64) float64, x0, lo, hi []float64) *boxBFGS {
	n := len(x0)
	b := &boxBFGS{f: f, n: n, lo: lo, hi: hi,
		x: make([]float64, n), g: make([]float64, n), xn: make([]float64, n), gn: make([]float64, n),
		d: make([]float64, n), sv: make([]float64, n), yv: make([]float64, n), hy: make([]float64, n),
		h: make([]float64, n*n), free: make([]bool, n), prevFree: make([]bool, n)}
	for i, v := range x0 {
		b.x[i] = math.Min(math.Max(v, lo[i]), hi[i])
	}
	b.fx = f(b.x, b.g)
	b.resetH()
	return b
}

// run iterates until a stopping rule of MinimizeBoxBFGS holds.
func (b *boxBFGS) run(s BFGSSettings) BFGSResult {
	res := func(it int, ok bool, why string) BFGSResult {
		return BFGSResult{X: b.x, F: b.fx, Iterations: it, Converged: ok, Reason: why}
	}
	for it := 0; it < s.MaxIter; it++ {
		if math.IsNaN(b.fx) {
			return res(it, false, "the objective is NaN")
		}
		pg, changed := b.activeSet()
		if pg < s.GTol {
			return res(it, true, "projected gradient below tolerance")
		}
		if changed {
			b.resetH()
		}
		b.direction()
		t0 := 1.0
		if b.fresh && s.MaxStep > 0 {
			big := 0.0
			for _, di := range b.d {
				big = math.Max(big, math.Abs(di))
			}
			if big > s.MaxStep {
				t0 = s.MaxStep / big
			}
		}
		accepted := b.lineSearch(t0, s.MaxHalvings)
		sy, step := b.differences()
		if !accepted || step < 1e-14 || b.fx-b.fn <= 1e-16*math.Abs(b.fx) {
			// No further decrease is possible in floating point: x is the
			// optimum to the accuracy f and its gradient can be computed.
			if accepted {
				copy(b.x, b.xn)
				b.fx = b.fn
			}
			if pg < s.FloorGTol {
				return res(it, true, "no further decrease possible; projected gradient below the floor tolerance")
			}
			return res(it, false, fmt.Sprintf("no further decrease possible with projected gradient %g", pg))
		}
		copy(b.x, b.xn)
		copy(b.g, b.gn)
		b.fx = b.fn
		if sy > 1e-16 {
			if b.fresh && s.Scale {
				b.scaleH(sy)
			}
			b.update(sy)
			b.fresh = false
		}
	}
	return res(s.MaxIter, false, fmt.Sprintf("iteration limit %d reached", s.MaxIter))
}

// resetH sets H = I.
func (b *boxBFGS) resetH() {
	b.fresh = true
	clear(b.h)
	for i := 0; i < b.n; i++ {
		b.h[i*b.n+i] = 1
	}
}

// activeSet marks the free variables and returns the largest |g_i| over
// them and whether the free set changed since the last iteration.
func (b *boxBFGS) activeSet() (pg float64, changed bool) {
	for i := 0; i < b.n; i++ {
		b.free[i] = !((b.x[i] <= b.lo[i] && b.g[i] > 0) || (b.x[i] >= b.hi[i] && b.g[i] < 0))
		if b.free[i] {
			pg = math.Max(pg, math.Abs(b.g[i]))
		}
		if b.free[i] != b.prevFree[i] {
			changed = true
		}
		b.prevFree[i] = b.free[i]
	}
	return pg, changed
}

// direction sets d = −H g on the free variables (0 on the fixed ones), or
// d = −g with H reset when −H g is not a descent direction.
func (b *boxBFGS) direction() {
	n := b.n
	var slope float64
	for i := 0; i < n; i++ {
		b.d[i] = 0
		if !b.free[i] {
			continue
		}
		for j := 0; j < n; j++ {
			if b.free[j] {
				b.d[i] -= b.h[i*n+j] * b.g[j]
			}
		}
		slope += b.d[i] * b.g[i]
	}
	if slope >= 0 {
		b.resetH()
		for i := 0; i < n; i++ {
			b.d[i] = 0
			if b.free[i] {
				b.d[i] = -b.g[i]
			}
		}
	}
}

// lineSearch halves t from t0 until xn = P(x + t d) meets Armijo's
// condition; it leaves f(xn) in fn and its gradient in gn.
func (b *boxBFGS) lineSearch(t0 float64, halvings int) bool {
	t := t0
	for ls := 0; ls < halvings; ls++ {
		var dec float64
		for i := 0; i < b.n; i++ {
			b.xn[i] = math.Min(math.Max(b.x[i]+t*b.d[i], b.lo[i]), b.hi[i])
			dec += b.g[i] * (b.xn[i] - b.x[i])
		}
		if b.value != nil {
			b.fn = b.value(b.xn)
			if b.fn <= b.fx+1e-4*dec {
				b.fn = b.f(b.xn, b.gn)
				return true
			}
		} else {
			b.fn = b.f(b.xn, b.gn)
			if b.fn <= b.fx+1e-4*dec {
				return true
			}
		}
		t /= 2
	}
	return false
}

// differences sets s = xn − x and y = gn − g and returns sᵀy and max |s_i|.
func (b *boxBFGS) differences() (sy, step float64) {
	for i := 0; i < b.n; i++ {
		b.sv[i] = b.xn[i] - b.x[i]
		b.yv[i] = b.gn[i] - b.g[i]
		sy += b.sv[i] * b.yv[i]
		step = math.Max(step, math.Abs(b.sv[i]))
	}
	return sy, step
}

// scaleH sets H = (sᵀy / yᵀy) I.
func (b *boxBFGS) scaleH(sy float64) {
	yy := 0.0
	for _, v := range b.yv {
		yy += v * v
	}
	if !(yy > 0) {
		return
	}
	clear(b.h)
	for i := 0; i < b.n; i++ {
		b.h[i*b.n+i] = sy / yy
	}
}

// update applies the BFGS update of the inverse Hessian,
// H ← H − ρ(Hy sᵀ + s (Hy)ᵀ) + (ρ² yᵀHy + ρ) ssᵀ, ρ = 1/sᵀy.
func (b *boxBFGS) update(sy float64) {
	n := b.n
	var yhy float64
	for i := 0; i < n; i++ {
		b.hy[i] = 0
		for j := 0; j < n; j++ {
			b.hy[i] += b.h[i*n+j] * b.yv[j]
		}
		yhy += b.yv[i] * b.hy[i]
	}
	rho := 1 / sy
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			b.h[i*n+j] = b.h[i*n+j] - rho*(b.hy[i]*b.sv[j]+b.sv[i]*b.hy[j]) + (rho*rho*yhy+rho)*b.sv[i]*b.sv[j]
		}
	}
}
