package workflow

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
	"github.com/alliance-research/alliance/analysis/mixed"
)

// The R code of a model with a residual structure (nlme::lme or nlme::gls
// with its corStruct and varFunc) reproduces the model's numbers: fixed
// effects, SEs, nlme's df (containment; n − p for gls), intervals, σ², the
// structure's parameters and logLik; skipped without R, nlme and jsonlite.
func TestLMMResidRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "nlme", "jsonlite")
	for _, opt := range []LMMOptions{
		{Formula: "outcome ~ alliance + session + (1 | patient)", Correlation: "car1", Time: "session"},
		{Formula: "outcome ~ alliance + session + (1 | therapist/patient)", Correlation: "exp", Time: "session", ML: true},
		{Formula: "outcome ~ alliance + session", Correlation: "cs", CorGroup: "patient", Time: "session"},
		{Formula: "outcome ~ alliance + session", Correlation: "arma11", CorGroup: "patient", Time: "session", ML: true},
		{Formula: "outcome ~ alliance + session + (1 | patient)", Weights: "varpower:session", Level: 0.9},
	} {
		t.Run(opt.Formula+" "+opt.Correlation+opt.Weights, func(t *testing.T) {
			run, err := LMM(embedded(t, "demo-sessions"), opt)
			if err != nil {
				t.Fatal(err)
			}
			checkResidRCode(t, rs, run, opt.Formula, "demo-sessions")
		})
	}
}

// Options that have no residual-structure form are refused in words.
func TestLMMResidErrors(t *testing.T) {
	for _, tc := range []struct {
		opt  LMMOptions
		want string
	}{
		{LMMOptions{Formula: "outcome ~ alliance + (1 | patient)", Correlation: "car1", Time: "session", Anova: 2}, "not available with a residual structure"},
		{LMMOptions{Formula: "outcome ~ alliance + (1 | patient)", Weights: "varident:therapist", EMMeans: "alliance", DDF: "kenward-roger"}, "not available"},
		{LMMOptions{Formula: "outcome ~ alliance", Correlation: "car1", Time: "session"}, "needs the group"},
		{LMMOptions{Formula: "outcome ~ alliance + (1 | patient)", Weights: "varident:nosuch"}, "nosuch"},
	} {
		_, err := LMM(embedded(t, "demo-sessions"), tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one mentioning %q", tc.opt, err, tc.want)
		}
	}
}

// --weights varpower (no column) fits nlme's default varPower(), the power
// of the fitted values, to its fixed point, and the methods text, the
// notes and the R code say so.
func TestLMMFittedPower(t *testing.T) {
	run, err := LMM(embedded(t, "demo-sessions"), LMMOptions{Formula: "outcome ~ alliance + session + (1 | patient)", Weights: "varpower"})
	if err != nil {
		t.Fatal(err)
	}
	res := &run.Result
	if res.VarFunction == nil || res.VarFunction.Form != "~ fitted(.)" || !res.Converged {
		t.Fatalf("variance function %+v, converged %v (%s)", res.VarFunction, res.Converged, res.Reason)
	}
	if !strings.Contains(res.Reason, "fixed point of the fitted values") {
		t.Errorf("reason %q", res.Reason)
	}
	if m := run.Methods(); !strings.Contains(m, "varPower(form = ~ fitted(.))") {
		t.Errorf("methods text without the variance function: %s", m)
	}
	code := run.Steps()[0].RCode
	if !strings.Contains(code, "weights = varPower()") || !strings.Contains(code, "fixed point") {
		t.Errorf("R code:\n%s", code)
	}
}

