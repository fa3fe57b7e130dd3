package mixed

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
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
			if x, perr := strconv.ParseFloat(r[j], 64); perr == nil && name != "Subject" {
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

// TestPoly: poly(x, k) columns are orthonormal and orthogonal to the
// constant over the rows used (the property that defines R's basis), are
// named as R names them, and the basis evaluates at new x by the same
// recurrence (predict.poly); bad uses are errors that say why.
func TestPoly(t *testing.T) {
	x := []float64{0, 1, 2, 3, 5, 8, 13}
	b, err := fitPoly("poly(x, 3)", x, 3)
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j <= 3; j++ {
		for l := j; l <= 3; l++ {
			s := 0.0
			for _, v := range x {
				pj, pl := 1/math.Sqrt(float64(len(x))), 1/math.Sqrt(float64(len(x)))
				if j > 0 {
					pj = b.eval(v, j)
				}
				if l > 0 {
					pl = b.eval(v, l)
				}
				s += pj * pl
			}
			want := 0.0
			if j == l {
				want = 1
			}
			if math.Abs(s-want) > 1e-12 {
				t.Errorf("columns %d and %d: inner product %v, want %v", j, l, s, want)
			}
		}
	}
	// p_1 is the centred x, scaled: at the mean it is 0.
	mean := (0 + 1 + 2 + 3 + 5 + 8 + 13) / 7.0
	if v := b.eval(mean, 1); math.Abs(v) > 1e-15 {
		t.Errorf("p_1 at the mean = %v", v)
	}
	f, err := ParseFormula("y ~ poly(x,2) * arm + (1 | g)")
	if err != nil || f.Fixed[0][0] != "poly(x, 2)" {
		t.Errorf("parsed %v, %v", f.Fixed, err)
	}
	for formula, msg := range map[string]string{
		"y ~ poly(x) + (1 | g)":                "whole-number degree",
		"y ~ poly(x, 2, raw = TRUE) + (1 | g)": "whole-number degree",
		"y ~ poly(x, 0) + (1 | g)":             "whole-number degree",
		"y ~ poly(x, 11) + (1 | g)":            "at most 10",
	} {
		if _, err := ParseFormula(formula); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: %v, want %q", formula, err, msg)
		}
	}
	d := Data{Numeric: map[string][]float64{"y": {1, 2, 3, 4, 5, 6}, "x": {0, 1, 0, 1, 0, 1}}, Text: map[string][]string{"g": {"a", "a", "b", "b", "c", "c"}}}
	if _, err := Fit("y ~ poly(x, 2) + (1 | g)", d, Options{}); err == nil || !strings.Contains(err.Error(), "less than the number of distinct values (2)") {
		t.Errorf("degree ≥ distinct values: %v", err)
	}
	if _, err := Fit("y ~ x + (1 + poly(x, 1) | g)", d, Options{}); err == nil || !strings.Contains(err.Error(), "poly() in the random part") {
		t.Errorf("poly in a random slope: %v", err)
	}
}

// TestContrastsInvariance: the coding of factors changes the coefficients,
// not the model: logLik, the type I–III tables and the marginal means under
// sum and Helmert contrasts equal those under treatment coding (as
// lmerTest's anova and emmeans, which are coding-invariant; checked in R
// for this trial).
func TestContrastsInvariance(t *testing.T) {
	var g goldenFile
	if err := golden.Load("mixed_anova_arm.json", &g); err != nil {
		t.Fatal(err)
	}
	data := g.data(t)
	const formula = "y ~ arm * time + (1 + time | patient)"
	fit := func(ct string) *Model {
		m, err := Fit(formula, data, Options{Contrasts: ct})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	base := fit("")
	for _, ct := range []string{"sum", "helmert"} {
		m := fit(ct)
		// The REML criterion changes with the coding by log det of the
		// reparametrisation (lme4 alike); the variance parameters do not.
		if relErr(m.Result.ResidualVariance, base.Result.ResidualVariance) > 1e-7 {
			t.Errorf("%s: σ² %v, treatment %v", ct, m.Result.ResidualVariance, base.Result.ResidualVariance)
		}
		for typ := 1; typ <= 3; typ++ {
			a, err1 := m.AnovaTable(typ)
			b, err2 := base.AnovaTable(typ)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			for i := range b.Rows {
				if relErr(a.Rows[i].F, b.Rows[i].F) > 1e-6 || relErr(a.Rows[i].DenDF, b.Rows[i].DenDF) > 1e-4 { // lmerTest's df move by 3e-5 too
					t.Errorf("%s type %d %s: F %v df %v, treatment F %v df %v", ct, typ, b.Rows[i].Term, a.Rows[i].F, a.Rows[i].DenDF, b.Rows[i].F, b.Rows[i].DenDF)
				}
			}
		}
		e1, err1 := m.EMMeans(EMMSpec{Vars: []string{"arm"}, At: map[string][]string{"time": {"5"}}})
		e2, err2 := base.EMMeans(EMMSpec{Vars: []string{"arm"}, At: map[string][]string{"time": {"5"}}})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		for i := range e2.EMMeans {
			if relErr(e1.EMMeans[i].EMMean, e2.EMMeans[i].EMMean) > 1e-7 || relErr(e1.EMMeans[i].SE, e2.EMMeans[i].SE) > 1e-6 {
				t.Errorf("%s: EMM %v ± %v, treatment %v ± %v", ct, e1.EMMeans[i].EMMean, e1.EMMeans[i].SE, e2.EMMeans[i].EMMean, e2.EMMeans[i].SE)
			}
		}
	}
	if _, err := Fit(formula, data, Options{Contrasts: "poly"}); err == nil || !strings.Contains(err.Error(), "treatment, sum or helmert") {
		t.Errorf("contrasts poly: %v", err)
	}
}
