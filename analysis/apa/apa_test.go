package apa

import (
	"fmt"
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Num(-0.0412, 2), "−0.04"},
		{Num(-0.001, 2), "0.00"},
		{Num(4.7449, 2), "4.74"},
		{Num(math.NaN(), 2), "NA"},
		{Num(math.Inf(-1), 2), "−∞"},
		{NoZero(0.153, 2), ".15"},
		{NoZero(-0.04, 2), "−.04"},
		{NoZero(1.2, 2), "1.20"},
		{NoZero(-0.004, 2), ".00"},
		{P(0.0004), "p < .001"},
		{P(0.001), "p = .001"},
		{P(0.01234), "p = .012"},
		{P(0.9999), "p > .999"},
		{P(0.5), "p = .500"},
		{P(math.NaN()), "p = NA"},
		{Level(0.95), "95%"},
		{Level(0.9), "90%"},
		{Level(0.975), "97.5%"},
		{Level(0.57), "57%"},
		{Level(0.999), "99.9%"},
		{Level(0.9995), "99.95%"},
		{Level(0.99999), "100%"},
		{Level(0.123456), "12.35%"},
		{Level(0.29), "29%"},
		{CI(0.95, 0.09, 0.21, 2, true), "95% CI [.09, .21]"},
		{CI(0.9, -0.5, 1.25, 2, false), "90% CI [−0.50, 1.25]"},
		{Percent(61.73), "61.7%"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func ExampleCI() {
	fmt.Println(CI(0.95, 0.0912, 0.2107, 2, true), P(0.0123), NoZero(-0.041, 2))
	// Output: 95% CI [.09, .21] p = .012 −.04
}

func TestCells(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{Cell(math.NaN(), 2), "NA"}, {Cell(math.Inf(1), 2), "∞"}, {Cell(math.Inf(-1), 2), "−∞"}, {Cell(-0.0412, 2), "−0.04"},
		{PCell(0.0123), ".012"}, {PCell(0.00001), "< .001"}, {PCell(math.NaN()), "NA"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
