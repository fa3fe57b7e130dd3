package workflow

import (
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
