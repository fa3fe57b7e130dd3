package plots_test

import (
	"bytes"
	"testing"

	"github.com/alliance-research/alliance/analysis/bayesmeta"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots"
)

// eightSchools is bayesmeta's fit of Rubin's eight schools (half-Cauchy
// prior on τ with scale 25, normal prior on μ with SD 50).
func eightSchools() (*bayesmeta.Result, error) {
	y := []float64{28.39, 7.94, -2.75, 6.82, -0.64, 0.63, 18.01, 12.16}
	se := []float64{14.9, 10.2, 16.3, 11.0, 9.4, 11.4, 10.4, 17.6}
	v := make([]float64, len(se))
	for i, s := range se {
		v[i] = s * s
	}
	return bayesmeta.Fit(y, v, bayesmeta.Options{Tau: bayesmeta.TauPrior{Family: bayesmeta.HalfCauchy, Scale: 25}, Mu: bayesmeta.MuPrior{Family: bayesmeta.Normal, SD: 50}})
}

// TestPosteriorFromSpec draws the two panels, with the model-averaged
// posterior, and renders to SVG.
func TestPosteriorFromSpec(t *testing.T) {
	r, err := eightSchools()
	if err != nil {
		t.Fatal(err)
	}
	b, err := bayesmeta.BMA(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := plots.FromSpec(workflow.BayesPosteriorSpec{Fit: r, BMA: b})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Panels) != 1 || len(f.Panels[0]) != 2 {
		t.Fatalf("panels %v", f.Panels)
	}
	var buf bytes.Buffer
	if err := f.Encode(&buf, "svg"); err != nil {
		t.Fatal(err)
	}
	if buf.Len() < 1000 {
		t.Errorf("svg of %d bytes", buf.Len())
	}
}
