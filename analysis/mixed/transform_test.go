package mixed

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestTransformNames: transformed variables are named as R deparses them
// (the model-matrix column names of lme4), and evaluate to the arithmetic
// they say.
func TestTransformNames(t *testing.T) {
	for _, tc := range []struct{ formula, want string }{
		{"y ~ I(x^2) + (1 | g)", "I(x^2)"},
		{"y ~ I(x*2) + (1 | g)", "I(x * 2)"},
		{"y ~ I( x / 2 ) + (1 | g)", "I(x/2)"},
		{"y ~ I(-x) + (1 | g)", "I(-x)"},
		{"y ~ I((x-1)^2) + (1 | g)", "I((x - 1)^2)"},
		{"y ~ log(x+1) + (1 | g)", "log(x + 1)"},
		{"y ~ I(x*100000) + (1 | g)", "I(x * 1e+05)"},
		{"y ~ I(x*0.0001) + (1 | g)", "I(x * 1e-04)"},
		{"y ~ I(x*2.50) + (1 | g)", "I(x * 2.5)"},
		{"y ~ sqrt(`my x`) + (1 | g)", "sqrt(`my x`)"},
		{"y ~ exp(log10(x)) + (1 | g)", "exp(log10(x))"},
	} {
		f, err := ParseFormula(tc.formula)
		if err != nil {
			t.Errorf("%s: %v", tc.formula, err)
			continue
		}
		if got := f.Fixed[0][0]; got != tc.want {
			t.Errorf("%s: named %q, want %q (R's deparse)", tc.formula, got, tc.want)
		}
	}
	x := []float64{1, 2, 4, math.NaN()}
	d := Data{Numeric: map[string][]float64{"x": x, "z": {3, 0, -1, 1}}, Text: map[string][]string{"g": {"a", "b", "c", "d"}}}
	for name, want := range map[string][]float64{
		"I(x^2)":           {1, 4, 16, math.NaN()},
		"I(-x^2)":          {-1, -4, -16, math.NaN()}, // ^ binds tighter than unary minus, as in R
		"I(2^x^0.5)":       {2, math.Pow(2, math.Sqrt2), 4, math.NaN()},
		"I((x + z)/2 - 1)": {1, 0, 0.5, math.NaN()},
		"log2(x)":          {0, 1, 2, math.NaN()},
		"abs(z - x)":       {2, 2, 5, math.NaN()},
	} {
		e, ok := transformOf(name)
		if !ok {
			t.Fatalf("%s is not a transform", name)
		}
		c, err := d.transformColumn(name, e)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if !(c.num[i] == want[i] || math.Abs(c.num[i]-want[i]) < 1e-15 || math.IsNaN(want[i]) && math.IsNaN(c.num[i])) {
				t.Errorf("%s row %d = %v, want %v", name, i+1, c.num[i], want[i])
			}
		}
	}
	for name, msg := range map[string]string{
		"log(z)":  "log(z) is -Inf at data row 2 (z = 0)",
		"sqrt(z)": "sqrt(z) is NaN at data row 3 (z = -1)",
		"I(x/0)":  "is +Inf at data row 1",
		"log(g)":  `column "g" is text`,
		"log(w)":  `column "w", which the data do not have`,
	} {
		e, _ := transformOf(name)
		if _, err := d.transformColumn(name, e); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: %v, want an error saying %q", name, err, msg)
		}
	}
	if got := strings.Join(Columns("I((x + z)/x)"), ","); got != "x,z" {
		t.Errorf("Columns: %s", got)
	}
	if got := strings.Join(Columns("factor(arm)"), ","); got != "arm" {
		t.Errorf("Columns(factor(arm)): %s", got)
	}
}

// R: lmer(Reaction ~ Days + I(Days^2) + (Days | Subject), sleepstudy):
// fixef 255.449373, 7.434085, 0.337022 (testdata/golden/mixed_transform.json).
func ExampleFit_transformed() {
	f, err := os.Open("testdata/sleepstudy.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	recs, _ := csv.NewReader(f).ReadAll()
	d := Data{Numeric: map[string][]float64{}, Text: map[string][]string{}}
	for _, r := range recs[1:] {
		for j, name := range recs[0] {
			if x, err := strconv.ParseFloat(r[j], 64); err == nil && name != "Subject" {
				d.Numeric[name] = append(d.Numeric[name], x)
			} else {
				d.Text[name] = append(d.Text[name], r[j])
			}
		}
	}
	m, err := Fit("Reaction ~ Days + I(Days^2) + (Days | Subject)", d, Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range m.Result.Fixed {
		fmt.Printf("%-12s %10.6f\n", c.Name, c.Estimate)
	}
	// Output:
	// (Intercept)  255.449373
	// Days           7.434085
	// I(Days^2)      0.337022
}
