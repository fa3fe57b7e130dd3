package metamv_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
	"github.com/alliance-research/alliance/datasets"
)

// The CR2 HTZ test that the alliance rater (a three-level factor) does not
// moderate, in the three-level model of the demo studies, and the CR0 F
// test of the same coefficients. As R:
//
//	res <- rma.mv(yi, vi, mods = ~ year + alliance_rater, random = ~ 1 | study/es_id)
//	clubSandwich::Wald_test(res, constraints = constrain_zero(3:4), vcov = "CR2",
//	                        cluster = study, test = "HTZ")   # F 0.36658, df 22.840, p 0.69710
//	anova(robust(res, cluster = study, adjust = FALSE), btt = 3:4)   # F 0.43173, df 2, 56, p 0.65153
func ExampleRobust_TestCoefficients() {
	t, err := datasets.ReadEmbedded("demo-studies", datasets.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := t.Studies(datasets.StudyColumns{Mods: []string{"year", "alliance_rater"}, Cluster: []string{"study"}}, datasets.StudyOptions{FisherZ: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	yi, vi, _, study := demoStudies()
	mods := []meta.Moderator{{Name: "year", Numeric: s.Mods[0].Num}, {Name: "alliance_rater", Text: s.Mods[1].Text}}
	res, err := metamv.Fit(yi, vi, study, nil, metamv.Options{Measure: "ZCOR", Mods: mods, NoProfile: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	coefs := []string{res.Coefficients[2].Name, res.Coefficients[3].Name}
	for _, typ := range []string{metamv.CR2, metamv.CR0} {
		rb, err := metamv.ClusterRobust(res, study, metamv.RobustOptions{Type: typ})
		if err != nil {
			fmt.Println(err)
			return
		}
		w, err := rb.TestCoefficients([]string{"alliance_rater"}, coefs)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %s: F(%g, %.3f) = %.5f, p = %.5f\n", w.Type, w.Test, w.DFNum, w.DFDenom, w.Fstat, w.P)
	}
	// Output:
	// CR2 HTZ: F(2, 22.840) = 0.36658, p = 0.69710
	// CR0 F: F(2, 56.000) = 0.43173, p = 0.65153
}

// The profile of the between-study σ² at three values, each the
// restricted log-likelihood maximised over the within-study σ² (metafor
// profile(res, sigma2 = 1, xlim = c(0, 0.01), steps = 2) gives 39.603482
// and 37.350202); at σ̂² it is logLik(res) = 39.8523.
func ExampleResult_ProfileSigma2() {
	yi, vi, _, study := demoStudies()
	res, err := metamv.Fit(yi, vi, study, nil, metamv.Options{Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := res.ProfileSigma2(0, []float64{0, res.Sigma2[0], 0.01})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("σ̂² = %.5f, CI [%.5f, %.5f]\n", p.Estimate, p.CI[0], p.CI[1])
	for i, v := range p.Grid {
		fmt.Printf("ll(%.5f) = %.4f\n", v, p.LL[i])
	}
	// Output:
	// σ̂² = 0.00177, CI [0.00000, 0.00865]
	// ll(0.00000) = 39.6035
	// ll(0.00177) = 39.8523
	// ll(0.01000) = 37.3502
}
