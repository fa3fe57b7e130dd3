package meta_test

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/meta"
)

// GOSH of the first 10 studies of Molloy et al. (2014): all 1,023 subsets
// fitted by REML. Study 10 (r = .01, n = 771) splits the cloud: subsets
// with it have a lower estimate and a higher I². The shifts d equal those
// computed in R from metafor 3.8-1's gosh() table (testdata/golden/R/gosh.R:
// d_estimate −1.01, d_I2 1.43 for study 10; 0.83 and 0.56 are the next
// largest; the means with and without study 10 are R's 0.137202, 0.182347,
// 66.950935 and 28.148169 with control = list(threshold = 1e-10, maxiter =
// 1000) — metafor's default controls give 28.2).
func ExampleGosh() {
	ri := []float64{0.187, 0.162, 0.34, 0.32, 0.27, 0, 0.175, 0.05, 0.26, 0.01}
	ni := []float64{109, 749, 55, 107, 72, 65, 174, 326, 58, 771}
	yi, vi := make([]float64, 10), make([]float64, 10)
	for i := range ri {
		yi[i], vi[i] = math.Atanh(ri[i]), 1/(ni[i]-3)
	}
	res, err := meta.Fit(yi, vi, meta.Options{Method: "REML"})
	if err != nil {
		fmt.Println(err)
		return
	}
	g, err := meta.Gosh(res, meta.GoshOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d subsets (all: %v), flagged: %v\n", g.Subsets, g.AllSubsets, g.Flagged)
	s := g.Studies[9]
	fmt.Printf("study %s: estimate %.3f with, %.3f without (d = %.2f); I² %.2f%% with, %.2f%% without (d = %.2f)\n",
		s.Study, s.EstimateWith, s.EstimateWithout, s.DEstimate, s.I2With, s.I2Without, s.DI2)
	// Output:
	// 1023 subsets (all: true), flagged: [10]
	// study 10: estimate 0.137 with, 0.182 without (d = -1.01); I² 66.95% with, 28.15% without (d = 1.43)
}
