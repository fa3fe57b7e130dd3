package reliability_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/reliability"
)

// R: psych::cohen.kappa(tab) with tab the 3 × 3 cross-table of the twelve
// sessions of ExampleCohenKappa (rows rater 1, columns rater 2). A table
// and the raw codes it counts must give the same κ, so the numbers are
// psych 2.2.9's 0.6087 and 0.7632 again.
func ExampleCohenKappaTable() {
	tab := [][]float64{
		{2, 1, 0},
		{0, 4, 1},
		{0, 1, 3},
	}
	k, err := reliability.CohenKappaTable(tab, reliability.KappaOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("agreement = %.4f, kappa = %.4f, weighted = %.4f\n", k.Agreement, k.Unweighted.Kappa, k.Quadratic.Kappa)
	// Output:
	// agreement = 0.7500, kappa = 0.6087, weighted = 0.7632
}
