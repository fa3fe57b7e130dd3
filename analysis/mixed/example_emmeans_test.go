package mixed_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// Marginal means of a randomised complete block design (3 blocks × 3
// treatments, balanced): each mean is the treatment's sample mean (11,
// 13.333, 16.333), each pairwise difference has SE √(2·MS_error/3) =
// √(2 · 1.111/3) = 0.8607 on (3 − 1)(3 − 1) = 4 df, and Tukey's p is
// P(Q_{3,4} > √2|t|). R (emmeans 1.8.4-1): emmeans(m, ~ trt, lmer.df =
// "satterthwaite") gives SE 1.478237 on 2.52155 df; pairs() gives p =
// 0.1102724, 0.0075847, 0.0535464.
func ExampleModel_EMMeans() {
	data := mixed.Data{
		Numeric: map[string][]float64{"y": {10, 12, 15, 14, 15, 20, 9, 13, 14}},
		Text: map[string][]string{
			"block": {"a", "a", "a", "b", "b", "b", "c", "c", "c"},
			"trt":   {"x", "y", "z", "x", "y", "z", "x", "y", "z"},
		},
	}
	m, err := mixed.Fit("y ~ trt + (1 | block)", data, mixed.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := m.EMMeans(mixed.EMMSpec{Vars: []string{"trt"}, Pairs: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range res.EMMeans {
		fmt.Printf("%s: %.4f (SE %.4f, df %.3f) [%.3f, %.3f]\n", e.Levels["trt"], e.EMMean, e.SE, e.DF, e.CILB, e.CIUB)
	}
	for _, c := range res.Contrasts {
		fmt.Printf("%s: %.4f (SE %.4f), t(%.2f) = %.3f, p %s = %.5f\n", c.Contrast, c.Estimate, c.SE, c.DF, c.T, c.Adjust, c.P)
	}
	// Output:
	// x: 11.0000 (SE 1.4782, df 2.522) [5.748, 16.252]
	// y: 13.3333 (SE 1.4782, df 2.522) [8.081, 18.585]
	// z: 16.3333 (SE 1.4782, df 2.522) [11.081, 21.585]
	// x - y: -2.3333 (SE 0.8607), t(4.00) = -2.711, p tukey = 0.11027
	// x - z: -5.3333 (SE 0.8607), t(4.00) = -6.197, p tukey = 0.00758
	// y - z: -3.0000 (SE 0.8607), t(4.00) = -3.486, p tukey = 0.05355
}

// An emmeans specification: the means of arm within each level of site.
func ExampleParseEMMSpec() {
	vars, by, err := mixed.ParseEMMSpec("~ arm | site")
	fmt.Println(vars, by, err)
	vars, by, err = mixed.ParseEMMSpec("arm * time")
	fmt.Println(vars, by, err)
	// Output:
	// [arm] [site] <nil>
	// [arm time] [] <nil>
}
