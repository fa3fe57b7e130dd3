package reliability_test

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/alliance-research/alliance/analysis/reliability"
)

// thurstone is psych's Thurstone correlation matrix of nine mental tests
// (McDonald 1999, Table 7.1; n = 213).
var thurstone = [][]float64{
	{1.000, 0.828, 0.776, 0.439, 0.432, 0.447, 0.447, 0.541, 0.380},
	{0.828, 1.000, 0.779, 0.493, 0.464, 0.489, 0.432, 0.537, 0.358},
	{0.776, 0.779, 1.000, 0.460, 0.425, 0.443, 0.401, 0.534, 0.359},
	{0.439, 0.493, 0.460, 1.000, 0.674, 0.590, 0.381, 0.350, 0.424},
	{0.432, 0.464, 0.425, 0.674, 1.000, 0.541, 0.402, 0.367, 0.446},
	{0.447, 0.489, 0.443, 0.590, 0.541, 1.000, 0.288, 0.320, 0.325},
	{0.447, 0.432, 0.401, 0.381, 0.402, 0.288, 1.000, 0.555, 0.598},
	{0.541, 0.537, 0.534, 0.350, 0.367, 0.320, 0.555, 1.000, 0.452},
	{0.380, 0.358, 0.359, 0.424, 0.446, 0.325, 0.598, 0.452, 1.000},
}

// unrotated returns the unrotated three-factor minres loadings of Thurstone
// as a 9×3 matrix.
func unrotated() *mat.Dense {
	fa, err := reliability.FactorAnalysis(thurstone, reliability.FAOptions{NFactors: 3, Rotation: reliability.RotateNone})
	if err != nil {
		panic(err)
	}
	a := mat.NewDense(9, 3, nil)
	for i, row := range fa.Loadings {
		a.SetRow(i, row)
	}
	return a
}

// As psych 2.2.9: fa(Thurstone, nfactors = 3, fm = "minres") (oblimin
// rotation); the first test's loadings, its communality and the
// correlation of the first two factors: psych prints MR1–MR3 = 0.9008,
// −0.0330, 0.0414, h2 = 0.8175, Phi[1, 2] = 0.5926.
func ExampleFactorAnalysis() {
	fa, err := reliability.FactorAnalysis(thurstone, reliability.FAOptions{NFactors: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("loadings of test 1: %.4f\n", fa.Loadings[0])
	fmt.Printf("h2 = %.4f, phi12 = %.4f\n", fa.Communalities[0], fa.Phi[0][1])
	// Output:
	// loadings of test 1: [0.9008 -0.0330 0.0414]
	// h2 = 0.8175, phi12 = 0.5926
}

// As stats::varimax(unclass(fa(Thurstone, 3, rotate = "none")$loadings))
// (Kaiser normalization, eps = 1e-5). The rotation is orthogonal, so each
// test's communality (row sum of squares) is unchanged. R gives 0.8292,
// 0.2469, 0.2626 for test 1 and sum(u[1, ]^2) = 0.8175.
func ExampleVarimax() {
	a := unrotated()
	rot, _, err := reliability.Varimax(a)
	if err != nil {
		fmt.Println(err)
		return
	}
	r0, a0 := mat.Row(nil, 0, rot), mat.Row(nil, 0, a)
	fmt.Printf("test 1: %.4f\n", r0)
	fmt.Printf("h2 before %.4f, after %.4f\n", mat.Dot(mat.NewVecDense(3, a0), mat.NewVecDense(3, a0)), mat.Dot(mat.NewVecDense(3, r0), mat.NewVecDense(3, r0)))
	// Output:
	// test 1: [0.8292 0.2469 0.2626]
	// h2 before 0.8175, after 0.8175
}

// As GPArotation 2022.10-2: oblimin(unclass(fa(Thurstone, 3, rotate =
// "none")$loadings), normalize = FALSE, eps = 1e-8) (quartimin, γ = 0)
// gives 0.9008, −0.0330, 0.0414 for test 1 and Phi[1, 2] = 0.5926 — the
// pattern of ExampleFactorAnalysis, which rotates the same way.
func ExampleOblimin() {
	res, err := reliability.Oblimin(unrotated(), 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("test 1: %.4f\n", mat.Row(nil, 0, res.Loadings))
	fmt.Printf("phi12 = %.4f, converged = %v\n", res.Phi.At(0, 1), res.Converged)
	// Output:
	// test 1: [0.9008 -0.0330 0.0414]
	// phi12 = 0.5926, converged = true
}

// As psych 2.2.9: schmid(Thurstone, nfactors = 3); the general-factor
// loadings (column g of sl) and the group loadings of test 1, which R
// prints as 0.7090 ... 0.5406 and 0.5599, −0.0216, 0.0303 (h2 0.8175).
func ExampleSchmid() {
	s, err := reliability.Schmid(thurstone, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("g: %.4f\n", s.G)
	fmt.Printf("test 1 group: %.4f, h2 = %.4f\n", s.Group[0], s.H2[0])
	// Output:
	// g: [0.7090 0.7257 0.6832 0.6461 0.6222 0.5584 0.5871 0.5768 0.5406]
	// test 1 group: [0.5599 -0.0216 0.0303], h2 = 0.8175
}
