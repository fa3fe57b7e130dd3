package bayesmeta

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// mixture is a finite mixture of (possibly truncated) normal components:
// the marginal posterior of μ, or the predictive distribution of θ_new,
// as the quadrature's nodes give them.
type mixture struct {
	comps  []comp
	lo, hi float64 // support

	ready          bool    // the cache below is set
	mean, sd, a, b float64 // moments and the quantile bracket
}

func (mx *mixture) cdf(x float64) float64 {
	var s float64
	for _, c := range mx.comps {
		s += c.w * c.cdf(x)
	}
	return math.Min(1, math.Max(0, s))
}

func (mx *mixture) pdf(x float64) float64 {
	var s float64
	for _, c := range mx.comps {
		s += c.w * c.pdf(x)
	}
	return s
}

func (mx *mixture) moments() (mean, sd float64) {
	var m1, m2 float64
	for _, c := range mx.comps {
		m, v := truncMoments(c.m, c.s, c.lo, c.hi)
		m1 += c.w * m
		m2 += c.w * (v + m*m)
	}
	return m1, math.Sqrt(math.Max(0, m2-m1*m1))
}

// init caches the mixture's moments and a bracket of its quantiles.
func (mx *mixture) init() {
	if mx.ready {
		return
	}
	mx.mean, mx.sd = mx.moments()
	a, b := math.Inf(1), math.Inf(-1)
	for _, c := range mx.comps {
		a = math.Min(a, c.m-40*c.s)
		b = math.Max(b, c.m+40*c.s)
	}
	mx.a, mx.b = math.Max(a, mx.lo), math.Min(b, mx.hi)
	mx.ready = true
}

// cdfPdf is the CDF and the density at x in one pass.
func (mx *mixture) cdfPdf(x float64) (float64, float64) {
	var f, d float64
	for _, c := range mx.comps {
		f += c.w * c.cdf(x)
		d += c.w * c.pdf(x)
	}
	return math.Min(1, math.Max(0, f)), d
}

// quantile inverts the CDF by Newton steps from the normal approximation
// mean + sd·Φ⁻¹(p), safeguarded by bisection within a bracket.
func (mx *mixture) quantile(p float64) float64 {
	if p <= 0 {
		return mx.lo
	}
	if p >= 1 {
		return mx.hi
	}
	mx.init()
	a, b := mx.a, mx.b
	x := mx.mean + mx.sd*distuv.UnitNormal.Quantile(p)
	if !(x > a && x < b) {
		x = (a + b) / 2
	}
	for range 200 {
		F, d := mx.cdfPdf(x)
		f := F - p
		if f == 0 {
			return x
		}
		if f < 0 {
			a = x
		} else {
			b = x
		}
		nx := x - f/d
		if !(d > 0) || !(nx > a && nx < b) {
			nx = (a + b) / 2
		}
		if math.Abs(nx-x) <= 1e-15*(1+math.Abs(x)) || b-a <= 1e-15*(1+math.Abs(x)) {
			return nx
		}
		x = nx
	}
	return x
}

// summary summarises a distribution from its CDF, density and quantile
// function: equal-tailed and shortest intervals at level.
func summarise(mean, sd float64, q func(float64) float64, dens func(float64) float64, level float64) Summary {
	lb, ub := q((1-level)/2), q((1+level)/2)
	slo, shi := shortest(q, dens, level)
	return Summary{Mean: mean, SD: sd, Median: q(0.5), CILB: lb, CIUB: ub, ShortestLB: slo, ShortestUB: shi}
}

// shortest is the shortest interval with probability level of a unimodal
// distribution: [Q(p), Q(p + level)] with p the root of
// f(Q(p)) = f(Q(p + level)); when the density at the lower end of the
// support already exceeds that at Q(level) (a mode at the lower bound, as
// for τ at 0) it is [Q(0), Q(level)], and symmetrically at the upper end.
func shortest(q func(float64) float64, dens func(float64) float64, level float64) (float64, float64) {
	g := func(p float64) float64 { return dens(q(p)) - dens(q(p+level)) }
	a, b := 0.0, 1-level
	ga, gb := g(a), g(b)
	if ga >= 0 {
		return q(0), q(level)
	}
	if gb <= 0 {
		return q(1 - level), q(1)
	}
	p := solve(g, a, b, ga, gb, 1e-14)
	return q(p), q(p + level)
}

// solve finds a root of g in [a, b] (g(a) < 0 < g(b) or the reverse) by
// the Illinois variant of regula falsi, to |b − a| ≤ tol.
func solve(g func(float64) float64, a, b, ga, gb, tol float64) float64 {
	side := 0
	for range 300 {
		x := (a*gb - b*ga) / (gb - ga)
		if !(x > a && x < b) {
			x = (a + b) / 2
		}
		gx := g(x)
		if gx == 0 || b-a <= tol {
			return x
		}
		if (gx > 0) == (gb > 0) {
			b, gb = x, gx
			if side == -1 {
				ga /= 2
			}
			side = -1
		} else {
			a, ga = x, gx
			if side == 1 {
				gb /= 2
			}
			side = 1
		}
	}
	return (a + b) / 2
}

// cdfPdfD is the CDF, the density and its derivative at x.
func (mx *mixture) cdfPdfD(x float64) (F, f, df float64) {
	for _, c := range mx.comps {
		F += c.w * c.cdf(x)
		if x < c.lo || x > c.hi {
			continue
		}
		z := (x - c.m) / c.s
		d := c.w * phi(z) / (c.s * c.z)
		f += d
		df -= d * z / c.s
	}
	return F, f, df
}

// shortest is the shortest interval of the mixture: Newton's method on
// F(b) − F(a) = level, f(a) = f(b) from the equal-tailed interval, which
// converges in a few steps for the smooth unimodal posteriors met here;
// when a step leaves the support or the iteration does not settle, the
// general bracketing method (package-level shortest) decides.
func (mx *mixture) shortest(level, a, b float64) (float64, float64) {
	for range 30 {
		Fa, fa, da := mx.cdfPdfD(a)
		Fb, fb, db := mx.cdfPdfD(b)
		r1, r2 := Fb-Fa-level, fb-fa
		det := fb*da - fa*db
		if !(det != 0) || math.IsNaN(det) {
			break
		}
		na := a - (db*r1-fb*r2)/det
		nb := b - (da*r1-fa*r2)/det
		if !(na > mx.lo && nb < mx.hi && na < nb) {
			break
		}
		if math.Abs(na-a) <= 1e-13*(1+math.Abs(a)) && math.Abs(nb-b) <= 1e-13*(1+math.Abs(b)) {
			Fa, fa, _ = mx.cdfPdfD(na)
			Fb, fb, _ = mx.cdfPdfD(nb)
			if math.Abs(Fb-Fa-level) <= 1e-12 && math.Abs(fb-fa) <= 1e-9*math.Max(fa, fb) {
				return na, nb
			}
			break
		}
		a, b = na, nb
	}
	return shortest(mx.quantile, mx.pdf, level)
}

// summarise summarises the mixture with the given moments.
func (mx *mixture) summarise(mean, sd, level float64) Summary {
	lb, ub := mx.quantile((1-level)/2), mx.quantile((1+level)/2)
	slo, shi := mx.shortest(level, lb, ub)
	return Summary{Mean: mean, SD: sd, Median: mx.quantile(0.5), CILB: lb, CIUB: ub, ShortestLB: slo, ShortestUB: shi}
}
