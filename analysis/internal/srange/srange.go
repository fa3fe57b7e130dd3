// Package srange is the studentized range distribution: the distribution
// of Q = R / S, where R is the range of k independent N(0, 1) variables and
// νS² ~ χ²_ν independently of R. It gives the p-values of Tukey's honest
// significant difference (Tukey 1953; the "tukey" adjustment of emmeans,
// whose p-value for a pairwise t ratio t is P(Q > √2 |t|)), as R's ptukey.
//
// The method is that of Copenhaver & Holland (1988, J. Stat. Comput. Simul.
// 30, 1–15), which R's ptukey also follows: the distribution of the range
// is one integral over the smallest variable, and the studentized range a
// second integral of it over the density of S, both by Gauss–Legendre
// quadrature. This implementation is written from the formulas:
//
//	P(R ≤ w) = k ∫ φ(z) [Φ(z+w) − Φ(z)]^{k−1} dz
//	P(R > w) = k ∫ φ(z) {Φ̄(z)^{k−1} − [Φ̄(z) − Φ̄(z+w)]^{k−1}} dz
//	P(Q ≤ q) = ∫₀^∞ f_S(s) P(R ≤ q s) ds,
//	f_S(s)   = 2 (ν/2)^{ν/2} / Γ(ν/2) · s^{ν−1} e^{−ν s²/2},
//
// the upper tail integrated directly (not as 1 − lower), so that small
// p-values keep their relative accuracy; the outer integral runs over
// x = log s, whose density is near-Gaussian with sd 1/√(2ν).
package srange

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// Panel widths of the inner (z) and outer (x = log s, in sd units up to
// outerMax) integrals: 20-point rules on these panels agree with panels a
// third as wide to 1e-13 relative over q 0.3–8, k 2–20, df 2–∞.
const innerH, outerMax, outerSD = 2.0, 1.0, 3.0

// legendre holds the 20-point Gauss–Legendre nodes and weights on [−1, 1].
var legendre = func() (r struct{ x, w []float64 }) {
	r.x, r.w = make([]float64, 20), make([]float64, 20)
	quad.Legendre{}.FixedLocations(r.x, r.w, -1, 1)
	return r
}()

// gl integrates f over [a, b] split into n panels of 20-point Gauss–Legendre.
func gl(f func(float64) float64, a, b float64, n int) float64 {
	h := (b - a) / float64(n)
	s := 0.0
	for p := 0; p < n; p++ {
		c := a + (float64(p)+0.5)*h
		ps := 0.0
		for i, x := range legendre.x {
			ps += legendre.w[i] * f(c+x*h/2)
		}
		s += ps * h / 2
	}
	return s
}

func phi(z float64) float64      { return math.Exp(-z*z/2) / math.Sqrt(2*math.Pi) }
func upperPhi(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// between is P(z < X < z + w) for X ~ N(0, 1), from the tail where it
// does not cancel.
func between(z, w float64) float64 {
	if z+w/2 > 0 {
		return upperPhi(z) - upperPhi(z+w)
	}
	return upperPhi(-(z + w)) - upperPhi(-z)
}

// rangeProb returns P(R ≤ w) (upper false) or P(R > w) (upper true) for
// the range R of k standard normal variables.
func rangeProb(w, k float64, upper bool) float64 {
	if !(w > 0) {
		if upper {
			return 1
		}
		return 0
	}
	m := k - 1
	var f func(z float64) float64
	if upper {
		f = func(z float64) float64 {
			a := upperPhi(z)
			if a == 0 {
				return 0
			}
			// Φ̄(z)^m − (Φ̄(z) − Φ̄(z+w))^m = −a^m expm1(m log1p(−Φ̄(z+w)/a))
			r := upperPhi(z+w) / a
			var d float64
			if r >= 1 {
				d = 1
			} else {
				d = -math.Expm1(m * math.Log1p(-r))
			}
			return phi(z) * math.Exp(m*math.Log(a)) * d
		}
	} else {
		f = func(z float64) float64 {
			v := between(z, w)
			if v <= 0 {
				return 0
			}
			return phi(z) * math.Exp(m*math.Log(v))
		}
	}
	// The integrand lives where φ(z) and the range term overlap: from
	// about −w/2 − 8.5 (both factors ~e^{−36}) to 8.5.
	lo, hi := -w/2-8.5, 8.5
	if upper {
		lo = math.Min(lo, -8.5)
	}
	n := int(math.Ceil((hi - lo) / innerH))
	return math.Min(k*gl(f, lo, hi, n), 1)
}

// CDF returns P(Q ≤ q) for the studentized range of nmeans ≥ 2 means with
// df > 0 degrees of freedom (df = +Inf: the range itself), as R's
// ptukey(q, nmeans, df); NaN for invalid arguments.
func CDF(q, nmeans, df float64) float64 { return prob(q, nmeans, df, false) }

// Survival returns P(Q > q), as R's ptukey(q, nmeans, df, lower.tail =
// FALSE), computed directly so that small p-values keep their digits.
func Survival(q, nmeans, df float64) float64 { return prob(q, nmeans, df, true) }

func prob(q, k, df float64, upper bool) float64 {
	if math.IsNaN(q) || !(k >= 2) || !(df > 0) {
		return math.NaN()
	}
	if q <= 0 {
		if upper {
			return 1
		}
		return 0
	}
	if math.IsInf(q, 1) {
		if upper {
			return 0
		}
		return 1
	}
	if math.IsInf(df, 1) {
		return rangeProb(q, k, upper)
	}
	// x = log s has log-density c + ν x − ν e^{2x}/2, mode 0, sd 1/√(2ν).
	nu := df
	lc := math.Log(2) + nu/2*math.Log(nu/2)
	lg, _ := math.Lgamma(nu / 2)
	lc -= lg
	logDens := func(x float64) float64 { return lc + nu*x - nu*math.Exp(2*x)/2 }
	// Bounds: where the log-density is 40 below its mode.
	top := logDens(0) - 40
	lo := -40/nu - 0.5
	for logDens(lo) > top {
		lo *= 2
	}
	hi := 0.5
	for logDens(hi) > top {
		hi *= 2
	}
	bisect := func(a, b float64) float64 { // logDens − top changes sign on [a, b]
		fa := logDens(a) - top
		for i := 0; i < 100; i++ {
			c := (a + b) / 2
			fc := logDens(c) - top
			if (fc > 0) == (fa > 0) {
				a, fa = c, fc
			} else {
				b = c
			}
		}
		return (a + b) / 2
	}
	lo, hi = bisect(lo, 0), bisect(0, hi)
	h := math.Min(outerMax, outerSD/math.Sqrt(2*nu))
	n := int(math.Ceil((hi - lo) / h))
	f := func(x float64) float64 {
		return math.Exp(logDens(x)) * rangeProb(q*math.Exp(x), k, upper)
	}
	return math.Max(0, math.Min(1, gl(f, lo, hi, n)))
}
