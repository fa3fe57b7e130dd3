package mixed

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseFormula(t *testing.T) {
	type rt struct {
		name      string
		intercept bool
		slopes    string
		group     string
	}
	tests := []struct {
		f         string
		response  string
		intercept bool
		fixed     []string // terms, R's order (by degree, then as written)
		random    []rt
	}{
		{"Reaction ~ Days + (Days | Subject)", "Reaction", true, []string{"Days"},
			[]rt{{"Subject", true, "Days", "Subject"}}},
		{"y ~ x1*x2 + x3 + (1 | g)", "y", true, []string{"x1", "x2", "x3", "x1:x2"},
			[]rt{{"g", true, "", "g"}}},
		{"y ~ a*b:c + (1|g)", "y", true, []string{"a", "b:c", "a:b:c"}, []rt{{"g", true, "", "g"}}},
		{"y ~ x1 + x2 + x1:x2 + x2:x1 + (0 + t | g)", "y", true, []string{"x1", "x2", "x1:x2"},
			[]rt{{"g", false, "t", "g"}}},
		{"y ~ x - 1 + (1 + t | g)", "y", false, []string{"x"}, []rt{{"g", true, "t", "g"}}},
		{"y ~ 0 + x + (-1 + t | g)", "y", false, []string{"x"}, []rt{{"g", false, "t", "g"}}},
		{"y ~ 1 + (1 | therapist/patient)", "y", true, nil,
			[]rt{{"therapist", true, "", "therapist"}, {"patient:therapist", true, "", "patient:therapist"}}},
		{"y ~ x + (1 | a/b/c)", "y", true, []string{"x"},
			[]rt{{"a", true, "", "a"}, {"b:a", true, "", "b:a"}, {"c:(b:a)", true, "", "c:b:a"}}},
		{"y ~ x + (1 | therapist) + (1 + s | patient)", "y", true, []string{"x"},
			[]rt{{"therapist", true, "", "therapist"}, {"patient", true, "s", "patient"}}},
		{"y ~ x*z - z + (1 | a:b)", "y", true, []string{"x", "x:z"}, []rt{{"a:b", true, "", "a:b"}}},
		{"y ~ 0 + g + t:g + (1 | p)", "y", false, []string{"g", "g:t"}, []rt{{"p", true, "", "p"}}},
		{"`my y` ~ `x 1` + (1 | g)", "my y", true, []string{"x 1"}, []rt{{"g", true, "", "g"}}},
		{"y ~ factor(arm)*time + ( 1 | factor( site ))", "y", true, []string{"factor(arm)", "time", "factor(arm):time"},
			[]rt{{"factor(site)", true, "", "factor(site)"}}},
		{"y ~ time + factor(`arm 2`) + (1 | g)", "y", true, []string{"time", "factor(arm 2)"}, []rt{{"g", true, "", "g"}}},
	}
	for _, tc := range tests {
		f, err := ParseFormula(tc.f)
		if err != nil {
			t.Errorf("%s: %v", tc.f, err)
			continue
		}
		if f.Response != tc.response || f.Intercept != tc.intercept {
			t.Errorf("%s: response %q intercept %v, want %q %v", tc.f, f.Response, f.Intercept, tc.response, tc.intercept)
		}
		var fixed []string
		for _, term := range f.Fixed {
			fixed = append(fixed, strings.Join(term, ":"))
		}
		if !reflect.DeepEqual(fixed, tc.fixed) {
			t.Errorf("%s: fixed %q, want %q", tc.f, fixed, tc.fixed)
		}
		if len(f.Random) != len(tc.random) {
			t.Errorf("%s: %d random terms, want %d", tc.f, len(f.Random), len(tc.random))
			continue
		}
		for i, r := range f.Random {
			var sl []string
			for _, s := range r.Slopes {
				sl = append(sl, strings.Join(s, ":"))
			}
			got := rt{r.Name, r.Intercept, strings.Join(sl, "+"), strings.Join(r.Group, ":")}
			if r.Name == "" {
				got.name = strings.Join(r.Group, ":")
			}
			if got != tc.random[i] {
				t.Errorf("%s: random %d = %+v, want %+v", tc.f, i, got, tc.random[i])
			}
		}
	}
}

func TestParseFormulaErrors(t *testing.T) {
	tests := []struct{ f, want string }{
		{"y ~ scale(x) + (1 | g)", "scale() is not supported"},
		{"y ~ I(x^) + (1 | g)", "cannot stand"},
		{"y ~ log(x, 2) + (1 | g)", "one argument"},
		{"y ~ I(x + (1 | g)", "missing"},
		{"y ~ x + (1 + x ||| g)", "grouping variable"},
		{"y ~ x", "no random-effect term"},
		{"y ~ x + (1 | g", "expected ')'"},
		{"~ x + (1 | g)", "response"},
		{"y ~ x^2 + (1 | g)", "not supported"},
		{"y ~ 2 + x + (1 | g)", "not a model term"},
		{"y ~ x + (0 | g)", "no columns"},
		{"y ~ x - z + (1 | g)", "not in the model"},
		{"y ~ (x + z) + (1 | g)", "random-effect terms"},
		{"y ~ x/z + (1 | g)", "nested grouping"},
		{"y ~ x + (1 | )", "grouping variable"},
		{"y ~ factor(a, b) + (1 | g)", "one variable name"},
		{"y ~ factor() + (1 | g)", "one variable name"},
		{"y ~ factor(a + (1 | g)", "one variable name"},
		{"y ~ as.factor(a) + (1 | g)", "factor() is"},
	}
	for _, tc := range tests {
		_, err := ParseFormula(tc.f)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.f, err, tc.want)
		}
	}
}
