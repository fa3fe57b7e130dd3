package workflow

import (
	"math"
	"strings"
	"testing"
)

// The panel Part on the demo sessions: waves chosen and said, lagged rows
// named by the columns and labelled by session, lavaan code that writes the
// same model, and the numbers of the engine (tested against lavaan in
// package panel).
func TestPanelPart(t *testing.T) {
	run, err := Panel(embedded(t, "demo-sessions"), PanelOptions{Stationary: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Waves) < 3 || run.Patients == 0 || !run.Converged {
		t.Fatalf("waves %v patients %d converged %v", run.Waves, run.Patients, run.Converged)
	}
	if len(run.Lagged) != 4 || run.Lagged[0].Wave != nil {
		t.Fatalf("stationary: %d lagged rows", len(run.Lagged))
	}
	var cross float64
	for _, l := range run.Lagged {
		if l.From == "alliance" && l.To == "outcome" {
			cross = l.Estimate
		}
	}
	if cross == 0 || math.IsNaN(cross) {
		t.Errorf("no alliance → outcome path: %+v", run.Lagged)
	}
	if len(run.TopNotes()) == 0 || !strings.Contains(run.TopNotes()[0].Text, "Waves: sessions") {
		t.Errorf("waves not said: %v", run.TopNotes())
	}
	rc := run.Steps()[0].RCode
	for _, w := range []string{"RIx =~ 1*x1", "wy2 ~ ay*wy1 + byx*wx1", `missing = "ML"`, "reshape("} {
		if !strings.Contains(rc, w) {
			t.Errorf("R code lacks %q", w)
		}
	}
	if _, err := Panel(embedded(t, "demo-sessions"), PanelOptions{Waves: []int{1, 2}}); err == nil || !strings.Contains(err.Error(), "at least 3 waves") {
		t.Errorf("two waves: %v", err)
	}
}
