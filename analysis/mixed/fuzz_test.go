package mixed

import (
	"encoding/json"
	"strings"
	"testing"
)

// ParseFormula must never panic; whatever it accepts has a response and at
// least one random term.
func FuzzParseFormula(f *testing.F) {
	for _, s := range []string{
		"y ~ x + (1 | g)", "y ~ a*b + (1 + t | g1/g2)", "y ~ 0 + x + (0 + t | g)",
		"y ~ x - 1 + (1 | a:b)", "y ~ (1 || g)", "y ~ log(x)", "y ~ ((", "~", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fm, err := ParseFormula(s)
		if err != nil {
			return
		}
		if fm.Response == "" || len(fm.Random) == 0 {
			t.Fatalf("%q parsed without response or random term: %+v", s, fm)
		}
	})
}

// The JSON form carries DESIGN.md's names.
func TestResultJSONNames(t *testing.T) {
	d := oneWay(6, 4, 1, 1, 5)
	m, err := Fit("y ~ 1 + (1 | g)", d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m.Result)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"fixed", "random", "correlations", "residual_variance", "logLik", "AIC", "BIC",
		"REML", "nobs", "ngroups", "converged", "iterations", "ranef", "icc", "r2_marginal", "r2_conditional"} {
		if _, ok := top[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if _, ok := top["ar1_phi"]; ok {
		t.Error("ar1_phi present without AR(1)")
	}
	for _, k := range []string{`"name"`, `"estimate"`, `"se"`, `"df"`, `"statistic"`, `"p"`, `"ci_lb"`, `"ci_ub"`} {
		if !strings.Contains(string(top["fixed"]), k) {
			t.Errorf("fixed lacks %s", k)
		}
	}
}
