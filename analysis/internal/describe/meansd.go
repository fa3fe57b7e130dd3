package describe

import "math"

// MeanVar returns the mean, the sample variance and the number n of the
// non-missing (non-NaN) values of x:
//
//	x̄ = Σ xᵢ / n,    s² = Σ (xᵢ − x̄)² / (n − 1),
//
// the sums running over the non-missing values only (R's mean(x, na.rm =
// TRUE) and var(x, na.rm = TRUE)). The variance is the sample variance with
// divisor n − 1, which is what suddengains (sd(), in define_crit1_cutoff and
// the pre/post-gain means of criterion 3), clinicalsignificance (sd() of the
// pre and post scores) and psych (alpha's item and total variances) use; no
// caller needs the population variance.
//
// The mean is computed in two passes, as R's mean does: x̄₀ = Σ xᵢ / n, then
// x̄ = x̄₀ + Σ (xᵢ − x̄₀) / n, which removes most of the rounding error of the
// first sum (R Core Team, src/main/summary.c; Higham 2002, Accuracy and
// Stability of Numerical Algorithms, §1.9). With n = 0 mean and variance are
// NaN; with n = 1 the variance is NaN (undefined), as in R. Infinite values
// are not missing: they propagate as in R.
func MeanVar(x []float64) (mean, variance float64, n int) {
	var sum float64
	for _, v := range x {
		if !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	mean = sum / float64(n)
	if !math.IsInf(mean, 0) {
		var t float64
		for _, v := range x {
			if !math.IsNaN(v) {
				t += v - mean
			}
		}
		mean += t / float64(n)
	}
	if n < 2 {
		return mean, math.NaN(), n
	}
	var ss float64
	for _, v := range x {
		if !math.IsNaN(v) {
			d := v - mean
			ss += d * d
		}
	}
	return mean, ss / float64(n-1), n
}

// MeanSD returns the mean, the sample standard deviation s = √s² and the
// number n of the non-missing values of x; see MeanVar.
func MeanSD(x []float64) (mean, sd float64, n int) {
	mean, v, n := MeanVar(x)
	return mean, math.Sqrt(v), n
}

// Mean returns the mean of the non-missing values of x (NaN when none); see
// MeanSD.
func Mean(x []float64) float64 {
	m, _, _ := MeanSD(x)
	return m
}

// SD returns the sample standard deviation (divisor n − 1) of the
// non-missing values of x (NaN when fewer than two); see MeanSD.
func SD(x []float64) float64 {
	_, s, _ := MeanSD(x)
	return s
}
