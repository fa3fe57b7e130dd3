package meta_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/meta"
)

// Does heterogeneity depend on grade level? metafor's own location–scale
// example (dat.bangertdrowns2004, Bangert-Drowns et al. 2004, from the
// metadat package): rma(yi, vi, scale = ~ grade) prints the scale
// coefficients -3.1051 (SE 0.9736) and 0.0414 (SE 0.3265), QS = 0.0161
// (p = 0.8992), and predict(res, newscale = c(1, 4), transf = exp) gives
// τ² = 0.0467 [0.0118, 0.1850] and 0.0529 [0.0151, 0.1847].
func ExampleFitLocationScale() {
	yi := []float64{0.65, -0.75, -0.21, -0.04, 0.23, 0.03, 0.26, 0.06, 0.06, 0.12, 0.77, 0, 0.52, 0.54, 0.2, 0.2, -0.16, 0.42, 0.6, 0.51, 0.58, 0.54, 0.09, 0.37, -0.01, -0.13, 0.18, 0.27, -0.02, 0.33, 0.59, 0.84, -0.32, 0.12, 1.12, -0.12, -0.44, -0.07, 0.7, 0.49, 0.2, 0.58, 0.15, 0.63, 0.04, 1.46, 0.04, 0.25}
	vi := []float64{0.07, 0.126, 0.042, 0.019, 0.022, 0.009, 0.106, 0.007, 0.04, 0.052, 0.107, 0.021, 0.037, 0.083, 0.086, 0.091, 0.167, 0.052, 0.091, 0.065, 0.073, 0.061, 0.1, 0.06, 0.083, 0.037, 0.069, 0.018, 0.009, 0.053, 0.017, 0.112, 0.06, 0.044, 0.129, 0.023, 0.205, 0.033, 0.265, 0.039, 0.021, 0.067, 0.014, 0.168, 0.016, 0.099, 0.087, 0.072}
	grade := []float64{4, 2, 2, 4, 1, 4, 3, 1, 4, 1, 4, 4, 1, 4, 4, 4, 4, 4, 4, 4, 1, 3, 1, 3, 2, 3, 3, 3, 1, 1, 1, 1, 4, 3, 4, 3, 2, 4, 4, 4, 2, 3, 4, 4, 1, 3, 2, 4}
	res, err := meta.FitLocationScale(yi, vi, meta.Options{}, []meta.Moderator{{Name: "grade", Numeric: grade}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range res.ScaleCoefficients {
		fmt.Printf("%-7s %8.4f (SE %.4f)\n", c.Name, c.Estimate, c.SE)
	}
	fmt.Printf("QS(%d) = %.4f, p = %.4f\n", res.QSDF, res.QS, res.QSP)
	preds, err := res.PredictScale([]map[string]string{{"grade": "1"}, {"grade": "4"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range preds {
		fmt.Printf("grade %s: tau2 = %.4f [%.4f, %.4f]\n", p.Values["grade"], p.Tau2, p.Tau2CILB, p.Tau2CIUB)
	}
	// Output:
	// intrcpt  -3.1051 (SE 0.9736)
	// grade     0.0414 (SE 0.3265)
	// QS(1) = 0.0161, p = 0.8992
	// grade 1: tau2 = 0.0467 [0.0118, 0.1850]
	// grade 4: tau2 = 0.0529 [0.0151, 0.1847]
}
