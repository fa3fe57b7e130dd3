package effectsize_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/effectsize"
)

// R: transf.rtoz(0.5); transf.ztor(1). Hand values: atanh(0.5) = 0.5493,
// tanh(1) = 0.7616.
func ExampleFisherZ() {
	z, err := effectsize.FisherZ(0.5)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := effectsize.ZToR(1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("z = %.4f, r = %.4f\n", z, r)
	// Output:
	// z = 0.5493, r = 0.7616
}

// R: exp(lgamma(5) - lgamma(4.5)) / sqrt(5) (metafor's .cmicalc(10)), and
// the approximation 1 - 3/(4*10 - 1) = 0.92308.
func ExampleHedgesJ() {
	j, err := effectsize.HedgesJ(10)
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := effectsize.HedgesJApprox(10)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("J(10) = %.5f, approx %.5f\n", j, a)
	// Output:
	// J(10) = 0.92275, approx 0.92308
}

// R: (20 + 20)/(20*20) + 0.5^2/(2*(20 + 20)) = 0.103125 (Borenstein et al.
// 2009, eq. 4.20).
func ExampleVarD() {
	v, err := effectsize.VarD(0.5, 20, 20)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("vd = %.6f\n", v)
	// Output:
	// vd = 0.103125
}

// R: 0.5 / sqrt(0.5^2 + 4) = 0.2425; sqrt(4 / (4 + 36)) = 0.3162;
// sqrt(9 / 100) = 0.3000.
func ExampleRFromDEqual() {
	rd, err := effectsize.RFromDEqual(0.5)
	if err != nil {
		fmt.Println(err)
		return
	}
	rf, err := effectsize.RFromF(4, 36)
	if err != nil {
		fmt.Println(err)
		return
	}
	rc, err := effectsize.RFromChi2(9, 100)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("from d: %.4f, from F: %.4f, from chi2: %.4f\n", rd, rf, rc)
	// Output:
	// from d: 0.2425, from F: 0.3162, from chi2: 0.3000
}
