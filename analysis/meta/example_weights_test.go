package meta_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/meta"
)

// User weights and the generalised Q estimators, as metafor 3.8-1:
// rma(yi, vi, weights = ni, method = "GENQM", data = dat) and
// rma(yi, vi, method = "HSk" / "PMM", data = dat) after
// dat <- escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014)
// (values in testdata/golden/meta_tau2more.json).
func ExampleOptions_weights() {
	s, yi, vi := studies("molloy2014", nil, nil)
	res, err := meta.Fit(yi, vi, meta.Options{Method: meta.GENQM, Weights: s.N, Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := res.Coefficients[0]
	fmt.Printf("GENQM: tau2 = %.6f (SE %.6f), CI [%.5f, %.5f]\n", res.Tau2, *res.SETau2, res.Tau2CI[0], res.Tau2CI[1])
	fmt.Printf("estimate = %.5f, se = %.5f, weight of study 1 = %.3f%%\n", c.Estimate, c.SE, res.Weights[0])
	for _, m := range []string{meta.HSk, meta.PMM} {
		r, err := meta.Fit(yi, vi, meta.Options{Method: m})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: tau2 = %.6f (SE %.6f)\n", m, r.Tau2, *r.SETau2)
	}
	// Output:
	// GENQM: tau2 = 0.008872 (SE 0.006111), CI [0.00180, 0.03286]
	// estimate = 0.12565, se = 0.03866, weight of study 1 = 3.106%
	// HSk: tau2 = 0.007138 (SE 0.004813)
	// PMM: tau2 = 0.010363 (SE 0.006748)
}
