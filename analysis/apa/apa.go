package apa

import (
	"math"
	"strconv"
	"strings"
)

// Minus is the typographic minus sign used for negative numbers.
const Minus = "−"

// Num formats x with the given number of decimals and a typographic minus,
// e.g. Num(-0.0412, 2) = "−0.04". A value that rounds to zero is printed
// without a sign. NaN prints "NA" and infinities "∞"/"−∞".
func Num(x float64, decimals int) string {
	switch {
	case math.IsNaN(x):
		return "NA"
	case math.IsInf(x, 1):
		return "∞"
	case math.IsInf(x, -1):
		return Minus + "∞"
	}
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	if strings.HasPrefix(s, "-") {
		if strings.Trim(s[1:], "0.") == "" {
			return s[1:]
		}
		return Minus + s[1:]
	}
	return s
}

// NoZero formats x like Num but drops the leading zero, as APA style asks for
// quantities bounded by 1 in absolute value (correlations, proportions,
// p-values): NoZero(0.153, 2) = ".15", NoZero(-0.04, 2) = "−.04".
func NoZero(x float64, decimals int) string {
	s := Num(x, decimals)
	if strings.HasPrefix(s, Minus+"0.") {
		return Minus + s[len(Minus)+1:]
	}
	if strings.HasPrefix(s, "0.") {
		return s[1:]
	}
	return s
}

// P formats a p-value as APA style: "p < .001" below .001, otherwise
// "p = .012" (three decimals, no leading zero); values that round to 1 give
// "p > .999". NaN gives "p = NA".
func P(p float64) string {
	switch {
	case math.IsNaN(p):
		return "p = NA"
	case p < 0.001:
		return "p < .001"
	case p >= 0.9995:
		return "p > .999"
	}
	return "p = " + NoZero(p, 3)
}

// Level formats a confidence level as a percentage label, rounded to at most
// two decimals with trailing zeros dropped: Level(0.95) = "95%",
// Level(0.975) = "97.5%", Level(0.57) = "57%" (not the "56.99999999999999%"
// of the binary product 100·0.57).
func Level(level float64) string {
	return strconv.FormatFloat(math.Round(10000*level)/100, 'f', -1, 64) + "%"
}

// CI formats an interval as "95% CI [.09, .21]". With noZero the bounds are
// printed without a leading zero (for correlations); otherwise as Num.
func CI(level, lb, ub float64, decimals int, noZero bool) string {
	return Level(level) + " CI " + Interval(lb, ub, decimals, noZero)
}

// Interval formats "[lb, ub]" with the given decimals, without leading zeros
// when noZero is set.
func Interval(lb, ub float64, decimals int, noZero bool) string {
	f := Num
	if noZero {
		f = NoZero
	}
	return "[" + f(lb, decimals) + ", " + f(ub, decimals) + "]"
}

// Percent formats a percentage with one decimal: Percent(61.73) = "61.7%".
func Percent(x float64) string {
	return Num(x, 1) + "%"
}

// Cell formats x for a table cell: Num(x, decimals), "NA" for an undefined
// value (NaN) and "∞"/"−∞" for infinities.
func Cell(x float64, decimals int) string {
	switch {
	case math.IsNaN(x):
		return "NA"
	case math.IsInf(x, 1):
		return "∞"
	case math.IsInf(x, -1):
		return Minus + "∞"
	}
	return Num(x, decimals)
}

// PCell formats a p-value for a table cell without the "p": ".012",
// "< .001"; "NA" when undefined.
func PCell(p float64) string {
	if math.IsNaN(p) {
		return "NA"
	}
	s := P(p)
	s = strings.TrimPrefix(s, "p = ")
	return strings.TrimPrefix(s, "p ")
}
