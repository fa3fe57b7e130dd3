package sem

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The closed-form Hessian of −ℓ through the moments (hessianAt) equals
// central differences of the analytic gradient, under missing data, at
// the solution and away from it (where the second-order term Σ g_k ∇²v_k
// is large): a two-factor model with paths, covariances and means.
func TestHessianMatchesDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	rows := make([][]float64, 300)
	for i := range rows {
		f := rng.NormFloat64()
		x1 := f + 0.5*rng.NormFloat64()
		x2 := 0.8*f + 0.6*rng.NormFloat64() + 1
		x3 := 0.4*x1 + 0.3*x2 + rng.NormFloat64()
		x4 := 0.5*x3 + rng.NormFloat64() - 2
		r := []float64{x1, x2, x3, x4}
		if rng.Float64() < 0.2 {
			r[rng.IntN(4)] = math.NaN()
		}
		rows[i] = r
	}
	d, err := NewData(rows, false)
	if err != nil {
		t.Fatal(err)
	}
	// x1, x2 indicators of F (x1 loading fixed at 1); x3 ~ x1 + x2 (via
	// F: x3 ~ F), x4 ~ x3.
	md := &Model{NObs: 4, Names: []string{"x1", "x2", "x3", "x4", "F"}}
	md.Params = []Param{
		{Matrix: Path, From: 4, To: 0, Op: "=~", Value: 1},
		{Free: true, Matrix: Path, From: 4, To: 1, Op: "=~", Value: 0.7},
		{Free: true, Matrix: Path, From: 4, To: 2, Op: "~", Value: 0.5},
		{Free: true, Matrix: Path, From: 2, To: 3, Op: "~", Value: 0.4},
		{Free: true, Matrix: Cov, From: 4, To: 4, Op: "~~", Value: 1},
		{Free: true, Matrix: Cov, From: 0, To: 0, Op: "~~", Value: 0.3},
		{Free: true, Matrix: Cov, From: 1, To: 1, Op: "~~", Value: 0.4},
		{Free: true, Matrix: Cov, From: 2, To: 2, Op: "~~", Value: 1},
		{Free: true, Matrix: Cov, From: 3, To: 3, Op: "~~", Value: 1},
		{Free: true, Matrix: Mean, To: 0, Op: "~1"}, {Free: true, Matrix: Mean, To: 1, Op: "~1"},
		{Free: true, Matrix: Mean, To: 2, Op: "~1"}, {Free: true, Matrix: Mean, To: 3, Op: "~1"},
	}
	res, err := Fit(md, d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	obj := objective{md, d, res.idx}
	for _, shift := range []float64{0, 0.2} {
		theta := append([]float64(nil), res.Theta...)
		for i := range theta {
			theta[i] += shift * float64(i%3-1)
		}
		got, want := hessianAt(obj, theta), numericHessian(obj, theta)
		n := len(theta)
		worst := 0.0
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				scale := math.Sqrt(math.Abs(want.At(i, i) * want.At(j, j)))
				worst = math.Max(worst, math.Abs(got.At(i, j)-want.At(i, j))/scale)
			}
		}
		t.Logf("shift %g: max |ΔH_ij|/√(H_ii H_jj) = %.2g", shift, worst)
		if worst > 1e-6 {
			t.Errorf("shift %g: closed-form Hessian differs from differences by %.2g", shift, worst)
		}
	}
}

// numericHessian is the Hessian of −ℓ (total) by central differences of
// the analytic gradient, h_j = 10⁻⁵·max(1, |θ_j|).
func numericHessian(obj objective, theta []float64) *mat.SymDense {
	n := len(theta)
	N := float64(obj.d.N)
	H := mat.NewSymDense(n, nil)
	gp, gm := make([]float64, n), make([]float64, n)
	x := append([]float64(nil), theta...)
	for j := 0; j < n; j++ {
		h := 1e-5 * math.Max(1, math.Abs(x[j]))
		x[j] = theta[j] + h
		obj.eval(x, gp)
		x[j] = theta[j] - h
		obj.eval(x, gm)
		x[j] = theta[j]
		for i := 0; i <= j; i++ {
			H.SetSym(i, j, H.At(i, j)+N*(gp[i]-gm[i])/(4*h))
		}
		for i := j; i < n; i++ {
			H.SetSym(j, i, H.At(j, i)+N*(gp[i]-gm[i])/(4*h))
		}
	}
	return H
}
