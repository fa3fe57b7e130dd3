package mixed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
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

// TestQuasiNewtonOptimum: the optimum of the quasi-Newton search from θ = 1
// (moment starts off), and that of the Newton steps from moment estimates
// (start.go; the last model, with slopes at two levels, has none), is where
// the gradient vanishes: the simplex's optimum (lme4's method, polished by
// numerical Newton steps) carried there by Newton steps on the analytic
// gradient lands on it to 1e-7 relative in every θ (so it is the optimum,
// not a point the search stopped at), with a deviance no higher than the
// simplex's beyond rounding.
func TestQuasiNewtonOptimum(t *testing.T) {
	t.Cleanup(func() { noMomentStart = false })
	for _, moments := range []bool{false, true} {
		noMomentStart = !moments
		quasiNewtonOptimum(t, moments)
	}
}

func quasiNewtonOptimum(t *testing.T, moments bool) {
	cases := []struct {
		formula string
		data    Data
		opts    Options
	}{
		{"y ~ session + x + (1 + session | patient)", simSessions(1, 300, 12, 21), Options{}},
		{"y ~ session + x + (1 + session | patient)", simSessions(1, 300, 12, 22), Options{ML: true}},
		{"y ~ session + x + (1 | therapist/patient)", simSessions(40, 8, 10, 23), Options{}},
		{"y ~ session + x + (1 + session | therapist/patient)", simSessions(30, 6, 8, 24), Options{}},
	}
	for _, c := range cases {
		qn, err := Fit(c.formula, c.data, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		ok := strings.HasPrefix(qn.Result.Reason, "converged: quasi-Newton")
		if moments && !strings.Contains(c.formula, "session | therapist") {
			ok = strings.HasPrefix(qn.Result.Reason, "converged: ") && strings.HasSuffix(qn.Result.Reason, "Newton step(s) on the analytic gradient from moment estimates of θ")
		}
		if !ok {
			t.Errorf("%s (moment start %v): %s", c.formula, moments, qn.Result.Reason)
		}
		simplexOnly = true
		sx, err := Fit(c.formula, c.data, c.opts)
		simplexOnly = false
		if err != nil {
			t.Fatal(err)
		}
		reml := !c.opts.ML
		fg := func(x, g []float64) float64 { return sx.e.devianceGrad(x, g, reml) }
		n := len(sx.x)
		lo, up := make([]float64, n), make([]float64, n)
		for i := range lo {
			lo[i], up[i] = math.Inf(-1), math.Inf(1)
		}
		for _, lv := range sx.d.levels {
			k := lv.thetaOff
			for j := 0; j < lv.q; j++ {
				lo[k] = 0
				k += lv.q - j
			}
		}
		ev := 0
		nr := gradNewton(fg, sx.x, lo, up, &ev)
		if !nr.ok {
			t.Fatalf("%s: Newton steps from the simplex's optimum did not settle", c.formula)
		}
		for i := range nr.x {
			if d := math.Abs(nr.x[i] - qn.x[i]); d > 1e-7*math.Max(math.Abs(nr.x[i]), 0.1) {
				t.Errorf("%s: θ_%d = %.12g, the simplex's optimum carried by Newton steps %.12g", c.formula, i, qn.x[i], nr.x[i])
			}
		}
		if qn.Result.Deviance > sx.Result.Deviance+1e-11*math.Abs(sx.Result.Deviance) {
			t.Errorf("%s: deviance %.15g above the simplex's %.15g", c.formula, qn.Result.Deviance, sx.Result.Deviance)
		}
		if qn.Result.Evaluations >= sx.Result.Evaluations {
			t.Errorf("%s: %d evaluations, the simplex %d", c.formula, qn.Result.Evaluations, sx.Result.Evaluations)
		}
	}
}
