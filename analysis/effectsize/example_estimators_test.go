package effectsize_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/effectsize"
)

// As metafor: escalc("COR", ri = ri, ni = ni, data = dat.molloy2014) (first
// three studies; vtype "LS": (1 − r²)²/(n − 1)); effectsize_molloy.json.
func ExampleCOR() {
	r := []float64{0.187, 0.162, 0.34}
	n := []float64{109, 749, 55}
	yi, vi, err := effectsize.COR(r, n, effectsize.VTypeLS)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range yi {
		fmt.Printf("%.3f %.8f\n", yi[i], vi[i])
	}
	// Output:
	// 0.187 0.00862301
	// 0.162 0.00126765
	// 0.340 0.01448451
}

// As metafor: escalc("UCOR", ri = ri, ni = ni, data = dat.molloy2014, vtype = "UB")
// (Olkin–Pratt unbiased r; first three studies); effectsize_molloy.json.
func ExampleUCOR() {
	r := []float64{0.187, 0.162, 0.34}
	n := []float64{109, 749, 55}
	yi, vi, err := effectsize.UCOR(r, n, effectsize.VTypeUB)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range yi {
		fmt.Printf("%.8f %.8f\n", yi[i], vi[i])
	}
	// Output:
	// 0.18786072 0.00885283
	// 0.16210590 0.00127251
	// 0.34294672 0.01514011
}

// As metafor: escalc("PCOR", ti = tval, ni = n, mi = preds, data = dat.aloe2013)
// (partial correlations from regression t values; first two studies);
// effectsize_aloe.json.
func ExamplePCOR() {
	yi, vi, err := effectsize.PCOR([]float64{4.61, 6.19}, []float64{218, 232}, []float64{4, 7}, effectsize.VTypeLS)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range yi {
		fmt.Printf("%.8f %.8f\n", yi[i], vi[i])
	}
	// Output:
	// 0.30120292 0.00388162
	// 0.38218899 0.00325535
}

// As metafor: escalc("SPCOR", ti = tval, ni = n, mi = preds, r2i = R2, data = dat.aloe2013)
// (semi-partial correlations; first two studies); effectsize_aloe.json.
func ExampleSPCOR() {
	yi, vi, err := effectsize.SPCOR([]float64{4.61, 6.19}, []float64{218, 232}, []float64{4, 7}, []float64{0.24, 0.455}, effectsize.VTypeLS)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range yi {
		fmt.Printf("%.8f %.8f\n", yi[i], vi[i])
	}
	// Output:
	// 0.27537082 0.00327899
	// 0.30532678 0.00227551
}

// As metafor: escalc("ZPCOR", ti = tval, ni = n, mi = preds, data = dat.aloe2013)
// (Fisher z of the partial correlation; first two studies); effectsize_aloe.json.
func ExampleZPCOR() {
	yi, vi, err := effectsize.ZPCOR([]float64{4.61, 6.19}, []float64{218, 232}, []float64{4, 7})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range yi {
		fmt.Printf("%.8f %.8f\n", yi[i], vi[i])
	}
	// Output:
	// 0.31084202 0.00469484
	// 0.40262058 0.00446429
}

// As R: t / sqrt(t^2 + df), sqrt(F / (F + df)) and sqrt(chi2 / n) for
// t = 2.3, F = 5.29 (= t²) with df = 40, and chi2 = 6.1 with n = 120
// (effectsize_convert.json).
func ExampleRFromT() {
	rt, _ := effectsize.RFromT(2.3, 40)
	rf, _ := effectsize.RFromF(5.29, 40)
	rc, _ := effectsize.RFromChi2(6.1, 120)
	fmt.Printf("%.6f %.6f %.6f\n", rt, rf, rc)
	// Output:
	// 0.341764 0.341764 0.225462
}

// As metafor: escalc("SMD", m1i = 10.2, m2i = 8.9, sd1i = 2.1, sd2i = 2.5,
// n1i = 12, n2i = 15) — Hedges' g with the exact correction J(df) and
// its large-sample variance (effectsize_convert.json, smd).
func ExampleHedgesG() {
	g, vg, err := effectsize.HedgesG(0.557349911284247, 12, 15)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("g = %.10f, vg = %.10f\n", g, vg)
	// Output:
	// g = 0.5404318778, vg = 0.1554086410
}
