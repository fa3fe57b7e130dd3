package workflow

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// The printed R code of crossed (patients × raters) and uncorrelated
// ((1 + x || patient), (1 | patient) + (0 + x | patient)) models
// reproduces the fixed effects, df, variance components, logLik and BLUPs
// with conditional SDs, and lmerTest's type III F tests and emmeans'
// marginal means and contrasts on a crossed model; skipped without R. The data are the simulated
// patients × raters of testdata/golden/mixed_crossed.json, written to a CSV.
func TestLMMCrossedRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "lme4", "lmerTest", "jsonlite")
	var g struct {
		Datasets map[string]map[string][]any `json:"datasets"`
	}
	if err := golden.Load("mixed_crossed.json", &g); err != nil {
		t.Fatal(err)
	}
	cols := g.Datasets["raters"]
	var b strings.Builder
	// arm: a patient-level factor (from the patient's number) for the F
	// tests and marginal means.
	b.WriteString("y,x,patient,rater,arm\n")
	for i := range cols["y"] {
		p := fmt.Sprint(cols["patient"][i])
		var num int
		fmt.Sscanf(p, "P%d", &num)
		fmt.Fprintf(&b, "%v,%v,%v,%v,%s\n", cols["y"][i], cols["x"][i], p, cols["rater"][i], []string{"cbt", "control", "ipt"}[num%3])
	}
	src := csvFileSource(t, "raters.csv", b.String())
	for _, opt := range []LMMOptions{
		{Formula: "y ~ x + (1 | patient) + (1 | rater)"},
		{Formula: "y ~ x + (1 + x || patient) + (1 | rater)"},
		{Formula: "y ~ x + (1 | patient) + (0 + x | patient) + (1 | rater)"},
		{Formula: "y ~ arm * x + (1 | patient) + (1 | rater)", Anova: 3, EMMeans: "arm", Pairs: true},
	} {
		f := opt.Formula
		t.Run(f, func(t *testing.T) {
			run, err := LMM(src, opt)
			if err != nil {
				t.Fatal(err)
			}
			objs := runRCode(t, rs, run.Steps()[0].RCode)
			var got map[string]any
			c := &comparer{t: t, what: f}
			for _, o := range objs {
				if _, ok := o["fixed"]; ok {
					got = o
				}
				if a, ok := o["anova"]; ok {
					rows := rRows(a)
					if len(rows) != len(run.Anova) {
						t.Fatalf("R has %d F tests, ours %d", len(rows), len(run.Anova))
					}
					for i, w := range run.Anova {
						c.num("F", w.F, rows[i]["F"], tolOpt)
						c.num("den_df", w.DenDF, rows[i]["den_df"], tolDF)
						c.num("num_df", float64(w.NumDF), rows[i]["num_df"], tolEst)
					}
				}
				if e, ok := o["emmeans"]; ok {
					rows := rRows(e)
					if len(rows) != len(run.EMMeans) {
						t.Fatalf("R has %d means, ours %d", len(rows), len(run.EMMeans))
					}
					for i, w := range run.EMMeans {
						c.num("emmean", w.EMMean, rows[i]["emmean"], tolEst)
						c.num("emmean SE", w.SE, rows[i]["SE"], tolOpt)
						c.num("emmean df", w.DF, rows[i]["df"], tolDF)
					}
					cr := rRows(o["contrasts"])
					if len(cr) != len(run.Contrasts) {
						t.Fatalf("R has %d contrasts, ours %d", len(cr), len(run.Contrasts))
					}
					for i, k := range run.Contrasts {
						c.num("contrast", k.Estimate, cr[i]["estimate"], tolEst)
						c.num("contrast df", k.DF, cr[i]["df"], tolDF)
						c.num("contrast p", k.P, cr[i]["p.value"], tolOpt)
					}
				}
			}
			if got == nil {
				t.Fatal("the R code printed no model")
			}
			if opt.Anova != 0 && len(run.Anova) == 0 || opt.EMMeans != "" && len(run.EMMeans) == 0 {
				t.Fatal("no F tests or marginal means")
			}
			r := run.Result
			fx := rRows(got["fixed"])
			if len(fx) != len(r.Fixed) {
				t.Fatalf("R has %d fixed effects, ours %d", len(fx), len(r.Fixed))
			}
			for i, e := range r.Fixed {
				c.num("estimate", e.Estimate, fx[i]["estimate"], tolEst)
				c.num("se", e.SE, fx[i]["se"], tolOpt)
				c.num("df", e.DF, fx[i]["df"], tolDF)
			}
			rn := rRows(got["random"])
			if len(rn) != len(r.Random) {
				t.Fatalf("R has %d variance components, ours %d", len(rn), len(r.Random))
			}
			for i, v := range r.Random {
				if rn[i]["group"] != v.Group || rn[i]["name"] != v.Name {
					t.Errorf("component %d: R %v %v, ours %s %s", i, rn[i]["group"], rn[i]["name"], v.Group, v.Name)
				}
				c.num("variance", v.Variance, rn[i]["variance"], tolOpt)
			}
			c.num("logLik", r.LogLik, got["logLik"], tolEst)
			c.num("r2_conditional", r.R2Conditional, got["r2_conditional"], tolOpt)
			bl := rRows(got["ranef"])
			if len(bl) != len(r.Ranef) {
				t.Fatalf("R has %d BLUPs, ours %d", len(bl), len(r.Ranef))
			}
			type key struct{ g, l, n string }
			want := map[key]map[string]any{}
			for _, w := range bl {
				want[key{fmt.Sprint(w["group"]), fmt.Sprint(w["level"]), fmt.Sprint(w["name"])}] = w
			}
			for _, u := range r.Ranef {
				w, ok := want[key{u.Group, u.Level, u.Name}]
				if !ok {
					t.Errorf("no R BLUP for %s %s %s", u.Group, u.Level, u.Name)
					continue
				}
				c.num("BLUP", u.Value, w["value"], tolOpt)
				c.num("cond_sd", u.CondSD, w["cond_sd"], tolOpt)
			}
			c.log()
		})
	}
}
