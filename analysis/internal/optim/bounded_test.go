package optim

import (
	"math"
	"testing"
)

func TestMinimizeBounded(t *testing.T) {
	inf := math.Inf(1)
	rosen := func(x []float64) float64 {
		a, b := 1-x[0], x[1]-x[0]*x[0]
		return a*a + 100*b*b
	}
	tests := []struct {
		name        string
		f           func([]float64) float64
		x0, lo, up  []float64
		want        []float64
		wantF, tolX float64
	}{
		// Unconstrained minimum (1, 1), f = 0 (Rosenbrock 1960).
		{"rosenbrock free", rosen, []float64{-1.2, 1}, []float64{-inf, -inf}, []float64{inf, inf}, []float64{1, 1}, 0, 1e-5},
		// Bound x0 ≤ 0.5 active: on the bound the minimum over x1 is x1 = 0.25, f = 0.25.
		{"rosenbrock bound", rosen, []float64{-1.2, 1}, []float64{-inf, -inf}, []float64{0.5, inf}, []float64{0.5, 0.25}, 0.25, 1e-5},
		// Separable quadratic with minimum (−1, 2, 3) outside the box [0, ∞)×[0,1]×ℝ:
		// the solution is the projection (0, 1, 3), f = 1 + 1 = 2.
		{"quadratic projected", func(x []float64) float64 {
			return (x[0]+1)*(x[0]+1) + (x[1]-2)*(x[1]-2) + 4*(x[2]-3)*(x[2]-3)
		}, []float64{1, 0.5, 0}, []float64{0, 0, -inf}, []float64{inf, 1, inf}, []float64{0, 1, 3}, 2, 1e-6},
		// One-dimensional: (x − 2)² + 1 on [−5, 5].
		{"1d", func(x []float64) float64 { return (x[0]-2)*(x[0]-2) + 1 }, []float64{-4}, []float64{-5}, []float64{5}, []float64{2}, 1, 1e-6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := MinimizeBounded(tc.f, tc.x0, tc.lo, tc.up, BoundedSettings{})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Converged {
				t.Fatalf("not converged: %s", r.Reason)
			}
			for i := range tc.want {
				if math.Abs(r.X[i]-tc.want[i]) > tc.tolX {
					t.Errorf("x[%d] = %.10g, want %g (±%g)", i, r.X[i], tc.want[i], tc.tolX)
				}
				if r.X[i] < tc.lo[i] || r.X[i] > tc.up[i] {
					t.Errorf("x[%d] = %g outside [%g, %g]", i, r.X[i], tc.lo[i], tc.up[i])
				}
			}
			if math.Abs(r.F-tc.wantF) > 1e-9 {
				t.Errorf("f = %.12g, want %g", r.F, tc.wantF)
			}
		})
	}
}

func TestMinimizeBoundedErrors(t *testing.T) {
	f := func(x []float64) float64 { return x[0] * x[0] }
	if _, err := MinimizeBounded(f, nil, nil, nil, BoundedSettings{}); err == nil {
		t.Error("no parameters: want error")
	}
	if _, err := MinimizeBounded(f, []float64{0}, []float64{1}, []float64{0}, BoundedSettings{}); err == nil {
		t.Error("lower > upper: want error")
	}
	if _, err := MinimizeBounded(func([]float64) float64 { return math.NaN() }, []float64{0}, []float64{-1}, []float64{1}, BoundedSettings{}); err == nil {
		t.Error("NaN at start: want error")
	}
	r, err := MinimizeBounded(func(x []float64) float64 { return -x[0] }, []float64{0}, []float64{-1}, []float64{math.Inf(1)}, BoundedSettings{MaxEval: 50})
	if err != nil {
		t.Fatal(err)
	}
	if r.Converged {
		t.Error("unbounded objective with 50 evaluations: want Converged = false")
	}
}
