package workflow

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
	"github.com/alliance-research/alliance/datasets"
)

func embedded(t *testing.T, name string) Source {
	t.Helper()
	info, err := datasets.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := datasets.ReadEmbedded(name, datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return EmbeddedSource(info, tab)
}

func relClose(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b))
}

// The univariate model of the demo studies equals metafor's (the golden of
// testdata/golden/R/cli.R: rma(yi, vi) on escalc("ZCOR", ri, ni)).
func TestMetaMatchesMetafor(t *testing.T) {
	p, err := golden.Path("cli_meta.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Cases map[string]struct {
			Estimate, SE []float64
			Tau2, I2, QE float64
		}
	}
	if err = json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	want := g.Cases["demo-studies REML z"]
	run, err := Meta(embedded(t, "demo-studies"), MetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m := run.Model
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"estimate", m.Coefficients[0].Estimate, want.Estimate[0]}, {"se", m.Coefficients[0].SE, want.SE[0]}, {"tau2", m.Tau2, want.Tau2}, {"I2", m.I2, want.I2}, {"QE", m.QE, want.QE}} {
		if !relClose(c.got, c.want, 1e-8) {
			t.Errorf("%s = %.12g, metafor %.12g", c.name, c.got, c.want)
		}
	}
	// The table every front end shows carries the same number.
	coef := run.Section().Tables()[0]
	if coef.Name != "coefficients" || coef.Rows[0][1] != num(want.Estimate[0], 4) {
		t.Errorf("coefficient table %q row %v, want estimate %s", coef.Name, coef.Rows[0], num(want.Estimate[0], 4))
	}
}

