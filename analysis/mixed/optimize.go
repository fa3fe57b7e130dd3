package mixed

import (
	"fmt"
	"math"
	"slices"

	"github.com/alliance-research/alliance/analysis/internal/optim"
)

// minimise finds the minimum of the profiled deviance over x = (θ, [φ]) in
// the box lo ≤ x ≤ up, starting from x0: a projected quasi-Newton search
// (optim.MinimizeBoxBFGS, Shanno–Phua scaling) in the coordinates
// u = θ/scale of thetaScales (every term on the response's scale), on the
// analytic gradient
// (gradient.go) until the gradient is below 10⁻⁶·max(1, |d|), or the
// deviance stops decreasing in floating point with the gradient below
// 10⁻⁴·max(1, |d|) (trial points of the line search are evaluated without
// the gradient, a third of the cost), then Newton steps with the
// Hessian from differences of the analytic gradient (gradNewton), which put
// x where the gradient vanishes to its own precision — beyond the
// resolution of the deviance, where the quasi-Newton line search stalls.
//
// A diagonal θ_ii that ends at (or within 10⁻¹⁰ of) its bound 0, after the
// quasi-Newton search or the Newton steps, is probed: the deviance is even
// in θ_ii for a single random effect, so its gradient vanishes there whether
// or not 0 is the minimum, and a projected step may land on it. If the
// deviance is lower at θ_ii = 0.5, 0.05 or 0.005, the search restarts from
// that point (at most three times). If the search does not converge, lme4's
// bounded simplex followed by Newton steps with numerical derivatives
// (newtonPolish) is run instead. Evals counts criterion evaluations, one
// with its gradient counting as one.
//
// xm, when not nil, are moment estimates of θ (momentStart): Newton steps
// (gradNewton) from there come first, and their optimum is the result when
// they converge with every diagonal θ_ii off its bound 0. Otherwise the
// search above runs, from the point where the Newton steps stopped if they
// moved and it has no θ_ii at 0, else from x0 (a variance going to 0 is
// left to the search's probes, as without a moment start).
func (e *engine) minimise(x0, xm, lo, up []float64, reml bool, maxEval int) (optim.BoundedResult, error) {
	if simplexOnly {
		return e.simplex(x0, lo, up, reml, maxEval)
	}
	evals := 0
	n := len(x0)
	// The last point evaluated is remembered: the searches start where the
	// one before stopped.
	lastX, lastG, lastF := make([]float64, n), make([]float64, n), math.NaN()
	fg := func(x, g []float64) float64 {
		if slices.Equal(x, lastX) && !math.IsNaN(lastF) {
			copy(g, lastG)
			evals--
			return lastF
		}
		v := e.devianceGrad(x, g, reml)
		if math.IsNaN(v) {
			v = math.Inf(1)
		}
		copy(lastX, x)
		copy(lastG, g)
		lastF = v
		return v
	}
	value := func(x []float64) float64 { // the deviance without its gradient
		d := e.d
		nt := d.ntheta()
		phi := 0.0
		if d.time != nil {
			phi = x[nt]
		}
		e.keep = true // the accepted trial's factors serve its gradient (evalGrad)
		c, ok := e.eval(x[:nt], phi)
		e.keep = false
		if !ok {
			return math.Inf(1)
		}
		return e.deviance(c, reml)
	}
	if xm != nil {
		nr := gradNewton(fg, xm, lo, up, &evals)
		if nr.ok && offBounds(nr.x, lo) {
			return optim.BoundedResult{X: nr.x, F: nr.f, Evals: evals, Iterations: nr.steps, Converged: true,
				Reason: fmt.Sprintf("converged: %d Newton step(s) on the analytic gradient from moment estimates of θ", nr.steps)}, nil
		}
		if nr.steps > 0 && !math.IsInf(nr.f, 0) && offBounds(nr.x, lo) {
			x0 = nr.x
		}
	}
	g := make([]float64, n)
	f0 := fg(x0, g)
	evals++
	gtol := 1e-6 * math.Max(1, math.Abs(f0))
	start := x0
	why := ""
	iters := 0
	// The quasi-Newton search runs in u = θ/scale (thetaScales; residual
	// parameters unscaled), where the terms' curvatures are comparable.
	sc := make([]float64, n)
	for i := range sc {
		sc[i] = 1
	}
	copy(sc, e.thetaScales())
	xs := make([]float64, n)
	toTheta := func(u []float64) []float64 {
		for i := range u {
			xs[i] = u[i] * sc[i]
		}
		return xs
	}
	fgU := func(u, g []float64) float64 {
		v := fg(toTheta(u), g)
		for i := range g {
			g[i] *= sc[i]
		}
		return v
	}
	valueU := func(u []float64) float64 { return value(toTheta(u)) }
	loU, upU, startU := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range lo {
		loU[i], upU[i] = lo[i]/sc[i], up[i]/sc[i]
	}
	for round := 0; round < 4; round++ {
		for i := range startU {
			startU[i] = start[i] / sc[i]
		}
		qn, err := optim.MinimizeBoxBFGS(fgU, startU, loU, upU, optim.BFGSSettings{GTol: gtol, FloorGTol: 100 * gtol, MaxIter: 200, Scale: true, MaxStep: 1, MaxHalvings: 30, Value: valueU, Evals: &evals})
		if err != nil {
			return optim.BoundedResult{}, fmt.Errorf("mixed: %w", err)
		}
		for i := range qn.X {
			qn.X[i] *= sc[i]
		}
		iters += qn.Iterations
		if !qn.Converged {
			why = qn.Reason
			break
		}
		// A variance the search left within 10⁻¹⁰ of 0 is put on the bound
		// (its gradient is ~0 either way) and probed before the Newton steps,
		// which need a positive curvature.
		x, fx := qn.X, qn.F
		for i := range x {
			if lo[i] == 0 && x[i] != 0 && x[i] < 1e-10 {
				x[i] = 0
				fx = math.NaN()
			}
		}
		if math.IsNaN(fx) {
			fx = fg(x, g)
			evals++
		}
		if y := e.probeBounds(fg, x, fx, lo, &evals); y != nil && round < 3 {
			start = y
			continue
		}
		nr := gradNewton(fg, x, lo, up, &evals)
		iters += nr.steps
		if !nr.ok {
			why = "the Newton steps after the quasi-Newton search did not settle"
			break
		}
		if y := e.probeBounds(fg, nr.x, nr.f, lo, &evals); y != nil && round < 3 {
			start = y
			continue
		}
		e.snapZeros(fg, &nr, lo, &evals)
		restarts := ""
		if round > 0 {
			restarts = fmt.Sprintf(", restarted %d time(s) off a zero variance", round)
		}
		return optim.BoundedResult{X: nr.x, F: nr.f, Evals: evals, Iterations: iters, Converged: true,
			Reason: fmt.Sprintf("converged: quasi-Newton search on the analytic gradient (%s), then %d Newton step(s)%s", qn.Reason, nr.steps, restarts)}, nil
	}
	if why == "" {
		why = "it kept returning to a zero variance"
	}
	res, err := e.simplex(x0, lo, up, reml, maxEval)
	res.Evals += evals
	res.Reason = fmt.Sprintf("quasi-Newton search failed (%s), simplex instead: %s", why, res.Reason)
	return res, err
}

