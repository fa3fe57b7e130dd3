package mixed

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// dropRows returns d without a random share frac of its rows (seeded): an
// unbalanced design.
func dropRows(d Data, frac float64, seed uint64) Data {
	rng := rand.New(rand.NewPCG(seed, 7))
	var keep []int
	for i := range d.Numeric["y"] {
		if rng.Float64() >= frac {
			keep = append(keep, i)
		}
	}
	out := Data{Numeric: map[string][]float64{}, Text: map[string][]string{}}
	for k, v := range d.Numeric {
		w := make([]float64, len(keep))
		for j, i := range keep {
			w[j] = v[i]
		}
		out.Numeric[k] = w
	}
	for k, v := range d.Text {
		w := make([]string, len(keep))
		for j, i := range keep {
			w[j] = v[i]
		}
		out.Text[k] = w
	}
	return out
}

// fitFromOne fits without the moment start: the quasi-Newton search from
// θ = 1.
func fitFromOne(t *testing.T, formula string, data Data, opts Options) *Model {
	t.Helper()
	noMomentStart = true
	defer func() { noMomentStart = false }()
	m, err := Fit(formula, data, opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMomentStartBalancedSlopes: with every patient seen at the same
// sessions and session the only fixed effect, Swamy's estimator is the
// REML estimate (balanced random-coefficient model, optimum inside the
// parameter space), so the moment start is the optimum found by the search
// from θ = 1, to 1e-6 relative, and the fit from it takes a handful of
// evaluations.
func TestMomentStartBalancedSlopes(t *testing.T) {
	const formula = "y ~ session + (1 + session | patient)"
	data := simSessions(1, 300, 12, 31)
	ref := fitFromOne(t, formula, data, Options{})
	start := ref.e.momentStart()
	if start == nil {
		t.Fatal("no moment start for a balanced random-slope model")
	}
	for i, v := range start {
		if d := math.Abs(v - ref.x[i]); d > 1e-6*math.Max(math.Abs(ref.x[i]), 0.1) {
			t.Errorf("θ_%d: moment start %.10g, REML optimum %.10g", i, v, ref.x[i])
		}
	}
	m, err := Fit(formula, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(m.Result.Reason, "from moment estimates of θ") || m.Result.Evaluations > 6 {
		t.Errorf("fit from the moment start: %d evaluations, %s", m.Result.Evaluations, m.Result.Reason)
	}
	t.Logf("balanced slopes: %d evaluations from the moment start, %d from θ = 1", m.Result.Evaluations, ref.Result.Evaluations)
}

// TestMomentStartUnbalanced: with a fifth of the rows missing at random the
// moment estimates are no longer the optimum but near it (within 15 % in
// every θ here), the Newton steps from them reach the optimum of the search
// from θ = 1 (θ to 1e-7 relative, deviance to rounding; REML and ML, random
// slopes and nested intercepts), in fewer evaluations.
func TestMomentStartUnbalanced(t *testing.T) {
	cases := []struct {
		formula string
		data    Data
		opts    Options
	}{
		{"y ~ session + x + (1 + session | patient)", dropRows(simSessions(1, 300, 12, 41), 0.2, 1), Options{}},
		{"y ~ session + x + (1 + session | patient)", dropRows(simSessions(1, 300, 12, 42), 0.2, 2), Options{ML: true}},
		{"y ~ session + x + (1 | therapist/patient)", dropRows(simSessions(40, 8, 10, 43), 0.2, 3), Options{}},
		{"y ~ session + (1 | therapist/patient)", dropRows(simSessions(60, 5, 6, 44), 0.2, 4), Options{ML: true}},
	}
	for _, c := range cases {
		ref := fitFromOne(t, c.formula, c.data, c.opts)
		start := ref.e.momentStart()
		if start == nil {
			t.Fatalf("%s: no moment start", c.formula)
		}
		m, err := Fit(c.formula, c.data, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(m.Result.Reason, "from moment estimates of θ") {
			t.Errorf("%s: %s", c.formula, m.Result.Reason)
		}
		worst := 0.0
		for i := range start {
			worst = math.Max(worst, math.Abs(start[i]-ref.x[i])/math.Max(math.Abs(ref.x[i]), 0.1))
			if d := math.Abs(m.x[i] - ref.x[i]); d > 1e-7*math.Max(math.Abs(ref.x[i]), 0.1) {
				t.Errorf("%s: θ_%d = %.12g from the moment start, %.12g from θ = 1", c.formula, i, m.x[i], ref.x[i])
			}
		}
		if worst > 0.15 {
			t.Errorf("%s: moment start %v, %.0f %% from the optimum %v", c.formula, start, 100*worst, ref.x)
		}
		if m.Result.Deviance > ref.Result.Deviance+1e-11*math.Abs(ref.Result.Deviance) {
			t.Errorf("%s: deviance %.15g above %.15g", c.formula, m.Result.Deviance, ref.Result.Deviance)
		}
		if m.Result.Evaluations >= ref.Result.Evaluations {
			t.Errorf("%s: %d evaluations from the moment start, %d from θ = 1", c.formula, m.Result.Evaluations, ref.Result.Evaluations)
		}
		t.Logf("%s (ML %v): start %.1f %% off the optimum; %d evaluations, %d from θ = 1", c.formula, c.opts.ML, 100*worst, m.Result.Evaluations, ref.Result.Evaluations)
	}
}

// TestMomentStartNone: no moment start where the estimators do not apply
// (slopes at two levels, crossed factors, AR(1) residuals) or where a
// variance is estimated at or below zero (no therapist effect in the data):
// the fit then runs the quasi-Newton search as before.
func TestMomentStartNone(t *testing.T) {
	flat := simSessions(40, 8, 10, 51)
	// Remove the therapist effect: y minus its therapist's mean residual
	// leaves no between-therapist variance beyond chance, often below it.
	y := flat.Numeric["y"]
	th := flat.Text["therapist"]
	sum, cnt := map[string]float64{}, map[string]float64{}
	for i, v := range y {
		sum[th[i]] += v
		cnt[th[i]]++
	}
	for i := range y {
		y[i] -= sum[th[i]] / cnt[th[i]]
	}
	cases := []struct {
		formula string
		data    Data
		opts    Options
	}{
		{"y ~ session + (1 | therapist/patient)", flat, Options{}},
		{"y ~ session + x + (1 + session | therapist/patient)", simSessions(30, 6, 8, 52), Options{}},
		{"y ~ x + (1 | patient) + (1 | rater)", simRaters(40, 6, 3, 0, 53), Options{}},
		{"y ~ session + (1 | patient)", simSessions(1, 60, 8, 54), Options{AR1: "session"}},
	}
	for _, c := range cases {
		f, err := parseFormulaAny(c.formula)
		if err != nil {
			t.Fatal(err)
		}
		d, err := buildDesign(f, c.data, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if s := newEngine(d).momentStart(); s != nil {
			t.Errorf("%s: moment start %v, want none", c.formula, s)
		}
		m, err := Fit(c.formula, c.data, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(m.Result.Reason, "moment") {
			t.Errorf("%s: %s", c.formula, m.Result.Reason)
		}
	}
}

// TestMomentStartFallback: when the Newton steps from a start do not settle
// off the zero bounds (a start with a zero variance, where the gradient of
// the even criterion vanishes; a start far off), minimise runs the
// quasi-Newton search and still finds the optimum of the fit from θ = 1.
func TestMomentStartFallback(t *testing.T) {
	const formula = "y ~ session + x + (1 | therapist/patient)"
	data := dropRows(simSessions(40, 8, 10, 61), 0.2, 5)
	ref := fitFromOne(t, formula, data, Options{})
	e := ref.e
	n := len(ref.x)
	lo, up := make([]float64, n), make([]float64, n)
	for i := range up {
		up[i] = math.Inf(1)
	}
	for _, xm := range [][]float64{{ref.x[0], 0}, {0, ref.x[1]}, {400, 0.001}} {
		x0 := []float64{1, 1}
		e.startTheta(x0)
		res, err := e.minimise(x0, xm, lo, up, true, 10000)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(res.Reason, "converged: quasi-Newton") {
			t.Errorf("start %v: %s", xm, res.Reason)
		}
		for i := range res.X {
			if d := math.Abs(res.X[i] - ref.x[i]); d > 1e-7*math.Max(math.Abs(ref.x[i]), 0.1) {
				t.Errorf("start %v: θ_%d = %.12g, want %.12g", xm, i, res.X[i], ref.x[i])
			}
		}
	}
}
