package metamv

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"gonum.org/v1/gonum/mat"
)

// Small dense helpers on row-major n×n slices. The matrices here are
// per-cluster blocks or p×p cross-products, never k×k.

// cholesky factors the symmetric positive-definite a (n×n, row-major) in
// place into its lower Cholesky factor L (the strict upper triangle is
// zeroed) and returns log det(a).
func cholesky(a []float64, n int) (float64, error) {
	var ld float64
	for j := 0; j < n; j++ {
		d := a[j*n+j]
		for c := 0; c < j; c++ {
			d -= a[j*n+c] * a[j*n+c]
		}
		if !(d > 0) || math.IsInf(d, 0) {
			return math.NaN(), errs.New(errs.Singular, "", "matrix is not positive definite (pivot %d = %g)", j+1, d)
		}
		d = math.Sqrt(d)
		a[j*n+j] = d
		ld += 2 * math.Log(d)
		for i := j + 1; i < n; i++ {
			t := a[i*n+j]
			for c := 0; c < j; c++ {
				t -= a[i*n+c] * a[j*n+c]
			}
			a[i*n+j] = t / d
		}
		for c := j + 1; c < n; c++ {
			a[j*n+c] = 0
		}
	}
	return ld, nil
}

// cholInverse sets inv = (LL')⁻¹ from the lower factor l; tmp has n*n room.
func cholInverse(inv, l, tmp []float64, n int) {
	// tmp = L⁻¹ (lower).
	for i := range tmp[:n*n] {
		tmp[i] = 0
	}
	for c := 0; c < n; c++ {
		tmp[c*n+c] = 1 / l[c*n+c]
		for i := c + 1; i < n; i++ {
			var t float64
			for m := c; m < i; m++ {
				t -= l[i*n+m] * tmp[m*n+c]
			}
			tmp[i*n+c] = t / l[i*n+i]
		}
	}
	// inv = L⁻ᵀL⁻¹.
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			var t float64
			for m := i; m < n; m++ {
				t += tmp[m*n+i] * tmp[m*n+j]
			}
			inv[i*n+j] = t
			inv[j*n+i] = t
		}
	}
}

// invertSPD returns the inverse and log determinant of the symmetric
// positive-definite p×p matrix a (a is not modified).
func invertSPD(a []float64, p int) ([]float64, float64, error) {
	l := append([]float64(nil), a...)
	ld, err := cholesky(l, p)
	if err != nil {
		return nil, math.NaN(), err
	}
	inv := make([]float64, p*p)
	cholInverse(inv, l, make([]float64, p*p), p)
	return inv, ld, nil
}

// symPower returns a^pow for the symmetric n×n matrix a by its eigen
// decomposition, with eigenvalues ≤ 1e-12 set to zero (a generalised
// inverse power, as clubSandwich's matrix_power).
func symPower(a []float64, n int, pow float64) ([]float64, error) {
	var es mat.EigenSym
	sym := mat.NewSymDense(n, append([]float64(nil), a...))
	if ok := es.Factorize(sym, true); !ok {
		return nil, errs.New(errs.Singular, "", "eigen decomposition failed")
	}
	vals := es.Values(nil)
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	out := make([]float64, n*n)
	for m, lam := range vals {
		if !(lam > 1e-12) {
			continue
		}
		f := math.Pow(lam, pow)
		for i := 0; i < n; i++ {
			vi := vecs.At(i, m) * f
			if vi == 0 {
				continue
			}
			for j := 0; j < n; j++ {
				out[i*n+j] += vi * vecs.At(j, m)
			}
		}
	}
	return out, nil
}

// quad returns a'Ma for p×p M.
func quad(a, m []float64, p int) float64 {
	var s float64
	for i := 0; i < p; i++ {
		var t float64
		for j := 0; j < p; j++ {
			t += m[i*p+j] * a[j]
		}
		s += a[i] * t
	}
	return s
}

// trProd returns tr(AB) for p×p A and symmetric B.
func trProd(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// mulSq sets c = ab for n×n matrices.
func mulSq(c, a, b []float64, n int) {
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var t float64
			for m := 0; m < n; m++ {
				t += a[i*n+m] * b[m*n+j]
			}
			c[i*n+j] = t
		}
	}
}
