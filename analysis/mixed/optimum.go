package mixed

import (
	"math"
	"slices"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// polishResult reports what newtonPolish did.
type polishResult struct {
	x     []float64
	f     float64
	evals int
	steps int // Newton steps taken
}

// newtonPolish refines the simplex's optimum x0 (value f0) of f, the
// profiled deviance, by projected Newton steps inside the box lo ≤ x ≤ up:
//
//	x ← x − H⁻¹ g,
//
// with g and H from central differences of step h_i = 10⁻³·max(|x_i|, 0.5).
// The first step uses the plain central gradient (error O(h²), enough to get
// close) and computes H; later steps reuse that H while the free set stands
// and Richardson-extrapolate the gradient ((4 D(h/2) − D(h))/3, error O(h⁴)),
// so that g is limited by the rounding of f rather than by truncation.
// Coordinates next to a bound where f grows into the box stay fixed there
// (a boundary optimum such as a zero variance).
//
// The simplex stops where f is flat to its tolerance: near the optimum
// f − f* ≈ ½ δᵀHδ, so a change of 10⁻¹² in f leaves x about 10⁻⁶ short, and
// Newton's method closes that gap in one or two steps. Close to the optimum
// the predicted decrease λ²/2 (λ² = gᵀH⁻¹g, the Newton decrement) falls
// below the resolution of f, so a step is accepted when it lowers f, or
// raises it by no more than 10⁻¹¹·|f| while moving every coordinate by at
// most 10⁻⁴·max(|x_i|, 0.5); otherwise it is halved up to four times. The
// search stops when an extrapolated step moves every coordinate by less than
// 10⁻⁸·max(|x_i|, 0.5); when λ², already below 10⁻¹²·(1 + |f|), stops
// shrinking fourfold per step (the differences are down to the rounding
// noise of f; the point of smaller λ² is kept); when H is not positive
// definite on the free coordinates; or after maxSteps steps.
func newtonPolish(f func([]float64) float64, x0 []float64, f0 float64, lo, up []float64, maxSteps int) polishResult {
	n := len(x0)
	nw := &newton{f: f, lo: lo, up: up, x: append([]float64(nil), x0...), fx: f0,
		h: make([]float64, n), y: make([]float64, n), fp: make([]float64, n), fm: make([]float64, n)}
	res := func(steps int) polishResult {
		return polishResult{x: nw.x, f: nw.fx, evals: nw.evals, steps: steps}
	}
	prevX := make([]float64, n)
	prevF, prevLambda2 := f0, math.Inf(1)
	steps := 0
	var H []float64 // Hessian on the free set hFree
	var hFree []int
	for steps < maxSteps {
		nw.freeSet()
		if len(nw.free) == 0 {
			break
		}
		// The first step needs no extrapolated gradient (it only has to get
		// close); later steps reuse its Hessian while the free set stands.
		fine := steps > 0
		reuse := fine && H != nil && slices.Equal(nw.free, hFree)
		g, Hn, ok := nw.derivatives(fine, !reuse)
		if !ok {
			break
		}
		if !reuse {
			H, hFree = Hn, append(hFree[:0], nw.free...)
		}
		d, ok := newtonStep(H, g, len(nw.free))
		if !ok {
			break
		}
		lambda2 := 0.0
		small := true
		for a, i := range nw.free {
			lambda2 += g[a] * d[a]
			if math.Abs(d[a]) > 1e-8*math.Max(math.Abs(nw.x[i]), 0.5) {
				small = false
			}
		}
		if steps > 0 && lambda2 > 0.25*prevLambda2 && prevLambda2 <= 1e-12*(1+math.Abs(nw.fx)) {
			copy(nw.x, prevX)
			nw.fx = prevF
			steps--
			break
		}
		copy(prevX, nw.x)
		prevF, prevLambda2 = nw.fx, lambda2
		if !nw.lineSearch(d) {
			break
		}
		steps++
		if small && fine {
			break
		}
	}
	return res(steps)
}

// newton holds the state of newtonPolish.
type newton struct {
	f         func([]float64) float64
	lo, up, x []float64
	fx        float64
	evals     int
	h         []float64 // difference steps
	free      []int     // coordinates moved
	y, fp, fm []float64 // scratch point; f(x ± h_i e_i)
}

func (nw *newton) eval(z []float64) float64 {
	nw.evals++
	v := nw.f(z)
	if math.IsNaN(v) {
		return math.Inf(1)
	}
	return v
}

// freeSet sets the steps h and the free coordinates: those with room 2h to
// both bounds, and those nearer a bound where f falls into the box (their h
// then shrinks to half the room).
func (nw *newton) freeSet() {
	x, y := nw.x, nw.y
	nw.free = nw.free[:0]
	copy(y, x)
	for i := range x {
		nw.h[i] = 1e-3 * math.Max(math.Abs(x[i]), 0.5)
		room := math.Min(x[i]-nw.lo[i], nw.up[i]-x[i])
		if room >= 2*nw.h[i] {
			nw.free = append(nw.free, i)
			continue
		}
		dir := 1.0
		if nw.up[i]-x[i] < x[i]-nw.lo[i] {
			dir = -1
		}
		y[i] = x[i] + dir*nw.h[i]
		fi := nw.eval(y)
		y[i] = x[i]
		// On the bound itself with f falling inwards no central difference
		// fits; the simplex's value is kept for that coordinate.
		if fi >= nw.fx || room <= 0 {
			continue
		}
		nw.h[i] = room / 2
		nw.free = append(nw.free, i)
	}
}

// derivatives returns g, Richardson-extrapolated when fine, and, when
// wantH, H (k×k) on the free coordinates; ok is false when f cannot be
// evaluated at a difference point.
func (nw *newton) derivatives(fine, wantH bool) (g, H []float64, ok bool) {
	x, y, h, fp, fm := nw.x, nw.y, nw.h, nw.fp, nw.fm
	k := len(nw.free)
	g = make([]float64, k)
	for a, i := range nw.free {
		y[i] = x[i] + h[i]
		fp[a] = nw.eval(y)
		y[i] = x[i] - h[i]
		fm[a] = nw.eval(y)
		y[i] = x[i]
		if math.IsInf(fp[a], 1) || math.IsInf(fm[a], 1) {
			return nil, nil, false
		}
		g[a] = (fp[a] - fm[a]) / (2 * h[i])
		if !fine {
			continue
		}
		y[i] = x[i] + h[i]/2
		fp2 := nw.eval(y)
		y[i] = x[i] - h[i]/2
		fm2 := nw.eval(y)
		y[i] = x[i]
		if math.IsInf(fp2, 1) || math.IsInf(fm2, 1) {
			return nil, nil, false
		}
		g[a] = (4*(fp2-fm2)/h[i] - g[a]) / 3
	}
	if !wantH {
		return g, nil, true
	}
	H = make([]float64, k*k)
	for a, i := range nw.free {
		H[a*k+a] = (fp[a] - 2*nw.fx + fm[a]) / (h[i] * h[i])
	}
	for a, i := range nw.free {
		for b := 0; b < a; b++ {
			j := nw.free[b]
			// H_ij = [f(x+h_i+h_j) − f(x+h_i) − f(x+h_j) + 2f(x)
			//         − f(x−h_i) − f(x−h_j) + f(x−h_i−h_j)] / (2 h_i h_j)
			y[i], y[j] = x[i]+h[i], x[j]+h[j]
			fpp := nw.eval(y)
			y[i], y[j] = x[i]-h[i], x[j]-h[j]
			fmm := nw.eval(y)
			y[i], y[j] = x[i], x[j]
			if math.IsInf(fpp, 1) || math.IsInf(fmm, 1) {
				return nil, nil, false
			}
			v := (fpp - fp[a] - fp[b] + 2*nw.fx - fm[a] - fm[b] + fmm) / (2 * h[i] * h[j])
			H[a*k+b], H[b*k+a] = v, v
		}
	}
	return g, H, true
}

// lineSearch moves x to x − s·d (projected onto the box) for the first s in
// 1, ½, …, 1/16 that is accepted (see newtonPolish); it reports whether one
// was.
func (nw *newton) lineSearch(d []float64) bool {
	x, y := nw.x, nw.y
	for t, scale := 0, 1.0; t < 5; t, scale = t+1, scale/2 {
		copy(y, x)
		tiny := true
		for a, i := range nw.free {
			y[i] = math.Min(math.Max(x[i]-scale*d[a], nw.lo[i]), nw.up[i])
			if math.Abs(y[i]-x[i]) > 1e-4*math.Max(math.Abs(x[i]), 0.5) {
				tiny = false
			}
		}
		fy := nw.eval(y)
		if fy < nw.fx || tiny && fy <= nw.fx+1e-11*math.Abs(nw.fx) {
			copy(x, y)
			nw.fx = fy
			return true
		}
	}
	return false
}

// newtonStep solves H d = g by Cholesky; ok is false when H (k×k,
// symmetric) is not positive definite.
func newtonStep(H, g []float64, k int) ([]float64, bool) {
	L := append([]float64(nil), H[:k*k]...)
	if linalg.Cholesky(L, k) != nil {
		return nil, false
	}
	d := append([]float64(nil), g[:k]...)
	linalg.Solve(L, k, d)
	return d, true
}
