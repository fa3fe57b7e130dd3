package mixed_test

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// Profile-likelihood intervals on lme4's Dyestuff and Dyestuff2 (Davies
// 1947; six batches of five yields). The limits are the exact roots of the
// profile: R's uniroot on lme4's profile deviance (lme4:::devfun2,
// testdata/golden/R/mixed_confint.R) gives the same digits; lme4's
// confint(m), reading them off a spline, gives 12.199 for the lower limit
// of Dyestuff's .sig01 and 4.312 / 7.019 for Dyestuff2's intercept. The
// batch SD of Dyestuff2 is estimated at 0, so its lower limit is the bound
// 0, as lme4 reports it.
func ExampleModel_Confint() {
	batch := strings.Split(strings.Repeat("A", 5)+strings.Repeat("B", 5)+strings.Repeat("C", 5)+strings.Repeat("D", 5)+strings.Repeat("E", 5)+strings.Repeat("F", 5), "")
	for _, y := range [][]float64{
		{1545, 1440, 1440, 1520, 1580, 1540, 1555, 1490, 1560, 1495, 1595, 1550, 1605, 1510, 1560,
			1445, 1440, 1595, 1465, 1545, 1595, 1630, 1515, 1635, 1625, 1520, 1455, 1450, 1480, 1445},
		{7.298, 3.846, 2.434, 9.566, 7.99, 5.22, 6.556, 0.608, 11.788, -0.892, 0.11, 10.386, 13.434, 5.51, 8.166,
			2.212, 4.852, 7.092, 9.288, 4.98, 0.282, 9.014, 4.458, 9.446, 7.198, 1.722, 4.782, 8.106, 0.758, 3.758},
	} {
		data := mixed.Data{Numeric: map[string][]float64{"Yield": y}, Text: map[string][]string{"Batch": batch}}
		m, err := mixed.Fit("Yield ~ 1 + (1 | Batch)", data, mixed.Options{})
		if err != nil {
			fmt.Println(err)
			return
		}
		ci, err := m.Confint(mixed.ConfintOptions{Method: "profile"})
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, c := range ci.Intervals {
			fmt.Printf("%-11s %-8s %-14s [%.3f, %.3f]\n", c.Parm, c.Group, c.Name, c.Lower, c.Upper)
		}
	}
	// Output:
	// .sig01      Batch    sd_(Intercept) [12.197, 84.063]
	// .sigma      Residual sigma          [38.230, 67.658]
	// (Intercept)          (Intercept)    [1486.451, 1568.549]
	// .sig01      Batch    sd_(Intercept) [0.000, 2.084]
	// .sigma      Residual sigma          [2.893, 4.816]
	// (Intercept)          (Intercept)    [4.313, 7.018]
}

// Profile-likelihood intervals of a crossed model: lme4's Penicillin (24
// plates × 6 penicillin samples, one diameter each; Davies 1947), plates
// crossed with samples. The limits are the exact roots of the ML profile,
// as R's uniroot on lme4's profile deviance gives them
// (testdata/golden/mixed_confint_crossed.json); lme4's confint(m), reading
// them off a spline, gives [1.095789, 3.556292] for the sample SD (.sig02).
func ExampleModel_Confint_crossed() {
	d := strings.Split("27 23 26 23 23 21 27 23 26 23 23 21 25 21 25 24 24 20 26 23 25 23 23 20 25 22 26 22 23 20 24 22 25 23 22 19 24 20 23 21 22 19 26 22 26 24 24 21 24 21 24 22 22 20 24 21 24 23 22 19 26 23 26 24 24 21 25 22 26 24 24 20 26 24 26 24 25 22 26 23 26 23 23 20 26 23 25 24 24 22 25 22 25 23 23 20 25 21 24 23 23 20 25 22 24 23 23 19 24 21 23 21 21 19 26 23 26 24 24 21 25 21 24 22 22 18 25 22 25 22 22 20 24 21 24 22 24 19 24 21 24 22 21 18", " ")
	data := mixed.Data{Numeric: map[string][]float64{"diameter": {}}, Text: map[string][]string{"plate": {}, "sample": {}}}
	for i, s := range d {
		var y float64
		fmt.Sscan(s, &y)
		data.Numeric["diameter"] = append(data.Numeric["diameter"], y)
		data.Text["plate"] = append(data.Text["plate"], string(rune('a'+i/6)))
		data.Text["sample"] = append(data.Text["sample"], string(rune('A'+i%6)))
	}
	m, err := mixed.Fit("diameter ~ 1 + (1 | plate) + (1 | sample)", data, mixed.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ci, err := m.Confint(mixed.ConfintOptions{Method: "profile"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range ci.Intervals {
		fmt.Printf("%-11s %-8s %-14s [%.6f, %.6f]\n", c.Parm, c.Group, c.Name, c.Lower, c.Upper)
	}
	// Output:
	// .sig01      plate    sd_(Intercept) [0.633565, 1.182103]
	// .sig02      sample   sd_(Intercept) [1.095831, 3.556322]
	// .sigma      Residual sigma          [0.485846, 0.629453]
	// (Intercept)          (Intercept)    [21.266608, 24.677836]
}
