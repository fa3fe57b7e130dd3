package change_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/change"
)

// Eight patients' pre and post scores on a symptom measure (lower = better).
func eightPairs() []change.Pair {
	pre := []float64{28, 31, 25, 34, 29, 27, 33, 30}
	post := []float64{14, 29, 24, 20, 31, 12, 30, 22}
	ps := make([]change.Pair, len(pre))
	for i := range pre {
		ps[i] = change.Pair{ID: fmt.Sprint(i + 1), Pre: pre[i], Post: post[i]}
	}
	return ps
}

func summary(res *change.Result) {
	for _, c := range res.Summary {
		if c.N > 0 {
			fmt.Printf("%s %d; ", c.Category, c.N)
		}
	}
	fmt.Println()
}

// As clinicalsignificance: cs_distribution(data, id, time, outcome,
// reliability = 0.85, better_is = "lower") with the Jacobson–Truax RCI:
// S_diff = √2·sd(pre)·√(1 − .85) = √2·3.0208·0.3873 = 1.6545 and RCI =
// (post − pre)/S_diff below −1.96 for patients 1, 4, 6 and 8 (computed by
// hand in R; clinicalsignificance itself is not installed here).
func ExampleDistribution() {
	res, err := change.Distribution(eightPairs(), change.RCIOptions{Method: change.JT, Reliability: 0.85, Better: change.Lower})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("S_diff = %.4f\n", res.SDiff)
	summary(res)
	// Output:
	// S_diff = 1.6545
	// improved 4; unchanged 4;
}

// As clinicalsignificance: cs_percentage(data, id, time, outcome,
// pct_improvement = 0.5, better_is = "lower"): improved when the score
// falls by at least half ((post − pre)/pre ≤ −.5: patients 1, at exactly
// −.5, and 6).
func ExamplePercentage() {
	res, err := change.Percentage(eightPairs(), 0.5, 0.5, change.Lower)
	if err != nil {
		fmt.Println(err)
		return
	}
	summary(res)
	// Output:
	// improved 2; unchanged 6;
}

// As clinicalsignificance: cs_statistical(data, id, time, outcome,
// m_functional = 15, sd_functional = 5, cutoff_type = "c", better_is = "lower"):
// cutoff c = (s_clin·m_func + s_func·m_clin)/(s_clin + s_func) with the
// clinical mean and SD of the pre scores (29.625, 3.0208): 24.1170 by hand
// in R; every pre score is above it and five post scores below it.
func ExampleStatistical() {
	res, err := change.Statistical(eightPairs(), change.RCIOptions{Better: change.Lower},
		change.Norms{Type: change.CutoffC, MFunctional: 15, SDFunctional: 5})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("cutoff = %.4f\n", res.Cutoff.Value)
	summary(res)
	// Output:
	// cutoff = 24.1170
	// improved 5; unchanged 3;
}
