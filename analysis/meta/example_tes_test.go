package meta_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/meta"
)

// As metafor 3.8-1: tes(rma(yi, vi, data = escalc("ZCOR", ri, ni, data =
// dat.molloy2014), method = "REML")), which gives O = 9, E = 7.0531, the
// exact test p = 0.2110 and θ_lim 0.1283 (testdata/golden/tes.json; our
// θ_lim is solved to 1e-10, metafor's to uniroot's 1e-4).
func ExampleTES() {
	t, err := meta.TES(molloy())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("O = %d, E = %.4f, O/E = %.4f, %s test p = %.4f\n", t.O, t.E, t.OERatio, t.Test, t.P)
	fmt.Printf("theta = %.4f, theta_lim = %.4f\n", t.Theta, *t.ThetaLim)
	// Output:
	// O = 9, E = 7.0531, O/E = 1.2760, exact test p = 0.2110
	// theta = 0.1499, theta_lim = 0.1283
}

// As metafor's profile(res, tau2 = …) values: the restricted log-likelihood
// over τ² is largest at the REML estimate, equal to logLik(res) (8.609560
// in metafor 3.8-1), and lies
// χ²₁(.95)/2 = 1.9207 below it at the ends of the profile-likelihood CI
// (confint(res, type = "PL")).
func ExampleProfileLogLik() {
	res := molloy()
	ci, err := meta.ProfileCI(res)
	if err != nil {
		fmt.Println(err)
		return
	}
	pts, err := meta.ProfileLogLik(res, []float64{ci.LB, res.Tau2, ci.UB})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("at the estimate: %.6f (logLik %.6f)\n", pts[1].LogLik, res.Fit.LogLik)
	fmt.Printf("drop at the CI: %.4f, %.4f\n", pts[1].LogLik-pts[0].LogLik, pts[1].LogLik-pts[2].LogLik)
	// Output:
	// at the estimate: 8.609560 (logLik 8.609560)
	// drop at the CI: 1.9207, 1.9207
}
