package effectsize_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/effectsize"
)

// One study: a WAI–outcome correlation of r = .28 from n = 85 clients (the
// size of Flückiger et al.'s 2018 mean). R: escalc("ZCOR", ri = .28, ni = 85)
// gives yi = 0.2877, vi = 1/82 = 0.0122.
func ExampleZCORValue() {
	yi, vi, err := effectsize.ZCORValue(0.28, 85)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("yi = %.4f, vi = %.4f\n", yi, vi)
	// Output:
	// yi = 0.2877, vi = 0.0122
}

// R: escalc("COR", ri = .28, ni = 85) gives vi = (1 - .28^2)^2/84 = 0.010111;
// the H0 variance is 1/84 = 0.011905 (written out in R).
func ExampleCORValue() {
	_, ls, err := effectsize.CORValue(0.28, 85, effectsize.VTypeLS)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, h0, err := effectsize.CORValue(0.28, 85, effectsize.VTypeH0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("vi(LS) = %.6f, vi(H0) = %.6f\n", ls, h0)
	// Output:
	// vi(LS) = 0.010111, vi(H0) = 0.011905
}

// A small study (n = 24) where the bias of r matters. R: escalc("UCOR",
// ri = .28, ni = 24, vtype = "UB") gives yi = 0.2865, vi = 0.041474.
func ExampleUCORValue() {
	yi, vi, err := effectsize.UCORValue(0.28, 24, effectsize.VTypeUB)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("yi = %.4f, vi = %.6f\n", yi, vi)
	// Output:
	// yi = 0.2865, vi = 0.041474
}

// By hand: .28 · (1 + (1 − .28²)/(2 · 21)) = 0.28614; the exact UCOR above is
// 0.28647 — the approximation is within O(n⁻²) only.
func ExampleUCORApprox() {
	a, err := effectsize.UCORApprox(0.28, 24)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("approx = %.5f\n", a)
	// Output:
	// approx = 0.28614
}

// A regression of outcome on alliance with two covariates (p = 3
// predictors), t = 2.6 for alliance, n = 120. R: escalc("PCOR", ti = 2.6,
// ni = 120, mi = 3) gives yi = 0.2347, vi = 0.007697.
func ExamplePCORValue() {
	yi, vi, err := effectsize.PCORValue(2.6, 120, 3, effectsize.VTypeLS)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("yi = %.4f, vi = %.6f\n", yi, vi)
	// Output:
	// yi = 0.2347, vi = 0.007697
}

// R: escalc("ZPCOR", ti = 2.6, ni = 120, mi = 3) gives yi = 0.2391 and
// vi = 1/116 = 0.008621.
func ExampleZPCORValue() {
	yi, vi, err := effectsize.ZPCORValue(2.6, 120, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("yi = %.4f, vi = %.6f\n", yi, vi)
	// Output:
	// yi = 0.2391, vi = 0.008621
}

// The same regression with R² = .30. R: escalc("SPCOR", ti = 2.6, ni = 120,
// mi = 3, r2i = .30) gives yi = 0.2020, vi = 0.005683.
func ExampleSPCORValue() {
	yi, vi, err := effectsize.SPCORValue(2.6, 120, 3, 0.30, effectsize.VTypeLS)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("yi = %.4f, vi = %.6f\n", yi, vi)
	// Output:
	// yi = 0.2020, vi = 0.005683
}
