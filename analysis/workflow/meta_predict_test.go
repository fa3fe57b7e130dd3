package workflow

import (
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/apa"
)

var demoPoints = []map[string]string{{"year": "2010", "alliance_rater": "patient"}, {"Year": "2020", "alliance_rater": "therapist"}}

// The workflow's predictions are the model's own (Predict on the fitted
// meta.Result / metamv.Result), moderator names match case-insensitively,
// the term test selects a factor's level columns, and the reproduction
// (command line and R code) carries the predict() and anova() calls.
func TestMetaPredictRun(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  MetaOptions
	}{
		{"univariate-knha", MetaOptions{Test: "knha"}},
		{"three-level-t", MetaOptions{Cluster: "study/es_id", Test: "t", NoProfile: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := c.opt
			o.Mods, o.Predict, o.TestTerms = []string{"year", "alliance_rater"}, demoPoints, []string{"alliance_rater"}
			run, err := Meta(embedded(t, "demo-studies"), o)
			if err != nil {
				t.Fatal(err)
			}
			var got, want []float64
			var df2 *int
			if run.Model != nil {
				p, err := run.Model.Predict([]map[string]string{{"year": "2010", "alliance_rater": "patient"}, {"year": "2020", "alliance_rater": "therapist"}})
				if err != nil {
					t.Fatal(err)
				}
				for i := range p {
					want = append(want, p[i].Pred, p[i].SE, *p[i].PILB)
					got = append(got, run.Model.Predictions[i].Pred, run.Model.Predictions[i].SE, *run.Model.Predictions[i].PILB)
				}
				if len(run.Model.TermTests) != 1 || len(run.Model.TermTests[0].Coefs) != 2 {
					t.Fatalf("term tests %+v", run.Model.TermTests)
				}
				df2 = run.Model.TermTests[0].DF2
			} else {
				m := run.ThreeLevel
				p, err := m.Predict([]map[string]string{{"year": "2010", "alliance_rater": "patient"}, {"year": "2020", "alliance_rater": "therapist"}})
				if err != nil {
					t.Fatal(err)
				}
				for i := range p {
					want = append(want, p[i].Pred, p[i].SE, *p[i].PILB)
					got = append(got, m.Predictions[i].Pred, m.Predictions[i].SE, *m.Predictions[i].PILB)
				}
				if len(m.TermTests) != 1 || len(m.TermTests[0].Coefs) != 2 || m.VcovNamed == nil || len(m.VcovNamed.Names) != 4 {
					t.Fatalf("term tests %+v, vcov %+v", m.TermTests, m.VcovNamed)
				}
				df2 = m.TermTests[0].DF2
			}
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-12 {
					t.Errorf("value %d = %v, want %v", i, got[i], want[i])
				}
			}
			if df2 == nil {
				t.Error("F test under a t-type test has no df2")
			}
			st := run.Steps()[0]
			for _, s := range []string{"predict(", "newmods = X", "transf = transf.ztor", "anova(", "btt = c(3, 4)", "vcov("} {
				if !strings.Contains(st.RCode, s) {
					t.Errorf("R code lacks %q:\n%s", s, st.RCode)
				}
			}
			if !strings.Contains(st.Command, "--predict 'year=2010,alliance_rater=patient;Year=2020,alliance_rater=therapist'") ||
				!strings.Contains(st.Command, "--test-terms alliance_rater") {
				t.Errorf("command line %q lacks the prediction flags", st.Command)
			}
		})
	}
}

// Bad prediction options are refused naming the option.
func TestMetaPredictBadOptions(t *testing.T) {
	src := embedded(t, "demo-studies")
	for _, c := range []struct {
		opt    MetaOptions
		option string
	}{
		{MetaOptions{Predict: demoPoints}, "Predict"},
		{MetaOptions{TestTerms: []string{"year"}}, "TestTerms"},
		{MetaOptions{Mods: []string{"year"}, Predict: []map[string]string{{"yaer": "2010"}}}, "Predict"},
		{MetaOptions{Mods: []string{"alliance_rater"}, Predict: []map[string]string{{"alliance_rater": "nobody"}}}, "Predict"},
		{MetaOptions{Mods: []string{"year", "alliance_rater"}, Predict: []map[string]string{{"year": "2010"}}}, "Predict"},
		{MetaOptions{Mods: []string{"year"}, TestTerms: []string{"rater"}}, "TestTerms"},
	} {
		_, err := Meta(src, c.opt)
		if err == nil {
			t.Errorf("%+v: no error", c.opt)
			continue
		}
		if got := OptionOf(err); got != c.option {
			t.Errorf("%+v: error %q names option %q, want %q", c.opt, err, got, c.option)
		}
	}
}

// The R code of predictions prints the same numbers (predict(res, newmods),
// vcov, anova(res, btt)) as alliance's JSON, for univariate (REML knha, FE)
// and three-level models; skipped without R.
func TestMetaPredictRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "metafor", "jsonlite")
	for _, c := range []struct {
		name string
		opt  MetaOptions
		tol  float64
	}{
		{"knha", MetaOptions{Test: "knha"}, tolEst},
		{"FE", MetaOptions{Method: "FE"}, tolEst},
		// the R code's rma.mv stops at rel.tol 1e-10: its σ² (and the
		// variance distribution) agree to 5e-6 here
		{"three-level", MetaOptions{Cluster: "study/es_id", Test: "t", NoProfile: true}, 2e-5},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := c.opt
			o.Mods, o.Predict, o.TestTerms = []string{"year", "alliance_rater"}, demoPoints, []string{"alliance_rater"}
			run, err := Meta(embedded(t, "demo-studies"), o)
			if err != nil {
				t.Fatal(err)
			}
			objs := runRCode(t, rs, run.Steps()[0].RCode)
			r := map[string]float64{}
			flatten(objs[len(objs)-1], "", r)
			compareJSON(t, c.name, oursJSON(t, run.Output()), r, c.tol)
		})
	}
}

// What --predict and --test-terms computed is in the section a user reads
// (text, markdown, the report), not in the JSON only: a predictions table
// whose cells are the predicted values, and the term test line with its
// statistic and p, for both model kinds.
func TestMetaPredictInSection(t *testing.T) {
	for _, o := range []MetaOptions{{Test: "knha"}, {Cluster: "study/es_id", Test: "t", NoProfile: true}} {
		o.Mods, o.Predict, o.TestTerms = []string{"year", "alliance_rater"}, demoPoints, []string{"alliance_rater"}
		run, err := Meta(embedded(t, "demo-studies"), o)
		if err != nil {
			t.Fatal(err)
		}
		preds, tests := run.Model, run.ThreeLevel
		var p0 float64
		var tt string
		if preds != nil {
			p0, tt = preds.Predictions[0].Pred, apa.P(preds.TermTests[0].P)
		} else {
			p0, tt = tests.Predictions[0].Pred, apa.P(tests.TermTests[0].P)
		}
		var table *Table
		line := ""
		for _, b := range run.Section().Blocks {
			switch x := b.(type) {
			case *Table:
				if x.Name == "predictions" {
					table = x
				}
			case *Paragraph:
				if strings.HasPrefix(x.Text, "Test that the coefficients of alliance_rater") {
					line = x.Text
				}
			}
		}
		if table == nil || len(table.Rows) != 2 || table.Rows[0][1] != num(p0, 4) || !strings.Contains(table.Rows[0][0], "year = 2010") {
			t.Fatalf("%+v: predictions table %+v", o, table)
		}
		if !strings.Contains(line, tt) {
			t.Errorf("%+v: term test line %q lacks %s", o, line, tt)
		}
	}
}
