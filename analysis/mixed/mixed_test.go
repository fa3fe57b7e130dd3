package mixed

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// oneWay simulates a balanced one-way layout: a groups of n observations.
func oneWay(a, n int, tau, sigma float64, seed uint64) Data {
	rng := rand.New(rand.NewPCG(seed, 7))
	var y []float64
	var g []string
	for i := 0; i < a; i++ {
		u := tau * rng.NormFloat64()
		for j := 0; j < n; j++ {
			y = append(y, 3+u+sigma*rng.NormFloat64())
			g = append(g, string(rune('A'+i%26))+string(rune('a'+i/26)))
		}
	}
	return Data{Numeric: map[string][]float64{"y": y}, Text: map[string][]string{"g": g}}
}

// anova returns the grand mean, MSB and MSW of a balanced one-way layout.
func anova(d Data, a, n int) (mean, msb, msw float64) {
	y := d.Numeric["y"]
	for _, v := range y {
		mean += v
	}
	mean /= float64(a * n)
	for i := 0; i < a; i++ {
		m := 0.0
		for j := 0; j < n; j++ {
			m += y[i*n+j]
		}
		m /= float64(n)
		msb += float64(n) * (m - mean) * (m - mean)
		for j := 0; j < n; j++ {
			msw += (y[i*n+j] - m) * (y[i*n+j] - m)
		}
	}
	return mean, msb / float64(a-1), msw / float64(a*(n-1))
}

