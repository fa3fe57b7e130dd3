package jsonout_test

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/jsonout"
)

// A p-value that cannot be computed (NaN) becomes null; encoding/json would
// fail on the whole document.
func ExampleMarshal() {
	type test struct {
		Name string  `json:"name"`
		Stat float64 `json:"statistic"`
		P    float64 `json:"p"`
	}
	b, err := jsonout.Marshal([]test{{"QE", 38.1595, 0.00085}, {"QM", 0, math.NaN()}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(b))
	// Output:
	// [
	//   {
	//     "name": "QE",
	//     "statistic": 38.1595,
	//     "p": 0.00085
	//   },
	//   {
	//     "name": "QM",
	//     "statistic": 0,
	//     "p": null
	//   }
	// ]
}
