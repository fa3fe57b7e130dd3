package effectsize

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

const glN = 20

// glNodes and glWeights are the 20-point Gauss–Legendre rule on [−1, 1].
var glNodes, glWeights = func() ([]float64, []float64) {
	x := make([]float64, glN)
	w := make([]float64, glN)
	quad.Legendre{}.FixedLocations(x, w, -1, 1)
	return x, w
}()

func glRule(f func(float64) float64, a, b float64) float64 {
	c, h := (a+b)/2, (b-a)/2
	var s float64
	for i, x := range glNodes {
		s += glWeights[i] * f(c+h*x)
	}
	return s * h
}

// adaptiveGL integrates a non-negative f over [a, b] by recursive bisection:
// an interval is accepted when its 20-point Gauss–Legendre value and the sum
// over its two halves agree to rel times the running estimate of the whole
// integral. It uses a fixed stack and does not allocate.
func adaptiveGL(f func(float64) float64, a, b, rel float64) (float64, bool) {
	type span struct{ a, b, v float64 }
	var stack [128]span
	total := glRule(f, a, b)
	stack[0] = span{a, b, total}
	top := 1
	var sum float64
	for top > 0 {
		top--
		s := stack[top]
		m := (s.a + s.b) / 2
		l, r := glRule(f, s.a, m), glRule(f, m, s.b)
		est := math.Max(math.Abs(total), math.SmallestNonzeroFloat64)
		if math.Abs(l+r-s.v) <= rel*est || s.b-s.a < 1e-12*(b-a) {
			sum += l + r
			continue
		}
		if top+2 > len(stack) {
			return sum, false
		}
		stack[top] = span{m, s.b, r}
		stack[top+1] = span{s.a, m, l}
		top += 2
		total += l + r - s.v
	}
	return sum, true
}
