package mixed_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// factor(therapist) in a formula codes therapist as a factor, as in R,
// even when its column holds numbers.
func ExampleFactorOf() {
	fmt.Println(mixed.FactorOf("factor(therapist)"))
	fmt.Println(mixed.FactorOf("session"))
	// Output:
	// therapist true
	//  false
}
