package workflow

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// compareLmer compares every number of a fitted lmer-style model (the
// fixed-effects table, vcov, variance components, correlations, residual
// variance, fit statistics, counts, ICCs, R² and BLUPs) with the JSON the
// generated R code printed for it (rLmerNumbers). Estimates to 1e-6
// relative, df to 1e-4.
func compareLmer(c *comparer, res *mixed.Result, o map[string]any) {
	c.t.Helper()
	fixed := rRows(o["fixed"])
	if len(fixed) != len(res.Fixed) {
		c.t.Fatalf("%s: R has %d fixed effects, we %d", c.what, len(fixed), len(res.Fixed))
	}
	for i, f := range res.Fixed {
		g := fixed[i]
		if g["name"] != f.Name {
			c.t.Errorf("%s: fixed effect %d: ours %q, R %v", c.what, i, f.Name, g["name"])
		}
		c.num(f.Name+" estimate", f.Estimate, g["estimate"], tolEst)
		c.num(f.Name+" se", f.SE, g["se"], tolEst)
		c.num(f.Name+" df", f.DF, g["df"], tolDF)
		c.num(f.Name+" statistic", f.Statistic, g["statistic"], tolEst)
		c.num(f.Name+" p", f.P, g["p"], tolDF)
		c.num(f.Name+" ci_lb", f.CILB, g["ci_lb"], tolOpt)
		c.num(f.Name+" ci_ub", f.CIUB, g["ci_ub"], tolOpt)
	}
	if vc, ok := o["vcov"].([]any); ok && len(vc) == len(res.Vcov) {
		for i, row := range vc {
			for j, v := range row.([]any) {
				c.num(fmt.Sprintf("vcov[%d,%d]", i, j), res.Vcov[i][j], v, tolEst)
			}
		}
	} else {
		c.t.Errorf("%s: vcov: R %v", c.what, o["vcov"])
	}
	random := rRows(o["random"])
	if len(random) != len(res.Random) {
		c.t.Fatalf("%s: R has %d variance components, we %d: %v", c.what, len(random), len(res.Random), o["random"])
	}
	for i, v := range res.Random {
		g := random[i]
		if g["group"] != v.Group || g["name"] != v.Name {
			c.t.Errorf("%s: variance component %d: ours %s %s, R %v %v", c.what, i, v.Group, v.Name, g["group"], g["name"])
		}
		c.num(v.Group+" "+v.Name+" variance", v.Variance, g["variance"], tolOpt)
		c.num(v.Group+" "+v.Name+" sd", v.SD, g["sd"], tolOpt)
	}
	corr := rRows(o["correlations"])
	if len(corr) != len(res.Correlations) {
		c.t.Errorf("%s: R has %d correlations, we %d", c.what, len(corr), len(res.Correlations))
	} else {
		for i, v := range res.Correlations {
			c.num(v.Group+" corr", v.Corr, corr[i]["corr"], tolOpt)
		}
	}
	c.num("residual_variance", res.ResidualVariance, o["residual_variance"], tolOpt)
	c.num("logLik", res.LogLik, o["logLik"], tolEst)
	c.num("AIC", res.AIC, o["AIC"], tolEst)
	c.num("BIC", res.BIC, o["BIC"], tolEst)
	c.num("deviance", res.Deviance, -2*rVal(o["logLik"]), tolEst)
	c.num("npar", float64(res.NPar), o["npar"], 0)
	c.num("nobs", float64(res.NObs), o["nobs"], 0)
	ng, _ := o["ngroups"].(map[string]any)
	if len(ng) != len(res.NGroups) {
		c.t.Errorf("%s: ngroups: ours %v, R %v", c.what, res.NGroups, o["ngroups"])
	}
	for g, n := range res.NGroups {
		c.num("ngroups "+g, float64(n), ng[g], 0)
	}
	icc := rRows(o["icc"])
	if len(icc) != len(res.ICC) {
		c.t.Errorf("%s: ICC: ours %v, R %v", c.what, res.ICC, o["icc"])
	} else {
		for i, v := range res.ICC {
			c.num("ICC "+v.Group, v.ICC, icc[i]["icc"], tolOpt)
		}
	}
	c.num("r2_marginal", res.R2Marginal, o["r2_marginal"], tolOpt)
	c.num("r2_conditional", res.R2Conditional, o["r2_conditional"], tolOpt)
	blup := map[string]map[string]any{}
	for _, b := range rRows(o["ranef"]) {
		blup[fmt.Sprint(b["group"], "|", b["level"], "|", b["name"])] = b
	}
	if len(blup) != len(res.Ranef) {
		c.t.Errorf("%s: R has %d BLUPs, we %d", c.what, len(blup), len(res.Ranef))
	}
	for _, b := range res.Ranef {
		k := b.Group + "|" + b.Level + "|" + b.Name
		g, ok := blup[k]
		if !ok {
			c.t.Errorf("%s: BLUP %s not in R's", c.what, k)
			continue
		}
		c.num("BLUP "+k, b.Value, g["value"], tolOpt)
		c.num("BLUP cond_sd "+k, b.CondSD, g["cond_sd"], tolOpt)
	}
}

