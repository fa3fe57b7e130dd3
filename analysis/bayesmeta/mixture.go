package bayesmeta

import "math"

// mixture is a finite mixture of (possibly truncated) normal components:
// the marginal posterior of μ, or the predictive distribution of θ_new,
// as the quadrature's nodes give them.
type mixture struct {
	comps  []comp
	lo, hi float64 // support
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

// quantile inverts the CDF by safeguarded Newton steps within a bracket.
func (mx *mixture) quantile(p float64) float64 {
	if p <= 0 {
		return mx.lo
	}
	if p >= 1 {
		return mx.hi
	}
	a, b := math.Inf(1), math.Inf(-1)
	for _, c := range mx.comps {
		a = math.Min(a, c.m-40*c.s)
		b = math.Max(b, c.m+40*c.s)
	}
	a, b = math.Max(a, mx.lo), math.Min(b, mx.hi)
	x := (a + b) / 2
	for range 200 {
		f := mx.cdf(x) - p
		if f == 0 {
			return x
		}
		if f < 0 {
			a = x
		} else {
			b = x
		}
		d := mx.pdf(x)
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
