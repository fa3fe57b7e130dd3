package metamv_test

import (
	"fmt"
	"strconv"

	"github.com/alliance-research/alliance/analysis/metamv"
)

// esIDs numbers the effect sizes 1..k, the inner level of a three-level
// model (every effect size is its own inner unit).
func esIDs(k int) []string {
	id := make([]string, k)
	for i := range id {
		id[i] = strconv.Itoa(i + 1)
	}
	return id
}

// The three-level model of the demo-studies table: 83 alliance–outcome
// Fisher z values within 60 studies. As metafor 3.8-1:
//
//	dat <- escalc("ZCOR", ri = ri, ni = ni, data = read.csv("demo-studies.csv"))
//	rma.mv(yi, vi, random = ~ 1 | study/es_id, data = dat)
//
// gives 0.283865 (SE 0.016566), σ² = 0.001767 and 0.006571, logLik =
// 39.85227 and predict(res, transf = transf.ztor) r = .2765.
func ExampleFit() {
	yi, vi, _, study := demoStudies()
	res, err := metamv.Fit(yi, vi, study, esIDs(len(yi)), metamv.Options{
		Measure: "ZCOR", OuterName: "study", InnerName: "es_id", NoProfile: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := res.Coefficients[0]
	fmt.Printf("estimate %.4f (SE %.4f), sigma2 = %.4f, %.4f\n", c.Estimate, c.SE, res.Sigma2[0], res.Sigma2[1])
	fmt.Printf("r = %.4f, logLik = %.4f\n", res.R.Estimate, res.Fit.LogLik)
	// Output:
	// estimate 0.2839 (SE 0.0166), sigma2 = 0.0018, 0.0066
	// r = 0.2765, logLik = 39.8523
}

// The plain-text account of the same fit. metafor's predict gives the CI
// [.2462, .3062] and PI [.1016, .4348] for r; the variance distribution
// (Cheung 2014: typical sampling variance (k − p)/tr(P) against σ²) computed
// in R is 54.4%, 35.9% and 9.7%.
func ExampleResult_Summary() {
	yi, vi, _, study := demoStudies()
	res, err := metamv.Fit(yi, vi, study, esIDs(len(yi)), metamv.Options{
		Measure: "ZCOR", OuterName: "study", InnerName: "es_id", NoProfile: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Summary())
	// Output:
	// k = 83 effect sizes in 60 study clusters (83 study/es_id units), REML
	// intrcpt: 0.284, SE = 0.017, 95% CI [0.251, 0.316], p < .001
	// r = .28, 95% CI [.25, .31], prediction interval [.10, .43]
	// σ² between study (level 3) = 0.0018
	// σ² within study, between study/es_id (level 2) = 0.0066
	// variance: 54.4% sampling error (level 1), 35.9% within study (level 2), 9.7% between study (level 3)
	// Q(82) = 155.16, p < .001
}

// CR2 cluster-robust inference for the three-level model, by study. As
// clubSandwich 0.5.8: coef_test(res, vcov = "CR2", cluster = dat$study) for
// the rma.mv fit above gives SE 0.016613, 39.7321 df, p = 6.57e-20.
func ExampleClusterRobust() {
	yi, vi, _, study := demoStudies()
	res, err := metamv.Fit(yi, vi, study, esIDs(len(yi)), metamv.Options{Measure: "ZCOR", NoProfile: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	rob, err := metamv.ClusterRobust(res, study, metamv.RobustOptions{Type: metamv.CR2})
	if err != nil {
		fmt.Println(err)
		return
	}
	rc := rob.Coefficients[0]
	fmt.Printf("CR2: SE %.4f, df %.2f, p %.3g\n", rc.SE, *rc.DF, rc.P)
	// Output:
	// CR2: SE 0.0166, df 39.73, p 6.57e-20
}
