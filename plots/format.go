package plots

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// formatNum formats x with d decimals and the true minus sign U+2212 (the
// PDF canvas maps it back to '-'); noLead drops the leading zero of
// values below 1 in magnitude (APA style for correlations). Negative zero
// prints as zero.
func formatNum(x float64, d int, noLead bool) string {
	if math.IsNaN(x) {
		return "NA"
	}
	s := strconv.FormatFloat(x, 'f', d, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	if noLead {
		if strings.HasPrefix(s, "0.") {
			s = s[1:]
		} else if strings.HasPrefix(s, "-0.") {
			s = "-" + s[2:]
		}
	}
	return strings.Replace(s, "-", "\u2212", 1)
}

// niceTicks are major ticks at 1, 2, 2.5 or 5 × 10^k steps, 4 to 7 of them,
// labelled with the decimals the step needs; noLead drops the leading zero
// (APA style for correlations, zero printed as "0"); negative labels use the
// minus sign U+2212, not hyphen-minus; integer restricts the
// steps to whole numbers (session axes).
type niceTicks struct{ noLead, integer bool }

// step returns the tick step and its number of decimals for [min, max].
func (t niceTicks) step(min, max float64) (float64, int) {
	span := max - min
	if !(span > 0) || math.IsInf(span, 0) {
		return 1, 0
	}
	best, bestDec, bestScore := 0.0, 0, math.Inf(1)
	for e := math.Floor(math.Log10(span)) - 2; e <= math.Floor(math.Log10(span))+1; e++ {
		for _, m := range []float64{1, 2, 2.5, 5} {
			st := m * math.Pow(10, e)
			if t.integer && (st < 1 || m == 2.5) {
				continue
			}
			n := math.Floor(max/st+1e-9) - math.Ceil(min/st-1e-9) + 1
			if n < 3 || n > 8 {
				continue
			}
			// Prefer about five labelled ticks and little padding beyond
			// the data once the range is widened to whole steps.
			waste := (math.Ceil(max/st-1e-9) - math.Floor(min/st+1e-9)) * st / span
			score := math.Abs(n-5) + 2*(waste-1)
			if m == 2.5 {
				score += 0.5
			}
			if score < bestScore {
				best, bestScore = st, score
				bestDec = int(math.Max(0, -e))
				if m == 2.5 {
					bestDec++
				}
			}
		}
	}
	if best == 0 {
		best = math.Pow(10, math.Floor(math.Log10(span)))
		bestDec = int(math.Max(0, -math.Floor(math.Log10(best))))
	}
	return best, bestDec
}

// Ticks implements plot.Ticker.
func (t niceTicks) Ticks(min, max float64) []plot.Tick {
	st, dec := t.step(min, max)
	var ticks []plot.Tick
	for i := math.Ceil(min/st - 1e-9); i*st <= max+st*1e-9; i++ {
		v := i * st
		l := formatNum(v, dec, t.noLead)
		if t.noLead && v == 0 {
			l = "0"
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: l})
	}
	return ticks
}

// niceRange widens an axis range outward to the nearest major ticks, so the
// axis line ends at a labelled value.
func niceRange(a *plot.Axis) {
	if !(a.Max > a.Min) {
		return
	}
	st, _ := niceTicks{}.step(a.Min, a.Max)
	a.Min = math.Floor(a.Min/st+1e-9) * st
	a.Max = math.Ceil(a.Max/st-1e-9) * st
}

// powerTicks marks a log axis at powers of ten, at most about six of them
// labelled (every s-th power when the range spans many decades), as "0.01",
// "1", "100" within four decades of 1 and "1e−43" beyond: gonum's LogTicks
// labels every decade with the float's full digits, which is unreadable on
// a range such as 1e-43 … 1.
type powerTicks struct{}

// Ticks implements plot.Ticker.
func (powerTicks) Ticks(vmin, vmax float64) []plot.Tick {
	if !(vmin > 0 && vmax > vmin) {
		return nil
	}
	lo, hi := int(math.Ceil(math.Log10(vmin)-1e-9)), int(math.Floor(math.Log10(vmax)+1e-9))
	stride := max(1, (hi-lo+1+5)/6)
	var ticks []plot.Tick
	for k := lo; k <= hi; k++ {
		t := plot.Tick{Value: math.Pow(10, float64(k))}
		if (hi-k)%stride == 0 { // counted from the top, so that 1 (or the largest power) is labelled
			t.Label = powerLabel(k)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// powerLabel writes 10^k as a plain number for |k| ≤ 4, else as "1e−43"
// with a true minus sign (the figure fonts lack superscript digits).
func powerLabel(k int) string {
	if k >= -4 && k <= 4 {
		return strconv.FormatFloat(math.Pow(10, float64(k)), 'f', -1, 64)
	}
	return "1e" + strings.ReplaceAll(strconv.Itoa(k), "-", "\u2212")
}
