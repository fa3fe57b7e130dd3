package optim

import (
	"errors"
	"fmt"
	"math"
)

// ErrNoBracket is returned by Root when f(a) and f(b) have the same sign.
var ErrNoBracket = errors.New("optim: f(a) and f(b) do not have opposite signs")

// RootResult is the outcome of Root.
type RootResult struct {
	X     float64 // the root
	F     float64 // f(X)
	Iter  int     // iterations used
	Evals int     // function evaluations used
}

// Root finds x in [a, b] with f(x) = 0 by Brent's method (Brent 1973, ch. 4;
// the algorithm of R's uniroot), combining bisection, the secant rule and
// inverse quadratic interpolation. f(a) and f(b) must have opposite signs (or
// one of them be zero). The search stops when the bracket is narrower than
// 4·eps·|x| + tol, or f(x) == 0; tol <= 0 means machine precision.
// maxIter <= 0 means 1000.
func Root(f func(float64) float64, a, b, tol float64, maxIter int) (RootResult, error) {
	if maxIter <= 0 {
		maxIter = 1000
	}
	if tol < 0 || math.IsNaN(tol) {
		tol = 0
	}
	fa, fb := f(a), f(b)
	evals := 2
	if math.IsNaN(fa) || math.IsNaN(fb) {
		return RootResult{}, fmt.Errorf("optim: f is NaN at an end of [%g, %g]", a, b)
	}
	if fa == 0 {
		return RootResult{X: a, F: 0, Evals: evals}, nil
	}
	if fb == 0 {
		return RootResult{X: b, F: 0, Evals: evals}, nil
	}
	if (fa > 0) == (fb > 0) {
		return RootResult{}, fmt.Errorf("%w: f(%g) = %g, f(%g) = %g", ErrNoBracket, a, fa, b, fb)
	}
	const eps = 2.220446049250313e-16
	c, fc := a, fa
	d := b - a
	e := d
	for iter := 1; iter <= maxIter; iter++ {
		if (fb > 0) == (fc > 0) {
			c, fc = a, fa
			d = b - a
			e = d
		}
		if math.Abs(fc) < math.Abs(fb) {
			a, b, c = b, c, b
			fa, fb, fc = fb, fc, fb
		}
		tol1 := 2*eps*math.Abs(b) + 0.5*tol
		xm := 0.5 * (c - b)
		if math.Abs(xm) <= tol1 || fb == 0 {
			return RootResult{X: b, F: fb, Iter: iter, Evals: evals}, nil
		}
		if math.Abs(e) >= tol1 && math.Abs(fa) > math.Abs(fb) {
			// Attempt interpolation.
			var p, q float64
			s := fb / fa
			if a == c {
				p = 2 * xm * s
				q = 1 - s
			} else {
				q = fa / fc
				r := fb / fc
				p = s * (2*xm*q*(q-r) - (b-a)*(r-1))
				q = (q - 1) * (r - 1) * (s - 1)
			}
			if p > 0 {
				q = -q
			} else {
				p = -p
			}
			if 2*p < math.Min(3*xm*q-math.Abs(tol1*q), math.Abs(e*q)) {
				e = d
				d = p / q
			} else {
				d = xm
				e = d
			}
		} else {
			d = xm
			e = d
		}
		a, fa = b, fb
		if math.Abs(d) > tol1 {
			b += d
		} else {
			b += math.Copysign(tol1, xm)
		}
		fb = f(b)
		evals++
		if math.IsNaN(fb) {
			return RootResult{}, fmt.Errorf("optim: f is NaN at %g", b)
		}
	}
	return RootResult{X: b, F: fb, Iter: maxIter, Evals: evals},
		fmt.Errorf("optim: root not found to tolerance in %d iterations (bracket [%g, %g]); raise maxIter", maxIter, b, c)
}
