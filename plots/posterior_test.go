package plots

import (
	"bytes"
	"testing"

	"github.com/alliance-research/alliance/analysis/bayesmeta"
	"github.com/alliance-research/alliance/analysis/workflow"
)

// TestPosteriorFromSpec draws the two panels, with μ's axis covering its
// shortest interval and τ's starting at 0, and renders to SVG.
func TestPosteriorFromSpec(t *testing.T) {
	y := []float64{28.39, 7.94, -2.75, 6.82, -0.64, 0.63, 18.01, 12.16}
	se := []float64{14.9, 10.2, 16.3, 11.0, 9.4, 11.4, 10.4, 17.6}
	v := make([]float64, len(se))
	for i, s := range se {
		v[i] = s * s
	}
	r, err := bayesmeta.Fit(y, v, bayesmeta.Options{Tau: bayesmeta.TauPrior{Family: bayesmeta.HalfCauchy, Scale: 25}, Mu: bayesmeta.MuPrior{Family: bayesmeta.Normal, SD: 50}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bayesmeta.BMA(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := FromSpec(workflow.BayesPosteriorSpec{Fit: r, BMA: b})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Panels) != 1 || len(f.Panels[0]) != 2 {
		t.Fatalf("panels %v", f.Panels)
	}
	pm, pt := f.Panels[0][0], f.Panels[0][1]
	if !(pm.X.Min < r.Mu.ShortestLB && pm.X.Max > r.Mu.ShortestUB) {
		t.Errorf("μ axis [%v, %v] does not cover [%v, %v]", pm.X.Min, pm.X.Max, r.Mu.ShortestLB, r.Mu.ShortestUB)
	}
	if pt.X.Min != 0 || !(pt.X.Max > r.Tau.ShortestUB) {
		t.Errorf("τ axis [%v, %v]", pt.X.Min, pt.X.Max)
	}
	var buf bytes.Buffer
	if err := f.Encode(&buf, "svg"); err != nil {
		t.Fatal(err)
	}
	if buf.Len() < 1000 {
		t.Errorf("svg of %d bytes", buf.Len())
	}
}
