package linalg

import (
	"fmt"
	"math"
)

// NotPositiveDefinite reports the first pivot of a Cholesky factorisation
// that was not positive and finite (or not above the relative tolerance of
// CholeskyTol): Pivot is its 0-based index, Value the pivot
// a_jj − Σ_{c<j} l_jc².
type NotPositiveDefinite struct {
	Pivot int
	Value float64
}

// Error returns "matrix is not positive definite (pivot j = v)", j 1-based.
func (e *NotPositiveDefinite) Error() string {
	return fmt.Sprintf("matrix is not positive definite (pivot %d = %g)", e.Pivot+1, e.Value)
}

// Cholesky factors the symmetric positive-definite n×n matrix a (row-major;
// only its lower triangle is read) in place into its lower Cholesky factor
// L, A = LLᵀ, and zeroes the strict upper triangle:
//
//	l_jj = √(a_jj − Σ_{c<j} l_jc²),  l_ij = (a_ij − Σ_{c<j} l_ic l_jc) / l_jj  (i > j).
//
// It returns a *NotPositiveDefinite error at the first pivot that is not
// positive and finite; a is then partly overwritten.
func Cholesky(a []float64, n int) error {
	return CholeskyTol(a, n, 0)
}

// CholeskyTol is Cholesky that also refuses a pivot s_j ≤ tol·a_jj (the
// original diagonal): with tol around 1e-10 this detects a column that is
// numerically a linear combination of the earlier ones (a rank-deficient
// cross-product XᵀX), as the pivot is then the squared distance of column j
// from the span of the earlier columns, relative to its squared length.
// CholeskyTol(a, n, 0) is Cholesky.
func CholeskyTol(a []float64, n int, tol float64) error {
	if len(a) < n*n {
		return fmt.Errorf("linalg: Cholesky of a %d×%d matrix given %d values", n, n, len(a))
	}
	for j := 0; j < n; j++ {
		rj := a[j*n : j*n+j]
		orig := a[j*n+j]
		s := orig
		for _, v := range rj {
			s -= v * v
		}
		if !(s > 0) || math.IsInf(s, 0) || (tol > 0 && s <= tol*orig) {
			return &NotPositiveDefinite{Pivot: j, Value: s}
		}
		d := math.Sqrt(s)
		a[j*n+j] = d
		for i := j + 1; i < n; i++ {
			ri := a[i*n : i*n+j]
			t := a[i*n+j]
			for c, v := range ri {
				t -= v * rj[c]
			}
			a[i*n+j] = t / d
		}
		clear(a[j*n+j+1 : j*n+n])
	}
	return nil
}

// LogDet returns log det A = 2 Σ_j log l_jj from the lower factor l of A.
func LogDet(l []float64, n int) float64 {
	var s float64
	for j := 0; j < n; j++ {
		s += math.Log(l[j*n+j])
	}
	return 2 * s
}

// ForwardSolve overwrites b with z = L⁻¹b for the n×n lower-triangular l.
func ForwardSolve(l []float64, n int, b []float64) {
	for i := 0; i < n; i++ {
		t := b[i]
		for c, v := range l[i*n : i*n+i] {
			t -= v * b[c]
		}
		b[i] = t / l[i*n+i]
	}
}

// BackSolve overwrites z with x = L⁻ᵀz for the n×n lower-triangular l.
func BackSolve(l []float64, n int, z []float64) {
	for i := n - 1; i >= 0; i-- {
		t := z[i]
		for c := i + 1; c < n; c++ {
			t -= l[c*n+i] * z[c]
		}
		z[i] = t / l[i*n+i]
	}
}

// Solve overwrites b with x = A⁻¹b, A = LLᵀ given by its lower factor l.
func Solve(l []float64, n int, b []float64) {
	ForwardSolve(l, n, b)
	BackSolve(l, n, b)
}

// QuadInv returns bᵀA⁻¹b = ‖L⁻¹b‖² from the lower factor l of A; b is not
// modified and work must have room for n values.
func QuadInv(l []float64, n int, b, work []float64) float64 {
	z := work[:n]
	copy(z, b[:n])
	ForwardSolve(l, n, z)
	var q float64
	for _, v := range z {
		q += v * v
	}
	return q
}

// LowerInverse sets m (n×n) to L⁻¹ for the n×n lower-triangular l; m is
// lower triangular with a zero strict upper triangle. m must not alias l.
func LowerInverse(l, m []float64, n int) {
	clear(m[:n*n])
	for c := 0; c < n; c++ {
		m[c*n+c] = 1 / l[c*n+c]
		for i := c + 1; i < n; i++ {
			var t float64
			for k := c; k < i; k++ {
				t -= l[i*n+k] * m[k*n+c]
			}
			m[i*n+c] = t / l[i*n+i]
		}
	}
}

// Inverse sets inv (n×n, symmetric) to A⁻¹ = L⁻ᵀL⁻¹ from the lower factor
// l of A; work must have room for n*n values. inv may alias neither l nor
// work.
func Inverse(l []float64, n int, inv, work []float64) {
	li := work[:n*n]
	LowerInverse(l, li, n)
	lowerGram(li, n, inv)
}

// lowerGram sets out (n×n, symmetric) to MᵀM for the n×n lower-triangular
// m, the product A⁻¹ = L⁻ᵀL⁻¹ of Inverse and InvertInPlace; out may not
// alias m.
func lowerGram(m []float64, n int, out []float64) {
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			var t float64
			for k := i; k < n; k++ {
				t += m[k*n+i] * m[k*n+j]
			}
			out[i*n+j], out[j*n+i] = t, t
		}
	}
}

// InvertSPD returns A⁻¹ and log det A for the symmetric positive-definite
// n×n a, which is not modified.
func InvertSPD(a []float64, n int) ([]float64, float64, error) {
	l := append([]float64(nil), a[:n*n]...)
	if err := Cholesky(l, n); err != nil {
		return nil, math.NaN(), err
	}
	inv := make([]float64, n*n)
	Inverse(l, n, inv, make([]float64, n*n))
	return inv, LogDet(l, n), nil
}

// SolveCols overwrites the n×m row-major b with A⁻¹b, column by column, A =
// LLᵀ given by its lower factor l.
func SolveCols(l []float64, n int, b []float64, m int) {
	for j := 0; j < m; j++ {
		for i := 0; i < n; i++ {
			v := b[i*m+j]
			for a := 0; a < i; a++ {
				v -= l[i*n+a] * b[a*m+j]
			}
			b[i*m+j] = v / l[i*n+i]
		}
		for i := n - 1; i >= 0; i-- {
			v := b[i*m+j]
			for a := i + 1; a < n; a++ {
				v -= l[a*n+i] * b[a*m+j]
			}
			b[i*m+j] = v / l[i*n+i]
		}
	}
}

// InvertInPlace overwrites the symmetric positive-definite n×n a with A⁻¹
// and returns log det A, using work (room for n*n values) for L⁻¹:
//
//	A = LLᵀ,  A⁻¹ = L⁻ᵀL⁻¹,  log det A = 2 Σ_j log l_jj.
//
// It is Inverse without a second n×n buffer for the result, for callers
// that factor one small matrix per evaluation (the FIML likelihood per
// missing-data pattern). On a *NotPositiveDefinite error a is partly
// overwritten.
func InvertInPlace(a []float64, n int, work []float64) (float64, error) {
	if err := Cholesky(a, n); err != nil {
		return math.NaN(), err
	}
	logdet := LogDet(a, n)
	li := work[:n*n]
	LowerInverse(a, li, n)
	lowerGram(li, n, a)
	return logdet, nil
}
