package mixed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// checkGradient compares evalGrad with central differences (Richardson
// extrapolated, step 10⁻⁴) of the deviance it differentiates, at random θ
// around the optimum of the model.
func checkGradient(t *testing.T, what string, mdl *Model, sigma float64, seed uint64) {
	t.Helper()
	d, e := mdl.d, mdl.e
	nt := d.ntheta()
	reml := !mdl.opts.ML
	phi := 0.0
	if d.time != nil {
		phi = mdl.x[nt]
	}
	f := func(th []float64) float64 {
		c, ok := e.eval(th, phi)
		if !ok {
			t.Fatalf("%s: criterion undefined at %v", what, th)
		}
		if sigma > 0 {
			return e.devianceAt(c, sigma, reml)
		}
		return e.deviance(c, reml)
	}
	rng := rand.New(rand.NewPCG(seed, 5))
	for trial := 0; trial < 3; trial++ {
		th := append([]float64(nil), mdl.x[:nt]...)
		for i := range th {
			th[i] += 0.3 * (rng.Float64() - 0.5) * math.Max(math.Abs(th[i]), 0.3)
		}
		g := make([]float64, nt)
		c, ok := e.evalGrad(th, phi, reml, sigma, g)
		if !ok {
			t.Fatalf("%s: evalGrad failed at %v", what, th)
		}
		if sigma == 0 && !relClose(e.deviance(c, reml), f(th), 1e-13) {
			t.Errorf("%s: evalGrad's criterion differs from eval's", what)
		}
		for k := range th {
			diff := func(h float64) float64 {
				y := append([]float64(nil), th...)
				y[k] += h
				fp := f(y)
				y[k] -= 2 * h
				return (fp - f(y)) / (2 * h)
			}
			h := 1e-3
			fd := (4*diff(h/2) - diff(h)) / 3
			scale := math.Max(1, math.Abs(fd))
			if math.Abs(g[k]-fd) > 1e-6*scale {
				t.Errorf("%s, θ = %v: ∂d/∂θ_%d analytic %.12g, numerical %.12g", what, th, k, g[k], fd)
			}
		}
	}
}

// TestGradientMatchesDifferences: the analytic gradient of the profiled
// REML and ML deviances (and of the deviance at a given σ) over θ equals
// its numerical derivative, for random intercepts, correlated slopes,
// nested terms with slopes, AR(1) residuals at fixed φ and a fit from
// sufficient statistics.
func TestGradientMatchesDifferences(t *testing.T) {
	small := simSessions(6, 5, 6, 11)
	cases := []struct {
		formula string
		opts    Options
	}{
		{"y ~ session + x + (1 | patient)", Options{}},
		{"y ~ session + x + (1 + session | patient)", Options{}},
		{"y ~ session + x + (1 + session | patient)", Options{ML: true}},
		{"y ~ session + x + (1 | therapist/patient)", Options{}},
		{"y ~ session + x + (1 | therapist/patient)", Options{ML: true}},
		{"y ~ session + x + (1 + session | therapist/patient)", Options{}},
		{"y ~ x + (1 + session + x | patient) + (1 | therapist)", Options{ML: true}},
		{"y ~ 0 + x + (1 | patient)", Options{}},
		{"y ~ session + x + (1 | patient)", Options{AR1: "session"}},
		{"y ~ session + x + (1 + session | therapist/patient)", Options{AR1: "session", ML: true}},
	}
	for i, c := range cases {
		mdl, err := Fit(c.formula, small, c.opts)
		if err != nil {
			t.Fatalf("%s: %v", c.formula, err)
		}
		what := fmt.Sprintf("%s (ML %v, AR1 %q)", c.formula, c.opts.ML, c.opts.AR1)
		checkGradient(t, what, mdl, 0, uint64(i))
		checkGradient(t, what+" at σ = 1.3", mdl, 1.3, uint64(i))
	}
	for seed := uint64(1); seed <= 4; seed++ {
		sc := randomStatsCase(seed)
		st, err := NewStats(sc.spec)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range sc.rows {
			st.Group(sc.labels[i]...).Add(v)
		}
		mdl, err := FitStats(st, Options{ML: seed%2 == 0})
		if err != nil {
			t.Fatal(err)
		}
		checkGradient(t, "statistics "+sc.formula, mdl, 0, seed)
	}
}
