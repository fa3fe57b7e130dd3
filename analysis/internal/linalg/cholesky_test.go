package linalg

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randSPD returns a random symmetric positive-definite n×n matrix BBᵀ + nI.
func randSPD(rng *rand.Rand, n int) []float64 {
	b := make([]float64, n*n)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var t float64
			for k := 0; k < n; k++ {
				t += b[i*n+k] * b[j*n+k]
			}
			a[i*n+j] = t
		}
		a[i*n+i] += float64(n)
	}
	return a
}

// checkInverse requires A·inv = I to 1e-12 in every entry.
func checkInverse(t *testing.T, a, inv []float64, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for k := 0; k < n; k++ {
				s += a[i*n+k] * inv[k*n+j]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(s-want) > 1e-12 {
				t.Errorf("n=%d: (A A⁻¹)[%d,%d] = %g", n, i, j, s)
			}
		}
	}
}

func maxAbsDiff(a, b []float64) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func TestCholeskyReconstructs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 7, 20} {
		a := randSPD(rng, n)
		l := append([]float64(nil), a...)
		if err := Cholesky(l, n); err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		llt := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if j > i && l[i*n+j] != 0 {
					t.Fatalf("n=%d: upper triangle not zeroed at (%d,%d)", n, i, j)
				}
				var s float64
				for k := 0; k < n; k++ {
					s += l[i*n+k] * l[j*n+k]
				}
				llt[i*n+j] = s
			}
			if !(l[i*n+i] > 0) {
				t.Fatalf("n=%d: diagonal %d = %g", n, i, l[i*n+i])
			}
		}
		if d := maxAbsDiff(llt, a); d > 1e-12*float64(n*n) {
			t.Errorf("n=%d: max |LLᵀ − A| = %g", n, d)
		}
	}
}

func TestCholeskyReadsLowerOnly(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 5
	a := randSPD(rng, n)
	b := append([]float64(nil), a...)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			b[i*n+j] = math.NaN() // garbage above the diagonal
		}
	}
	if err := Cholesky(a, n); err != nil {
		t.Fatal(err)
	}
	if err := Cholesky(b, n); err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(a, b); d != 0 {
		t.Errorf("factor depends on the upper triangle: %g", d)
	}
}

func TestSolveInverseLogDet(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 4, 12} {
		a := randSPD(rng, n)
		l := append([]float64(nil), a...)
		if err := Cholesky(l, n); err != nil {
			t.Fatal(err)
		}
		// Solve: residual A x − b.
		b := make([]float64, n)
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		x := append([]float64(nil), b...)
		Solve(l, n, x)
		for i := 0; i < n; i++ {
			r := -b[i]
			for j := 0; j < n; j++ {
				r += a[i*n+j] * x[j]
			}
			if math.Abs(r) > 1e-11 {
				t.Errorf("n=%d: residual %d = %g", n, i, r)
			}
		}
		// Quadratic form bᵀA⁻¹b = bᵀx.
		var bx float64
		for i := range b {
			bx += b[i] * x[i]
		}
		if q := QuadInv(l, n, b, make([]float64, n)); math.Abs(q-bx) > 1e-12*math.Abs(bx) {
			t.Errorf("n=%d: QuadInv %g, bᵀx %g", n, q, bx)
		}
		// Inverse: A A⁻¹ = I, and against gonum.
		inv := make([]float64, n*n)
		Inverse(l, n, inv, make([]float64, n*n))
		checkInverse(t, a, inv, n)
		// Log determinant: 2 Σ log l_jj = log of the product of the pivots
		// l_jj², and gonum's LU determinant.
		prod := 1.0
		for j := 0; j < n; j++ {
			prod *= l[j*n+j] * l[j*n+j]
		}
		ld := LogDet(l, n)
		if math.Abs(ld-math.Log(prod)) > 1e-12*math.Max(1, math.Abs(ld)) {
			t.Errorf("n=%d: LogDet %g, log Π pivots %g", n, ld, math.Log(prod))
		}
		lu, sign := mat.LogDet(mat.NewDense(n, n, append([]float64(nil), a...)))
		if sign != 1 || math.Abs(ld-lu) > 1e-10*math.Max(1, math.Abs(lu)) {
			t.Errorf("n=%d: LogDet %g, gonum LU %g (sign %g)", n, ld, lu, sign)
		}
		inv2, ld2, err := InvertSPD(a, n)
		if err != nil || ld2 != ld || maxAbsDiff(inv2, inv) != 0 {
			t.Errorf("n=%d: InvertSPD differs from Cholesky+Inverse (err %v)", n, err)
		}
	}
}

func TestLowerInverse(t *testing.T) {
	l := []float64{2, 0, 0, 1, 3, 0, -1, 2, 4}
	m := make([]float64, 9)
	LowerInverse(l, m, 3)
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			var s float64
			for k := 0; k < 3; k++ {
				s += l[i*3+k] * m[k*3+j]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(s-want) > 1e-15 {
				t.Errorf("(L L⁻¹)[%d,%d] = %g", i, j, s)
			}
		}
	}
}