// --ranova with a residual structure: the table says the reduced models
// keep the structure (nlme's anova), and its R code's anova(reduced, full)
// gives our rows: npar, logLik, LRT, df and p (skipped without R).
func TestLMMRanovaResid(t *testing.T) {
	for _, opt := range []LMMOptions{
		{Formula: "outcome ~ alliance + session + (1 | patient)", Correlation: "car1", Time: "session", Ranova: "reduce"},
		{Formula: "outcome ~ alliance + session + (1 + session | patient)", Correlation: "exp", Time: "session", Ranova: "reduce", ML: true},
		{Formula: "outcome ~ alliance + session + (1 | patient)", AR1: "session", Ranova: "delete"},
		{Formula: "outcome ~ alliance + session + (1 | patient)", Weights: "varpower:session", Ranova: "reduce"},
	} {
		t.Run(opt.Formula+" "+opt.Correlation+opt.AR1+opt.Weights, func(t *testing.T) {
			run, err := LMM(embedded(t, "demo-sessions"), opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(run.Ranova) < 2 {
				t.Fatalf("ranova rows %v", run.Ranova)
			}
			said := false
			for _, tab := range run.Section().Tables() {
				if tab.Name == "ranova" {
					said = strings.Contains(strings.Join(tab.Notes, " "), "nlme's anova(reduced, full)")
				}
			}
			if !said {
				t.Error("the ranova table does not say the residual structure is kept")
			}
			code := run.Steps()[0].RCode
			if !strings.Contains(code, "anova(m1, m)") {
				t.Fatalf("R code without the reduced model:\n%s", code)
			}
			rs := rscript(t, "nlme", "jsonlite")
			objs := runRCode(t, rs, code, "demo-sessions")
			rows := rRows(objs[len(objs)-1]["ranova"])
			c := &comparer{t: t, what: opt.Formula}
			k := 0
			for _, row := range run.Ranova {
				if row.LRT == nil {
					continue
				}
				if k >= len(rows) {
					t.Fatalf("R has %d tests, we more", len(rows))
				}
				g := rows[k]
				c.num(row.Term+" npar", float64(row.NPar), g["npar"], 0)
				c.num(row.Term+" logLik", row.LogLik, g["logLik"], tolEst)
				c.num(row.Term+" LRT", *row.LRT, g["LRT"], tolOpt)
				c.num(row.Term+" df", float64(row.DF), g["Df"], 0)
				c.num(row.Term+" p", *row.P, g["p"], tolOpt)
				k++
			}
			if k != len(rows) {
				t.Errorf("R has %d tests, we %d", len(rows), k)
			}
			c.log()
		})
	}
}

// --anova 1 and 3 with a residual structure are nlme's sequential and
// marginal F tests: the table says so, and the R code's anova(m, type =
// …) gives our rows (skipped without R); type 2 is refused.
func TestLMMAnovaResid(t *testing.T) {
	for _, opt := range []LMMOptions{
		{Formula: "outcome ~ alliance * session + (1 | patient)", Correlation: "car1", Time: "session", Anova: 1},
		{Formula: "outcome ~ alliance * session + (1 | therapist/patient)", Correlation: "exp", Time: "session", Anova: 3, ML: true},
		{Formula: "outcome ~ alliance + session + (1 | patient)", AR1: "session", Anova: 3},
		{Formula: "outcome ~ alliance * session", Correlation: "ar1", CorGroup: "patient", Time: "session", Anova: 1, ML: true},
		{Formula: "outcome ~ alliance + poly(session, 2) + (1 | patient)", Weights: "varpower:session", Anova: 3},
	} {
		t.Run(opt.Formula+" "+opt.Correlation+opt.AR1+opt.Weights, func(t *testing.T) {
			run, err := LMM(embedded(t, "demo-sessions"), opt)
			if err != nil {
				t.Fatal(err)
			}
			said := false
			for _, tab := range run.Section().Tables() {
				if tab.Name == "anova" {
					said = strings.Contains(strings.Join(tab.Notes, " "), "nlme's anova(m, type =")
				}
			}
			if !said || len(run.Anova) < 2 || run.Anova[0].Term != "(Intercept)" {
				t.Fatalf("the anova table is not nlme's: %v (note said %v)", run.Anova, said)
			}
			code := run.Steps()[0].RCode
			if !strings.Contains(code, "anova(m, type = ") {
				t.Fatalf("R code without the F tests:\n%s", code)
			}
			rs := rscript(t, "nlme", "jsonlite")
			objs := runRCode(t, rs, code, "demo-sessions")
			var rows []map[string]any
			for _, o := range objs {
				if a, ok := o["anova"]; ok {
					rows = rRows(a)
				}
			}
			if len(rows) != len(run.Anova) {
				t.Fatalf("R has %d rows, we %d", len(rows), len(run.Anova))
			}
			c := &comparer{t: t, what: opt.Formula}
			for i, a := range run.Anova {
				g := rows[i]
				if g["term"] != a.Term {
					t.Errorf("row %d: %v, we %s", i, g["term"], a.Term)
				}
				c.num(a.Term+" num_df", float64(a.NumDF), g["num_df"], 0)
				c.num(a.Term+" den_df", a.DenDF, g["den_df"], 0)
				c.num(a.Term+" F", a.F, g["F"], tolOpt)
				if p, ok := g["p"].(float64); ok && p > 1e-10 {
					c.num(a.Term+" p", a.P, p, tolOpt)
				}
			}
			c.log()
		})
	}
	o := LMMOptions{Formula: "outcome ~ alliance + session + (1 | patient)", Correlation: "car1", Time: "session", Anova: 2}
	if _, err := LMM(embedded(t, "demo-sessions"), o); err == nil || !strings.Contains(err.Error(), "type II") {
		t.Errorf("type II with a residual structure: %v", err)
	}
}

// checkResidRCode runs the R code of run (with the embedded datasets data)
// and compares its numbers with the run's.
func checkResidRCode(t *testing.T, rs string, run *LMMRun, what string, data ...string) {
	t.Helper()
	code := run.Steps()[0].RCode
	want := "lme("
	if run.Result.GLS {
		want = "glsBest("
	}
	if !strings.Contains(code, want) {
		t.Fatalf("R code without %s:\n%s", want, code)
	}
	o := runRCode(t, rs, code, data...)[0]
	c := &comparer{t: t, what: what}
	res := &run.Result
	fixed := rRows(o["fixed"])
	if len(fixed) != len(res.Fixed) {
		t.Fatalf("R has %d fixed effects, we %d", len(fixed), len(res.Fixed))
	}
	for i, f := range res.Fixed {
		g := fixed[i]
		c.num(f.Name+" estimate", f.Estimate, g["estimate"], tolEst)
		c.num(f.Name+" se", f.SE, g["se"], tolOpt)
		c.num(f.Name+" df", f.DF, g["df"], 0)
		c.num(f.Name+" ci_lb", f.CILB, g["ci_lb"], tolOpt)
		c.num(f.Name+" ci_ub", f.CIUB, g["ci_ub"], tolOpt)
	}
	c.num("residual variance", res.ResidualVariance, o["residual_variance"], tolOpt)
	c.num("logLik", res.LogLik, o["logLik"], tolEst)
	c.num("AIC", res.AIC, o["AIC"], tolEst)
	c.num("npar", float64(res.NPar), o["npar"], 0)
	c.num("nobs", float64(res.NObs), o["nobs"], 0)
	params := func(key string, s *mixed.ResidStructure) {
		rows := rRows(o[key])
		if s == nil {
			if len(rows) > 0 {
				t.Errorf("%s: R has %v, we none", key, rows)
			}
			return
		}
		if len(rows) != len(s.Params) {
			t.Fatalf("%s: R has %v, we %v", key, rows, s.Params)
		}
		for i, p := range s.Params {
			c.num(key+" "+p.Name, p.Value, rows[i]["value"], tolOpt)
		}
	}
	params("correlation_structure", res.CorStruct)
	params("variance_function", res.VarFunction)
	c.log()
}

// Crossed factors with a residual correlation or varIdent: the R code is
// nlme's pdBlocked form (one all-data group, corAR1(form = ~ session |
// all/patient)) and reproduces the numbers, on the data of the mixed
// package's crossed golden (testdata/golden/R/mixed_resid_crossed.R).
func TestLMMResidCrossedRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "nlme", "jsonlite")
	var g struct {
		Data struct {
			Y       []float64 `json:"y"`
			Z       []float64 `json:"z"`
			Session []float64 `json:"session"`
			Week    []float64 `json:"week"`
			Patient []string  `json:"patient"`
			Rater   []string  `json:"rater"`
		} `json:"data"`
	}
	if err := golden.Load("mixed_resid_crossed.json", &g); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("y,z,session,week,patient,rater\n")
	for i, y := range g.Data.Y {
		fmt.Fprintf(&b, "%.17g,%.17g,%g,%g,%s,%s\n", y, g.Data.Z[i], g.Data.Session[i], g.Data.Week[i], g.Data.Patient[i], g.Data.Rater[i])
	}
	src := csvFileSource(t, "crossed.csv", b.String())
	for _, opt := range []LMMOptions{
		{Formula: "y ~ session + (1 | patient) + (1 | rater)", Correlation: "ar1", Time: "session", CorGroup: "patient"},
		{Formula: "y ~ session + (1 | patient) + (1 | rater)", AR1: "session", CorGroup: "patient", ML: true},
		{Formula: "y ~ session + (1 | patient) + (1 | rater)", Correlation: "ar1", Time: "session", CorGroup: "patient", Weights: "varident:rater"},
		// Not varIdent alone (z ~ week, ML): there nlme's own nlminb stops
		// 1.5e-5 (relative) short in the SD ratios, beyond tolOpt; ours
		// equals the polished nlme optimum of the mixed golden to 4e-9.
	} {
		run, err := LMM(src, opt)
		if err != nil {
			t.Fatal(err)
		}
		code := run.Steps()[0].RCode
		if !strings.Contains(code, "pdBlocked(list(pdIdent(~ 0 + factor(patient)), pdIdent(~ 0 + factor(rater))))") || opt.CorGroup != "" && !strings.Contains(code, "form = ~ session | all/patient") {
			t.Fatalf("R code without the pdBlocked form:\n%s", code)
		}
		checkResidRCode(t, rs, run, opt.Formula)
	}
}
