package report_test

import (
	"fmt"

	"github.com/alliance-research/alliance/plots/report"
)

// APA sets statistical symbols in italics and Q_M as Q with a subscript,
// escaping everything else.
func ExampleAPA() {
	fmt.Println(report.APA("Q_M(1) = 4.20, p = .040; I² = 38% & τ² = 0.01"))
	// Output: <i>Q</i><sub>M</sub>(1) = 4.20, <i>p</i> = .040; <i>I</i><sup>2</sup> = 38% &amp; <i>τ</i><sup>2</sup> = 0.01
}
