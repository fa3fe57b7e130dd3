package mixed_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// A balanced one-way layout, where REML has a closed form: MSB = 37,
// MSW = 3, so τ² = (37 − 3)/3 = 11.33, σ² = 3, the intercept is the grand
// mean 48/9 with SE √(37/9) and a − 1 = 2 Satterthwaite df.
func ExampleFit() {
	data := mixed.Data{
		Numeric: map[string][]float64{"y": {1, 2, 3, 4, 5, 6, 7, 8, 12}},
		Text:    map[string][]string{"g": {"a", "a", "a", "b", "b", "b", "c", "c", "c"}},
	}
	m, err := mixed.Fit("y ~ 1 + (1 | g)", data, mixed.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := m.Result
	c := r.Fixed[0]
	fmt.Printf("%s = %.3f (SE %.3f), t(%.2f) = %.2f\n", c.Name, c.Estimate, c.SE, c.DF, c.Statistic)
	fmt.Printf("%s variance %.3f, residual %.3f, ICC %.3f\n", r.Random[0].Group, r.Random[0].Variance, r.ResidualVariance, r.ICC[0].ICC)
	// Output:
	// (Intercept) = 5.333 (SE 2.028), t(2.00) = 2.63
	// g variance 11.333, residual 3.000, ICC 0.791
}
