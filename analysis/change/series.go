package change

import (
	"math"
	"sort"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Series is one patient's scores on the measure used to identify sudden
// gains: one row of suddengains' wide data restricted to sg_var_list.
// The score at session position i (0-based) is At(i), NaN = missing; Start
// and End are the scores named by tx_start_var_name and tx_end_var_name,
// used for the change over treatment (they may lie outside the positions,
// e.g. an intake score).
//
// A Series is held either densely (Values, one cell per position, as
// NewSeries and literals build it) or sparsely (only the observed scores,
// as SeriesFromLong builds it, so that one session numbered 999,999,999
// costs one cell, not a billion). Values is nil for a sparse series; read
// every series through Len, At and Observed.
type Series struct {
	ID     string    `json:"patient"`
	Values []float64 `json:"values,omitempty"`
	Start  float64   `json:"tx_start"`
	End    float64   `json:"tx_end"`

	// Sparse form: n positions, observed scores obs at ascending positions pos.
	sparse bool
	n      int
	pos    []int
	obs    []float64
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

// Len is the number of session positions (observed or missing).
func (s *Series) Len() int {
	if s.sparse {
		return s.n
	}
	return len(s.Values)
}

// At is the score at position p, NaN when it is missing or p is outside
// 0..Len()−1. A sparse series answers by binary search.
func (s *Series) At(p int) float64 {
	if p < 0 || p >= s.Len() {
		return nan
	}
	if !s.sparse {
		return s.Values[p]
	}
	i := sort.SearchInts(s.pos, p)
	if i < len(s.pos) && s.pos[i] == p {
		return s.obs[i]
	}
	return nan
}

// Observed calls f for every non-missing score in position order.
func (s *Series) Observed(f func(pos int, v float64)) {
	if s.sparse {
		for i, p := range s.pos {
			if !math.IsNaN(s.obs[i]) {
				f(p, s.obs[i])
			}
		}
		return
	}
	for p, v := range s.Values {
		if !math.IsNaN(v) {
			f(p, v)
		}
	}
}

// window returns At(p−2) … At(p+3), the six scores around pregain position p.
func (s *Series) window(p int) [6]float64 {
	var w [6]float64
	if !s.sparse {
		return ExtractValues(s.Values, p)
	}
	i := sort.SearchInts(s.pos, p-2)
	for k := range w {
		w[k] = nan
	}
	for ; i < len(s.pos) && s.pos[i] <= p+3; i++ {
		w[s.pos[i]-(p-2)] = s.obs[i]
	}
	return w
}

// candidates calls f, in ascending order, for every pregain position
// 1..Len()−3 whose window p−2..p+3 holds an observed score (in a dense
// series: every position). Every other interval has all criteria NA.
func (s *Series) candidates(f func(p int)) {
	hi := s.Len() - 3
	if !s.sparse {
		for p := 1; p <= hi; p++ {
			f(p)
		}
		return
	}
	next := 1 // smallest position not yet visited
	for i, q := range s.pos {
		if math.IsNaN(s.obs[i]) {
			continue
		}
		lo, top := q-3, q+2
		if lo < next {
			lo = next
		}
		if top > hi {
			top = hi
		}
		for p := lo; p <= top; p++ {
			f(p)
		}
		if top+1 > next {
			next = top + 1
		}
	}
}

// SeriesFromLong builds one Series per patient from long data (one row per
// patient and session). Session s is position s − first; sessions outside
// [first, last] are an error, as are duplicate (patient, session) rows.
// Patients keep the order of their first appearance. Missing sessions are
// NaN. Start and End are the scores at positions 0 and last − first.
//
// The series are sparse: memory grows with the rows, not with last − first.
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
	width := int64(last) - int64(first) + 1
	if width > math.MaxInt32 {
		return nil, errs.New(errs.InvalidOption, "change", "sessions %d..%d: more than %d session positions", first, last, math.MaxInt32)
	}
	index := make(map[string]int)
	var out []Series
	var rows [][]int // input row of each observed score, per series
	for i, id := range patient {
		k, ok := index[id]
		if !ok {
			k = len(out)
			index[id] = k
			out = append(out, Series{ID: id, sparse: true, n: int(width)})
			rows = append(rows, nil)
		}
		s := session[i]
		if s < first || s > last {
			return nil, errs.Inputf("change", 0, "row %d: patient %q: session %d outside %d..%d (set the session range)", i+1, id, s, first, last)
		}
		if math.IsInf(score[i], 0) {
			return nil, errs.Inputf("change", 0, "row %d: patient %q session %d: score %v is not finite", i+1, id, s, score[i])
		}
		if math.IsNaN(score[i]) {
			continue // missing: not stored
		}
		out[k].pos = append(out[k].pos, s-first)
		out[k].obs = append(out[k].obs, score[i])
		rows[k] = append(rows[k], i)
	}
	for k := range out {
		s := &out[k]
		sort.Stable(byPos{s.pos, s.obs, rows[k]})
		for j := 1; j < len(s.pos); j++ {
			if s.pos[j] == s.pos[j-1] {
				return nil, &DuplicateError{Patient: s.ID, Time: float64(s.pos[j] + first), Rows: [2]int{rows[k][j-1], rows[k][j]}}
			}
		}
		s.Start, s.End = s.At(0), s.At(s.n-1)
	}
	return out, nil
}

// byPos sorts observed scores (and their row numbers) by position.
type byPos struct {
	pos  []int
	obs  []float64
	rows []int
}

func (b byPos) Len() int           { return len(b.pos) }
func (b byPos) Less(i, j int) bool { return b.pos[i] < b.pos[j] }
func (b byPos) Swap(i, j int) {
	b.pos[i], b.pos[j] = b.pos[j], b.pos[i]
	b.obs[i], b.obs[j] = b.obs[j], b.obs[i]
	b.rows[i], b.rows[j] = b.rows[j], b.rows[i]
}

// PatientSeries is SeriesFromLong for the rows of one patient (id),
// without its map: the rows within first..last, sessions increasing (as a
// validated session table holds them), missing scores (NaN) skipped. ok is
// false when no row lies within the range (SeriesFromLong then makes no
// series for the patient). A streaming caller builds one series per
// patient with it; the series equals SeriesFromLong's.
func PatientSeries(id string, session []int, score []float64, first, last int) (s Series, ok bool, err error) {
	if len(session) != len(score) {
		return s, false, errs.New(errs.InvalidOption, "change", "long data columns differ in length (session %d, score %d)", len(session), len(score))
	}
	if last < first {
		return s, false, errs.New(errs.InvalidOption, "change", "last session %d is before first session %d", last, first)
	}
	width := int64(last) - int64(first) + 1
	if width > math.MaxInt32 {
		return s, false, errs.New(errs.InvalidOption, "change", "sessions %d..%d: more than %d session positions", first, last, math.MaxInt32)
	}
	s = Series{ID: id, sparse: true, n: int(width)}
	prev := math.MinInt
	for i, t := range session {
		if t < first || t > last {
			continue
		}
		ok = true
		if t <= prev {
			return s, false, errs.New(errs.InvalidOption, "change", "patient %q: session %d follows session %d (sort the rows by session)", id, t, prev)
		}
		prev = t
		if math.IsInf(score[i], 0) {
			return s, false, errs.Inputf("change", 0, "patient %q session %d: score %v is not finite", id, t, score[i])
		}
		if math.IsNaN(score[i]) {
			continue
		}
		s.pos = append(s.pos, t-first)
		s.obs = append(s.obs, score[i])
	}
	s.Start, s.End = s.At(0), s.At(s.n-1)
	return s, ok, nil
}
