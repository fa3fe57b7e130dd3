package mixed_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// A random intercept per patient with CAR(1) residuals over unevenly spaced
// weeks, as nlme's lme(y ~ week, random = ~ 1 | patient, correlation =
// corCAR1(form = ~ week | patient)): nlme 3.1-162 gives (Intercept)
// 19.560802981 (SE 0.9207194318, 39 df), week −1.472911422 (SE
// 0.1180627167), Phi 0.9175542072 and logLik −82.4807974937.
func ExampleFit_correlation() {
	week := []float64{0, 2.5, 3.7, 4.2, 4.7, 5.5, 0, 1, 2.7, 3.7, 6.1, 8.4, 0, 2.1, 3.4, 5.5, 6.6, 8.6, 0, 0.7, 1.9, 2.8, 3.5, 4.9,
		0, 1.3, 2.5, 4.2, 6.6, 8.8, 0, 1.6, 3, 4.1, 6.2, 6.9, 0, 1.7, 3.4, 4.9, 6.9, 7.6, 0, 1.4, 3.6, 5.4, 7.7, 9.7}
	y := []float64{16.5, 15.3, 12.4, 10.7, 8.8, 6.5, 23.4, 21.2, 20.4, 18.3, 12.2, 9.3, 19.2, 16.2, 16.1, 15.7, 13.8, 10.4,
		18.9, 17.8, 15.9, 14.2, 12.8, 12.8, 19.9, 18.4, 14.3, 13.8, 10.1, 4.2, 16.5, 14.8, 13.7, 14.3, 11.2, 10.4,
		23, 20, 16.6, 14.7, 11.5, 9.9, 18.4, 16.7, 12.1, 9.6, 6.5, 2.8}
	patient := make([]string, len(y))
	for i := range patient {
		patient[i] = fmt.Sprintf("p%d", i/6+1)
	}
	data := mixed.Data{Numeric: map[string][]float64{"y": y, "week": week}, Text: map[string][]string{"patient": patient}}
	m, err := mixed.Fit("y ~ week + (1 | patient)", data, mixed.Options{Correlation: "car1", Time: "week"})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := m.Result
	for _, c := range r.Fixed {
		fmt.Printf("%-11s %.6f (SE %.6f, %g df)\n", c.Name, c.Estimate, c.SE, c.DF)
	}
	p := r.CorStruct.Params[0]
	fmt.Printf("%s %s = %.6f, logLik %.6f\n", r.CorStruct.Class, p.Name, p.Value, r.LogLik)
	// Output:
	// (Intercept) 19.560803 (SE 0.920719, 39 df)
	// week        -1.472911 (SE 0.118063, 39 df)
	// corCAR1 Phi = 0.917554, logLik -82.480797
}
