package reliability

import (
	"math"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// fUpper is the upper tail P(F > f) of the F(d1, d2) distribution, computed
// directly from the regularized incomplete beta function so that small p
// values keep their relative accuracy: I_{d2/(d2+d1 f)}(d2/2, d1/2).
func fUpper(f, d1, d2 float64) float64 {
	switch {
	case math.IsInf(f, 1):
		return 0
	case f <= 0:
		return 1
	}
	return mathext.RegIncBeta(d2/2, d1/2, d2/(d2+d1*f))
}

// fQuantile is the p quantile of the F(d1, d2) distribution.
func fQuantile(p, d1, d2 float64) float64 {
	return distuv.F{D1: d1, D2: d2}.Quantile(p)
}
