package effectsize_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/effectsize"
)

// Four alliance–outcome studies. R:
//
//	escalc("COR", ri = c(.21, .35, .18, .42), ni = c(60, 112, 45, 230), vtype = "AV")
//
// gives vi = 0.01305, 0.00694, 0.01750, 0.00336: (1 − r̄²)²/(n − 1) at the
// sample-size-weighted mean r̄ = .3501.
func ExampleEscalc() {
	r := []float64{0.21, 0.35, 0.18, 0.42}
	n := []float64{60, 112, 45, 230}
	t, err := effectsize.Escalc(effectsize.MeasureCOR, effectsize.VTypeAV, r, n)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Measure, t.VType)
	for i := range t.Yi {
		fmt.Printf("%.2f %.5f\n", t.Yi[i], t.Vi[i])
	}
	// Output:
	// COR AV
	// 0.21 0.01305
	// 0.35 0.00694
	// 0.18 0.01750
	// 0.42 0.00336
}

// Three regressions of outcome on alliance adjusting for baseline severity
// (p = 2 predictors). R:
//
//	escalc("PCOR", ti = c(2.1, 3.4, 1.2), ni = c(80, 150, 40), mi = 2)
//
// gives the same yi and vi to six decimals.
func ExampleEscalcPartial() {
	t, err := effectsize.EscalcPartial(effectsize.MeasurePCOR, effectsize.VTypeLS,
		[]float64{2.1, 3.4, 1.2}, []float64{80, 150, 40}, []float64{2, 2, 2}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range t.Yi {
		fmt.Printf("%.4f %.6f\n", t.Yi[i], t.Vi[i])
	}
	// Output:
	// 0.2327 0.011618
	// 0.2700 0.005847
	// 0.1935 0.025040
}

// Measure names are read case-insensitively, as a user types them.
func ExampleParseMeasure() {
	m, err := effectsize.ParseMeasure("zcor")
	fmt.Println(m, err)
	_, err = effectsize.ParseMeasure("SMD")
	fmt.Println(err != nil)
	// Output:
	// ZCOR <nil>
	// true
}

// ZCORTo fills caller-owned slices; the values are ZCOR's. R:
// escalc("ZCOR", ri = c(.21, .35), ni = c(60, 112)).
func ExampleZCORTo() {
	r := []float64{0.21, 0.35}
	n := []float64{60, 112}
	yi := make([]float64, len(r))
	vi := make([]float64, len(r))
	if err := effectsize.ZCORTo(yi, vi, r, n); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.4f %.4f\n%.4f %.4f\n", yi[0], vi[0], yi[1], vi[1])
	// Output:
	// 0.2132 0.0175
	// 0.3654 0.0092
}
