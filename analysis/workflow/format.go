package workflow

import (
	"math"

	"github.com/alliance-research/alliance/analysis/apa"
)

// Number formatting of table cells, in APA style with "NA" for undefined
// values; one place for every workflow.

func num(x float64, d int) string { return apa.Cell(x, d) }

// rnum formats a correlation (no leading zero).
func rnum(x float64, d int) string {
	if math.IsNaN(x) {
		return "NA"
	}
	return apa.NoZero(x, d)
}

func pcell(p float64) string { return apa.PCell(p) }

func interval(lb, ub float64, d int, noZero bool) string {
	if math.IsNaN(lb) || math.IsNaN(ub) {
		return "NA"
	}
	return apa.Interval(lb, ub, d, noZero)
}

func pct(x float64) string {
	if math.IsNaN(x) {
		return "NA"
	}
	return apa.Num(x, 1) + "%"
}
