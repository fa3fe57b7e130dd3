package effectsize_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/effectsize"
)

// Fisher-z effect sizes for three alliance–outcome correlations, as
// metafor's escalc(measure = "ZCOR", ri = r, ni = n).
func ExampleZCOR() {
	r := []float64{0.278, 0.15, 0.42}
	n := []float64{120, 48, 75}
	yi, vi, err := effectsize.ZCOR(r, n)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range yi {
		fmt.Printf("r = %.3f, n = %3.0f: yi = %.4f, vi = %.5f\n", r[i], n[i], yi[i], vi[i])
	}
	_, _, err = effectsize.ZCOR([]float64{0.3, 1.02}, []float64{50, 60})
	fmt.Println(err)
	// Output:
	// r = 0.278, n = 120: yi = 0.2855, vi = 0.00855
	// r = 0.150, n =  48: yi = 0.1511, vi = 0.02222
	// r = 0.420, n =  75: yi = 0.4477, vi = 0.01389
	// effectsize: ZCOR: r[1] = 1.02 is not valid: a correlation must lie strictly between -1 and 1
}

// The mean correlation implied by a random-effects model on the z scale,
// z̄ = 0.2856 with τ² = 0.05: tanh(z̄) and the integral transform, as
// metafor's transf.ztor and transf.ztor.int.
func ExampleZToRInt() {
	r, _ := effectsize.ZToR(0.2856)
	rInt, _ := effectsize.ZToRInt(0.2856, 0.05)
	fmt.Printf("tanh: %.4f, integral: %.4f\n", r, rInt)
	// Output:
	// tanh: 0.2781, integral: 0.2663
}

// Converting a reported d between two groups of 20 and 33 patients to r.
func ExampleRFromD() {
	vd, _ := effectsize.VarD(0.62, 20, 33)
	r, vr, _ := effectsize.RFromD(0.62, vd, 20, 33)
	fmt.Printf("d = 0.62 (vd = %.4f) -> r = %.4f (vr = %.5f)\n", vd, r, vr)
	// Output:
	// d = 0.62 (vd = 0.0839) -> r = 0.2878 (vr = 0.01521)
}
