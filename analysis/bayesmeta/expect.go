package bayesmeta

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/integrate/quad"
)

var (
	hermiteOnce sync.Once
	hermiteX    = make([]float64, 40)
	hermiteW    = make([]float64, 40)
)

// ExpectMu is the posterior expectation E[g(μ) | y] of a smooth function
// g, e.g. E[tanh μ], the mean of the correlation when μ is a Fisher z: a
// sum over the mixture's components Σ ωⱼ E[g(N(cⱼ, sⱼ²))], each by
// 40-point Gauss–Hermite quadrature. NaN when the μ prior is truncated.
func (r *Result) ExpectMu(g func(float64) float64) float64 {
	if r.md.trunc {
		return math.NaN()
	}
	hermiteOnce.Do(func() {
		quad.Hermite{}.FixedLocations(hermiteX, hermiteW, math.Inf(-1), math.Inf(1))
	})
	var s float64
	for _, c := range r.mu.comps {
		var e float64
		for i, x := range hermiteX {
			e += hermiteW[i] * g(c.m+math.Sqrt2*c.s*x)
		}
		s += c.w * e / math.Sqrt(math.Pi)
	}
	return s
}
