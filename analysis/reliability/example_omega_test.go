package reliability_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/reliability"
)

// wai holds 40 SIMULATED clients' answers (1–5) to nine alliance items,
// three each for the goal, task and bond subscales of a WAI-SR-like form:
// a general alliance factor plus one factor per subscale. (Generated for
// this example; not clinical data.)
var wai = [][]float64{
	{4, 4, 5, 3, 3, 3, 3, 4, 4},
	{3, 4, 4, 5, 5, 5, 3, 4, 4},
	{2, 2, 3, 2, 2, 2, 3, 2, 4},
	{2, 2, 2, 3, 2, 3, 2, 2, 3},
	{3, 3, 3, 3, 3, 4, 3, 4, 3},
	{3, 4, 4, 4, 4, 4, 4, 5, 2},
	{3, 2, 1, 5, 3, 3, 3, 4, 3},
	{3, 3, 3, 5, 4, 5, 4, 4, 4},
	{4, 3, 4, 4, 4, 5, 4, 4, 4},
	{4, 4, 4, 3, 4, 3, 2, 3, 3},
	{4, 4, 5, 3, 4, 4, 5, 4, 5},
	{3, 3, 1, 2, 3, 3, 2, 3, 2},
	{2, 2, 4, 2, 3, 3, 4, 4, 5},
	{3, 4, 2, 3, 3, 4, 3, 3, 3},
	{3, 3, 3, 4, 5, 4, 3, 4, 4},
	{2, 3, 3, 3, 2, 4, 4, 4, 4},
	{3, 3, 3, 3, 4, 4, 3, 2, 1},
	{4, 4, 5, 3, 4, 4, 5, 4, 5},
	{3, 3, 3, 2, 1, 2, 2, 3, 3},
	{4, 4, 4, 5, 5, 4, 5, 5, 5},
	{3, 2, 3, 3, 4, 4, 4, 3, 4},
	{2, 2, 3, 3, 4, 3, 3, 3, 3},
	{5, 4, 4, 5, 4, 4, 4, 2, 4},
	{3, 3, 5, 3, 4, 4, 3, 3, 4},
	{3, 4, 4, 4, 4, 4, 3, 4, 3},
	{1, 3, 2, 5, 4, 3, 2, 3, 3},
	{5, 5, 5, 5, 5, 5, 3, 2, 4},
	{3, 3, 3, 5, 4, 3, 5, 3, 3},
	{1, 1, 1, 2, 3, 3, 2, 1, 2},
	{5, 4, 4, 3, 4, 5, 3, 5, 3},
	{4, 5, 3, 4, 5, 5, 4, 3, 4},
	{1, 3, 2, 4, 3, 3, 2, 3, 3},
	{2, 4, 2, 3, 4, 3, 3, 2, 2},
	{2, 3, 3, 1, 2, 2, 3, 3, 3},
	{4, 2, 3, 4, 4, 3, 3, 3, 4},
	{4, 3, 2, 3, 4, 3, 2, 1, 3},
	{3, 2, 2, 3, 5, 3, 5, 4, 4},
	{3, 2, 3, 2, 2, 2, 4, 3, 3},
	{5, 5, 5, 4, 5, 5, 5, 5, 5},
	{5, 3, 4, 4, 3, 5, 5, 5, 5},
}

// Omega total and hierarchical of the nine items with three group factors.
// psych 2.2.9: omega(wai, nfactors = 3) gives omega_h = 0.616473, omega.tot =
// 0.915011, omega.lim = 0.673733, alpha = 0.867314, G6 = 0.892731 and ECV =
// 0.498409 (GPArotation 2022.10-2).
func ExampleOmega() {
	res, err := reliability.Omega(wai, reliability.OmegaOptions{NFactors: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("n = %d, omega_h = %.4f, omega_total = %.4f, omega_lim = %.4f\n", res.NObs, res.OmegaH, res.OmegaTotal, res.OmegaLim)
	fmt.Printf("alpha = %.4f, G6 = %.4f, ECV = %.4f\n", res.Alpha, res.G6, res.ECV)
	// Output:
	// n = 40, omega_h = 0.6165, omega_total = 0.9150, omega_lim = 0.6737
	// alpha = 0.8673, G6 = 0.8927, ECV = 0.4984
}
