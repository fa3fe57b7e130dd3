package jsonout_test

import (
	"math"
	"os"

	"github.com/alliance-research/alliance/analysis/jsonout"
)

// A p-value that cannot be computed (NaN) is written as null.
func ExampleWrite() {
	type test struct {
		Statistic float64 `json:"statistic"`
		P         float64 `json:"p"`
	}
	_ = jsonout.Write(os.Stdout, test{Statistic: 0, P: math.NaN()})
	// Output:
	// {
	//   "statistic": 0,
	//   "p": null
	// }
}
