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
