package wald

import "math"

// Linear is the Wald inference of the linear combination x′b of the
// coefficients b with p×p covariance v (row-major): the estimate x′b, its
// standard error √(x′Vx) and the confidence interval x′b ± c·SE.
func (r Ref) Linear(x, b, v []float64, p int) (est, se, lb, ub float64) {
	for i := 0; i < p; i++ {
		est += x[i] * b[i]
		for j := 0; j < p; j++ {
			se += x[i] * v[i*p+j] * x[j]
		}
	}
	se = math.Sqrt(math.Max(0, se))
	return est, se, est - r.crit*se, est + r.crit*se
}