// Methods and references follow what ran: a plain model cites no bias or
// influence method; asking for them adds exactly their citations.
func TestMetaMethodsFollowWhatRan(t *testing.T) {
	plain, err := Meta(embedded(t, "molloy2014"), MetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range plain.Cites() {
		if k == "egger1997" || k == "viechtbauercheung2010" || k == "pustejovsky2018" {
			t.Errorf("plain model cites %s", k)
		}
	}
	if strings.Contains(plain.Methods(), "Egger") {
		t.Errorf("plain methods mention Egger: %s", plain.Methods())
	}
	full, err := Meta(embedded(t, "molloy2014"), MetaOptions{Bias: true, Influence: true, LeaveOneOut: true, Test: "knha", Figures: []string{"forest", "funnel", "baujat"}})
	if err != nil {
		t.Fatal(err)
	}
	cites := strings.Join(full.Cites(), " ")
	for _, k := range []string{"egger1997", "begg1994", "duval2000", "viechtbauercheung2010", "baujat2002", "knapp2003"} {
		if !strings.Contains(cites, k) {
			t.Errorf("full run does not cite %s: %s", k, cites)
		}
	}
	cits, unknown := Citations(full.Cites()...)
	if len(unknown) > 0 {
		t.Errorf("keys missing from the reference list: %v", unknown)
	}
	for _, c := range cits {
		if c.Text() == "" {
			t.Errorf("empty citation %s", c.Key)
		}
	}
	var names []string
	for _, f := range full.Section().Figures() {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "forest,funnel,baujat" {
		t.Errorf("figures %v, want forest, funnel, baujat", names)
	}
	rc := full.Steps()[0].RCode
	for _, w := range []string{"rma(", "regtest(res", "ranktest(res)", "trimfill(res", "fsn(yi, vi", "influence(res)", "leave1out(res)", `test = "knha"`} {
		if !strings.Contains(rc, w) {
			t.Errorf("R code lacks %q:\n%s", w, rc)
		}
	}
	if cl := full.Steps()[0].Command; cl != "alliance meta --dataset molloy2014 --test knha --bias --influence --leave1out" {
		t.Errorf("command line %q", cl)
	}
}

// Contradictory options are option errors naming the option.
func TestMetaOptionErrors(t *testing.T) {
	src := embedded(t, "demo-studies")
	for _, c := range []struct {
		opt    MetaOptions
		option string
	}{
		{MetaOptions{Aggregate: "study", Cumulative: "year"}, "Aggregate"},
		{MetaOptions{Cluster: "study", Subgroup: "treatment"}, "Cluster"},
		{MetaOptions{Cluster: "study", Bias: true, SelModel: true}, "Cluster"},
		{MetaOptions{Cluster: "study", Bias: true, TrimFillEstimator: "R0"}, "Cluster"},
		{MetaOptions{Cluster: "study", Cumulative: "year"}, "Cluster"},
		{MetaOptions{Cluster: "study", LeaveClusterOut: "study"}, "Cluster"},
		{MetaOptions{Level: 1.5}, "Level"},
		{MetaOptions{RobustType: "HC0"}, "RobustType"},
		{MetaOptions{Cluster: "study", Method: "DL"}, "Method"},
		{MetaOptions{Mods: []string{"year"}, Bias: true}, "Mods"},
	} {
		_, err := Meta(src, c.opt)
		if OptionOf(err) != c.option {
			t.Errorf("%+v: error %v, want an option error on %s", c.opt, err, c.option)
		}
	}
}

// The three-level model with CR2 (rma.mv + clubSandwich) and the
// univariate model beside it, as the report asks.
func TestMetaThreeLevelBeside(t *testing.T) {
	run, err := Meta(embedded(t, "demo-studies"), MetaOptions{Cluster: "study", Univariate: true, Robust: "study"})
	if err != nil {
		t.Fatal(err)
	}
	if run.Model == nil || run.ThreeLevel == nil || run.ThreeLevel.Robust == nil {
		t.Fatalf("model %v, three-level %v", run.Model != nil, run.ThreeLevel != nil)
	}
	if run.ThreeLevel.NLevels[0] != 60 || run.ThreeLevel.K != 83 {
		t.Errorf("three-level: %d effects in %d clusters, want 83 in 60", run.ThreeLevel.K, run.ThreeLevel.NLevels[0])
	}
	steps := run.Steps()
	if len(steps) != 2 {
		t.Fatalf("%d steps, want the univariate and the three-level command", len(steps))
	}
	rc := steps[1].RCode
	if !strings.Contains(rc, "rma.mv(yi, vi, random = ~ 1 | study/row") || !strings.Contains(rc, "clubSandwich = TRUE") {
		t.Errorf("R code:\n%s", rc)
	}
	if steps[0].Command != "alliance meta --dataset demo-studies" || steps[1].Command != "alliance meta --dataset demo-studies --cluster study --robust study" {
		t.Errorf("commands %q, %q", steps[0].Command, steps[1].Command)
	}
}

// The table of included studies: one row per analysed study, r = tanh(z)
// of each Fisher z, weights summing to 100%.
func TestMetaStudyTable(t *testing.T) {
	run, err := Meta(embedded(t, "molloy2014"), ReportMetaOptions(MetaOptions{}, false))
	if err != nil {
		t.Fatal(err)
	}
	var st *Table
	for _, tb := range run.Section().Tables() {
		if tb.Name == "studies" {
			st = tb
		}
	}
	if st == nil || len(st.Rows) != run.Model.K {
		t.Fatalf("studies table %v", st)
	}
	if st.Rows[0][2] != rnum(math.Tanh(run.Model.Yi[0]), 2) {
		t.Errorf("first r %s, want %s", st.Rows[0][2], rnum(math.Tanh(run.Model.Yi[0]), 2))
	}
	var sum float64
	for _, row := range st.Rows {
		var w float64
		if _, err := fmt.Sscan(strings.ReplaceAll(row[4], "−", "-"), &w); err != nil {
			t.Fatal(err)
		}
		sum += w
	}
	if math.Abs(sum-100) > 0.1*float64(len(st.Rows)) {
		t.Errorf("weights sum to %g%%", sum)
	}
}

// A user-specified τ² is said as such, not as a REML estimate (issue 14),
// and the JSON carries metafor's tau2.fix.
func TestMetaFixedTau2Said(t *testing.T) {
	tau2 := 0.01
	run, err := Meta(embedded(t, "molloy2014"), MetaOptions{Tau2: &tau2})
	if err != nil {
		t.Fatal(err)
	}
	if !run.Model.Tau2Fix || run.Model.Tau2 != 0.01 {
		t.Fatalf("tau2_fix %v tau2 %v", run.Model.Tau2Fix, run.Model.Tau2)
	}
	var text []string
	for _, b := range run.Section().Blocks {
		if p, ok := b.(*Paragraph); ok {
			text = append(text, p.Text)
		}
	}
	all := strings.Join(text, " ") + " " + run.Methods()
	if !strings.Contains(all, "user-specified τ² = 0.0100") || strings.Contains(all, "restricted maximum likelihood") || !strings.Contains(all, "fixed at τ² = 0.0100") {
		t.Errorf("text says: %s", all)
	}
}

// PET-PEESE and the selection model without the bias analysis are refused,
// not silently skipped.
func TestMetaSelModelNeedsBias(t *testing.T) {
	for _, o := range []MetaOptions{{SelModel: true}, {SelSteps: []float64{0.025, 0.5, 1}}, {PETPEESE: true}} {
		if _, err := Meta(embedded(t, "molloy2014"), o); err == nil || !strings.Contains(err.Error(), "bias") {
			t.Errorf("%+v: err %v", o, err)
		}
	}
}
