package reliability_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/reliability"
)

// Two coders label six session segments as rupture markers; the labels
// become the codes 1, 2, ... the kappas take, in the order of the levels
// given (or alphabetical, as R's factor(), when none are); a missing label
// is NaN. Codes are indexed [unit][rater].
func ExampleCodeLabels() {
	cols := [][]string{
		{"withdrawal", "none", "confrontation", "none", "withdrawal", ""},
		{"withdrawal", "none", "withdrawal", "none", "withdrawal", "none"},
	}
	codes, used, err := reliability.CodeLabels(cols, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(used)
	for i, unit := range codes {
		fmt.Println("unit", i+1, unit)
	}
	_, _, err = reliability.CodeLabels(cols, []string{"none", "withdrawal"})
	fmt.Println(err)
	// Output:
	// [confrontation none withdrawal]
	// unit 1 [3 3]
	// unit 2 [2 2]
	// unit 3 [1 3]
	// unit 4 [2 2]
	// unit 5 [3 3]
	// unit 6 [NaN 2]
	// reliability: row 3: unit 3, rater 1: "confrontation" is not one of the declared levels [none withdrawal]
}

// Metric names the level of measurement as irr::kripp.alpha's method
// argument spells it.
func ExampleMetric_String() {
	for _, m := range []reliability.Metric{reliability.Nominal, reliability.Ordinal, reliability.Interval, reliability.Ratio} {
		fmt.Println(m)
	}
	// Output:
	// nominal
	// ordinal
	// interval
	// ratio
}