// offBounds reports whether no entry of x with a lower bound of 0 (a
// diagonal θ_ii) is within 10⁻⁶·max(|x|) of it.
func offBounds(x, lo []float64) bool {
	big := 0.0
	for _, v := range x {
		big = math.Max(big, math.Abs(v))
	}
	for i, v := range x {
		if lo[i] == 0 && v <= 1e-6*big {
			return false
		}
	}
	return true
}

// snapZeros sets the entries of θ below 10⁻¹⁰ in absolute value to 0 when
// the deviance does not rise beyond rounding (10⁻¹¹·max(1, |f|)): the
// searches approach a zero variance without reaching it (θ_ii = 10⁻²¹), and
// the correlation of an effect whose variance is ~10⁻⁴² would be
// arbitrary.
func (e *engine) snapZeros(fg func(x, g []float64) float64, nr *newtonResult, lo []float64, evals *int) {
	nt := e.d.ntheta()
	y := append([]float64(nil), nr.x...)
	snapped := false
	for i := 0; i < nt; i++ {
		if y[i] != 0 && math.Abs(y[i]) < 1e-10 {
			y[i] = 0
			snapped = true
		}
	}
	if !snapped {
		return
	}
	*evals++
	if fy := fg(y, make([]float64, len(y))); fy <= nr.f+1e-11*math.Max(1, math.Abs(nr.f)) {
		nr.x, nr.f = y, fy
	}
}

