package metamv

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"gonum.org/v1/gonum/mat"
)

// Small dense helpers on row-major n×n slices. The matrices here are
// per-cluster blocks or p×p cross-products, never k×k.

// invertSPD returns the inverse and log determinant of the symmetric
// positive-definite p×p matrix a (a is not modified), a matrix that is not
// positive definite as an errs.Singular error.
func invertSPD(a []float64, p int) ([]float64, float64, error) {
	inv, ld, err := linalg.InvertSPD(a, p)
	if err != nil {
		return nil, math.NaN(), errs.New(errs.Singular, "", "%v", err)
	}
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
