package metamv_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
	"github.com/alliance-research/alliance/datasets"
)

// demoStudies returns the embedded SIMULATED demo-studies table as Fisher z
// values with its study labels (the cluster of its effect sizes).
func demoStudies() (yi, vi, n []float64, study []string) {
	s, err := datasets.EmbeddedStudies("demo-studies", datasets.StudyOptions{FisherZ: true})
	if err != nil {
		panic(err)
	}
	yi, vi, err = effectsize.ZCOR(s.R, s.N)
	if err != nil {
		panic(err)
	}
	return yi, vi, s.N, s.Cluster[0].Text
}

// As clubSandwich: coef_test(rma(yi, vi, data = dat), vcov = "CR2",
// cluster = dat$study) on the demo-studies data (cli_meta_extras.json:
// SE 0.017287, df 34.401).
func ExampleClusterRobustUni() {
	yi, vi, _, study := demoStudies()
	res, err := meta.Fit(yi, vi, meta.Options{Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	rob, err := metamv.ClusterRobustUni(res, study, metamv.RobustOptions{Type: metamv.CR2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d clusters: estimate %.4f, CR2 SE %.6f, df %.3f\n", rob.Clusters, rob.Coefficients[0].Estimate, rob.SE, rob.DF)
	// Output:
	// 60 clusters: estimate 0.2854, CR2 SE 0.017287, df 34.401
}
