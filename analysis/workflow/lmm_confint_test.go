package workflow

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// The interval options are checked before the fit, naming the option.
func TestLMMConfintOptionErrors(t *testing.T) {
	for _, c := range []struct {
		opt   LMMConfintOptions
		ar1   string
		field string
	}{
		{LMMConfintOptions{Confint: "exact"}, "", "Confint"},
		{LMMConfintOptions{NSim: 100}, "", "NSim"},
		{LMMConfintOptions{Confint: "profile", NSim: 100}, "", "NSim"},
		{LMMConfintOptions{Confint: "boot", NSim: 1}, "", "NSim"},
		{LMMConfintOptions{Confint: "boot", NSim: -5}, "", "NSim"},
		{LMMConfintOptions{Confint: "profile"}, "session", "Confint"},
	} {
		_, err := LMM(embedded(t, "demo-sessions"), LMMOptions{Formula: "outcome ~ session + (1 | patient)", AR1: c.ar1, LMMConfintOptions: c.opt})
		var e *errs.Error
		if !errors.As(err, &e) || e.Hint != c.field {
			t.Errorf("%+v: error %v, want one about %s", c.opt, err, c.field)
		}
	}
}

// The intervals reach the JSON as confint: [{parm, group, name, estimate,
// lower, upper, method}], the table, the command line and the R code.
func TestLMMConfintOutput(t *testing.T) {
	run, err := LMM(embedded(t, "demo-sessions"), LMMOptions{Formula: "outcome ~ session + (1 | patient)", LMMConfintOptions: LMMConfintOptions{Confint: "boot", NSim: 20, Seed: 9}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(run.Output())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Confint []map[string]any `json:"confint"`
		NSim    int              `json:"confint_nsim"`
		Seed    int              `json:"confint_seed"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Confint) != 4 || doc.NSim != 20 || doc.Seed != 9 {
		t.Fatalf("confint %v, nsim %d, seed %d", doc.Confint, doc.NSim, doc.Seed)
	}
	for _, k := range []string{"parm", "group", "name", "estimate", "lower", "upper", "method"} {
		if _, ok := doc.Confint[0][k]; !ok {
			t.Errorf("confint[0] has no %q: %v", k, doc.Confint[0])
		}
	}
	st := run.Steps()[0]
	if !strings.Contains(st.Command, "--confint boot --nsim 20 --seed 9") || !strings.Contains(st.RCode, `confint(m, method = "boot", nsim = 20`) {
		t.Errorf("command %q / R code without the bootstrap call:\n%s", st.Command, st.RCode)
	}
	found := false
	for _, blk := range run.Section().Blocks {
		if tb, ok := blk.(*Table); ok && tb.Name == "confint" {
			found = len(tb.Rows) == 4
		}
	}
	if !found {
		t.Error("no confint table of 4 rows in the section")
	}
}

// The generated confint() call gives lme4's profile limits: ours are the
// exact roots of the profile, lme4's a spline's (5e-4 apart at most on
// the goldens); skipped without R.
func TestLMMConfintRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "lme4", "lmerTest", "jsonlite")
	for _, method := range []string{"profile", "wald"} {
		run, err := LMM(embedded(t, "demo-sessions"), LMMOptions{Formula: "outcome ~ session + (1 | therapist/patient)", LMMConfintOptions: LMMConfintOptions{Confint: method}})
		if err != nil {
			t.Fatal(err)
		}
		objs := runRCode(t, rs, run.Steps()[0].RCode, "demo-sessions")
		var rows []map[string]any
		for _, o := range objs {
			if v, ok := o["confint"]; ok {
				rows = rRows(v)
			}
		}
		want := len(run.Confint)
		if method == "wald" {
			want = len(rows) // lme4 lists the variance parameters with NA
		}
		if len(rows) != want || len(rows) < len(run.Confint) {
			t.Fatalf("%s: R printed %d intervals, ours %d", method, len(rows), len(run.Confint))
		}
		off := len(rows) - len(run.Confint)
		tol := map[string]float64{"profile": 5e-4, "wald": 1e-8}[method]
		for k, c := range run.Confint {
			r := rows[off+k]
			if r["parm"] != c.Parm {
				t.Errorf("%s row %d: R %v, ours %s", method, k, r["parm"], c.Parm)
			}
			for _, x := range [][2]float64{{c.Lower, rVal(r["lower"])}, {c.Upper, rVal(r["upper"])}} {
				if !near(x[0], x[1], tol) {
					t.Errorf("%s %s: ours %.8g, R %.8g", method, c.Parm, x[0], x[1])
				}
			}
		}
	}
}

// --confint nlme on a model with a residual structure gives nlme's
// intervals: the fixed effects' limits are the fixed-effect table's (nlme's
// t intervals on its df), the variance parameters' limits bracket their
// estimates, nlme is cited and named in the methods, and the R code calls
// intervals(m) and, with --compare, nlme's anova of the two ML refits.
func TestLMMConfintNLME(t *testing.T) {
	run, err := LMM(embedded(t, "demo-sessions"), LMMOptions{Formula: "outcome ~ session + alliance + (1 | patient)",
		Correlation: "ar1", Time: "session", Compare: "outcome ~ session + (1 | patient)", LMMConfintOptions: LMMConfintOptions{Confint: "nlme"}})
	if err != nil {
		t.Fatal(err)
	}
	fixed := map[string][2]float64{}
	for _, c := range run.Result.Fixed {
		fixed[c.Name] = [2]float64{c.CILB, c.CIUB}
	}
	nvar := 0
	for _, c := range run.Confint {
		if c.Method != "nlme" {
			t.Errorf("%s: method %q", c.Parm, c.Method)
		}
		if f, ok := fixed[c.Parm]; ok {
			if c.Lower != f[0] || c.Upper != f[1] {
				t.Errorf("%s: [%v, %v], the fixed-effect table has [%v, %v]", c.Parm, c.Lower, c.Upper, f[0], f[1])
			}
			continue
		}
		nvar++
		if !(c.Lower < c.Estimate && c.Estimate < c.Upper) {
			t.Errorf("%s: [%v, %v] does not bracket %v", c.Parm, c.Lower, c.Upper, c.Estimate)
		}
	}
	if nvar != 3 { // patient SD, Phi, sigma
		t.Errorf("%d variance-parameter intervals, want 3: %+v", nvar, run.Confint)
	}
	if !strings.Contains(strings.Join(run.Cites(), " "), "pinheiro2000") {
		t.Errorf("cites %v lack Pinheiro & Bates (2000)", run.Cites())
	}
	if m := run.confintMethodsText(); !strings.Contains(m, "nlme's intervals") {
		t.Errorf("methods %q do not name nlme's intervals", m)
	}
	code := run.Steps()[0].RCode
	for _, want := range []string{"ci <- intervals(m, level = 0.95)", `a <- anova(update(m0, method = "ML"), update(m, method = "ML"))`, "m0 <- lme(outcome ~ session,"} {
		if !strings.Contains(code, want) {
			t.Errorf("the R code lacks %q:\n%s", want, code)
		}
	}
	if strings.Contains(code, "confint(m") {
		t.Errorf("the R code of an nlme fit calls lme4's confint:\n%s", code)
	}
	// Without a residual structure nlme's intervals are refused, naming the option.
	_, err = LMM(embedded(t, "demo-sessions"), LMMOptions{Formula: "outcome ~ session + (1 | patient)", LMMConfintOptions: LMMConfintOptions{Confint: "nlme"}})
	var e *errs.Error
	if !errors.As(err, &e) || e.Hint != "Confint" {
		t.Errorf("nlme intervals without a residual structure: error %v, want one about Confint", err)
	}
}
