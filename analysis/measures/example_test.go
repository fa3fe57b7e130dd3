package measures_test

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/measures"
)

func ExampleScore() {
	key, err := measures.Get("PHQ-9")
	if err != nil {
		fmt.Println(err)
		return
	}
	items := [][]float64{
		{1, 2, 0, 3, 1, 1, 2, 0, 1},
		{2, 2, 1, 3, 2, 2, 2, math.NaN(), 1}, // one item missing
	}
	res, err := measures.Score(key, items, measures.ScoreOptions{MaxMissing: 0.2})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res.Rows {
		t := r.Scales[0]
		fmt.Printf("row %d: total %.2f (prorated %v), %s\n", r.Row, *t.Score, t.Prorated, r.Band)
	}
	// Output:
	// row 1: total 11.00 (prorated false), moderate
	// row 2: total 16.88 (prorated true), moderately severe
}