// probeBounds returns a point with a lower deviance than f at x, with one
// diagonal θ_ii that is 0 at x moved to 0.5, 0.05 or 0.005, or nil if there
// is none.
func (e *engine) probeBounds(fg func(x, g []float64) float64, x []float64, f float64, lo []float64, evals *int) []float64 {
	g := make([]float64, len(x))
	for i := range x {
		if lo[i] != 0 || x[i] > 0 {
			continue
		}
		for _, h := range []float64{0.5, 0.05, 0.005} {
			y := append([]float64(nil), x...)
			y[i] = h
			*evals++
			if fg(y, g) < f-1e-11*math.Max(1, math.Abs(f)) {
				return y
			}
		}
	}
	return nil
}

// newtonResult reports what gradNewton did.
type newtonResult struct {
	x     []float64
	f     float64
	steps int
	ok    bool // the last Newton step was below the tolerance
}

// gradNewton refines x by projected Newton steps x ← P(x − H⁻¹g) on the
// free coordinates (those not at a bound with the gradient pointing out of
// the box), g the analytic gradient and H its forward differences (backward
// at an upper bound) with steps 10⁻⁵·max(|x_i|, 0.1), recomputed when the
// free set changes or a step is not a tenth of the one before (H changes
// fast near a zero variance, and a stale H converges only linearly), and
// corrected after every step taken by the BFGS update from the step and
// the change of the gradient (bfgsUpdate: no evaluation, and superlinear
// convergence where the differences alone converge linearly: 4 → 3 steps
// for the nested 100,000-row model). A step is accepted when the deviance does not rise beyond its
// rounding, 10⁻¹¹·max(1, |f|) (r² carries ~10⁻¹² relative rounding, times
// n), else halved up to three times. It converges when the Newton step after
// one taken would move every coordinate by at most 10⁻⁹·max(|x_i|, 0.1)
// (that step is then not taken); at most 8 steps.
func gradNewton(fg func(x, g []float64) float64, x0, lo, up []float64, evals *int) newtonResult {
	n := len(x0)
	x := append([]float64(nil), x0...)
	g := make([]float64, n)
	f := fg(x, g)
	*evals++
	res := newtonResult{x: x, f: f}
	y, gy := make([]float64, n), make([]float64, n)
	var H []float64
	var hFree, free []int
	slow, prevSize := false, math.Inf(1)
	for res.steps < 8 {
		free = free[:0]
		for i := range x {
			if (x[i] <= lo[i] && g[i] >= 0) || (x[i] >= up[i] && g[i] <= 0) {
				continue
			}
			free = append(free, i)
		}
		k := len(free)
		if k == 0 {
			res.ok = true
			return res
		}
		if H == nil || !slices.Equal(free, hFree) || slow {
			H = hessianFromGrad(fg, x, g, free, up, evals)
			hFree = append(hFree[:0], free...)
		}
		gf := make([]float64, k)
		for a, i := range free {
			gf[a] = g[i]
		}
		d, ok := newtonStep(H, gf, k)
		if !ok {
			return res
		}
		small := true
		size := 0.0 // the largest step relative to max(|x_i|, 0.1)
		for a, i := range free {
			r := math.Abs(d[a]) / math.Max(math.Abs(x[i]), 0.1)
			size = math.Max(size, r)
			if r > 1e-9 {
				small = false
			}
		}
		// A step that is not a tenth of the one before means H is off (it
		// changes fast near a zero variance): it is recomputed.
		slow = res.steps > 0 && size > 0.1*prevSize
		prevSize = size
		if small && res.steps > 0 { // x is the optimum to 10⁻⁹
			res.ok = true
			return res
		}
		accepted := false
		for t, scale := 0, 1.0; t < 4 && !accepted; t, scale = t+1, scale/2 {
			copy(y, x)
			for a, i := range free {
				y[i] = math.Min(math.Max(x[i]-scale*d[a], lo[i]), up[i])
			}
			fy := fg(y, gy)
			*evals++
			if fy <= f+1e-11*math.Max(1, math.Abs(f)) {
				bfgsUpdate(H, free, x, y, g, gy) // the next step, superlinear without new differences
				copy(x, y)
				copy(g, gy)
				f = fy
				accepted = true
			}
		}
		if !accepted {
			res.ok = small
			return res
		}
		res.steps++
		res.f = f
		if small {
			res.ok = true
			return res
		}
	}
	return res
}

