package srange_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/internal/srange"
)

// The Tukey-adjusted p-value of a pairwise t ratio of −1.3129 among three
// means with 41.94 df, as emmeans' pairs(): P(Q > √2 · 1.3129). R:
// ptukey(sqrt(2) * 1.3128754, 3, 41.94174, lower.tail = FALSE) = 0.396077.
func ExampleSurvival() {
	fmt.Printf("%.6f\n", srange.Survival(1.41421356*1.3128754, 3, 41.94174))
	// Output: 0.396077
}

// The 95% point of the studentized range for 3 means and 10 df is 3.877
// (Tukey's HSD tables; R: qtukey(0.95, 3, 10) = 3.876777), so the CDF
// there is 0.95.
func ExampleCDF() {
	fmt.Printf("%.6f\n", srange.CDF(3.876777, 3, 10))
	// Output: 0.950000
}
