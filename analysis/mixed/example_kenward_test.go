package mixed_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// Kenward–Roger inference on a randomised complete block design (3 blocks
// × 3 treatments) with one observation missing (block c, treatment x).
// Balanced, Kenward and Roger's F is the classical F = MS_trt / MS_error on
// 2 and 4 df; unbalanced, its df fall below 4. R (pbkrtest 0.5.2, lmerTest
// 3.1-3): m <- lmer(y ~ trt + (1 | block), d); coef(summary(m, ddf =
// "Kenward-Roger")); anova(m, ddf = "Kenward-Roger") gives the same digits.
func ExampleOptions_kenwardRoger() {
	data := mixed.Data{
		Numeric: map[string][]float64{"y": {10, 12, 15, 14, 15, 20, 13, 14}},
		Text: map[string][]string{
			"block": {"a", "a", "a", "b", "b", "b", "c", "c"},
			"trt":   {"x", "y", "z", "x", "y", "z", "y", "z"},
		},
	}
	m, err := mixed.Fit("y ~ trt + (1 | block)", data, mixed.Options{DDF: mixed.DDFKenwardRoger})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range m.Result.Fixed {
		fmt.Printf("%s: %.4f (SE %.4f), t(%.3f) = %.3f\n", c.Name, c.Estimate, c.SE, c.DF, c.Statistic)
	}
	rows, err := m.Anova(3)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range rows {
		fmt.Printf("%s: F(%d, %.3f) = %.3f, p = %.4f\n", a.Term, a.NumDF, a.DenDF, a.F, a.P)
	}
	// Output:
	// (Intercept): 11.4128 (SE 1.5597), t(3.220) = 7.317
	// trty: 1.9206 (SE 1.1148), t(3.066) = 1.723
	// trtz: 4.9206 (SE 1.1148), t(3.066) = 4.414
	// trt: F(2, 3.040) = 10.821, p = 0.0414
}

// Kenward–Roger inference with crossed random effects: 6 patients, each
// rated by 3 of 4 raters, in two arms. R (pbkrtest 0.5.2, lmerTest 3.1-3):
// m <- lmer(y ~ trt + (1 | patient) + (1 | rater), d); coef(summary(m,
// ddf = "Kenward-Roger")); anova(m, ddf = "Kenward-Roger") gives the same
// digits.
func ExampleOptions_kenwardRogerCrossed() {
	data := mixed.Data{
		Numeric: map[string][]float64{"y": {11.5, 15.5, 13.5, 12, 16, 14.5, 12.5, 15.5, 21, 15.5, 16.5, 19, 21, 18, 23, 12.5, 16.5, 14}},
		Text: map[string][]string{
			"patient": {"p1", "p1", "p1", "p2", "p2", "p2", "p3", "p3", "p3", "p4", "p4", "p4", "p5", "p5", "p5", "p6", "p6", "p6"},
			"rater":   {"a", "b", "c", "a", "b", "d", "b", "c", "d", "a", "c", "d", "a", "b", "c", "b", "c", "d"},
			"trt":     {"ctl", "ctl", "ctl", "ctl", "ctl", "ctl", "ctl", "ctl", "ctl", "tx", "tx", "tx", "tx", "tx", "tx", "tx", "tx", "tx"},
		},
	}
	m, err := mixed.Fit("y ~ trt + (1 | patient) + (1 | rater)", data, mixed.Options{DDF: mixed.DDFKenwardRoger})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range m.Result.Fixed {
		fmt.Printf("%s: %.4f (SE %.4f), t(%.3f) = %.3f\n", c.Name, c.Estimate, c.SE, c.DF, c.Statistic)
	}
	rows, err := m.Anova(3)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range rows {
		fmt.Printf("%s: F(%d, %.3f) = %.3f, p = %.4f\n", a.Term, a.NumDF, a.DenDF, a.F, a.P)
	}
	// Output:
	// (Intercept): 14.6781 (SE 1.4666), t(3.919) = 10.008
	// trttx: 2.6466 (SE 2.0580), t(3.983) = 1.286
	// trt: F(1, 3.983) = 1.654, p = 0.2681
}
