package ipd_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/ipd"
)

// Pooling two coefficients per study with their within-study covariance:
// the five periodontal trials of Berkey et al. (1998), outcomes AL and PD,
// as metafor's dat.berkey1998 (rma.mv with struct = "UN" gives AL −0.3392
// (SE 0.0879), PD 0.3534 (SE 0.0588), τ² 0.0327 and 0.0117, ρ 0.61).
func ExampleMultivariate() {
	trials := []string{"1", "2", "3", "4", "5"}
	y := [][]float64{{-0.32, 0.47}, {-0.60, 0.20}, {-0.12, 0.40}, {-0.31, 0.26}, {-0.39, 0.56}}
	v := [][][]float64{
		{{0.0077, 0.0030}, {0.0030, 0.0075}},
		{{0.0008, 0.0009}, {0.0009, 0.0057}},
		{{0.0014, 0.0007}, {0.0007, 0.0021}},
		{{0.0015, 0.0009}, {0.0009, 0.0029}},
		{{0.0304, 0.0072}, {0.0072, 0.0148}},
	}
	r, err := ipd.Multivariate(trials, []string{"AL", "PD"}, y, v, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	for a, c := range r.Coefficients {
		fmt.Printf("%s %.4f (SE %.4f) [%.4f, %.4f]  tau2 %.4f\n", c.Name, c.Estimate, c.SE, c.CILB, c.CIUB, r.Tau2[a])
	}
	fmt.Printf("rho %.2f, logLik %.4f\n", r.Rho[0], r.LogLik)
	// Output:
	// AL -0.3392 (SE 0.0879) [-0.5115, -0.1669]  tau2 0.0327
	// PD 0.3534 (SE 0.0588) [0.2381, 0.4688]  tau2 0.0117
	// rho 0.61, logLik 3.6918
}
