package optim

import (
	"fmt"
	"math"
	"sort"
)

// BoundedSettings controls MinimizeBounded. The zero value of a field selects
// its default.
type BoundedSettings struct {
	// FTolRel stops a Nelder–Mead round when the spread of the simplex
	// values, max f − min f, is at most FTolRel·|min f| + FTolAbs.
	// Default 1e-12.
	FTolRel float64
	// FTolAbs is the absolute part of the value criterion. Default 1e-14.
	FTolAbs float64
	// XTolAbs additionally requires every vertex to lie within XTolAbs of
	// the best vertex in every coordinate. Default 1e-8.
	XTolAbs float64
	// Step is the initial simplex edge relative to max(|x0_i|, 1).
	// Default 0.2 (lme4's Nelder–Mead uses a similar 20% start).
	Step float64
	// MaxEval caps the number of function evaluations. Default 20000.
	MaxEval int
	// Restarts is the number of fresh simplices built around the best point
	// after a round converges; the search stops early when a restart improves
	// the value by no more than the tolerance. Default 2.
	Restarts int
}

// BoundedResult is the outcome of MinimizeBounded.
type BoundedResult struct {
	X          []float64 // best point found, inside [lower, upper]
	F          float64   // f(X)
	Evals      int       // function evaluations used
	Iterations int       // Nelder–Mead iterations (all rounds)
	Converged  bool      // tolerances met within MaxEval
	Reason     string    // why the search stopped, in words
}

// MinimizeBounded minimises f over the box lower ≤ x ≤ upper by the
// Nelder–Mead simplex method (Nelder & Mead 1965, Computer Journal 7:308–313)
// with every trial point projected onto the box (Box 1965's device for
// bound constraints), followed by restarts from the best point until a
// fresh simplex can no longer improve the value (the check recommended by
// Lagarias et al. 1998, SIAM J. Optim. 9:112–147).
//
// lower and upper may hold ±Inf. f may return +Inf or NaN for points it
// cannot evaluate; they are treated as +Inf. x0 is moved into the box first.
// An error is returned only for malformed input (lengths, lower > upper,
// f(x0) not finite); failure to converge is reported through Converged and
// Reason.
func MinimizeBounded(f func(x []float64) float64, x0, lower, upper []float64, s BoundedSettings) (BoundedResult, error) {
	n := len(x0)
	if n == 0 {
		return BoundedResult{}, fmt.Errorf("optim: MinimizeBounded needs at least one parameter")
	}
	if len(lower) != n || len(upper) != n {
		return BoundedResult{}, fmt.Errorf("optim: bounds have lengths %d and %d, want %d", len(lower), len(upper), n)
	}
	for i := range x0 {
		if !(lower[i] <= upper[i]) {
			return BoundedResult{}, fmt.Errorf("optim: bound %d: lower %g > upper %g", i, lower[i], upper[i])
		}
	}
	if s.FTolRel <= 0 {
		s.FTolRel = 1e-12
	}
	if s.FTolAbs <= 0 {
		s.FTolAbs = 1e-14
	}
	if s.XTolAbs <= 0 {
		s.XTolAbs = 1e-8
	}
	if s.Step <= 0 {
		s.Step = 0.2
	}
	if s.MaxEval <= 0 {
		s.MaxEval = 20000
	}
	if s.Restarts == 0 {
		s.Restarts = 2
	}
	nm := nelderMead{f: f, lower: lower, upper: upper, s: s, n: n}
	x := make([]float64, n)
	copy(x, x0)
	nm.project(x)
	fx := nm.eval(x)
	if math.IsInf(fx, 1) {
		return BoundedResult{}, fmt.Errorf("optim: objective is not finite at the start point %v", x)
	}
	step := s.Step
	res := BoundedResult{X: x, F: fx}
	for round := 0; ; round++ {
		xb, fb, conv, reason := nm.run(res.X, res.F, step)
		improved := res.F - fb
		res.X, res.F = xb, fb
		res.Reason = reason
		if !conv {
			res.Converged = false
			break
		}
		res.Converged = true
		if round > 0 && improved <= s.FTolRel*math.Abs(fb)+s.FTolAbs {
			res.Reason = "converged: a restarted simplex did not improve the value"
			break
		}
		if round >= s.Restarts {
			break
		}
		step = math.Max(step/10, 1e-4)
	}
	res.Evals = nm.evals
	res.Iterations = nm.iters
	return res, nil
}

