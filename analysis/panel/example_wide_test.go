package panel_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/panel"
)

// R: tidyr::pivot_wider on long session rows, as a lavaan panel model
// needs them: one row per patient, x at each wave then y at each wave, NA
// (NaN) for a missing session. Patient B has no session 2; session 4 is
// not a wave and is ignored.
func ExampleWide() {
	patient := []string{"A", "A", "A", "B", "B", "B"}
	session := []int{1, 2, 3, 1, 3, 4}
	x := []float64{5, 6, 7, 4, 5, 9}
	y := []float64{20, 18, 15, 25, 22, 30}
	rows, ids, err := panel.Wide(patient, session, x, y, []int{1, 2, 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, r := range rows {
		fmt.Println(ids[i], r)
	}
	// Output:
	// A [5 6 7 20 18 15]
	// B [4 NaN 5 25 NaN 22]
}

// The sessions with both scores for at least half of the patients: 1 and 3
// (all three patients), 2 (two of three); session 4 has only patient C.
func ExampleDefaultWaves() {
	patient := []string{"A", "A", "A", "B", "B", "C", "C", "C", "C"}
	session := []int{1, 2, 3, 1, 3, 1, 2, 3, 4}
	x := []float64{5, 6, 7, 4, 5, 3, 4, 5, 6}
	y := []float64{20, 18, 15, 25, 22, 21, 20, 19, 18}
	fmt.Println(panel.DefaultWaves(patient, session, x, y, 10))
	// Output:
	// [1 2 3]
}

// The constraints imposed, as the JSON lists them.
func ExampleConstraints_Names() {
	fmt.Println(panel.Constraints{Cov: true, Resid: true}.Names())
	// Output: [cov resid]
}
