package optim

import (
	"fmt"
	"math"
)

// MinResult is the outcome of Minimize.
type MinResult struct {
	X     float64 // the minimiser
	F     float64 // f(X)
	Iter  int     // iterations used
	Evals int     // function evaluations used
}

// Minimize finds a local minimum of f on [a, b] by Brent's method (Brent
// 1973, ch. 5; the algorithm of R's optimize): golden-section search with
// parabolic interpolation steps. It stops when the bracket around the current
// best point is within 2·(sqrt(eps)·|x| + tol/3); tol <= 0 means
// sqrt(machine epsilon). maxIter <= 0 means 1000. The end points themselves
// are never evaluated, as in R; a minimum on a boundary is approached to
// within the tolerance.
func Minimize(f func(float64) float64, a, b, tol float64, maxIter int) (MinResult, error) {
	if !(a < b) {
		return MinResult{}, fmt.Errorf("optim: Minimize needs a < b, got [%g, %g]", a, b)
	}
	if maxIter <= 0 {
		maxIter = 1000
	}
	if tol <= 0 || math.IsNaN(tol) {
		tol = 1.4901161193847656e-08
	}
	const cgold = 0.3819660112501051 // (3 - sqrt(5)) / 2
	const sqrtEps = 1.4901161193847656e-08
	x := a + cgold*(b-a)
	w, v := x, x
	fx := f(x)
	evals := 1
	if math.IsNaN(fx) {
		return MinResult{}, fmt.Errorf("optim: f is NaN at %g", x)
	}
	fw, fv := fx, fx
	d, e := 0.0, 0.0
	for iter := 1; iter <= maxIter; iter++ {
		xm := 0.5 * (a + b)
		tol1 := sqrtEps*math.Abs(x) + tol/3
		tol2 := 2 * tol1
		if math.Abs(x-xm) <= tol2-0.5*(b-a) {
			return MinResult{X: x, F: fx, Iter: iter, Evals: evals}, nil
		}
		golden := true
		if math.Abs(e) > tol1 {
			// Try a parabolic fit through x, w, v.
			r := (x - w) * (fx - fv)
			q := (x - v) * (fx - fw)
			p := (x-v)*q - (x-w)*r
			q = 2 * (q - r)
			if q > 0 {
				p = -p
			} else {
				q = -q
			}
			r = e
			e = d
			if math.Abs(p) < math.Abs(0.5*q*r) && p > q*(a-x) && p < q*(b-x) {
				d = p / q
				u := x + d
				if u-a < tol2 || b-u < tol2 {
					d = math.Copysign(tol1, xm-x)
				}
				golden = false
			}
		}
		if golden {
			if x < xm {
				e = b - x
			} else {
				e = a - x
			}
			d = cgold * e
		}
		var u float64
		if math.Abs(d) >= tol1 {
			u = x + d
		} else {
			u = x + math.Copysign(tol1, d)
		}
		fu := f(u)
		evals++
		if math.IsNaN(fu) {
			return MinResult{}, fmt.Errorf("optim: f is NaN at %g", u)
		}
		if fu <= fx {
			if u < x {
				b = x
			} else {
				a = x
			}
			v, fv = w, fw
			w, fw = x, fx
			x, fx = u, fu
		} else {
			if u < x {
				a = u
			} else {
				b = u
			}
			if fu <= fw || w == x {
				v, fv = w, fw
				w, fw = u, fu
			} else if fu <= fv || v == x || v == w {
				v, fv = u, fu
			}
		}
	}
	return MinResult{X: x, F: fx, Iter: maxIter, Evals: evals},
		fmt.Errorf("optim: minimum not located to tolerance in %d iterations; raise maxIter", maxIter)
}
