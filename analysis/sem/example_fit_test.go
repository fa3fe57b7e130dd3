package sem_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/sem"
)

// R: lavaan::sem("y ~ x", data = d, meanstructure = TRUE). With complete
// data the ML estimates are the least-squares line and the ML (divide by
// N) variances, here checkable by hand: x = 1..5, y = 2, 4, 5, 4, 5 give
// slope 6/10 = 0.6, intercept 4 − 0.6·3 = 2.2, residual variance
// 2.4/5 = 0.48, var(x) = 10/5 = 2 and mean(x) = 3.
func ExampleFit() {
	rows := [][]float64{{1, 2}, {2, 4}, {3, 5}, {4, 4}, {5, 5}}
	d, err := sem.NewData(rows, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	var m sem.Model
	x, y := m.Var("x"), m.Var("y")
	m.NObs = 2
	m.Regress(y, x, "")
	m.Covary(x, x, "", 1)
	m.Covary(y, y, "", 1)
	m.Intercept(x, "", 0)
	m.Intercept(y, "", 0)
	res, err := sem.Fit(&m, d, sem.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range res.Parameters {
		fmt.Printf("%s %s %s = %.4f\n", p.LHS, p.Op, p.RHS, p.Estimate)
	}
	// Output:
	// y ~ x = 0.6000
	// x ~~ x = 2.0000
	// y ~~ y = 0.4800
	// x ~1  = 3.0000
	// y ~1  = 2.2000
}
