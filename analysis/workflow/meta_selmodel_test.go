package workflow

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/meta"
)

// The selection model's cut points reach the model, and the methods
// sentence, the bias table, the R code and the command line say which
// steps ran.
func TestMetaSelModelSteps(t *testing.T) {
	run, err := Meta(embedded(t, "molloy2014"), MetaOptions{Method: "ML", Bias: true, SelModel: true, SelSteps: []float64{0.025, 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	if run.Bias == nil || run.Bias.SelModel == nil {
		t.Fatalf("no selection model: %+v", run.Bias)
	}
	s := run.Bias.SelModel
	// The same model fitted directly (meta's own tests compare it with
	// metafor's selmodel(res, type = "stepfun", steps = c(0.025, 0.5, 1))).
	want, err := meta.SelModel(run.Model, meta.SelModelOptions{Steps: []float64{0.025, 0.5, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Steps) != 3 || s.Steps[2] != 1 || s.LRTDF != 2 || len(s.Delta) != 3 || s.Estimate != want.Estimate || s.LRT != want.LRT {
		t.Errorf("selmodel steps %v df %d delta %v estimate %g; direct fit %v %d %v %g", s.Steps, s.LRTDF, s.Delta, s.Estimate, want.Steps, want.LRTDF, want.Delta, want.Estimate)
	}
	if m := run.Methods(); !strings.Contains(m, "cut points at one-sided p = .025, .5 was fitted") {
		t.Errorf("methods do not name the cut points: %s", m)
	}
	found := false
	for _, tab := range run.Section().Tables() {
		for _, row := range tab.Rows {
			if len(row) > 1 && strings.HasPrefix(row[0], "Selection model (steps at p = .025, .5; δ = ") && row[1] == "LRT χ²(2) = "+num(s.LRT, 2) {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("no bias-table row for the two-step selection model")
	}
	var cmd, rcode string
	for _, st := range run.Steps() {
		cmd += st.Command + "\n"
		rcode += st.RCode + "\n"
	}
	if !strings.Contains(cmd, "--selmodel --steps 0.025,0.5") {
		t.Errorf("command line lacks the steps: %s", cmd)
	}
	if !strings.Contains(rcode, `selmodel(res, type = "stepfun", steps = c(0.025, 0.5, 1))`) {
		t.Errorf("R code lacks the steps: %s", rcode)
	}
}

// A continuous selection model reaches meta with its type, precision and
// step; the methods cite its source, the bias table, the R code and the
// command line name it, and its figure is specified.
func TestMetaSelModelType(t *testing.T) {
	run, err := Meta(embedded(t, "molloy2014"), MetaOptions{Method: "ML", SelType: "HalfNorm", SelPrec: "sei", SelSteps: []float64{0.025}, Figures: []string{"selmodel"}})
	if err != nil {
		t.Fatal(err)
	}
	if run.Bias == nil || run.Bias.SelModel == nil {
		t.Fatalf("no selection model: %+v", run.Bias)
	}
	s := run.Bias.SelModel
	want, err := meta.SelModel(run.Model, meta.SelModelOptions{Type: meta.SelHalfNorm, Prec: meta.PrecSEI, Steps: []float64{0.025}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Type != "halfnorm" || s.Prec != "sei" || s.Estimate != want.Estimate || s.LRT != want.LRT || len(s.PTable) != 2 {
		t.Errorf("selmodel %+v; direct fit %+v", s, want)
	}
	if m := run.Methods(); !strings.Contains(m, "half-normal selection model (Preston, Ashby & Smyth, 2004)") || !strings.Contains(m, "standard error divided by its maximum") || !strings.Contains(m, "p ≤ .025") {
		t.Errorf("methods: %s", m)
	}
	if !slices.Contains(run.Cites(), "preston2004") {
		t.Errorf("cites %v", run.Cites())
	}
	var cmd, rcode string
	for _, st := range run.Steps() {
		cmd += st.Command + "\n"
		rcode += st.RCode + "\n"
	}
	if !strings.Contains(cmd, "--selmodel=halfnorm --prec sei --steps 0.025") || !strings.Contains(cmd, "--selmodel-plot") && !strings.Contains(cmd, "--bias") {
		t.Errorf("command line: %s", cmd)
	}
	if !strings.Contains(rcode, `selmodel(res, type = "halfnorm", steps = 0.025, prec = "sei"`) || !strings.Contains(rcode, `plot(sel, ci = "wald")`) {
		t.Errorf("R code: %s", rcode)
	}
	found := false
	for _, tab := range run.Section().Tables() {
		for _, row := range tab.Rows {
			if len(row) > 1 && strings.HasPrefix(row[0], "Selection model (half-normal, prec sei, step at p = .025; δ = ") {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("no bias-table row for the half-normal model")
	}
	if _, err := Meta(embedded(t, "molloy2014"), MetaOptions{Bias: true, SelType: "beta", SelPrec: "sei"}); OptionOf(err) != "SelPrec" {
		t.Errorf("beta with prec: %v", err)
	}
	if _, err := Meta(embedded(t, "molloy2014"), MetaOptions{Bias: true, SelType: "gamma"}); OptionOf(err) != "SelType" {
		t.Errorf("unknown type: %v", err)
	}
}

// --tes and --hc reach meta (metafor 3.8-1 on dat.molloy2014, REML:
// tes O = 9, E = 7.0531, exact p = .2110; hc 0.1252 [0.0400, 0.2104]), and
// the methods, citations, R code and command line name them.
func TestMetaTESHC(t *testing.T) {
	run, err := Meta(embedded(t, "molloy2014"), MetaOptions{Bias: true, TES: true, HC: true})
	if err != nil {
		t.Fatal(err)
	}
	b := run.Bias
	if b.TES == nil || b.HC == nil {
		t.Fatalf("tes %v hc %v (errors %v)", b.TES, b.HC, b.Errors)
	}
	if b.TES.O != 9 || math.Abs(b.TES.E-7.05308441051349) > 1e-6 || b.TES.Test != "exact" || math.Abs(b.TES.P-0.211033418474341) > 1e-6 {
		t.Errorf("tes %+v", b.TES)
	}
	if math.Abs(b.HC.CILB-0.03997531019961786) > 1e-6 || math.Abs(b.HC.CIUB-0.21037801731141004) > 1e-6 {
		t.Errorf("hc %+v", b.HC)
	}
	if m := run.Methods(); !strings.Contains(m, "Ioannidis & Trikalinos, 2007") || !strings.Contains(m, "Henmi & Copas, 2010") {
		t.Errorf("methods: %s", m)
	}
	var cmd, rcode string
	for _, st := range run.Steps() {
		cmd += st.Command + "\n"
		rcode += st.RCode + "\n"
	}
	if !strings.Contains(cmd, "--tes --hc") || !strings.Contains(rcode, "tes(res)") || !strings.Contains(rcode, "hc(res)") {
		t.Errorf("command %s / R %s", cmd, rcode)
	}
}
