package workflow

import (
	"strings"
	"testing"
)

// The printed R code of --emmeans (emmeans 1.8.4-1 on the lmerTest fit,
// lmer.df = "satterthwaite") reproduces every mean, SE, df, interval and
// contrast on the embedded claus2020 trial (treatment × time); skipped
// without R, lmerTest, emmeans and jsonlite.
func TestLMMEMMeansRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "lme4", "lmerTest", "nlme", "emmeans", "jsonlite")
	for _, opt := range []LMMOptions{
		// with a residual structure: emmeans on nlme's lme (containment df)
		// and gls (mode = "df.error")
		{Formula: "bdi ~ treatment * time + (1 | id)", EMMeans: "treatment", Pairs: true, Correlation: "car1", Time: "time"},
		{Formula: "bdi ~ treatment + time + (1 | id)", EMMeans: "treatment", At: []string{"time=4"}, Pairs: true, Correlation: "ar1", Time: "time", ML: true},
		{Formula: "bdi ~ treatment * time", EMMeans: "treatment", Pairs: true, Correlation: "car1", Time: "time", CorGroup: "id"},
		{Formula: "bdi ~ treatment * time + sex + (1 | id)", EMMeans: "treatment | sex", At: []string{"time=1,4"}, Pairs: true},
		{Formula: "bdi ~ treatment * time + (1 + time | id)", EMMeans: "treatment", Pairs: true, Adjust: "holm", Level: 0.9},
		{Formula: "bdi ~ treatment * sex + time + (1 | id)", EMMeans: "treatment * sex", Pairs: true},
		{Formula: "bdi ~ treatment * time + (1 + time | id)", EMMeans: "treatment", At: []string{"time=4"}, Pairs: true, DDF: "kenward-roger"},
	} {
		t.Run(opt.Formula, func(t *testing.T) {
			run, err := LMM(embedded(t, "claus2020"), opt)
			if err != nil {
				t.Fatal(err)
			}
			code := run.Steps()[0].RCode
			if !strings.Contains(code, "emmeans(m, ") {
				t.Fatalf("no emmeans call in the R code:\n%s", code)
			}
			objs := runRCode(t, rs, code, "claus2020")
			var got map[string]any
			for _, o := range objs {
				if _, ok := o["emmeans"]; ok {
					got = o
				}
			}
			if got == nil {
				t.Fatal("the R code printed no emmeans")
			}
			c := &comparer{t: t, what: opt.Formula}
			rows, _ := got["emmeans"].([]any)
			if len(rows) != len(run.EMMeans) {
				t.Fatalf("R has %d means, ours %d", len(rows), len(run.EMMeans))
			}
			for i, e := range run.EMMeans {
				w, _ := rows[i].(map[string]any)
				for k, v := range e.Levels {
					if w[k] != v {
						t.Errorf("mean %d: %s R %v, ours %s", i, k, w[k], v)
					}
				}
				c.num("emmean", e.EMMean, w["emmean"], tolEst)
				c.num("SE", e.SE, w["SE"], tolEst)
				c.num("df", e.DF, w["df"], tolDF)
				c.num("lower.CL", e.CILB, w["lower.CL"], tolEst)
				c.num("upper.CL", e.CIUB, w["upper.CL"], tolEst)
			}
			cr, _ := got["contrasts"].([]any)
			if len(cr) != len(run.Contrasts) {
				t.Fatalf("R has %d contrasts, ours %d", len(cr), len(run.Contrasts))
			}
			for i, k := range run.Contrasts {
				w, _ := cr[i].(map[string]any)
				if w["contrast"] != k.Contrast {
					t.Errorf("contrast %d: R %v, ours %s", i, w["contrast"], k.Contrast)
				}
				c.num("estimate", k.Estimate, w["estimate"], tolEst)
				c.num("contrast SE", k.SE, w["SE"], tolEst)
				c.num("contrast df", k.DF, w["df"], tolDF)
				c.num("t.ratio", k.T, w["t.ratio"], tolEst)
				c.num("p.value", k.P, w["p.value"], tolOpt)
			}
			c.log()
		})
	}
}

// Options that need --emmeans, an unknown adjustment, a bad --at and an
// unknown variable are errors naming the option.
func TestLMMEMMeansErrors(t *testing.T) {
	src := embedded(t, "claus2020")
	f := "bdi ~ treatment * time + (1 | id)"
	for _, c := range []struct {
		opt    LMMOptions
		option string
		text   string
	}{
		{LMMOptions{Formula: f, Pairs: true}, "EMMeans", "need the marginal means"},
		{LMMOptions{Formula: f, At: []string{"time=2"}}, "EMMeans", "applies to marginal means"},
		{LMMOptions{Formula: f, EMMeans: "treatment", Pairs: true, Adjust: "scheffe"}, "Adjust", "scheffe"},
		{LMMOptions{Formula: f, EMMeans: "treatment", At: []string{"time"}}, "At", "VARIABLE=VALUE"},
		{LMMOptions{Formula: f, EMMeans: "treatment", At: []string{"time=late"}}, "At", "not a number"},
		{LMMOptions{Formula: f, EMMeans: "treatment", At: []string{"treatment=CBT"}}, "At", "levels: PA, TAU"},
		{LMMOptions{Formula: f, EMMeans: "arm"}, "EMMeans", "variables: treatment, time"},
	} {
		_, err := LMM(src, c.opt)
		if err == nil {
			t.Errorf("%+v: no error", c.opt)
			continue
		}
		if OptionOf(err) != c.option || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%+v: option %q, error %q; want option %s and %q", c.opt, OptionOf(err), err, c.option, c.text)
		}
	}
}