type nelderMead struct {
	f            func([]float64) float64
	lower, upper []float64
	s            BoundedSettings
	n            int
	evals, iters int
}

func (nm *nelderMead) project(x []float64) {
	for i := range x {
		if x[i] < nm.lower[i] {
			x[i] = nm.lower[i]
		} else if x[i] > nm.upper[i] {
			x[i] = nm.upper[i]
		}
	}
}

func (nm *nelderMead) eval(x []float64) float64 {
	nm.evals++
	v := nm.f(x)
	if math.IsNaN(v) {
		return math.Inf(1)
	}
	return v
}

// run performs one Nelder–Mead round from the vertex x0 (value f0).
func (nm *nelderMead) run(x0 []float64, f0 float64, step float64) ([]float64, float64, bool, string) {
	n := nm.n
	pts := make([][]float64, n+1)
	vals := make([]float64, n+1)
	pts[0] = append([]float64(nil), x0...)
	vals[0] = f0
	for i := 0; i < n; i++ {
		p := append([]float64(nil), x0...)
		h := step * math.Max(math.Abs(x0[i]), 1)
		if p[i]+h > nm.upper[i] {
			h = -h
		}
		if p[i]+h < nm.lower[i] {
			// The box is narrower than the step in both directions.
			h = (nm.upper[i] - nm.lower[i]) / 2
			if p[i]+h > nm.upper[i] {
				h = -h
			}
		}
		p[i] += h
		nm.project(p)
		pts[i+1] = p
		vals[i+1] = nm.eval(p)
	}
	idx := make([]int, n+1)
	cen := make([]float64, n)
	xr := make([]float64, n)
	xe := make([]float64, n)
	xc := make([]float64, n)
	order := func() {
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return vals[idx[a]] < vals[idx[b]] })
		np := make([][]float64, n+1)
		nv := make([]float64, n+1)
		for i, k := range idx {
			np[i], nv[i] = pts[k], vals[k]
		}
		pts, vals = np, nv
	}
	along := func(dst []float64, t float64) { // dst = cen + t (cen − worst)
		for i := range dst {
			dst[i] = cen[i] + t*(cen[i]-pts[n][i])
		}
		nm.project(dst)
	}
	for {
		order()
		best, worst := vals[0], vals[n]
		if !math.IsInf(worst, 1) && worst-best <= nm.s.FTolRel*math.Abs(best)+nm.s.FTolAbs {
			close := true
			for k := 1; k <= n && close; k++ {
				for i := 0; i < n; i++ {
					if math.Abs(pts[k][i]-pts[0][i]) > nm.s.XTolAbs*math.Max(1, math.Abs(pts[0][i])) {
						close = false
						break
					}
				}
			}
			if close {
				return pts[0], vals[0], true, "converged: simplex values and vertices within tolerance"
			}
		}
		if nm.evals >= nm.s.MaxEval {
			return pts[0], vals[0], false, fmt.Sprintf("not converged: evaluation limit %d reached", nm.s.MaxEval)
		}
		nm.iters++
		for i := range cen {
			cen[i] = 0
			for k := 0; k < n; k++ {
				cen[i] += pts[k][i]
			}
			cen[i] /= float64(n)
		}
		along(xr, 1)
		fr := nm.eval(xr)
		switch {
		case fr < vals[0]:
			along(xe, 2)
			fe := nm.eval(xe)
			if fe < fr {
				copy(pts[n], xe)
				vals[n] = fe
			} else {
				copy(pts[n], xr)
				vals[n] = fr
			}
		case fr < vals[n-1]:
			copy(pts[n], xr)
			vals[n] = fr
		default:
			t := -0.5 // inside contraction
			if fr < vals[n] {
				t = 0.5 // outside contraction
			}
			along(xc, t)
			fc := nm.eval(xc)
			if fc < math.Min(fr, vals[n]) {
				copy(pts[n], xc)
				vals[n] = fc
				continue
			}
			// Shrink towards the best vertex.
			for k := 1; k <= n; k++ {
				for i := 0; i < n; i++ {
					pts[k][i] = pts[0][i] + 0.5*(pts[k][i]-pts[0][i])
				}
				nm.project(pts[k])
				vals[k] = nm.eval(pts[k])
			}
		}
	}
}
