package plots_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/plots"
)

// R: suddengains::plot_sg(bysg, ...) draws the six scores x_2n … x_n3
// around each gain; GainWindows takes them from the gains in that order.
// The gain here (BDI 28 → 18 between sessions 3 and 4) is drawn from its
// window: one line per gain, the y axis spanning its scores 16–30.
func ExampleGainWindows() {
	gains := []change.Gain{{Patient: "P1", Session: 4, X2n: 30, X1n: 29, Xn: 28, Xn1: 18, Xn2: 17, Xn3: 16, Magnitude: -10}}
	w := plots.GainWindows(gains)
	fmt.Println(w)
	fig, err := plots.SuddenGain(w, plots.SuddenGainOptions{YLabel: "BDI"})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// [[30 29 28 18 17 16]]
	// x "Session relative to the sudden gain" [0.500, 6.500]; y "BDI" [15.000, 30.000]
}
