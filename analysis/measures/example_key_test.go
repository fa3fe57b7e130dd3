package measures_test

import (
	"errors"
	"fmt"

	"github.com/alliance-research/alliance/analysis/measures"
)

// The PHQ-9 severity bands of Kroenke, Spitzer & Williams (2001): 0–4
// minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27 severe.
func ExampleKey_Band() {
	key, err := measures.Get("PHQ-9")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range []float64{4, 9, 10, 19, 27} {
		fmt.Printf("%g: %s\n", s, key.Band(s))
	}
	// Output:
	// 4: minimal
	// 9: mild
	// 10: moderate
	// 19: moderately severe
	// 27: severe
}

// Validate checks a user's own key before it is used.
func ExampleKey_Validate() {
	key := measures.Key{Name: "my-wai", Items: 4, Min: 1, Max: 5, Rule: "mean", Reversed: []int{5}}
	fmt.Println(key.Validate())
	key.Reversed = []int{4}
	fmt.Println(key.Validate())
	// Output:
	// measures: key "my-wai": reversed: item 5 is outside 1..4
	// <nil>
}

// A response outside the key's range is a *ValueError naming the row and
// item (the PHQ-9 runs from 0 to 3).
func ExampleValueError_Error() {
	key, err := measures.Get("PHQ-9")
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = measures.Score(key, [][]float64{{1, 2, 0, 4, 1, 1, 2, 0, 1}}, measures.ScoreOptions{})
	var ve *measures.ValueError
	fmt.Println(errors.As(err, &ve))
	fmt.Println(err)
	// Output:
	// true
	// measures: PHQ-9 row 1, item 4: response 4 is outside 0–3 (check the coding, or the key)
}
