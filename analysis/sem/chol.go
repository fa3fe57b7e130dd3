package sem

import "math"

// cholInverse overwrites a (n×n, row-major, symmetric positive definite)
// with its inverse and returns log|a|; ok is false when a is not positive
// definite. The FIML likelihood factors one small matrix per missing-data
// pattern and evaluation; gonum's Cholesky also estimates a condition
// number each time, which here costs more than the factorisation.
func cholInverse(a []float64, n int, work []float64) (logdet float64, ok bool) {
	// a = L Lᵀ, L in the lower triangle.
	for j := 0; j < n; j++ {
		s := a[j*n+j]
		for k := 0; k < j; k++ {
			s -= a[j*n+k] * a[j*n+k]
		}
		if !(s > 0) {
			return 0, false
		}
		d := math.Sqrt(s)
		a[j*n+j] = d
		logdet += 2 * math.Log(d)
		for i := j + 1; i < n; i++ {
			s := a[i*n+j]
			for k := 0; k < j; k++ {
				s -= a[i*n+k] * a[j*n+k]
			}
			a[i*n+j] = s / d
		}
	}
	// L⁻¹ in work (lower triangle).
	linv := work[:n*n]
	for i := range linv {
		linv[i] = 0
	}
	for j := 0; j < n; j++ {
		linv[j*n+j] = 1 / a[j*n+j]
		for i := j + 1; i < n; i++ {
			s := 0.0
			for k := j; k < i; k++ {
				s -= a[i*n+k] * linv[k*n+j]
			}
			linv[i*n+j] = s / a[i*n+i]
		}
	}
	// a⁻¹ = L⁻ᵀ L⁻¹.
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			s := 0.0
			for k := i; k < n; k++ {
				s += linv[k*n+i] * linv[k*n+j]
			}
			a[i*n+j], a[j*n+i] = s, s
		}
	}
	return logdet, true
}
