package change

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Series is one patient's scores on the measure used to identify sudden
// gains: one row of suddengains' wide data restricted to sg_var_list.
// Values[i] is the score at session position i (NaN = missing); Start and End
// are the scores named by tx_start_var_name and tx_end_var_name, used for the
// change over treatment (they may lie outside Values, e.g. an intake score).
type Series struct {
	ID     string    `json:"patient"`
	Values []float64 `json:"values"`
	Start  float64   `json:"tx_start"`
	End    float64   `json:"tx_end"`
}

// NewSeries returns a Series whose treatment start and end are the first and
// last positions of values (the vignette's tx_start = bdi_s1, tx_end =
// bdi_s12 when sg_var_list is bdi_s1..bdi_s12). Values is not copied.
func NewSeries(id string, values []float64) Series {
	s := Series{ID: id, Values: values, Start: nan, End: nan}
	if len(values) > 0 {
		s.Start, s.End = values[0], values[len(values)-1]
	}
	return s
}

// SeriesFromLong builds one Series per patient from long data (one row per
// patient and session). Session s is stored at position s − first; sessions
// outside [first, last] are an error, as are duplicate (patient, session)
// rows. Patients keep the order of their first appearance. Missing sessions
// are NaN. Start and End are the scores at positions 0 and last − first.
//
// Use first = 1 for sessions 1..n, or first = 0 with a baseline at session 0
// and Criteria.BaselineFirst: the Session numbers reported for gains then
// equal the session labels, as in suddengains.
func SeriesFromLong(patient []string, session []int, score []float64, first, last int) ([]Series, error) {
	if len(patient) != len(session) || len(patient) != len(score) {
		return nil, errs.New(errs.InvalidOption, "change", "long data columns differ in length (patient %d, session %d, score %d)", len(patient), len(session), len(score))
	}
	if last < first {
		return nil, errs.New(errs.InvalidOption, "change", "last session %d is before first session %d", last, first)
	}
	width := last - first + 1
	index := make(map[string]int)
	var out []Series
	for i, id := range patient {
		k, ok := index[id]
		if !ok {
			k = len(out)
			index[id] = k
			v := make([]float64, width)
			for j := range v {
				v[j] = nan
			}
			out = append(out, Series{ID: id, Values: v})
		}
		s := session[i]
		if s < first || s > last {
			return nil, errs.Inputf("change", 0, "row %d: patient %q: session %d outside %d..%d (set the session range)", i+1, id, s, first, last)
		}
		pos := s - first
		if !math.IsNaN(out[k].Values[pos]) {
			return nil, errs.Inputf("change", 0, "row %d: patient %q has session %d twice (remove the duplicate row)", i+1, id, s)
		}
		if math.IsInf(score[i], 0) {
			return nil, errs.Inputf("change", 0, "row %d: patient %q session %d: score %v is not finite", i+1, id, s, score[i])
		}
		out[k].Values[pos] = score[i]
	}
	for k := range out {
		out[k].Start, out[k].End = out[k].Values[0], out[k].Values[width-1]
	}
	return out, nil
}
