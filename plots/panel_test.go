package plots

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/datasets/simulate"
)

func panelRun(t *testing.T, stationary bool) *workflow.PanelRun {
	t.Helper()
	p := simulate.DefaultPanelParams()
	p.Patients, p.Waves = 300, 5
	var buf bytes.Buffer
	if _, err := simulate.WritePanelCSV(&buf, p); err != nil {
		t.Fatal(err)
	}
	tab, err := datasets.ReadBytes("panel.csv", buf.Bytes(), datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	run, err := workflow.Panel(workflow.FileSource("panel.csv", tab), workflow.PanelOptions{Stationary: stationary})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// The by-wave figure has the 2 × 2 grid with one point per wave and path;
// the stationary one a single panel; both encode as PNG and SVG.
func TestPanelLaggedFigure(t *testing.T) {
	dir := t.TempDir()
	for _, stationary := range []bool{false, true} {
		run := panelRun(t, stationary)
		fig, err := FromSpec(workflow.PanelLaggedSpec{Lagged: run.Lagged, XName: "alliance", YName: "outcome"})
		if err != nil {
			t.Fatal(err)
		}
		rows, cols := len(fig.Panels), len(fig.Panels[0])
		if stationary && (rows != 1 || cols != 1) || !stationary && (rows != 2 || cols != 2) {
			t.Errorf("stationary=%v: %d × %d panels", stationary, rows, cols)
		}
		if !stationary && fig.Panels[1][0].Title.Text != "alliance → outcome" {
			t.Errorf("cross-lag panel titled %q", fig.Panels[1][0].Title.Text)
		}
		// The session axis has whole sessions only (it showed 2.5, 7.5).
		if !stationary {
			x := fig.Panels[0][0].X
			for _, tk := range x.Tick.Marker.Ticks(x.Min, x.Max) {
				if tk.Label != "" && tk.Value != math.Trunc(tk.Value) {
					t.Errorf("session tick %v (%q)", tk.Value, tk.Label)
				}
			}
		}
		for _, ext := range []string{"png", "svg"} {
			path := filepath.Join(dir, "panel."+ext)
			if err := fig.Save(path); err != nil {
				t.Fatal(err)
			}
			if st, err := os.Stat(path); err != nil || st.Size() < 1000 {
				t.Errorf("%s: %v", path, err)
			}
		}
		if os.Getenv("ALLIANCE_KEEP_FIGURES") != "" {
			name := map[bool]string{false: "panel-waves.png", true: "panel-stationary.png"}[stationary]
			_ = fig.Save(filepath.Join(os.TempDir(), name))
		}
	}
	if _, err := PanelLagged(nil, "x", "y", Theme{}); err == nil {
		t.Error("no effects: want an error")
	}
}
