package workflow

import (
	"strings"
	"testing"
)

// GOSH through the workflow: the figure implies the analysis, the result
// is the direct meta.Gosh of the model (meta's tests compare it with
// metafor's gosh()), the section carries the figure spec with the flagged
// study coloured, the methods name the rule, the R code calls gosh with
// every subset, and misuse is refused naming the option.
func TestMetaGosh(t *testing.T) {
	run, err := Meta(embedded(t, "molloy2014"), MetaOptions{Figures: []string{"gosh"}, RCode: true})
	if err != nil {
		t.Fatal(err)
	}
	g := run.Gosh
	if g == nil || g.Subsets != 65535 || !g.AllSubsets || len(g.Flagged) != 1 || g.Flagged[0] != "Jerant et al." {
		t.Fatalf("gosh %+v", g)
	}
	var spec *GoshSpec
	for _, f := range run.Section().Figures() {
		if s, ok := f.Spec.(GoshSpec); ok {
			spec = &s
		}
	}
	if spec == nil || spec.Out != 9 || spec.Gosh != g {
		t.Errorf("figure spec %+v", spec)
	}
	if m := run.Methods(); !strings.Contains(m, "GOSH analysis") || !strings.Contains(m, "more than 1 standard deviation") {
		t.Errorf("methods: %s", m)
	}
	if !strings.Contains(run.RCode, "gosh(res, subsets = 65535)") || !strings.Contains(run.RCode, "plot(sav, out = 10)") {
		t.Errorf("R code: %s", run.RCode)
	}
	for _, c := range []struct {
		o    MetaOptions
		name string
	}{
		{MetaOptions{GoshSubsets: 100}, "GoshSubsets"},
		{MetaOptions{Gosh: true, GoshSubsets: 1}, "GoshSubsets"},
		{MetaOptions{Gosh: true, Mods: []string{"year"}}, "Gosh"},
	} {
		if _, err := Meta(embedded(t, "molloy2014"), c.o); err == nil || OptionOf(err) != c.name {
			t.Errorf("%+v: %v", c.o, err)
		}
	}
}
