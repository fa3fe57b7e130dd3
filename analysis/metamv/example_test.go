package metamv_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/metamv"
)

// Konstantopoulos (2011): 56 standardised mean differences of modified
// school calendars, schools nested in districts (metadat's
// dat.konstantopoulos2011). metafor's rma.mv(yi, vi, random = ~ 1 |
// district/school) gives 0.1847 (SE 0.0846), σ² = 0.0651 and 0.0327;
// clubSandwich CR2 gives SE 0.0845 with 9.86 Satterthwaite df (p = .054).
func Example() {
	district := []string{"11", "11", "11", "11", "12", "12", "12", "12", "18", "18", "18", "27", "27", "27", "27", "56", "56", "56", "56", "58", "58", "58", "58", "58", "58", "58", "58", "58", "58", "58", "71", "71", "71", "86", "86", "86", "86", "86", "86", "86", "86", "91", "91", "91", "91", "91", "91", "108", "108", "108", "108", "108", "644", "644", "644", "644"}
	yi := []float64{-0.18, -0.22, 0.23, -0.3, 0.13, -0.26, 0.19, 0.32, 0.45, 0.38, 0.29, 0.16, 0.65, 0.36, 0.6, 0.08, 0.04, 0.19, -0.06, -0.18, 0, 0, -0.28, -0.04, -0.3, 0.07, 0, 0.05, -0.08, -0.09, 0.3, 0.98, 1.19, -0.07, -0.05, -0.01, 0.02, -0.03, 0, 0.01, -0.1, 0.5, 0.66, 0.2, 0, 0.05, 0.07, -0.52, 0.7, -0.03, 0.27, -0.34, 0.12, 0.61, 0.04, -0.05}
	vi := []float64{0.118, 0.118, 0.144, 0.144, 0.014, 0.014, 0.015, 0.024, 0.023, 0.043, 0.012, 0.02, 0.004, 0.004, 0.007, 0.019, 0.007, 0.005, 0.004, 0.02, 0.018, 0.019, 0.022, 0.02, 0.021, 0.006, 0.007, 0.007, 0.007, 0.007, 0.015, 0.011, 0.01, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.01, 0.011, 0.01, 0.009, 0.013, 0.013, 0.031, 0.031, 0.03, 0.03, 0.03, 0.087, 0.082, 0.067, 0.067}

	// nil inner: every effect size (school) is its own inner unit.
	res, err := metamv.Fit(yi, vi, district, nil, metamv.Options{OuterName: "district", InnerName: "school"})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := res.Coefficients[0]
	fmt.Printf("estimate %.4f (SE %.4f), sigma2 = %.4f, %.4f\n", c.Estimate, c.SE, res.Sigma2[0], res.Sigma2[1])
	fmt.Printf("sigma2 district 95%% CI [%.4f, %.4f]\n", res.Sigma2CI[0][0], res.Sigma2CI[0][1])
	fmt.Printf("LRT district = 0: chi2 = %.2f\n", res.LRT[0].LRT)

	rob, err := metamv.ClusterRobust(res, district, metamv.RobustOptions{Type: metamv.CR2})
	if err != nil {
		fmt.Println(err)
		return
	}
	rc := rob.Coefficients[0]
	fmt.Printf("CR2: SE %.4f, df %.2f, p %.4f\n", rc.SE, *rc.DF, rc.P)
	// Output:
	// estimate 0.1847 (SE 0.0846), sigma2 = 0.0651, 0.0327
	// sigma2 district 95% CI [0.0222, 0.2072]
	// LRT district = 0: chi2 = 17.77
	// CR2: SE 0.0845, df 9.86, p 0.0540
}
