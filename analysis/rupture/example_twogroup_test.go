package rupture_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/rupture"
)

// R: t.test(y1, y2, var.equal = TRUE) and escalc("SMD", ...) for two groups
// of five, y1 = 1..5 and y2 = 3..7. By hand: diff = −2, s_p = √2.5, SE = 1,
// t = −2 on 8 df (p = 2·pt(−2, 8) = 0.0805), d = −2/√2.5 = −1.2649,
// g = J(8)·d = 0.90270·d = −1.1418, v_g = 0.4 + g²/20 = 0.4652, and the
// point-biserial r = t/√(t² + df) = −0.5774.
func ExampleTwoGroup() {
	e := rupture.TwoGroup([]float64{1, 2, 3, 4, 5}, []float64{3, 4, 5, 6, 7}, 1, 0.95)
	fmt.Printf("diff %.4f (SE %.4f), t(%d) = %.4f, p = %.4f\n", e.Diff, e.SEDiff, e.DF, e.T, e.P)
	fmt.Printf("d %.4f, g %.4f (v %.4f), r %.4f\n", e.D, e.G, e.VG, e.R)
	// Output:
	// diff -2.0000 (SE 1.0000), t(8) = -2.0000, p = 0.0805
	// d -1.2649, g -1.1418 (v 0.4652), r -0.5774
}
