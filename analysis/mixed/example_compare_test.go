package mixed_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// As lme4: anova(lmer(y ~ 1 + (1 | g)), lmer(y ~ x + (1 | g))) — both
// REML fits are refitted by ML and compared by the likelihood ratio.
// Three groups of four observations; lme4 1.1-31 prints the same logLik,
// Chisq and p to the digits shown.
func ExampleCompare() {
	data := mixed.Data{
		Numeric: map[string][]float64{
			"y": {3.1, 4.0, 5.2, 5.9, 4.4, 5.1, 6.3, 7.5, 2.0, 3.2, 3.9, 5.1},
			"x": {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4},
		},
		Text: map[string][]string{"g": {"a", "a", "a", "a", "b", "b", "b", "b", "c", "c", "c", "c"}},
	}
	small, err := mixed.Fit("y ~ 1 + (1 | g)", data, mixed.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	big, err := mixed.Fit("y ~ x + (1 | g)", data, mixed.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	lrt, err := mixed.Compare(small, big)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("logLik %.4f vs %.4f; Chisq(%d) = %.4f, p = %.3g, refit %v\n",
		lrt.Models[0].LogLik, lrt.Models[1].LogLik, lrt.DF, lrt.Chisq, lrt.P, lrt.Refit)
	// Output:
	// logLik -21.2764 vs -1.4679; Chisq(1) = 39.6171, p = 3.09e-10, refit true
}
