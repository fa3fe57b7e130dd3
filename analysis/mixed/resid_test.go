package mixed

import (
	"math"
	"strings"
	"testing"
)

// Properties that must hold: a CAR(1) fit whose times are integers is the
// AR(1) fit (φ^d either way, gapped sessions); corExp is CAR(1) with
// range = −1/log φ; the row-by-row whitening equals the per-gap sums; and
// ARMA(1, 1), which holds AR(1) at θ = 0, fits at least as well.
func TestResidProperties(t *testing.T) {
	data, _ := loadResidGolden(t, "mixed_resid.json")
	f := "y ~ session + x + arm + (1 | patient)"
	ar1, err := Fit(f, data, Options{AR1: "session"})
	if err != nil {
		t.Fatal(err)
	}
	car1, err := Fit(f, data, Options{Correlation: "car1", Time: "session"})
	if err != nil {
		t.Fatal(err)
	}
	if ar1.Result.CorStruct.Class != "corAR1" || car1.Result.CorStruct.Class != "corCAR1" {
		t.Fatalf("classes %s, %s", ar1.Result.CorStruct.Class, car1.Result.CorStruct.Class)
	}
	a, c := ar1.Result, car1.Result
	check(t, "logLik car1 vs ar1", c.LogLik, a.LogLik, 1e-10)
	check(t, "phi car1 vs ar1", c.CorStruct.Params[0].Value, *a.AR1Phi, 1e-6)
	for i := range a.Fixed {
		check(t, a.Fixed[i].Name+" car1 vs ar1", c.Fixed[i].Estimate, a.Fixed[i].Estimate, 1e-7)
		check(t, a.Fixed[i].Name+" se car1 vs ar1", c.Fixed[i].SE, a.Fixed[i].SE, 1e-6)
	}
	ex, err := Fit(f, data, Options{Correlation: "exp", Time: "session"})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "logLik exp vs car1", ex.Result.LogLik, c.LogLik, 1e-10)
	check(t, "range vs phi", ex.Result.CorStruct.Params[0].Value, -1/math.Log(c.CorStruct.Params[0].Value), 1e-5)

	// The Markov path without a variance function (per-gap sums) and the
	// row-by-row whitening (taken with a variance function) agree: a
	// varPower of a constant 1 has λ = 1 whatever δ.
	n := len(data.Numeric["y"])
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	d2 := Data{Numeric: map[string][]float64{"one": ones}, Text: data.Text}
	for k, v := range data.Numeric {
		d2.Numeric[k] = v
	}
	w, err := Fit(f, d2, Options{Correlation: "car1", Time: "session", Weights: "varpower:one"})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "logLik whitened rows vs per-gap sums", w.Result.LogLik, c.LogLik, 1e-10)
	// ARMA(1, 1) with θ = 0 is AR(1): its optimum is at least as good.
	arma, err := Fit(f, data, Options{Correlation: "arma11", Time: "session"})
	if err != nil {
		t.Fatal(err)
	}
	if arma.Result.LogLik < a.LogLik-1e-8 {
		t.Errorf("arma11 logLik %.10f below ar1's %.10f", arma.Result.LogLik, a.LogLik)
	}
	if arma.Result.NPar != a.NPar+1 || c.NPar != a.NPar {
		t.Errorf("npar arma %d, car1 %d, ar1 %d", arma.Result.NPar, c.NPar, a.NPar)
	}
}

// Bad inputs are errors that name the column, the value and the row.
func TestResidErrors(t *testing.T) {
	base := func() Data {
		return Data{
			Numeric: map[string][]float64{
				"y": {1, 2, 3, 4, 5, 6, 7, 8}, "x": {0.1, 0.5, 0.2, 0.9, 0.3, 0.7, 0.4, 0.8},
				"t": {1, 2, 3, 4, 1, 2, 3, 4}, "tt": {0, 0.5, 1.7, 3, 0, 1.1, 2, 2.5},
			},
			Text:   map[string][]string{"g": {"a", "a", "a", "a", "b", "b", "b", "b"}, "arm": {"c", "c", "c", "c", "c", "c", "c", "c"}},
			Source: "s.csv", Line: func(i int) int { return i + 2 },
		}
	}
	tests := []struct {
		f    string
		o    Options
		want string
		mod  func(*Data)
	}{
		{"y ~ x + (1 | g)", Options{Correlation: "car1", Time: "t"}, "two rows at time 2 (s.csv line 3 and s.csv line 4)", func(d *Data) { d.Numeric["t"][2] = 2 }},
		{"y ~ x + (1 | g)", Options{Correlation: "car1", Time: "t"}, `time column "t" is missing at s.csv line 7`, func(d *Data) { d.Numeric["t"][5] = math.NaN() }},
		{"y ~ x + (1 | g)", Options{Correlation: "ar1", Time: "tt"}, "value 0.5 at s.csv line 3 is not an integer", nil},
		{"y ~ x + (1 | g)", Options{Correlation: "arma11", Time: "tt"}, "not an integer", nil},
		{"y ~ x + (1 | g)", Options{Correlation: "car1"}, "needs a time column", nil},
		{"y ~ x + (1 | g)", Options{Correlation: "gauss", Time: "t"}, "unknown residual correlation", nil},
		{"y ~ x + (1 | g)", Options{Weights: "varident:arm"}, `column "arm" has a single level ("c")`, nil},
		{"y ~ 0 + x", Options{Weights: "varpower"}, "fitted value at s.csv line 9 is 0", func(d *Data) { d.Numeric["x"][7] = 0 }},
		{"y ~ x + (1 | g)", Options{Weights: "varexp:x"}, "unknown variance function", nil},
		{"y ~ x + (1 | g)", Options{Weights: "varpower:x"}, "is 0 at s.csv line 9", func(d *Data) { d.Numeric["x"][7] = 0 }},
		{"y ~ x + (1 | g)", Options{AR1: "t", Correlation: "car1"}, "choose one", nil},
		{"y ~ x", Options{Correlation: "car1", Time: "tt"}, "needs the group", nil},
		{"y ~ x + (1 | g)", Options{Correlation: "car1", Time: "tt", Group: "arm"}, `correlation group "arm" is not a grouping factor`, nil},
		{"y ~ x + (1 | g)", Options{Correlation: "car1", Time: "arm"}, "must be numeric", nil},
	}
	for _, tc := range tests {
		d := base()
		if tc.mod != nil {
			tc.mod(&d)
		}
		_, err := Fit(tc.f, d, tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %+v: error %v, want one mentioning %q", tc.f, tc.o, err, tc.want)
		}
	}
}

// An alternation for varPower of the fitted values that is stopped before
// its fixed point says so: Converged false, the reason, and a note.
func TestFittedPowerNotSettled(t *testing.T) {
	data, _ := loadResidGolden(t, "mixed_resid_fitted.json")
	defer func(n int) { fittedRounds = n }(fittedRounds)
	fittedRounds = 1
	m, err := Fit("y ~ week + x + arm + (1 | patient)", data, Options{Weights: "varpower"})
	if err != nil {
		t.Fatal(err)
	}
	r := m.Result
	if r.Converged || !strings.Contains(r.Reason, "still changed") {
		t.Errorf("converged = %v, reason %q", r.Converged, r.Reason)
	}
	if len(r.Notes) == 0 || !strings.Contains(r.Notes[len(r.Notes)-1], "not at the fixed point") {
		t.Errorf("notes %q", r.Notes)
	}
}
