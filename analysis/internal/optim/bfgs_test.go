package optim

import (
	"math"
	"testing"
)

// rosenbrock is f(x, y) = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1).
func rosenbrock(x, g []float64) float64 {
	a, b := 1-x[0], x[1]-x[0]*x[0]
	if g != nil {
		g[0] = -2*a - 400*x[0]*b
		g[1] = 200 * b
	}
	return a*a + 100*b*b
}

func TestMinimizeBoxBFGSRosenbrock(t *testing.T) {
	inf := math.Inf(1)
	res, err := MinimizeBoxBFGS(rosenbrock, []float64{-1.2, 1}, []float64{-inf, -inf}, []float64{inf, inf}, BFGSSettings{GTol: 1e-9, MaxIter: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged || math.Abs(res.X[0]-1) > 1e-6 || math.Abs(res.X[1]-1) > 1e-6 {
		t.Errorf("Rosenbrock: %+v, want (1, 1) converged", res)
	}
	if res.F > 1e-12 {
		t.Errorf("Rosenbrock: f = %g at the optimum, want ≈ 0", res.F)
	}
}

func TestMinimizeBoxBFGSBoundedRosenbrock(t *testing.T) {
	// With x ≤ 0.5 the constrained minimum is at x = 0.5, y = x² = 0.25
	// (for fixed x the best y is x², and (1 − x)² decreases up to the bound).
	// f(0.5, 0.25) = 0.25 stops decreasing in floating point once |g_y| is
	// near 1e-7, hence the floor tolerance.
	res, err := MinimizeBoxBFGS(rosenbrock, []float64{-1.2, 1}, []float64{-2, -2}, []float64{0.5, 2}, BFGSSettings{GTol: 1e-9, FloorGTol: 1e-6, MaxIter: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged || res.X[0] != 0.5 || math.Abs(res.X[1]-0.25) > 1e-8 {
		t.Errorf("bounded Rosenbrock: %+v, want (0.5, 0.25)", res)
	}
}

// A weighted separable quadratic Σ w_i (x_i − c_i)² over a box that cuts
// off the unconstrained optimum c in three coordinates.
func TestMinimizeBoxBFGSBoundedQuadratic(t *testing.T) {
	c := []float64{2, -3, 0.5, 0.25}
	w := []float64{1, 4, 0.5, 2}
	f := func(x, g []float64) float64 {
		var s float64
		for i := range x {
			d := x[i] - c[i]
			s += w[i] * d * d
			if g != nil {
				g[i] = 2 * w[i] * d
			}
		}
		return s
	}
	lo := []float64{-1, -1, -1, 0.3}
	hi := []float64{1, 1, 1, 1}
	// Separable, so the optimum is c clamped to the box: (1, −1, 0.5, 0.3).
	want := []float64{1, -1, 0.5, 0.3}
	res, err := MinimizeBoxBFGS(f, []float64{0, 0, 0, 0.9}, lo, hi, BFGSSettings{GTol: 1e-10})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged {
		t.Fatalf("not converged: %s", res.Reason)
	}
	for i := range want {
		if math.Abs(res.X[i]-want[i]) > 1e-9 {
			t.Errorf("x[%d] = %.12g, want %g", i, res.X[i], want[i])
		}
	}
	wantF := 1*1 + 4*4 + 0 + 2*0.05*0.05
	if math.Abs(res.F-wantF) > 1e-12 {
		t.Errorf("f = %.15g, want %.15g", res.F, wantF)
	}
}

func TestMinimizeBoxBFGSErrors(t *testing.T) {
	if _, err := MinimizeBoxBFGS(rosenbrock, nil, nil, nil, BFGSSettings{}); err == nil {
		t.Error("no parameters accepted")
	}
	if _, err := MinimizeBoxBFGS(rosenbrock, []float64{0, 0}, []float64{0}, []float64{1, 1}, BFGSSettings{}); err == nil {
		t.Error("bounds of the wrong length accepted")
	}
	if _, err := MinimizeBoxBFGS(rosenbrock, []float64{0, 0}, []float64{0, 2}, []float64{1, 1}, BFGSSettings{}); err == nil {
		t.Error("lower > upper accepted")
	}
	res, err := MinimizeBoxBFGS(rosenbrock, []float64{-1.2, 1}, []float64{-5, -5}, []float64{5, 5}, BFGSSettings{MaxIter: 3})
	if err != nil || res.Converged || res.Iterations != 3 {
		t.Errorf("iteration limit: %+v, %v", res, err)
	}
}

func TestMinimizeLMRosenbrock(t *testing.T) {
	f := func(x []float64) float64 { return rosenbrock(x, nil) }
	g := func(g, x []float64) { rosenbrock(x, g) }
	res, err := MinimizeLM(f, g, []float64{-1.2, 1}, LMSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged || math.Abs(res.X[0]-1) > 1e-8 || math.Abs(res.X[1]-1) > 1e-8 {
		t.Errorf("Rosenbrock: %+v, want (1, 1) converged", res)
	}
}

func TestMinimizeLMQuadratic(t *testing.T) {
	// f = ½ xᵀAx − bᵀx, A SPD: the minimiser solves A x = b.
	a := []float64{4, 1, 0, 1, 3, -1, 0, -1, 2}
	b := []float64{1, 2, 3}
	f := func(x []float64) float64 {
		var s float64
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				s += 0.5 * x[i] * a[i*3+j] * x[j]
			}
			s -= b[i] * x[i]
		}
		return s
	}
	grad := func(g, x []float64) {
		for i := 0; i < 3; i++ {
			g[i] = -b[i]
			for j := 0; j < 3; j++ {
				g[i] += a[i*3+j] * x[j]
			}
		}
	}
	res, err := MinimizeLM(f, grad, []float64{10, -10, 5}, LMSettings{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		var r float64
		for j := 0; j < 3; j++ {
			r += a[i*3+j] * res.X[j]
		}
		if math.Abs(r-b[i]) > 1e-9 {
			t.Errorf("(A x − b)[%d] = %g at %v", i, r-b[i], res.X)
		}
	}
	if !res.Converged {
		t.Errorf("not converged: %+v", res)
	}
	if _, err := MinimizeLM(f, grad, nil, LMSettings{}); err == nil {
		t.Error("no parameters accepted")
	}
}

// TestMinimizeBoxBFGSScaledValue: Shanno–Phua scaling, the first-step cap
// and a value-only line search find the minimum of a badly scaled quadratic
// (curvatures 10⁴ and 1, the minimum at (0.01, 3)) with a bound active
// (x₂ ≤ 2: the constrained minimum is (0.01, 2)), with fewer evaluations
// than the unscaled search, every evaluation counted.
func TestMinimizeBoxBFGSScaledValue(t *testing.T) {
	fg := func(x, g []float64) float64 {
		a, b := x[0]-0.01, x[1]-3
		g[0], g[1] = 2e4*a, 2*b
		return 1e4*a*a + b*b
	}
	value := func(x []float64) float64 { return fg(x, make([]float64, 2)) }
	lo, hi := []float64{-10, -10}, []float64{10, 2}
	var plain, scaled int
	r1, err := MinimizeBoxBFGS(fg, []float64{1, 0}, lo, hi, BFGSSettings{GTol: 1e-9, Evals: &plain})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := MinimizeBoxBFGS(fg, []float64{1, 0}, lo, hi, BFGSSettings{GTol: 1e-9, Scale: true, MaxStep: 1, Value: value, Evals: &scaled})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []BFGSResult{r1, r2} {
		if !r.Converged || math.Abs(r.X[0]-0.01) > 1e-9 || r.X[1] != 2 {
			t.Errorf("%+v, want (0.01, 2) converged", r)
		}
	}
	if scaled >= plain || scaled == 0 {
		t.Errorf("%d evaluations scaled, %d plain", scaled, plain)
	}
}
