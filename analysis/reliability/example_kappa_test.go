package reliability_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/reliability"
)

// As psych: cohen.kappa(cbind(r1, r2)) for two raters coding twelve
// sessions on a 1–3 scale (unweighted and quadratically weighted kappa);
// psych 2.2.9 prints the same three numbers.
func ExampleCohenKappa() {
	r1 := []float64{1, 2, 3, 3, 2, 1, 1, 2, 3, 2, 2, 3}
	r2 := []float64{1, 2, 3, 2, 2, 1, 2, 2, 3, 3, 2, 3}
	k, err := reliability.CohenKappa(r1, r2, reliability.KappaOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("agreement = %.4f, kappa = %.4f, weighted = %.4f\n", k.Agreement, k.Unweighted.Kappa, k.Quadratic.Kappa)
	// Output:
	// agreement = 0.7500, kappa = 0.6087, weighted = 0.7632
}

// As irr: kappam.fleiss(ratings) for six units rated by three raters. irr
// is not installed here: the numbers were checked in R against Fleiss, Nee
// & Landis's (1979) formulas for κ and its null SE, which irr uses.
func ExampleFleissKappa() {
	ratings := [][]float64{{1, 1, 1}, {1, 2, 1}, {2, 2, 2}, {3, 3, 2}, {3, 3, 3}, {1, 1, 2}}
	f, err := reliability.FleissKappa(ratings)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("kappa = %.4f, z = %.4f, p = %.4f\n", f.Kappa, f.Z, f.P)
	// Output:
	// kappa = 0.4953, z = 2.9579, p = 0.0031
}
