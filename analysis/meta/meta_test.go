package meta

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestK1(t *testing.T) {
	for _, method := range []string{REML, DL, PM, FE} {
		r, err := Fit([]float64{0.3}, []float64{0.01}, Options{Method: method})
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		// With one study the estimate is the study itself, SE = √vi.
		if r.Tau2 != 0 || math.Abs(r.Coefficients[0].Estimate-0.3) > 1e-15 || math.Abs(r.Coefficients[0].SE-0.1) > 1e-15 {
			t.Errorf("%s: tau2 %g, est %g, se %g", method, r.Tau2, r.Coefficients[0].Estimate, r.Coefficients[0].SE)
		}
		if method != FE && !strings.Contains(strings.Join(r.Notes, ";"), "k = 1") {
			t.Errorf("%s: no k = 1 note in %q", method, r.Notes)
		}
	}
	if _, err := Fit([]float64{0.3}, []float64{0.01}, Options{Test: TestKNHA}); err == nil {
		t.Error("k = 1 with knha: want an error")
	}
}

func TestBadInput(t *testing.T) {
	y, v := []float64{0.1, 0.2, 0.3, 0.4}, []float64{0.01, 0.02, 0.01, 0.03}
	for _, tc := range []struct {
		name   string
		yi, vi []float64
		opt    Options
		want   string
	}{
		{"method", y, v, Options{Method: "XX"}, "unknown method"},
		{"test", y, v, Options{Test: "wald"}, "unknown test"},
		{"level", y, v, Options{Level: 150}, "level"},
		{"lengths", y, v[:3], Options{}, "vi has 3"},
		{"neg vi", y, []float64{0.01, -0.02, 0.01, 0.03}, Options{}, "study 2"},
		{"empty", nil, nil, Options{}, "no studies"},
		{"constant mod", y, v, Options{Mods: []Moderator{{Name: "c", Numeric: []float64{2, 2, 2, 2}}}}, `"c" is constant`},
		{"collinear", y, v, Options{Mods: []Moderator{{Name: "x", Numeric: []float64{1, 2, 3, 5}}, {Name: "x2", Numeric: []float64{2, 4, 6, 10}}}}, `"x2" is collinear with intrcpt, x`},
		{"factor collinear", y, v, Options{Mods: []Moderator{{Name: "g", Text: []string{"a", "a", "b", "b"}}, {Name: "h", Text: []string{"u", "u", "v", "v"}}}}, `"hv" is collinear with intrcpt, gb`},
		{"too many", y, v, Options{Mods: []Moderator{{Name: "g", Text: []string{"a", "b", "c", "d"}}}}, "4 studies for 4 coefficients"},
	} {
		_, err := Fit(tc.yi, tc.vi, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func TestFactorCodingAndDrop(t *testing.T) {
	y := []float64{0.1, 0.3, 0.2, 0.5, 0.4, 0.35, 0.25}
	v := []float64{0.01, 0.02, 0.015, 0.01, 0.02, 0.03, 0.01}
	g := []string{"psychosocial", "cbt", "cbt", "psychosocial", "", "dynamic", "dynamic"}
	r, err := Fit(y, v, Options{Method: FE, Mods: []Moderator{{Name: "type", Text: g}}})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, c := range r.Coefficients {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "intrcpt,typedynamic,typepsychosocial" {
		t.Errorf("names %v", names)
	}
	if r.K != 6 || !strings.Contains(strings.Join(r.Notes, ";"), "1 study with missing moderators dropped") {
		t.Errorf("k = %d, notes %q", r.K, r.Notes)
	}
	// FE with a saturated factor: the intercept is the inverse-variance mean of
	// the reference level "cbt": (0.3/0.02 + 0.2/0.015)/(1/0.02 + 1/0.015).
	want := (0.3/0.02 + 0.2/0.015) / (1/0.02 + 1/0.015)
	if math.Abs(r.Coefficients[0].Estimate-want) > 1e-14 {
		t.Errorf("intercept %g, want %g", r.Coefficients[0].Estimate, want)
	}
}

func TestFixedTau2(t *testing.T) {
	y := []float64{0.1, 0.3, 0.2, 0.5, 0.4, 0.35, 0.25}
	v := []float64{0.01, 0.02, 0.015, 0.01, 0.02, 0.03, 0.01}
	r, _ := Fit(y, v, Options{})
	tau2 := r.Tau2
	f, err := Fit(y, v, Options{Tau2: &tau2})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.Coefficients[0].Estimate-r.Coefficients[0].Estimate) > 1e-15 || f.SETau2 != nil {
		t.Errorf("fixed tau2: est %g vs %g", f.Coefficients[0].Estimate, r.Coefficients[0].Estimate)
	}
	// One fewer parameter: AIC differs by exactly 2.
	if math.Abs((r.Fit.AIC-f.Fit.AIC)-2) > 1e-12 {
		t.Errorf("AIC %g vs %g", r.Fit.AIC, f.Fit.AIC)
	}
}

func TestJSON(t *testing.T) {
	r, err := Fit([]float64{0.1, 0.3, 0.2, 0.5}, []float64{0.01, 0.02, 0.015, 0.01}, Options{Measure: "ZCOR"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for _, key := range []string{"k", "measure", "method", "test", "level", "coefficients", "tau2", "se_tau2", "tau2_ci",
		"tau", "I2", "H2", "QE", "QE_df", "QE_p", "QM", "QM_df", "QM_p", "pi_lb", "pi_ub", "r", "fit"} {
		if _, ok := m[key]; !ok {
			t.Errorf("JSON lacks %q", key)
		}
	}
}

func TestTextAndRCode(t *testing.T) {
	y := []float64{0.1, 0.3, 0.2, 0.5, 0.4, 0.35, 0.25, 0.15}
	v := []float64{0.01, 0.02, 0.015, 0.01, 0.02, 0.03, 0.01, 0.02}
	r, err := Fit(y, v, Options{Test: TestKNHA, Level: 0.9, Mods: []Moderator{{Name: "dose", Numeric: []float64{1, 2, 3, 4, 5, 6, 7, 8}}}})
	if err != nil {
		t.Fatal(err)
	}
	s := r.Summary()
	if !strings.HasPrefix(s, "k = 8, F(1, 6) = ") || !strings.Contains(s, "QE(6) = ") {
		t.Errorf("summary %q", s)
	}
	code := r.RCode("")
	for _, want := range []string{"mods = ~ dose", `method = "REML"`, `test = "knha"`, "level = 90", "yi = c(0.10000000000000001,"} {
		if !strings.Contains(code, want) {
			t.Errorf("R code lacks %q:\n%s", want, code)
		}
	}
	z, _ := Fit(y[:5], v[:5], Options{Measure: "ZCOR"})
	if !strings.Contains(z.Interpretation(), "Knapp–Hartung") {
		t.Errorf("k = 5, z test: interpretation lacks the knha advice: %q", z.Interpretation())
	}
	if c := z.RCode(`read.csv("s.csv")`); !strings.Contains(c, `escalc(measure = "ZCOR", ri = ri, ni = ni, data = read.csv("s.csv"))`) {
		t.Errorf("R code %q", c)
	}
}

// TestPermRandomVsExact: random sign flips agree with the exact test within
// Monte-Carlo error.
func TestPermRandomVsExact(t *testing.T) {
	y := []float64{0.19, 0.16, 0.35, 0.33, 0.28, 0, 0.18, 0.05, 0.27, 0.01, -0.09}
	v := []float64{0.0094, 0.0013, 0.019, 0.0096, 0.0145, 0.016, 0.0058, 0.0031, 0.018, 0.0013, 0.019}
	ex, err := Permute(y, v, Options{}, 5000, 1, nil)
	if err != nil || !ex.Exact {
		t.Fatalf("exact: %v", err)
	}
	var calls int
	rn, err := Permute(y, v, Options{}, 1000, 9, func(int) { calls++ })
	if err != nil || rn.Exact {
		t.Fatalf("random: %v", err)
	}
	if calls != 1000 {
		t.Errorf("progress called %d times", calls)
	}
	se := math.Sqrt(ex.P[0] * (1 - ex.P[0]) / 1000)
	if math.Abs(rn.P[0]-ex.P[0]) > 4*se+1e-3 {
		t.Errorf("random p %g, exact %g", rn.P[0], ex.P[0])
	}
}

func simulate(k int, seed uint64) (y, v []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	y, v = make([]float64, k), make([]float64, k)
	for i := range y {
		n := 30 + rng.IntN(400)
		v[i] = 1 / float64(n-3)
		y[i] = 0.25 + 0.1*rng.NormFloat64() + math.Sqrt(v[i])*rng.NormFloat64()
	}
	return y, v
}

func BenchmarkREML3000(b *testing.B) {
	y, v := simulate(3000, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Fit(y, v, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkREML1e6(b *testing.B) {
	y, v := simulate(1_000_000, 2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Fit(y, v, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPermute300x1000(b *testing.B) {
	y, v := simulate(300, 3)
	x := make([]float64, 300)
	for i := range x {
		x[i] = float64(i % 7)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Permute(y, v, Options{Mods: []Moderator{{Name: "x", Numeric: x}}}, 1000, 1, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestClassicalI2 checks the Q-based I² against its definition and against
// metafor's I² for DL, where the two coincide (Higgins & Thompson 2002).
func TestClassicalI2(t *testing.T) {
	yi := []float64{0.10, 0.30, 0.35, 0.65, 0.45, 0.15}
	vi := []float64{0.03, 0.03, 0.05, 0.01, 0.05, 0.02}
	for _, m := range []string{DL, REML, FE} {
		r, err := Fit(yi, vi, Options{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		want := math.Max(0, 100*(r.QE-float64(r.QEDF))/r.QE)
		if math.Abs(r.I2Q-want) > 1e-12 {
			t.Errorf("%s: I2_Q = %v, want %v", m, r.I2Q, want)
		}
		if m == DL && math.Abs(r.I2Q-r.I2) > 1e-9 {
			t.Errorf("DL: I2_Q = %v differs from I2 = %v", r.I2Q, r.I2)
		}
	}
}
