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

// As metafor: aggregate(dat, cluster = study, struct = "CS", rho = 0.6)
// on the demo-studies data (metamv_demo.json, aggregate).
func ExampleAggregateCS() {
	yi, vi, n, study := demoStudies()
	agg, err := metamv.AggregateCS(yi, vi, n, study, 0.6)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(agg.Rows), "studies")
	for _, r := range agg.Rows[5:8] {
		fmt.Printf("%s: k = %d, yi = %.6f, vi = %.6f\n", r.Cluster, r.K, r.Yi, r.Vi)
	}
	// Output:
	// 60 studies
	// Study 06 (2006): k = 4, yi = 0.274093, vi = 0.017073
	// Study 07 (2002): k = 1, yi = 0.316126, vi = 0.015873
	// Study 08 (2000): k = 3, yi = 0.364151, vi = 0.003901
}
