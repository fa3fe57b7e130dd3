package workflow

import "testing"

// TestUniDiagRCodeRunsInR runs the R code of the per-study values, the
// profile-likelihood CI and the model comparison in R and compares every
// number of our JSON with what it prints (fitted, blup, rstandard,
// rstudent, confint(type = "PL"), anova of the ML fits).
func TestUniDiagRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "metafor", "jsonlite")
	for _, c := range []struct {
		name string
		opt  MetaOptions
	}{
		{"residuals", MetaOptions{Residuals: true}},
		{"residuals+moderators+compare", MetaOptions{Residuals: true, Mods: []string{"meanage", "a_measure"}, Compare: []string{"meanage"}}},
		{"compare-intercept-ML", MetaOptions{Method: "ML", Mods: []string{"meanage"}, Compare: []string{"1"}}},
		{"compare-FE", MetaOptions{Method: "FE", Compare: []string{"meanage", "quality"}}},
		{"knha-residuals", MetaOptions{Test: "knha", Residuals: true, Mods: []string{"quality"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			run, err := Meta(embedded(t, "molloy2014"), c.opt)
			if err != nil {
				t.Fatal(err)
			}
			objs := runRCode(t, rs, run.Steps()[0].RCode)
			r := map[string]float64{}
			flatten(objs[len(objs)-1], "", r)
			compareJSON(t, c.name, oursJSON(t, run.Output()), r, tolEst)
		})
	}
}