func TestCholeskyRefusesNonPD(t *testing.T) {
	cases := []struct {
		name  string
		a     []float64
		n     int
		pivot int
	}{
		{"indefinite", []float64{1, 2, 2, 1}, 2, 1},              // eigenvalues 3, −1
		{"negative diagonal", []float64{-1, 0, 0, 1}, 2, 0},      // first pivot
		{"singular", []float64{1, 1, 1, 1, 1, 1, 1, 1, 2}, 3, 1}, // rank 2
		{"NaN", []float64{1, 0, 0, math.NaN()}, 2, 1},
		{"Inf", []float64{math.Inf(1)}, 1, 0},
	}
	for _, c := range cases {
		err := Cholesky(append([]float64(nil), c.a...), c.n)
		var np *NotPositiveDefinite
		if !errors.As(err, &np) {
			t.Errorf("%s: got %v, want *NotPositiveDefinite", c.name, err)
			continue
		}
		if np.Pivot != c.pivot {
			t.Errorf("%s: pivot %d, want %d", c.name, np.Pivot, c.pivot)
		}
	}
	if err := Cholesky([]float64{1, 2}, 2); err == nil {
		t.Error("short slice accepted")
	}
}

func TestCholeskyTolRankDeficient(t *testing.T) {
	// Columns x1, x2 = 2·x1 + 1e-9·e: positive definite in exact arithmetic
	// but numerically rank-deficient at tol = 1e-10.
	x1 := []float64{1, 2, 3, 4}
	x2 := []float64{2, 4, 6, 8 + 1e-9}
	dot := func(u, v []float64) float64 {
		var s float64
		for i := range u {
			s += u[i] * v[i]
		}
		return s
	}
	a := []float64{dot(x1, x1), dot(x1, x2), dot(x2, x1), dot(x2, x2)}
	var np *NotPositiveDefinite
	if err := CholeskyTol(append([]float64(nil), a...), 2, 1e-10); !errors.As(err, &np) || np.Pivot != 1 {
		t.Errorf("near-collinear columns accepted at tol 1e-10: %v", err)
	}
	// A well-conditioned matrix passes the same tolerance.
	if err := CholeskyTol([]float64{4, 1, 1, 3}, 2, 1e-10); err != nil {
		t.Errorf("well-conditioned matrix refused: %v", err)
	}
}

func BenchmarkCholesky(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{4, 16, 64} {
		a := randSPD(rng, n)
		l := make([]float64, n*n)
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				copy(l, a)
				if err := Cholesky(l, n); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("gonum/n="+strconv.Itoa(n), func(b *testing.B) {
			sym := mat.NewSymDense(n, append([]float64(nil), a...))
			var ch mat.Cholesky
			for b.Loop() {
				if !ch.Factorize(sym) {
					b.Fatal("not PD")
				}
			}
		})
	}
}

func TestSolveColsMatchesSolve(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	n, m := 6, 3
	a := randSPD(rng, n)
	l := append([]float64(nil), a...)
	if err := Cholesky(l, n); err != nil {
		t.Fatal(err)
	}
	b := make([]float64, n*m)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	x := append([]float64(nil), b...)
	SolveCols(l, n, x, m)
	for j := 0; j < m; j++ {
		col := make([]float64, n)
		for i := range col {
			col[i] = b[i*m+j]
		}
		Solve(l, n, col)
		for i := range col {
			if col[i] != x[i*m+j] {
				t.Errorf("column %d row %d: SolveCols %g, Solve %g", j, i, x[i*m+j], col[i])
			}
		}
	}
}

// TestInvertInPlace checks A·A⁻¹ = I and log det A against gonum's
// Cholesky, and that a matrix that is not positive definite is refused.
func TestInvertInPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 3, 10} {
		a := randSPD(rng, n)
		inv := append([]float64(nil), a...)
		ld, err := InvertInPlace(inv, n, make([]float64, n*n))
		if err != nil {
			t.Fatal(err)
		}
		checkInverse(t, a, inv, n)
		var ch mat.Cholesky
		if !ch.Factorize(mat.NewSymDense(n, append([]float64(nil), a...))) {
			t.Fatal("gonum refused an SPD matrix")
		}
		if g := ch.LogDet(); math.Abs(ld-g) > 1e-12*math.Max(1, math.Abs(g)) {
			t.Errorf("n=%d: log det %g, gonum %g", n, ld, g)
		}
	}
	bad := []float64{1, 2, 2, 1}
	var npd *NotPositiveDefinite
	if _, err := InvertInPlace(bad, 2, make([]float64, 4)); !errors.As(err, &npd) {
		t.Errorf("indefinite matrix: error %v, want *NotPositiveDefinite", err)
	}
}
