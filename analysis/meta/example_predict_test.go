package meta_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/meta"
)

func ExampleResult_Predict() {
	yi := []float64{0.1, 0.3, 0.2, 0.5, 0.4, 0.25}
	vi := []float64{0.01, 0.02, 0.015, 0.03, 0.02, 0.01}
	res, err := meta.Fit(yi, vi, meta.Options{Method: meta.FE, Mods: []meta.Moderator{{Name: "x", Numeric: []float64{1, 2, 3, 4, 5, 6}}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := res.Predict([]map[string]string{{"x": "3.5"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("pred %.4f [%.4f, %.4f]\n", p[0].Pred, p[0].CILB, p[0].CIUB)
	// Output:
	// pred 0.2514 [0.1534, 0.3494]
}
