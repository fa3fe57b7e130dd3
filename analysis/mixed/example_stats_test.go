package mixed_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// The one-way layout of ExampleFit from sufficient statistics: the rows are
// accumulated in two partitions (as two machines would), merged by
// summation and fitted once. The closed-form REML answer is the same:
// τ² = (MSB − MSW)/3 = 11.33, σ² = MSW = 3, intercept 48/9 with SE √(37/9)
// on a − 1 = 2 df.
func ExampleFitStats() {
	spec := mixed.StatsSpec{
		Formula: "y ~ 1 + (1 | g)", Response: "y", Intercept: true,
		XNames: []string{"(Intercept)"},
		Terms:  []mixed.StatsTerm{{Name: "g", ColNames: []string{"(Intercept)"}}},
	}
	y := []float64{1, 2, 3, 4, 5, 6, 7, 8, 12}
	g := []string{"a", "a", "a", "b", "b", "b", "c", "c", "c"}
	parts := [2]*mixed.Stats{}
	for k := range parts {
		parts[k], _ = mixed.NewStats(spec)
	}
	for i := range y {
		// Row vector [z x y]: the random intercept, the fixed intercept, y.
		parts[i%2].Group([]string{g[i]}).Add([]float64{1, 1, y[i]})
	}
	if err := parts[0].Merge(parts[1]); err != nil {
		fmt.Println(err)
		return
	}
	m, err := mixed.FitStats(parts[0], mixed.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := m.Result
	c := r.Fixed[0]
	fmt.Printf("%d rows in %d groups\n", r.NObs, r.NGroups["g"])
	fmt.Printf("%s = %.3f (SE %.3f), t(%.2f) = %.2f\n", c.Name, c.Estimate, c.SE, c.DF, c.Statistic)
	fmt.Printf("%s variance %.3f, residual %.3f\n", r.Random[0].Group, r.Random[0].Variance, r.ResidualVariance)
	// Output:
	// 9 rows in 3 groups
	// (Intercept) = 5.333 (SE 2.028), t(2.00) = 2.63
	// g variance 11.333, residual 3.000
}