// The sessions R code (lme4 + lmerTest, or nlme with AR(1)) reproduces
// every number of the session model, for each model, both centrings and
// the model options; skipped without R.
func TestSessionsRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "lme4", "lmerTest", "nlme", "jsonlite")
	for _, c := range []struct {
		name string
		opt  SessionsOptions
		tol  float64 // nlme fits: see compareLme
	}{
		{"lagged", SessionsOptions{}, 0},
		{"lagged-person", SessionsOptions{Centring: "person"}, 0},
		{"reverse", SessionsOptions{Model: "reverse"}, 0},
		{"concurrent", SessionsOptions{Model: "concurrent", Centring: "person"}, 0},
		{"growth", SessionsOptions{Model: "growth"}, 0},
		{"lagged+concurrent", SessionsOptions{Concurrent: true}, 0},
		{"random-slope-ml", SessionsOptions{RandomSlope: true, ML: true, IgnoreTherapist: true}, 0},
		{"no-time-90", SessionsOptions{NoTime: true, Level: 0.9}, 0},
		{"ar1", SessionsOptions{AR1: true, IgnoreTherapist: true}, tolEst},
		{"ar1-nested", SessionsOptions{AR1: true, Model: "concurrent"}, 2e-4},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.opt.KeepTable = true // the R code reads the derived columns
			run, err := Sessions(embedded(t, "demo-sessions"), c.opt)
			if err != nil {
				t.Fatal(err)
			}
			code := run.Steps()[0].RCode
			objs := runSessionsR(t, rs, run, code)
			cmp := &comparer{t: t, what: c.name}
			if c.opt.AR1 {
				compareLme(cmp, &run.Result.Result, objs[0], c.tol)
			} else {
				compareLmer(cmp, &run.Result.Result, objs[0])
			}
			if c.opt.Concurrent {
				if len(objs) < 2 {
					t.Fatalf("the concurrent model's numbers are not printed")
				}
				cmp.what += " (concurrent)"
				compareLmer(cmp, &run.ConcurrentModel.Result, objs[1])
			}
			cmp.log()
		})
	}
}

// runSessionsR runs the session R code; code that reads alliance's derived
// columns (derived.csv, from --export) gets them from the run's table.
func runSessionsR(t *testing.T, rs string, run *SessionsRun, code string) []map[string]any {
	t.Helper()
	f, err := os.CreateTemp("", "derived*.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	if err := run.Table.WriteCSV(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	abs, _ := filepath.Abs(f.Name())
	code = "file.copy(" + rStr(abs) + ", \"derived.csv\", overwrite = TRUE)\n" + code
	return runRCode(t, rs, code, "demo-sessions")
}

// compareLme compares the numbers nlme reproduces (rLmeNumbers): fixed
// effects and SEs, variance components, φ, residual variance, logLik, AIC,
// BIC. The df, p values and intervals are Satterthwaite's with φ, which
// nlme does not give (it reports containment df).
//
// tol is the tolerance of every number: nlme's optimiser (nlminb, even with
// tight lmeControl settings) can stop short of the optimum alliance finds;
// for the nested model of the demo data its REML log-likelihood is lower
// by 4e-7 (lmm's (1 | patient) on the raw demo data: 3e-7), and its
// estimates differ by up to 1e-4 relative. The test requires that nlme
// finds no higher log-likelihood than alliance.
func compareLme(c *comparer, res *mixed.Result, o map[string]any, tol float64) {
	c.t.Helper()
	tolEst, tolOpt := tol, tol
	fixed := rRows(o["fixed"])
	if len(fixed) != len(res.Fixed) {
		c.t.Fatalf("%s: R has %d fixed effects, we %d", c.what, len(fixed), len(res.Fixed))
	}
	for i, f := range res.Fixed {
		c.num(f.Name+" estimate", f.Estimate, fixed[i]["estimate"], tolEst)
		c.num(f.Name+" se", f.SE, fixed[i]["se"], tolEst)
		c.num(f.Name+" df", f.DF, fixed[i]["df"], 0) // containment df
	}
	random := rRows(o["random"])
	if len(random) != len(res.Random) {
		c.t.Fatalf("%s: R has %d variance components, we %d: %v vs %v", c.what, len(random), len(res.Random), o["random"], res.Random)
	}
	for i, v := range res.Random {
		c.num(v.Group+" "+v.Name+" variance", v.Variance, random[i]["variance"], tolOpt)
	}
	c.num("residual_variance", res.ResidualVariance, o["residual_variance"], tolOpt)
	if res.AR1Phi == nil {
		c.t.Fatalf("%s: no φ", c.what)
	}
	c.num("ar1_phi", *res.AR1Phi, o["ar1_phi"], tolOpt)
	c.t.Logf("%s: logLik ours %.12g, nlme %.12g", c.what, res.LogLik, rVal(o["logLik"]))
	if res.LogLik < rVal(o["logLik"])-1e-6 {
		c.t.Errorf("%s: nlme finds a higher log-likelihood (%.12g) than ours (%.12g)", c.what, rVal(o["logLik"]), res.LogLik)
	}
	c.num("logLik", res.LogLik, o["logLik"], tolEst)
	c.num("AIC", res.AIC, o["AIC"], tolEst)
	c.num("BIC", res.BIC, o["BIC"], tolEst)
	c.num("nobs", float64(res.NObs), o["nobs"], 0)
}
