package mixed_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// Four patients each rated by the same three raters (fully crossed, one
// rating per cell), where REML equals the two-way ANOVA estimators: with
// MS_patient = 16.222, MS_rater = 6.75 and MS_error = 0.639, the patient
// variance is (16.222 − 0.639)/3 = 5.194, the rater variance
// (6.75 − 0.639)/4 = 1.528 and σ² = 0.639; the intercept is the grand mean
// 13 with SE √((MS_p + MS_r − MS_e)/12) = 1.364 and Satterthwaite's
// (MS_p + MS_r − MS_e)² / (MS_p²/3 + MS_r²/2 + MS_e²/6) = 4.51 df.
func ExampleFit_crossed() {
	data := mixed.Data{
		Numeric: map[string][]float64{"y": {10, 12, 11, 14, 15, 17, 9, 12, 12, 13, 16, 15}},
		Text: map[string][]string{
			"patient": {"p1", "p1", "p1", "p2", "p2", "p2", "p3", "p3", "p3", "p4", "p4", "p4"},
			"rater":   {"a", "b", "c", "a", "b", "c", "a", "b", "c", "a", "b", "c"},
		},
	}
	m, err := mixed.Fit("y ~ 1 + (1 | patient) + (1 | rater)", data, mixed.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := m.Result
	c := r.Fixed[0]
	fmt.Printf("%s = %.3f (SE %.3f), t(%.2f) = %.2f\n", c.Name, c.Estimate, c.SE, c.DF, c.Statistic)
	for _, v := range r.Random {
		fmt.Printf("%s variance %.3f\n", v.Group, v.Variance)
	}
	fmt.Printf("residual %.3f\n", r.ResidualVariance)
	// Output:
	// (Intercept) = 13.000 (SE 1.364), t(4.51) = 9.53
	// patient variance 5.194
	// rater variance 1.528
	// residual 0.639
}
