package rupture_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/rupture"
)

// Nine patients, three per class, with pre and post scores on a symptom
// measure (lower = better).
func ninePatients() ([]rupture.Patient, []rupture.Outcome) {
	cls := []rupture.Class{rupture.ClassRepaired, rupture.ClassRepaired, rupture.ClassRepaired,
		rupture.ClassUnrepaired, rupture.ClassUnrepaired, rupture.ClassUnrepaired,
		rupture.ClassNone, rupture.ClassNone, rupture.ClassNone}
	pre := []float64{24, 30, 19, 27, 22, 31, 25, 20, 28}
	post := []float64{10, 18, 8, 22, 19, 25, 15, 13, 16}
	var ps []rupture.Patient
	var os []rupture.Outcome
	for i := range cls {
		id := fmt.Sprintf("P%d", i+1)
		ps = append(ps, rupture.Patient{Patient: id, Class: cls[i]})
		os = append(os, rupture.Outcome{Patient: id, Pre: pre[i], Post: post[i]})
	}
	return ps, os
}

// As R: with y = -(post - pre) for each class,
// t.test(y[repaired], y[unrepaired], var.equal = TRUE);
// escalc("SMD", m1i, sd1i, n1i, m2i, sd2i, n2i) for Hedges' g; and
// lm(post ~ class + pre) with class levels none, repaired, unrepaired for
// the ANCOVA. R 4.2.2 with metafor 3.8-1 prints the same numbers to the
// digits shown (checked when this example was written).
func ExampleEffects() {
	ps, os := ninePatients()
	res, err := rupture.Effects(ps, os, rupture.DefaultEffectOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range res.Effects {
		fmt.Printf("%s: diff = %.4f, t(%d) = %.4f, g = %.4f [%.4f, %.4f]\n",
			e.Contrast, float64(e.Diff), e.DF, float64(e.T), float64(e.G), float64(e.CILB), float64(e.CIUB))
	}
	for _, c := range res.ANCOVA.Coefficients {
		fmt.Printf("ANCOVA %s: %.4f (%.4f)\n", c.Name, c.Estimate, c.SE)
	}
	// Output:
	// repaired vs unrepaired: diff = 7.6667, t(4) = 6.1470, g = 4.0046 [1.2307, 6.7785]
	// repaired vs none: diff = 2.6667, t(4) = 1.5689, g = 1.0221 [-0.6795, 2.7237]
	// unrepaired vs none: diff = -5.0000, t(4) = -2.9417, g = -1.9165 [-3.8495, 0.0166]
	// ANCOVA (Intercept): -2.6451 (3.2101)
	// ANCOVA classrepaired: -2.6667 (1.2024)
	// ANCOVA classunrepaired: 5.6733 (1.2385)
	// ANCOVA pre: 0.7114 (0.1272)
}

// As R: 1.96 * sqrt(2) * s * sqrt(1 - r) with s = 1 and r = 0.9 (the
// Jacobson & Truax reliable-change criterion used as a rupture depth).
func ExampleRCIThreshold() {
	fmt.Printf("%.4f\n", rupture.RCIThreshold(1, 0.9))
	// Output:
	// 0.8765
}

// A preset rule (Stiles et al. 2004, as documented by Preset) applied to one
// patient's alliance ratings; there is no R implementation to compare with.
func ExampleAnalyzePreset() {
	series := []rupture.Series{
		{Patient: "A", Score: []float64{5.5, 5.8, 6.0, 5.9, 6.1, 4.2, 5.0, 6.1, 6.2, 6.0, 6.1, 6.2}},
		{Patient: "B", Score: []float64{5.0, 5.2, 5.1, 5.0, 5.2, 5.3, 5.1, 5.2, 5.3, 5.4, 5.2, 5.3}},
	}
	res, err := rupture.AnalyzePreset(series, "stiles2004")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range res.Patients {
		fmt.Printf("%s: %s, %d rupture(s)\n", p.Patient, p.Class, p.NRuptures)
	}
	// Output:
	// A: repaired, 1 rupture(s)
	// B: none, 0 rupture(s)
}

// Every preset on the same data, side by side (as Gumz et al. 2012 compared
// rupture criteria): the counts differ by rule, which is the point.
func ExampleSensitivity() {
	series := []rupture.Series{
		{Patient: "A", Score: []float64{5.5, 5.8, 6.0, 5.9, 6.1, 4.2, 5.0, 6.1, 6.2, 6.0, 6.1, 6.2}},
		{Patient: "B", Score: []float64{5.0, 5.2, 5.1, 5.0, 3.2, 3.3, 3.1, 3.2, 3.3, 3.4, 3.2, 3.3}},
		{Patient: "C", Score: []float64{4.8, 5.0, 5.1, 5.3, 5.2, 5.6, 5.8, 5.7, 5.9, 6.0, 6.1, 6.0}},
	}
	rows, err := rupture.Sensitivity(series, []string{"stiles2004", "gumz2012-1sd"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rows {
		fmt.Printf("%s: %d episodes, %d repaired, %d with rupture%s\n", r.Preset, r.Episodes, r.Repaired, r.WithRupture, r.Error)
	}
	// Output:
	// stiles2004: 2 episodes, 1 repaired, 2 with rupture
	// gumz2012-1sd: 2 episodes, 1 repaired, 2 with rupture
}
