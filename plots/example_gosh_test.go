package plots_test

import (
	"fmt"
	"io"

	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots"
)

// The GOSH plot of dat.molloy2014 (k = 16, all 65,535 subsets by REML, as
// metafor's plot(gosh(res), out = 10)): study 10 is the one the flag rule
// names (R, from gosh()'s table: d_I2 = 1.27; every other |d| < 1), and its
// subsets (red) lie lower and to the left of the others (blue).
func ExampleGoshFromSpec() {
	yi, vi := molloyZ()
	res, err := meta.Fit(yi, vi, meta.Options{Method: meta.REML, Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	g, err := meta.Gosh(res, meta.GoshOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.GoshFromSpec(workflow.GoshSpec{Gosh: g, Out: 9})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := fig.Encode(io.Discard, "png"); err != nil {
		fmt.Println(err)
	}
	s := g.Studies[9]
	fmt.Printf("%d subsets, flagged %v\n", g.Subsets, g.Flagged)
	fmt.Printf("study 10: d_estimate = %.2f, d_I2 = %.2f\n", s.DEstimate, s.DI2)
	// Output:
	// 65535 subsets, flagged [10]
	// study 10: d_estimate = -0.83, d_I2 = 1.27
}
