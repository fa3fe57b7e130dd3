package change

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// SelectPattern reports whether values contain at least one of the four
// data patterns of select_cases(method = "pattern"), which guarantee that
// some interval can be tested with all three criteria (x = present, . = missing):
//
//  1. x x x x
//  2. x x x . x
//  3. x . x x x
//  4. x . x x . x
func SelectPattern(values []float64) bool {
	patterns := [4]string{"xxxx", "xxx.x", "x.xxx", "x.xx.x"}
	for _, pat := range patterns {
		for i := 0; i+len(pat) <= len(values); i++ {
			ok := true
			for j := 0; j < len(pat); j++ {
				if (pat[j] == 'x') == math.IsNaN(values[i+j]) {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// selectPatternSeries is SelectPattern on a series: a pattern starts at an
// observed score, so only those starts are tried.
func selectPatternSeries(s *Series) bool {
	if !s.sparse {
		return SelectPattern(s.Values)
	}
	patterns := [4]string{"xxxx", "xxx.x", "x.xxx", "x.xx.x"}
	found := false
	s.Observed(func(q int, _ float64) {
		for _, pat := range patterns {
			if found || q+len(pat) > s.Len() {
				continue
			}
			ok := true
			for j := 0; j < len(pat) && ok; j++ {
				ok = (pat[j] == 'x') != math.IsNaN(s.At(q+j))
			}
			found = found || ok
		}
	})
	return found
}

// SelectMinSessions reports whether values have at least min non-missing
// scores: select_cases(method = "min_sess", min_sess_num = min). It is an
// error, as in the package, when min exceeds the number of sessions.
func SelectMinSessions(values []float64, min int) (bool, error) {
	if min > len(values) {
		return false, errs.New(errs.InvalidOption, "change", "minimum number of sessions %d is greater than the number of sessions (%d)", min, len(values))
	}
	n := 0
	for _, v := range values {
		if !math.IsNaN(v) {
			n++
		}
	}
	return n >= min, nil
}

// SelectCases returns sg_select for every series: SelectPattern when min is
// 0, SelectMinSessions(values, min) otherwise.
func SelectCases(series []Series, min int) ([]bool, error) {
	out := make([]bool, len(series))
	for i, s := range series {
		if min <= 0 {
			out[i] = selectPatternSeries(&series[i])
			continue
		}
		if min > s.Len() {
			return nil, fmt.Errorf("series %q: %w", s.ID, errs.New(errs.InvalidOption, "change", "minimum number of sessions %d is greater than the number of sessions (%d)", min, s.Len()))
		}
		n := 0
		series[i].Observed(func(int, float64) { n++ })
		out[i] = n >= min
	}
	return out, nil
}

// IntervalCount is count_intervals' result.
type IntervalCount struct {
	// Total is the number of between-session intervals, Σ(n − 1).
	Total int `json:"total_between_sess_intervals"`
	// TotalSG is the number that could hold a gain: Total less 2 per patient
	// (1 with baseline-first).
	TotalSG int `json:"total_between_sess_intervals_sg"`
	// Available counts intervals where all three criteria could be applied.
	Available int `json:"available_between_sess_intervals_sg"`
	// NotAvailable counts the examined intervals where they could not.
	NotAvailable int `json:"not_available_between_sess_intervals_sg"`
}

// CountIntervals counts the intervals available for sudden-gain analysis as
// count_intervals: intervals are examined with cutoff 1, pct .25 and the
// adjusted stability criterion (alpha .05), and an interval is available
// when none of the criteria is NA.
func CountIntervals(series []Series, baselineFirst bool) IntervalCount {
	c := DefaultCriteria(Gains, 1)
	c.BaselineFirst = baselineFirst
	d, _ := NewDetector(c) // valid by construction
	var out IntervalCount
	var buf []Interval
	for _, s := range series {
		n := s.Len()
		if n > 0 {
			out.Total += n - 1
		}
		drop := 2
		if baselineFirst {
			drop = 1
		}
		out.TotalSG += n - 1 - drop
		buf = d.evaluable(&s, buf[:0])
		out.NotAvailable += NumIntervals(n) - len(buf)
		for _, iv := range buf {
			if iv.Met == NA {
				out.NotAvailable++
			} else {
				out.Available++
			}
		}
	}
	return out
}
