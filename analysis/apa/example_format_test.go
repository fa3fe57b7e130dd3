package apa_test

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/apa"
)

// APA style (7th ed., §6.36): no leading zero for quantities bounded by 1,
// a typographic minus.
func ExampleNoZero() {
	fmt.Println(apa.NoZero(0.278, 2), apa.NoZero(-0.04, 2))
	// Output:
	// .28 −.04
}

func ExampleNum() {
	fmt.Println(apa.Num(-0.0412, 2), apa.Num(17.8484, 2), apa.Num(-0.001, 2), apa.Num(math.NaN(), 2))
	// Output:
	// −0.04 17.85 0.00 NA
}

// p-values with three decimals and "p < .001".
func ExampleP() {
	fmt.Println(apa.P(0.0123))
	fmt.Println(apa.P(0.00002))
	fmt.Println(apa.P(0.9996))
	// Output:
	// p = .012
	// p < .001
	// p > .999
}

func ExamplePCell() {
	fmt.Println(apa.PCell(0.0123), apa.PCell(0.00002), apa.PCell(math.NaN()))
	// Output:
	// .012 < .001 NA
}

// Flückiger et al.'s (2018) interval for r, bounds without leading zeros.
func ExampleInterval() {
	fmt.Println(apa.Interval(0.256, 0.299, 2, true))
	fmt.Println(apa.Interval(-0.0686, 0.2266, 3, false))
	// Output:
	// [.26, .30]
	// [−0.069, 0.227]
}

func ExampleLevel() {
	fmt.Println(apa.Level(0.95), apa.Level(0.975), apa.Level(0.57))
	// Output:
	// 95% 97.5% 57%
}

func ExamplePercent() {
	fmt.Println(apa.Percent(61.73))
	// Output:
	// 61.7%
}

// A table cell: NA for an undefined value, ∞ for an infinite one.
func ExampleCell() {
	fmt.Println(apa.Cell(0.2854, 4), apa.Cell(math.NaN(), 4), apa.Cell(math.Inf(-1), 4))
	// Output:
	// 0.2854 NA −∞
}