// hessianFromGrad returns the Hessian over the coordinates free (k × k,
// row-major) of the function whose value and gradient fg computes, at x
// with gradient g: forward differences of the gradient (backward where
// x_i + h passes the upper bound) with steps h = 10⁻⁵·max(|x_i|, 0.1),
// symmetrised. It costs k evaluations.
func hessianFromGrad(fg func(x, g []float64) float64, x, g []float64, free []int, up []float64, evals *int) []float64 {
	n, k := len(x), len(free)
	y, gp, gm := make([]float64, n), make([]float64, n), make([]float64, n)
	H := make([]float64, k*k)
	for a, i := range free {
		h := 1e-5 * math.Max(math.Abs(x[i]), 0.1)
		copy(y, x)
		if x[i]+h <= up[i] {
			y[i] = x[i] + h
			fg(y, gp)
			copy(gm, g)
		} else {
			y[i] = x[i] - h
			fg(y, gm)
			copy(gp, g)
		}
		*evals++
		for b, j := range free {
			H[b*k+a] = (gp[j] - gm[j]) / h
		}
	}
	for a := 0; a < k; a++ {
		for b := 0; b < a; b++ {
			v := (H[a*k+b] + H[b*k+a]) / 2
			H[a*k+b], H[b*k+a] = v, v
		}
	}
	return H
}

// simplex is lme4's bounded Nelder–Mead search followed by Newton steps
// with numerical derivatives (newtonPolish).
func (e *engine) simplex(x0, lo, up []float64, reml bool, maxEval int) (optim.BoundedResult, error) {
	d := e.d
	nt := d.ntheta()
	obj := func(x []float64) float64 {
		c, ok := e.eval(x[:nt], x[nt:]...) // θ, then the residual structure's parameters
		if !ok {
			return math.Inf(1)
		}
		return e.deviance(c, reml)
	}
	res, err := optim.MinimizeBounded(obj, x0, lo, up, optim.BoundedSettings{MaxEval: maxEval, FTolRel: 1e-8, XTolAbs: 1e-4, Restarts: 1})
	if err != nil {
		return res, fmt.Errorf("mixed: %w", err)
	}
	if res.Converged {
		pr := newtonPolish(obj, res.X, res.F, lo, up, 6)
		res.X, res.F = pr.x, pr.f
		res.Evals += pr.evals
		res.Iterations += pr.steps
		res.Reason += fmt.Sprintf("; %d Newton step(s) on the deviance", pr.steps)
	}
	return res, nil
}

// simplexOnly skips the quasi-Newton search (for tests comparing the two).
var simplexOnly = false

// gradientOK says whether the analytic gradient (gradient.go) applies:
// nested factors (not the general path) and independent, homoscedastic
// residuals (no correlation or variance function).
func (e *engine) gradientOK() bool { return e.d.resid == nil && e.gen == nil }

// bfgsUpdate corrects H (over the free coordinates) by the step from x to
// y and the change of the gradient from g to gy: the BFGS update
// H + vvᵀ/(vᵀs) − (Hs)(Hs)ᵀ/(sᵀHs), skipped unless vᵀs > 0 (H stays
// positive definite).
func bfgsUpdate(H []float64, free []int, x, y, g, gy []float64) {
	k := len(free)
	s, v, Hs := make([]float64, k), make([]float64, k), make([]float64, k)
	for a, i := range free {
		s[a], v[a] = y[i]-x[i], gy[i]-g[i]
	}
	vs, sHs := 0.0, 0.0
	for a := 0; a < k; a++ {
		vs += v[a] * s[a]
		for b := 0; b < k; b++ {
			Hs[a] += H[a*k+b] * s[b]
		}
		sHs += s[a] * Hs[a]
	}
	if !(vs > 0) || !(sHs > 0) {
		return
	}
	for a := 0; a < k; a++ {
		for b := 0; b < k; b++ {
			H[a*k+b] += v[a]*v[b]/vs - Hs[a]*Hs[b]/sHs
		}
	}
}
