package reliability_test

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/reliability"
)

// The Shrout & Fleiss (1979) example: six targets rated by four judges.
func ExampleICC() {
	sf := [][]float64{
		{9, 2, 5, 8},
		{6, 1, 3, 2},
		{8, 4, 6, 8},
		{7, 1, 2, 6},
		{10, 5, 6, 9},
		{6, 2, 4, 7},
	}
	res, err := reliability.ICC(sf, reliability.ICCOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res.Rows {
		fmt.Printf("%-5s %.2f  F(%g, %g) = %5.2f  p = %.5f  [%6.3f, %.2f]\n", r.Type, r.ICC, r.DF1, r.DF2, r.F, r.P, r.Lower, r.Upper)
	}
	// Output:
	// ICC1  0.17  F(5, 18) =  1.79  p = 0.16477  [-0.133, 0.72]
	// ICC2  0.29  F(5, 15) = 11.03  p = 0.00013  [ 0.019, 0.76]
	// ICC3  0.71  F(5, 15) = 11.03  p = 0.00013  [ 0.342, 0.95]
	// ICC1k 0.44  F(5, 18) =  1.79  p = 0.16477  [-0.884, 0.91]
	// ICC2k 0.62  F(5, 15) = 11.03  p = 0.00013  [ 0.071, 0.93]
	// ICC3k 0.91  F(5, 15) = 11.03  p = 0.00013  [ 0.676, 0.99]
}

// The numbers match psych::alpha(x, keys = c(1, 1, -1)).
func ExampleAlpha() {
	// Five persons answering three items; the third item is worded in
	// reverse, so it is keyed -1.
	x := [][]float64{
		{4, 5, 2},
		{2, 2, 4},
		{3, 4, 3},
		{5, 4, 1},
		{1, 2, 5},
	}
	res, err := reliability.Alpha(x, reliability.AlphaOptions{Keys: []float64{1, 1, -1}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("raw alpha %.3f, standardized %.3f\n", res.RawAlpha, res.StdAlpha)
	for _, it := range res.Items {
		fmt.Printf("item %d: r.drop %.3f, alpha if deleted %.3f\n", it.Item+1, it.RDrop, it.AlphaIfDeleted.RawAlpha)
	}
	// Output:
	// raw alpha 0.957, standardized 0.958
	// item 1: r.drop 0.962, alpha if deleted 0.897
	// item 2: r.drop 0.825, alpha if deleted 1.000
	// item 3: r.drop 0.962, alpha if deleted 0.897
}

// Krippendorff's (2011) reliability data: 12 units coded by up to four
// observers, with missing values.
func ExampleKrippendorff() {
	nan := math.NaN()
	units := [][]float64{
		{1, 1, nan, 1}, {2, 2, 3, 2}, {3, 3, 3, 3}, {3, 3, 3, 3}, {2, 2, 2, 2}, {1, 2, 3, 4},
		{4, 4, 4, 4}, {1, 1, 2, 1}, {2, 2, 2, 2}, {nan, 5, 5, 5}, {nan, nan, 1, 1}, {nan, 3, nan, nan},
	}
	for _, m := range []reliability.Metric{reliability.Nominal, reliability.Ordinal, reliability.Interval} {
		res, _ := reliability.Krippendorff(units, m)
		fmt.Printf("%-8s alpha = %.3f\n", m, res.Alpha)
	}
	// Output:
	// nominal  alpha = 0.743
	// ordinal  alpha = 0.815
	// interval alpha = 0.849
}
