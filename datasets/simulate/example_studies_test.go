package simulate_test

import (
	"fmt"

	"github.com/alliance-research/alliance/datasets/simulate"
)

// Simulated alliance–outcome studies with the default parameters. The
// checks printed hold for every seed: the summary counts the effects handed
// to the callback, the total n counts each study once, and every observed r
// lies strictly inside (−1, 1).
func ExampleStudies() {
	p := simulate.DefaultStudyParams()
	p.Seed = 1
	p.Studies = 20
	rows, total := 0, 0
	inside := true
	last := 0
	_, err := simulate.Studies(p, func(r *simulate.StudyRow) error {
		rows++
		if r.Study != last {
			total += r.N
			last = r.Study
		}
		inside = inside && r.R > -1 && r.R < 1
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	sum, err := simulate.Studies(p, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("studies %d; effects counted = summary: %v; total n = summary: %v; |r| < 1: %v\n",
		sum.Studies, rows == sum.Effects, total == sum.TotalN, inside)
	// Output:
	// studies 20; effects counted = summary: true; total n = summary: true; |r| < 1: true
}
