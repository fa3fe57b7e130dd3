package change_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/change"
)

// A registry read patient by patient keeps the used pre and post scores,
// fits the approach to them once, then classifies each patient as it is
// read again and counts the categories. By hand: SD_pre = √(20/3),
// S_diff = √(2·SD_pre²·(1 − .8)) = √(8/3) = 1.63299, so the first patient's
// RCI is (10 − 20)/1.63299 = −6.1237 (improved: lower is better).
func ExampleNewClassifier() {
	pre := []float64{20, 22, 18, 24}
	post := []float64{10, 21, 19, 12}
	c, err := change.NewClassifier(change.Spec{Approach: "distribution", RCI: change.RCIOptions{Reliability: 0.8}}, pre, post)
	if err != nil {
		panic(err)
	}
	t := change.NewTally(c.Categories())
	for i := range pre {
		x := c.Person(fmt.Sprint("p", i+1), "", pre[i], post[i])
		t.Add(x)
		fmt.Printf("%s RCI %.4f %s\n", x.ID, float64(x.RCI), x.Category)
	}
	r := c.Result(4, 4)
	t.Fill(r)
	fmt.Printf("S_diff %.5f\n", float64(r.SDiff))
	for _, s := range r.Summary {
		fmt.Println(s.Category, s.N)
	}
	// Output:
	// p1 RCI -6.1237 improved
	// p2 RCI -0.6124 unchanged
	// p3 RCI 0.6124 unchanged
	// p4 RCI -7.3485 improved
	// S_diff 1.63299
	// improved 2
	// unchanged 2
	// deteriorated 0
}
