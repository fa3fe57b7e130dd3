package bayesmeta

import "math"

// Normal distribution helpers, including the normal distribution truncated
// to an interval [lo, hi] (either bound may be infinite).

const sqrt2 = math.Sqrt2

func phi(x float64) float64 { return math.Exp(-0.5*x*x) / math.Sqrt(2*math.Pi) }

// normCDF is Φ(x); normSF is 1 − Φ(x), accurate in the upper tail.
func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/sqrt2) }
func normSF(x float64) float64  { return 0.5 * math.Erfc(x/sqrt2) }

// probStd is Φ(b) − Φ(a) for a ≤ b, without cancellation in either tail.
func probStd(a, b float64) float64 {
	switch {
	case a > 0:
		return normSF(a) - normSF(b)
	case b < 0:
		return normCDF(b) - normCDF(a)
	}
	return 1 - normCDF(a) - normSF(b)
}

// truncProb is P(lo ≤ X ≤ hi) for X ~ N(m, s²).
func truncProb(m, s, lo, hi float64) float64 { return probStd((lo-m)/s, (hi-m)/s) }

// logTruncProb is log P(lo ≤ X ≤ hi) for X ~ N(m, s²); far in a tail it
// uses the asymptotic Mills ratio so that the logarithm stays finite.
func logTruncProb(m, s, lo, hi float64) float64 {
	a, b := (lo-m)/s, (hi-m)/s
	if p := probStd(a, b); p > 1e-300 {
		return math.Log(p)
	}
	// Both bounds in one far tail: P ≈ φ(a)/a·(1 − φ(b)a/(φ(a)b)) for a > 0.
	if a > 0 {
		return logTail(a) + math.Log1p(-math.Exp(logTail(b)-logTail(a)))
	}
	return logTail(-b) + math.Log1p(-math.Exp(logTail(-a)-logTail(-b)))
}

// logTail is log(1 − Φ(x)) for large x > 0 (asymptotic series).
func logTail(x float64) float64 {
	if math.IsInf(x, 1) {
		return math.Inf(-1)
	}
	x2 := x * x
	return -0.5*x2 - math.Log(x) - 0.5*math.Log(2*math.Pi) + math.Log(1-1/x2+3/(x2*x2)-15/(x2*x2*x2))
}

// truncMoments are the mean and variance of N(m, s²) truncated to
// [lo, hi]: with α = (lo−m)/s, β = (hi−m)/s and Z = Φ(β) − Φ(α),
// mean = m + s(φ(α) − φ(β))/Z and
// var = s²[1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²].
func truncMoments(m, s, lo, hi float64) (mean, variance float64) {
	if math.IsInf(lo, -1) && math.IsInf(hi, 1) {
		return m, s * s
	}
	a, b := (lo-m)/s, (hi-m)/s
	z := probStd(a, b)
	pa, pb := phi(a), phi(b)
	apa, bpb := 0.0, 0.0
	if !math.IsInf(a, 0) {
		apa = a * pa
	}
	if !math.IsInf(b, 0) {
		bpb = b * pb
	}
	d := (pa - pb) / z
	return m + s*d, s * s * (1 + (apa-bpb)/z - d*d)
}

// comp is one normal component of a mixture, truncated to [lo, hi].
type comp struct {
	w, m, s, lo, hi float64
	z               float64 // P(lo ≤ X ≤ hi) of the untruncated normal
}

func newComp(w, m, s, lo, hi float64) comp {
	return comp{w: w, m: m, s: s, lo: lo, hi: hi, z: truncProb(m, s, lo, hi)}
}

func (c comp) cdf(x float64) float64 {
	switch {
	case x <= c.lo:
		return 0
	case x >= c.hi:
		return 1
	}
	return probStd((c.lo-c.m)/c.s, (x-c.m)/c.s) / c.z
}

func (c comp) pdf(x float64) float64 {
	if x < c.lo || x > c.hi {
		return 0
	}
	return phi((x-c.m)/c.s) / (c.s * c.z)
}
