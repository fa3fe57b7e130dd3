package effectsize_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/effectsize"
)

// A trial reports Hedges' g = 0.45 between high- and low-alliance groups of
// 30 and 34 clients (df = 62). By hand: J(62) = Γ(31)/(√31 Γ(30.5)) =
// 0.98785, d = 0.45/J = 0.4555.
func ExampleDFromG() {
	d, err := effectsize.DFromG(0.45, 62)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("d = %.4f\n", d)
	// Output:
	// d = 0.4555
}

// r = .30 with var(r) = (1 − .3²)²/99 = 0.008364 from two groups of 40 and
// 60. By hand: a = 100²/2400 = 4.1667, d = .3·√a/√.91 = 0.6419,
// vd = vr(d² + a)³/a² = 0.04625.
func ExampleDFromR() {
	vr := (1 - 0.3*0.3) * (1 - 0.3*0.3) / 99
	d, vd, err := effectsize.DFromR(0.30, vr, 40, 60)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("d = %.4f, vd = %.5f\n", d, vd)
	// Output:
	// d = 0.6419, vd = 0.04625
}

// Flückiger et al.'s (2018) r = .278 as a d for equal groups: by hand
// 2·.278/√(1 − .278²) = 0.5788 (the paper reports d = .579).
func ExampleDFromREqual() {
	d, err := effectsize.DFromREqual(0.278)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("d = %.4f\n", d)
	// Output:
	// d = 0.5788
}

// χ²(1) = 6.25 from n = 100 clients: by hand r = √(6.25/100) = 0.2500.
func ExampleRFromChi2() {
	r, err := effectsize.RFromChi2(6.25, 100)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("r = %.4f\n", r)
	// Output:
	// r = 0.2500
}

// F(1, 58) = 5.2: by hand r = √(5.2/(5.2 + 58)) = 0.2868.
func ExampleRFromF() {
	r, err := effectsize.RFromF(5.2, 58)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("r = %.4f\n", r)
	// Output:
	// r = 0.2868
}

// A study reports only "p = .02, n = 50" for a positive alliance–outcome
// correlation. R: t <- qt(1 - .02/2, 48); t/sqrt(t^2 + 48) = 0.3281; a
// negative p gives the negative correlation.
func ExampleRFromP() {
	r, err := effectsize.RFromP(0.02, 50)
	if err != nil {
		fmt.Println(err)
		return
	}
	neg, err := effectsize.RFromP(-0.02, 50)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("r = %.4f, %.4f\n", r, neg)
	// Output:
	// r = 0.3281, -0.3281
}

// Rosenthal's approximation for the same report. R: qnorm(1 - .02/2)/sqrt(50)
// = 0.3290, a little above the exact t-based 0.3281.
func ExampleRFromPNormal() {
	r, err := effectsize.RFromPNormal(0.02, 50)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("r = %.4f\n", r)
	// Output:
	// r = 0.3290
}

// Back from Fisher's z: R: transf.ztor(0.2877) = tanh(0.2877) = 0.2800.
func ExampleZToR() {
	r, err := effectsize.ZToR(0.2877)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("r = %.4f\n", r)
	// Output:
	// r = 0.2800
}

// By hand: 1 − 3/(4·62 − 1) = 0.98785 (Hedges 1981), here equal to the exact
// J(62) to five decimals.
func ExampleHedgesJApprox() {
	j, err := effectsize.HedgesJApprox(62)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("J = %.5f\n", j)
	// Output:
	// J = 0.98785
}
