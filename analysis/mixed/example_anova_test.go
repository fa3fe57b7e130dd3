package mixed_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// A randomised complete block design (3 blocks × 3 treatments, balanced):
// the type III F test of the treatment is the classical one,
// F = MS_trt / MS_error = 21.444 / 1.111 with 2 and (3 − 1)(3 − 1) = 4 df
// (R: summary(aov(y ~ trt + Error(block)))).
func ExampleModel_Anova() {
	data := mixed.Data{
		Numeric: map[string][]float64{"y": {10, 12, 15, 14, 15, 20, 9, 13, 14}},
		Text: map[string][]string{
			"block": {"a", "a", "a", "b", "b", "b", "c", "c", "c"},
			"trt":   {"x", "y", "z", "x", "y", "z", "x", "y", "z"},
		},
	}
	m, err := mixed.Fit("y ~ trt + (1 | block)", data, mixed.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	rows, err := m.Anova(3)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range rows {
		fmt.Printf("%s: F(%d, %.2f) = %.3f, p = %.4f\n", a.Term, a.NumDF, a.DenDF, a.F, a.P)
	}
	// Output:
	// trt: F(2, 4.00) = 19.300, p = 0.0088
}

// The same design with the type II table (AnovaTable also names any term
// left out for a rank-0 hypothesis): with one term type II is the type I
// test, here the classical F = 21.444 / 1.111 on 2 and 4 df.
func ExampleModel_AnovaTable() {
	data := mixed.Data{
		Numeric: map[string][]float64{"y": {10, 12, 15, 14, 15, 20, 9, 13, 14}},
		Text: map[string][]string{
			"block": {"a", "a", "a", "b", "b", "b", "c", "c", "c"},
			"trt":   {"x", "y", "z", "x", "y", "z", "x", "y", "z"},
		},
	}
	m, err := mixed.Fit("y ~ trt + (1 | block)", data, mixed.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	tab, err := m.AnovaTable(2)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range tab.Rows {
		fmt.Printf("%s: F(%d, %.2f) = %.3f, p = %.4f\n", a.Term, a.NumDF, a.DenDF, a.F, a.P)
	}
	fmt.Println("omitted:", len(tab.Omitted))
	// Output:
	// trt: F(2, 4.00) = 19.300, p = 0.0088
	// omitted: 0
}
