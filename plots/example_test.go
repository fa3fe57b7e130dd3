package plots_test

import (
	"fmt"
	"math"

	"gonum.org/v1/plot/vg"

	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/plots"
)

// A forest plot of Molloy et al.'s (2014) 16 correlations, analysed as
// Fisher z values and drawn as correlations. Save writes PNG, SVG or PDF by
// the file's extension.
func ExampleForest() {
	ri := []float64{0.187, 0.162, 0.34, 0.32, 0.27, 0, 0.175, 0.05, 0.26, 0.01, -0.09, 0.37, 0, 0.15, 0.24, 0.04}
	ni := []float64{109, 749, 55, 107, 72, 65, 174, 326, 58, 771, 56, 91, 116, 537, 158, 65}
	yi, vi := make([]float64, len(ri)), make([]float64, len(ri))
	for i := range ri {
		yi[i], vi[i] = math.Atanh(ri[i]), 1/(ni[i]-3)
	}
	res, err := meta.Fit(yi, vi, meta.Options{Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	rows, overall, err := plots.ForestFromMeta(res, nil, ni)
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.Forest(rows, plots.ForestOptions{
		Transform:     math.Tanh, // axis and text in r
		NoLeadingZero: true,
		EffectHeader:  "r [95% CI]",
		XLabel:        "Correlation (r)",
		Sort:          plots.SortEffect,
		Overall:       &overall,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// fig.Save("forest.pdf")
	fmt.Printf("%d studies, %.0f × %.1f in\n", len(rows), fig.Width/vg.Inch, fig.Height/vg.Inch)
	fmt.Println(overall.Note)
	// Output:
	// 16 studies, 7 × 3.7 in
	// τ² = 0.008, I² = 61.7%, Q(15) = 38.16, p < .001
}
