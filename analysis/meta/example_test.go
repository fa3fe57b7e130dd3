package meta_test

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/meta"
)

// Molloy et al. (2014): conscientiousness and medication adherence, 16
// correlations (metadat::dat.molloy2014), analysed as Fisher z values.
// metafor 3.8-1 gives z = 4.750, QE p = .00085 and a PI for r of [−.045, .325].
func Example() {
	ri := []float64{0.187, 0.162, 0.34, 0.32, 0.27, 0, 0.175, 0.05, 0.26, 0.01, -0.09, 0.37, 0, 0.15, 0.24, 0.04}
	ni := []float64{109, 749, 55, 107, 72, 65, 174, 326, 58, 771, 56, 91, 116, 537, 158, 65}
	yi := make([]float64, len(ri))
	vi := make([]float64, len(ri))
	for i := range ri {
		yi[i], vi[i] = math.Atanh(ri[i]), 1/(ni[i]-3)
	}
	res, err := meta.Fit(yi, vi, meta.Options{Method: "REML", Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Summary())
	fmt.Println(res.Interpretation())
	// Output:
	// k = 16, r = .15, 95% CI [.09, .21], z = 4.75, p < .001; τ² = 0.008, I² = 61.7%, Q(15) = 38.16, p < .001; 95% PI [−.04, .32]
	// Across 16 effect sizes the average correlation is positive (r = .15), small-to-medium by Cohen's (1988) benchmarks, and is statistically significant, with the true mean plausibly between .09 and .21; heterogeneity is substantial (I² = 61.7%), so the effect in a new study could lie anywhere from −.04 to .32.
}