// In a balanced one-way random-effects layout REML has a closed form
// (Searle, Casella & McCulloch 1992, section 3.7): σ̂² = MSW,
// τ̂² = (MSB − MSW)/n when positive, else 0 with σ̂² = SST/(N−1); the
// intercept is the grand mean with SE √(MSB/(an)) and exactly a − 1
// Satterthwaite degrees of freedom. ML: τ̂² = ((1 − 1/a)MSB − MSW)/n.
// The variances are checked to 1e-8: the Newton polish after the simplex
// (optimum.go) puts θ at the optimum, not merely where f is flat.
func TestOneWayClosedForm(t *testing.T) {
	for _, tc := range []struct {
		a, n       int
		tau, sigma float64
		seed       uint64
	}{{12, 5, 2, 1, 1}, {30, 3, 1, 1, 2}, {8, 10, 0.5, 2, 3}} {
		d := oneWay(tc.a, tc.n, tc.tau, tc.sigma, tc.seed)
		mean, msb, msw := anova(d, tc.a, tc.n)
		if msb <= msw {
			t.Fatalf("seed %d: MSB ≤ MSW, pick another seed", tc.seed)
		}
		m, err := Fit("y ~ 1 + (1 | g)", d, Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := m.Result
		check(t, "REML intercept", r.Fixed[0].Estimate, mean, 1e-10)
		check(t, "REML sigma2", r.ResidualVariance, msw, 1e-8)
		check(t, "REML tau2", r.Random[0].Variance, (msb-msw)/float64(tc.n), 1e-8)
		check(t, "REML se", r.Fixed[0].SE, math.Sqrt(msb/float64(tc.a*tc.n)), 1e-8)
		check(t, "REML df", r.Fixed[0].DF, float64(tc.a-1), 1e-6)
		check(t, "ICC", r.ICC[0].ICC, r.Random[0].Variance/(r.Random[0].Variance+r.ResidualVariance), 1e-12)
		ml, err := Fit("y ~ 1 + (1 | g)", d, Options{ML: true})
		if err != nil {
			t.Fatal(err)
		}
		a := float64(tc.a)
		check(t, "ML tau2", ml.Result.Random[0].Variance, ((1-1/a)*msb-msw)/float64(tc.n), 1e-8)
		check(t, "ML sigma2", ml.Result.ResidualVariance, msw, 1e-8)
	}
}

// When the group means vary less than the residuals allow (MSB < MSW) the
// REML estimate of τ² is 0: a singular fit equal to ordinary least squares.
func TestOneWayBoundary(t *testing.T) {
	// Every group holds the same values in a different order: MSB = 0.
	vals := []float64{1.3, -0.2, 2.9, 0.4, 1.1}
	var y []float64
	var g []string
	for i := 0; i < 6; i++ {
		for j := range vals {
			y = append(y, vals[(i+j)%len(vals)])
			g = append(g, string(rune('a'+i)))
		}
	}
	d := Data{Numeric: map[string][]float64{"y": y}, Text: map[string][]string{"g": g}}
	m, err := Fit("y ~ 1 + (1 | g)", d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := m.Result
	mean, sst := 0.0, 0.0
	for _, v := range y {
		mean += v
	}
	mean /= float64(len(y))
	for _, v := range y {
		sst += (v - mean) * (v - mean)
	}
	if !r.Singular || r.Theta[0] > 1e-4 {
		t.Errorf("theta = %g singular = %v, want 0 and true", r.Theta[0], r.Singular)
	}
	check(t, "intercept", r.Fixed[0].Estimate, mean, 1e-10)
	check(t, "sigma2", r.ResidualVariance, sst/float64(len(y)-1), 1e-6)
	if !r.Converged {
		t.Errorf("not converged: %s", r.Reason)
	}
}

// Rows with NaN are dropped (na.omit): the fit equals the fit without them.
func TestMissingRowsDropped(t *testing.T) {
	d := oneWay(10, 4, 1, 1, 9)
	full, err := Fit("y ~ 1 + (1 | g)", d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d2 := Data{Numeric: map[string][]float64{"y": append(append([]float64(nil), d.Numeric["y"]...), math.NaN())},
		Text: map[string][]string{"g": append(append([]string(nil), d.Text["g"]...), "zz")}}
	m, err := Fit("y ~ 1 + (1 | g)", d2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Result.Dropped != 1 || m.Result.NObs != full.Result.NObs {
		t.Errorf("dropped %d nobs %d, want 1 and %d", m.Result.Dropped, m.Result.NObs, full.Result.NObs)
	}
	check(t, "logLik", m.Result.LogLik, full.Result.LogLik, 1e-12)
}

func TestFitErrors(t *testing.T) {
	base := func() Data {
		return Data{
			Numeric: map[string][]float64{"y": {1, 2, 3, 4, 5, 6}, "x": {1, 2, 1, 2, 1, 2}, "z": {2, 4, 2, 4, 2, 4},
				"s": {1, 1, 1, 2, 3, 4}, "half": {1, 2, 3, 4, 5.5, 6}},
			Text: map[string][]string{"g": {"a", "a", "b", "b", "c", "c"}, "h": {"u", "v", "u", "v", "u", "v"},
				"one": {"k", "k", "k", "k", "k", "k"}, "id": {"1", "2", "3", "4", "5", "6"}},
		}
	}
	tests := []struct {
		f, ar1, want string
		mod          func(*Data)
	}{
		{"y ~ w + (1 | g)", "", `column "w"`, nil},
		{"g ~ x + (1 | h)", "", "must be numeric", nil},
		{"y ~ x + (1 + h | g)", "", "factor-valued random slopes", nil},
		{"y ~ x + (1 | g) + (1 | h)", "s", "name the factor within which residuals are correlated", nil},
		{"y ~ x + (1 | one)", "", "single level", nil},
		{"y ~ x + (1 | id)", "", "cannot be told apart", nil},
		{"y ~ x + z + (1 | g)", "", "rank-deficient", nil},
		{"y ~ x + (1 | g)", "s", "two rows at time", func(d *Data) { d.Numeric["s"] = []float64{1, 1, 1, 2, 1, 2} }},
		{"y ~ x + (1 | g)", "half", "not an integer", nil},
		{"y ~ x + (1 | g)", "", "same length", func(d *Data) { d.Numeric["x"] = []float64{1, 2} }},
		{"y ~ x + (1 | g) + (1 + x | g)", "", "cannot be told apart", nil},
		{"y ~ x + (x || g) + (0 + x | g)", "", "cannot be told apart", nil},
		{"factor(y) ~ x + (1 | g)", "", "must be numeric", nil},
		{"y ~ x + (1 + factor(x) | g)", "", "factor-valued random slopes", nil},
		{"y ~ factor(w) + (1 | g)", "", `column "w"`, nil},
	}
	for _, tc := range tests {
		d := base()
		if tc.mod != nil {
			tc.mod(&d)
		}
		_, err := Fit(tc.f, d, Options{AR1: tc.ar1})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s (ar1 %q): error %v, want one mentioning %q", tc.f, tc.ar1, err, tc.want)
		}
	}
}

// Compare against lme4's anova(m0, m1) on sleepstudy (both refitted by ML).
func TestCompareGolden(t *testing.T) {
	var g struct {
		Data  map[string]any `json:"data"`
		Anova struct {
			Small, Big string
			NPar       []int
			LogLik     []float64
			AIC, BIC   []float64
			Chisq, P   float64
			Df         int
		} `json:"anova"`
	}
	if err := golden.Load("mixed_sleepstudy.json", &g); err != nil {
		t.Fatal(err)
	}
	var gf goldenFile
	if err := golden.Load("mixed_sleepstudy.json", &gf); err != nil {
		t.Fatal(err)
	}
	data := gf.data(t)
	m0, err := Fit(g.Anova.Small, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m1, err := Fit(g.Anova.Big, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	lrt, err := Compare(m1, m0)
	if err != nil {
		t.Fatal(err)
	}
	if !lrt.Refit || lrt.DF != g.Anova.Df {
		t.Errorf("refit %v df %d, want true %d", lrt.Refit, lrt.DF, g.Anova.Df)
	}
	check(t, "Chisq", lrt.Chisq, g.Anova.Chisq, 1e-6)
	check(t, "p", lrt.P, g.Anova.P, 1e-5)
	for i := 0; i < 2; i++ {
		if lrt.Models[i].NPar != g.Anova.NPar[i] {
			t.Errorf("npar[%d] = %d, want %d", i, lrt.Models[i].NPar, g.Anova.NPar[i])
		}
		check(t, "logLik", lrt.Models[i].LogLik, g.Anova.LogLik[i], 1e-9)
		check(t, "AIC", lrt.Models[i].AIC, g.Anova.AIC[i], 1e-9)
		check(t, "BIC", lrt.Models[i].BIC, g.Anova.BIC[i], 1e-9)
	}
	if _, err := Compare(m0, m0); err == nil {
		t.Error("Compare of a model with itself: want error")
	}
}

// Groups with a single session are legal with AR(1) residuals (nothing to
// whiten); row order does not matter (the golden's rows are shuffled).
func TestAR1OneSessionGroups(t *testing.T) {
	d := simSessions(1, 40, 5, 4)
	// Remove all but the first session of ten patients.
	var keep []int
	for i := range d.Numeric["y"] {
		if i < 50 && i%5 != 0 {
			continue
		}
		keep = append(keep, i)
	}
	sub := Data{Numeric: map[string][]float64{}, Text: map[string][]string{}}
	for k, v := range d.Numeric {
		for _, i := range keep {
			sub.Numeric[k] = append(sub.Numeric[k], v[i])
		}
	}
	for k, v := range d.Text {
		for _, i := range keep {
			sub.Text[k] = append(sub.Text[k], v[i])
		}
	}
	m, err := Fit("y ~ session + (1 | patient)", sub, Options{AR1: "session"})
	if err != nil {
		t.Fatal(err)
	}
	if !m.Result.Converged || m.Result.AR1Phi == nil || math.Abs(*m.Result.AR1Phi) >= 1 {
		t.Errorf("converged %v phi %v", m.Result.Converged, m.Result.AR1Phi)
	}
	if m.Result.NGroups["patient"] != 40 {
		t.Errorf("ngroups = %v", m.Result.NGroups)
	}
}

// factor(x) of a text column is the column itself (R: factor() of a
// character vector), with the columns named factor(x)level.
func TestFactorOfTextColumn(t *testing.T) {
	var g goldenFile
	if err := golden.Load("mixed_factor.json", &g); err != nil {
		t.Fatal(err)
	}
	data := g.data(t)
	plain, err := Fit("y ~ group + time + (1 | patient)", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wrapped, err := Fit("y ~ factor(group) + time + (1 | patient)", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "logLik", wrapped.Result.LogLik, plain.Result.LogLik, 1e-12)
	for i, c := range wrapped.Result.Fixed {
		p := plain.Result.Fixed[i]
		want := p.Name
		if strings.HasPrefix(want, "group") {
			want = "factor(group)" + strings.TrimPrefix(want, "group")
		}
		if c.Name != want {
			t.Errorf("fixed %d named %q, want %q", i, c.Name, want)
		}
		check(t, c.Name, c.Estimate, p.Estimate, 1e-12)
		check(t, c.Name+" se", c.SE, p.SE, 1e-12)
	}
}
