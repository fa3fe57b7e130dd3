package reliability_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/reliability"
)

// Thurstone's nine mental tests (McDonald 1999, Table 7.1; psych's
// Thurstone data), three group factors. psych::omega(Thurstone, n.obs = 213)
// prints Omega Hierarchical 0.74, Omega Total 0.93, alpha 0.89 and these g
// loadings (column g of its Schmid-Leiman table).
func ExampleOmegaCorr() {
	r := [][]float64{
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
	res, err := reliability.OmegaCorr(r, reliability.OmegaOptions{NFactors: 3, NObs: 213})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("omega_h = %.2f, omega_total = %.2f, alpha = %.2f\n", res.OmegaH, res.OmegaTotal, res.Alpha)
	fmt.Printf("g loadings of the tests: %.2f\n", res.Schmid.G)
	// Output:
	// omega_h = 0.74, omega_total = 0.93, alpha = 0.89
	// g loadings of the tests: [0.71 0.73 0.68 0.65 0.62 0.56 0.59 0.58 0.54]
}

// Two coders code two sessions of two segments each with 3RS markers; the
// session summaries count the segments with a withdrawal marker.
func ExampleThreeRS() {
	segs := []reliability.RRSSegment{
		{Session: "s1", Segment: 1, Coder: "A", Withdrawal: map[string]int{"denial": 1}},
		{Session: "s1", Segment: 2, Coder: "A", Withdrawal: map[string]int{"minimal_response": 2}},
		{Session: "s2", Segment: 1, Coder: "A"},
		{Session: "s2", Segment: 2, Coder: "A", Confrontation: map[string]int{"complaints_therapist": 1}},
		{Session: "s1", Segment: 1, Coder: "B", Withdrawal: map[string]int{"denial": 1}},
		{Session: "s1", Segment: 2, Coder: "B"},
		{Session: "s2", Segment: 1, Coder: "B"},
		{Session: "s2", Segment: 2, Coder: "B", Confrontation: map[string]int{"complaints_therapist": 1}},
	}
	res, err := reliability.ThreeRS(segs, reliability.RRSOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range res.Sessions {
		fmt.Printf("%s coder %s: withdrawal in %d of %d segments (%d markers), confrontation in %d\n",
			s.Session, s.Coder, s.WithdrawalSegments, s.Segments, s.WithdrawalCount, s.ConfrontationSegments)
	}
	// Output:
	// s1 coder A: withdrawal in 2 of 2 segments (3 markers), confrontation in 0
	// s1 coder B: withdrawal in 1 of 2 segments (1 markers), confrontation in 0
	// s2 coder A: withdrawal in 0 of 2 segments (0 markers), confrontation in 1
	// s2 coder B: withdrawal in 0 of 2 segments (0 markers), confrontation in 1
}
