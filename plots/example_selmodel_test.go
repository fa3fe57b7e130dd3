package plots_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots"
)

// The step-function selection model of dat.molloy2014 with steps at
// one-sided p = .025 and .5 (metafor: selmodel(res, type = "stepfun",
// steps = c(.025, .5, 1)) gives δ = 1, 0.1866, 0.0220 and δ₂'s CI
// [0, 0.5025]): the drawn function is δ on each interval — 1 for
// p ≤ .025 — and its band the function at the δ CI limits.
func ExampleSelModelFromSpec() {
	yi, vi := molloyZ()
	res, err := meta.Fit(yi, vi, meta.Options{Method: meta.ML})
	if err != nil {
		fmt.Println(err)
		return
	}
	sel, err := meta.SelModel(res, meta.SelModelOptions{Steps: []float64{0.025, 0.5}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.SelModelFromSpec(workflow.SelModelSpec{Sel: sel, Level: 0.95})
	if err != nil {
		fmt.Println(err)
		return
	}
	lo, hi := sel.WeightCI(0.3, 0.95)
	fmt.Printf("panels %d\n", len(fig.Panels[0]))
	fmt.Printf("w(.01) = %.3f, w(.3) = %.3f = δ₂ %.3f, w(.7) = %.3f = δ₃ %.3f\n", sel.Weight(0.01), sel.Weight(0.3), sel.Delta[1], sel.Weight(0.7), sel.Delta[2])
	fmt.Printf("band at .3 = δ₂'s CI: [%.3f, %.3f] = [%.3f, %.3f]\n", lo, hi, sel.DeltaCILB[1], sel.DeltaCIUB[1])
	// Output:
	// panels 1
	// w(.01) = 1.000, w(.3) = 0.187 = δ₂ 0.187, w(.7) = 0.022 = δ₃ 0.022
	// band at .3 = δ₂'s CI: [0.000, 0.503] = [0.000, 0.503]
}
