package mixed

import (
	"testing"
)

// Several terms on one factor: lme4 expands (1 + session || patient) into
// (1 | patient) + (0 + session | patient), so the explicit two-term
// formula must reproduce the raters_uncorrelated golden (lme4 1.1-31,
// mixed_confint_crossed.json): the exact ML-profile roots to 1e-6
// relative (floor 1e-3 σ̂ for limits at 0), both SDs named with the factor
// patient as lme4's profile names them; and its bootstrap must equal the
// || formula's draw for draw (the same design, the same seeded draws).
func TestConfintTwoTermsOneFactor(t *testing.T) {
	var c confintCase
	for _, cc := range loadConfintCases(t) {
		if cc.Name == "raters_uncorrelated" {
			c = cc
		}
	}
	if c.Name == "" {
		t.Fatal("no raters_uncorrelated case in mixed_confint_crossed.json")
	}
	data := goldenFile{Data: c.Data}.data(t)
	two, err := Fit("y ~ session + (1 | patient) + (0 + session | patient)", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if two.e.gen == nil {
		t.Fatal("two terms on one factor are not on the general path")
	}
	r, err := two.Confint(ConfintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Intervals) != len(c.Parm) {
		t.Fatalf("%d intervals, lme4 has %d (%v)", len(r.Intervals), len(c.Parm), c.Parm)
	}
	scale := c.Exact.Estimate[nvp(c, two)-1] // σ̂
	for k, ci := range r.Intervals {
		got := ci.Name
		if ci.Group != "" && ci.Group != "Residual" {
			got += "|" + ci.Group
		}
		if ci.Parm != c.Parm[k] || got != c.Names[k] {
			t.Errorf("interval %d is %s %s, lme4's %s %s", k, ci.Parm, got, c.Parm[k], c.Names[k])
		}
		for s, pair := range [][2]float64{{ci.Lower, c.Exact.Lower[k]}, {ci.Upper, c.Exact.Upper[k]}} {
			if e := absRel(pair[0], pair[1], 1e-3*scale); e > 1e-6 {
				t.Errorf("%s %s = %.10g, exact profile root %.10g (rel %.2g)", ci.Parm, []string{"lower", "upper"}[s], pair[0], pair[1], e)
			}
		}
	}
	one := c.fit(t)
	boot := func(m *Model) []CI {
		b, err := m.Confint(ConfintOptions{Method: "boot", NSim: 40, Seed: 9, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		return b.Intervals
	}
	a, b := boot(one), boot(two)
	for k := range a {
		if e := max(absRel(a[k].Lower, b[k].Lower, 1e-3*scale), absRel(a[k].Upper, b[k].Upper, 1e-3*scale)); e > 1e-6 {
			t.Errorf("bootstrap %s: || [%g, %g], two terms [%g, %g]", a[k].Parm, a[k].Lower, a[k].Upper, b[k].Lower, b[k].Upper)
		}
	}
}
