package effectsize_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/datasets"
)

// As metafor: aggregate(dat, cluster = study, struct = "CS", rho = 0.6)
// on the demo-studies data (testdata/golden/metamv_demo.json, aggregate).
func ExampleAggregateCS() {
	s, err := datasets.EmbeddedStudies("demo-studies", datasets.StudyOptions{FisherZ: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	yi, vi, err := effectsize.ZCOR(s.R, s.N)
	if err != nil {
		fmt.Println(err)
		return
	}
	n, study := s.N, s.Cluster[0].Text
	agg, err := effectsize.AggregateCS(yi, vi, n, study, 0.6)
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

// As MAc's agg(id, r, n, cor = .5): study A's two correlations .30 and .40
// (n 50 and 60) become the composite (.30 + .40)/√(2 + 2·1·.5) = .7/√3 =
// 0.4041 with n = round(55) = 55; study B's single correlation stays.
func ExampleAggregateMAc() {
	agg, err := effectsize.AggregateMAc([]float64{0.3, 0.4, 0.2}, []float64{50, 60, 80}, []string{"A", "A", "B"}, 0.5)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range agg.Rows {
		fmt.Printf("%s: r = %.4f, n = %g, k = %d\n", r.Cluster, r.Yi, r.N, r.K)
	}
	// Output:
	// A: r = 0.4041, n = 55, k = 2
	// B: r = 0.2000, n = 80, k = 1
}
