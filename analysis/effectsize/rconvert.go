package effectsize

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// RFromT returns the correlation equivalent to a t statistic with df degrees
// of freedom,
//
//	r = t / √(t² + df)
//
// (Rosenthal 1994, "Parametric measures of effect size", in Cooper & Hedges,
// The Handbook of Research Synthesis; for a t test of two groups df = n₁ + n₂ − 2, giving the
// point-biserial r). It needs a finite t and df > 0.
func RFromT(t, df float64) (float64, error) {
	if !finite(t) {
		return 0, inputErr("RFromT", "t", -1, t, "the t statistic is not a finite number")
	}
	if !finite(df) || df <= 0 {
		return 0, inputErr("RFromT", "df", -1, df, "the degrees of freedom must be positive")
	}
	return t / math.Sqrt(t*t+df), nil
}

// RFromF returns the correlation equivalent to an F(1, df) statistic,
//
//	r = √(F / (F + df)),
//
// which is RFromT with t = √F (Rosenthal 1994). F carries no direction: the
// result is non-negative, and the caller gives it the sign of the effect.
// F with a numerator df above 1 has no single correlation and is not
// accepted here. It needs F ≥ 0 and df > 0.
func RFromF(f, df float64) (float64, error) {
	if !finite(f) || f < 0 {
		return 0, inputErr("RFromF", "F", -1, f, "F(1, df) must be a finite non-negative number")
	}
	if !finite(df) || df <= 0 {
		return 0, inputErr("RFromF", "df", -1, df, "the denominator degrees of freedom must be positive")
	}
	return math.Sqrt(f / (f + df)), nil
}

// RFromChi2 returns the phi coefficient equivalent to a χ²(1) statistic
// from n observations,
//
//	r = √(χ² / n)
//
// (Rosenthal 1994). χ² carries no direction: the caller gives the
// result its sign. It needs 0 ≤ χ² ≤ n.
func RFromChi2(chi2, n float64) (float64, error) {
	if !finite(n) || n <= 0 {
		return 0, inputErr("RFromChi2", "n", -1, n, "the number of observations must be positive")
	}
	if !finite(chi2) || chi2 < 0 || chi2 > n {
		return 0, inputErr("RFromChi2", "chi2", -1, chi2, "χ²(1) must lie in [0, n] for a phi coefficient")
	}
	return math.Sqrt(chi2 / n), nil
}

// RFromP returns the correlation whose two-sided t test (df = n − 2) has
// p value |p|, with the sign of p giving the direction of the effect:
//
//	t = t_{n−2}^{-1}(1 − |p|/2),   r = sign(p) · t / √(t² + n − 2).
//
// This inverts exactly the test of a Pearson correlation from n pairs. It is
// computed as r² = 1 − x with x = I^{-1}_{|p|}((n − 2)/2, ½), the inverse of
// the regularised incomplete beta function, which keeps full precision for
// very small p. It needs 0 < |p| ≤ 1 and n > 2.
func RFromP(p, n float64) (float64, error) {
	if err := checkP("RFromP", p); err != nil {
		return 0, err
	}
	if err := checkN("RFromP", -1, n, 2, "the t test of a correlation (df = n-2)"); err != nil {
		return 0, err
	}
	ap := math.Abs(p)
	a := (n - 2) / 2
	var r2 float64
	if ap < 0.5 {
		r2 = 1 - mathext.InvRegIncBeta(a, 0.5, ap)
	} else {
		// 1 − I^{-1}_p(a, b) = I^{-1}_{1−p}(b, a)
		r2 = mathext.InvRegIncBeta(0.5, a, 1-ap)
	}
	return math.Copysign(math.Sqrt(r2), p), nil
}

// RFromPNormal returns Rosenthal's (1994) normal approximation to
// the correlation behind a two-sided p value from n observations,
//
//	r = sign(p) · z / √n,   z = Φ^{-1}(1 − |p|/2),
//
// with the sign of p giving the direction. It needs 0 < |p| ≤ 1 and n > 0.
func RFromPNormal(p, n float64) (float64, error) {
	if err := checkP("RFromPNormal", p); err != nil {
		return 0, err
	}
	if err := checkN("RFromPNormal", -1, n, 0, "the normal approximation"); err != nil {
		return 0, err
	}
	z := -mathext.NormalQuantile(math.Abs(p) / 2)
	return math.Copysign(z/math.Sqrt(n), p), nil
}

func checkP(fn string, p float64) error {
	if !finite(p) || p == 0 || p < -1 || p > 1 {
		return inputErr(fn, "p", -1, p, "a signed two-sided p value must satisfy 0 < |p| <= 1 (its sign gives the direction)")
	}
	return nil
}
