package plots_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/plots"
)

// R: plot(cs_distribution(data, id, time, outcome, reliability = 0.85,
// better_is = "lower")) — clinicalsignificance's Jacobson–Truax plot. The
// figure gets the pre/post scores, S_diff = 1.6545 and the critical value
// 1.96 of the JT RCI (the eight patients of change's ExampleDistribution:
// 1, 4, 6 and 8 improved, the rest unchanged).
func ExampleJTFromChange() {
	pre := []float64{28, 31, 25, 34, 29, 27, 33, 30}
	post := []float64{14, 29, 24, 20, 31, 12, 30, 22}
	ps := make([]change.Pair, len(pre))
	for i := range pre {
		ps[i] = change.Pair{ID: fmt.Sprint(i + 1), Pre: pre[i], Post: post[i]}
	}
	res, err := change.Distribution(ps, change.RCIOptions{Method: change.JT, Reliability: 0.85, Better: change.Lower})
	if err != nil {
		fmt.Println(err)
		return
	}
	x, y, opt, err := plots.JTFromChange(res)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("points %d/%d, S_diff %.4f, critical %.2f\n", len(x), len(y), opt.SDiff, opt.Crit)
	fmt.Println(opt.Categories)
	fig, err := plots.JacobsonTruax(x, y, opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	encodes(fig)
	// Output:
	// points 8/8, S_diff 1.6545, critical 1.96
	// [improved unchanged unchanged improved unchanged improved unchanged improved]
	// svg: true
}
