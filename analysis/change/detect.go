package change

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/describe"
)

// Flag is a three-valued criterion result: No, Yes, or NA (not evaluable,
// or the criterion is switched off), as the 0 / 1 / NA cells of
// suddengains' identify_sg table. It encodes to JSON as false, true, null.
type Flag int8

const (
	No  Flag = 0
	Yes Flag = 1
	NA  Flag = -1
)

func flagOf(b bool) Flag {
	if b {
		return Yes
	}
	return No
}

// MarshalJSON writes true, false or null.
func (f Flag) MarshalJSON() ([]byte, error) {
	switch f {
	case Yes:
		return []byte("true"), nil
	case No:
		return []byte("false"), nil
	}
	return []byte("null"), nil
}

// Interval is the verdict on one between-session interval: a cell of
// identify_sg's table (Met) with the crit123_details cells.
type Interval struct {
	// Position is the 0-based index in Series.Values of the pregain score.
	Position int `json:"position"`
	// Session is the package's pregain session number (the first number of
	// its column name sg_2to3 etc.): Position+1, or Position with BaselineFirst.
	Session int `json:"session"`
	// Crit1, Crit2, Crit3 are the three criteria (NA when switched off or
	// not evaluable).
	Crit1 Flag `json:"crit1"`
	Crit2 Flag `json:"crit2"`
	Crit3 Flag `json:"crit3"`
	// Met combines the applied criteria as R's product crit1*crit2*crit3:
	// NA if any applied criterion is NA, else Yes only if all are Yes.
	Met Flag `json:"met"`
	// CriticalValue is the t critical value used by the stability criterion
	// (NaN when it was not evaluated).
	CriticalValue Float `json:"critical_value"`
}

// Detector applies a validated set of Criteria to series. It is safe for
// concurrent use; it allocates nothing per series.
type Detector struct {
	c    Criteria
	crit [5]float64 // critical value by df = n_pre + n_post − 2 (2..4)
}

// NewDetector validates c and precomputes the critical values.
func NewDetector(c Criteria) (*Detector, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	d := &Detector{c: c}
	for df := 2; df <= 4; df++ {
		if c.FixedCritical {
			d.crit[df] = c.CriticalValue
		} else {
			d.crit[df] = CriticalT(c.Alpha, df)
		}
	}
	return d, nil
}

// Criteria returns the criteria d applies.
func (d *Detector) Criteria() Criteria { return d.c }

// NumIntervals returns the number of intervals examined in a series of n
// scores: n − 3 (from 2→3 to (n−2)→(n−1), 1-based), or 0 when n < 4.
func NumIntervals(n int) int {
	if n < 4 {
		return 0
	}
	return n - 3
}

// session converts a 0-based pregain position into the package's number.
func (d *Detector) session(pos int) int {
	if d.c.BaselineFirst {
		return pos
	}
	return pos + 1
}

// interval evaluates the interval whose pregain score is at position p,
// from w = the scores at p−2 … p+3 (NaN where missing or outside the series).
func (d *Detector) interval(w [6]float64, p int) Interval {
	c := &d.c
	iv := Interval{Position: p, Session: d.session(p), Crit1: NA, Crit2: NA, Crit3: NA, CriticalValue: Float(nan)}
	a, b := w[2], w[3]
	diff := a - b
	missing := math.IsNaN(a) || math.IsNaN(b)
	if !c.NoCutoff && !missing {
		if c.Direction == Gains {
			iv.Crit1 = flagOf(diff >= c.Cutoff)
		} else {
			iv.Crit1 = flagOf(diff <= c.Cutoff)
		}
	}
	if !c.NoPct && !missing {
		switch {
		case c.Direction == Gains:
			iv.Crit2 = flagOf(diff >= c.Pct*a)
		case c.LossPct == LossPctIntended:
			iv.Crit2 = flagOf(b-a >= c.Pct*a)
		default:
			iv.Crit2 = flagOf(diff <= c.Pct*a)
		}
	}
	if !c.NoStability {
		mPre, sdPre, nPre := describe.MeanSD(w[0:3])
		mPost, sdPost, nPost := describe.MeanSD(w[3:6])
		if nPre >= 2 && nPost >= 2 {
			cv := d.crit[nPre+nPost-2]
			iv.CriticalValue = Float(cv)
			pooled := math.Sqrt((float64(nPre-1)*sdPre*sdPre + float64(nPost-1)*sdPost*sdPost) / float64(nPre+nPost-2))
			if c.Direction == Gains {
				iv.Crit3 = flagOf(mPre-mPost > cv*pooled)
			} else {
				iv.Crit3 = flagOf(mPost-mPre > cv*pooled)
			}
		}
	}
	iv.Met = Yes
	for i, f := range [3]Flag{iv.Crit1, iv.Crit2, iv.Crit3} {
		applied := [3]bool{!c.NoCutoff, !c.NoPct, !c.NoStability}[i]
		if !applied {
			continue
		}
		if f == NA {
			iv.Met = NA
			break
		}
		if f == No {
			iv.Met = No
		}
	}
	return iv
}

// Intervals appends to dst the verdict on every interval of values, in
// session order (identify_sg / identify_sl with crit123_details for one row),
// and returns the extended slice.
func (d *Detector) Intervals(values []float64, dst []Interval) []Interval {
	for p := 1; p+1 <= len(values)-2; p++ {
		dst = append(dst, d.interval(ExtractValues(values, p), p))
	}
	return dst
}

// evaluable appends to dst the verdict on every interval of s whose window
// holds an observed score, in session order; every other interval (of the
// NumIntervals(s.Len()) in all) has all criteria NA.
func (d *Detector) evaluable(s *Series, dst []Interval) []Interval {
	s.candidates(func(p int) { dst = append(dst, d.interval(s.window(p), p)) })
	return dst
}

// Find appends to dst one Gain per sudden gain (or loss) in s, in session
// order, with every column of create_bysg, and returns the extended slice.
// It allocates only when dst must grow, so a caller streaming patients can
// reuse one buffer: buf = d.Find(s, buf[:0]).
func (d *Detector) Find(s Series, dst []Gain) []Gain {
	first := len(dst)
	s.candidates(func(p int) {
		if d.interval(s.window(p), p).Met == Yes {
			dst = append(dst, d.gain(&s, p))
		}
	})
	freq := len(dst) - first
	for i := first; i < len(dst); i++ {
		dst[i].FreqByPerson = freq
	}
	return dst
}

// gain builds the create_bysg row for the gain with pregain position p.
func (d *Detector) gain(s *Series, p int) Gain {
	c := &d.c
	g := Gain{
		Patient:   s.ID,
		Session:   d.session(p),
		Position:  p,
		Direction: c.Direction,
		TxStart:   Float(s.Start),
		TxEnd:     Float(s.End),
	}
	v := s.window(p)
	g.X2n, g.X1n, g.Xn, g.Xn1, g.Xn2, g.Xn3 = Float(v[0]), Float(v[1]), Float(v[2]), Float(v[3]), Float(v[4]), Float(v[5])
	mag := v[2] - v[3]
	g.Magnitude = Float(mag)
	tx := s.Start - s.End
	g.TxChange = Float(tx)
	var prop float64
	if c.Direction == Gains {
		prop = mag / tx
	} else {
		prop = math.Abs(mag) / tx
	}
	if math.IsInf(prop, -1) {
		prop = nan // dplyr::na_if(sg_change_proportion, -Inf)
	}
	g.ChangeProportion = Float(prop)
	rv := v[3] + mag/2
	g.ReversalValue = Float(rv)
	start := p + 3
	if c.BaselineFirst || c.ReversalFromN2 {
		start = p + 2
	}
	s.Observed(func(k int, x float64) {
		if k >= start && ((c.Direction == Gains && x > rv) || (c.Direction == Losses && x < rv)) {
			g.Reversal = true
		}
	})
	return g
}

// ExtractValues returns the six scores around a gain whose pregain score is
// values[p]: values[p−2], values[p−1], values[p], values[p+1], values[p+2],
// values[p+3] (suddengains' sg_x_2n, _1n, _n, _n1, _n2, _n3), NaN where the
// position is outside the series or the score is missing. Apply it to a
// second measure (e.g. rumination, with Gain.Position) as extract_values.
func ExtractValues(values []float64, p int) [6]float64 {
	var out [6]float64
	for i := range out {
		k := p - 2 + i
		if k < 0 || k >= len(values) {
			out[i] = nan
		} else {
			out[i] = values[k]
		}
	}
	return out
}

// ByGain returns one row per sudden gain (or loss) over all series, in
// series order and session order within a series: create_bysg. Series are
// not reordered; sort them by ID first to match the package's
// arrange(id). No gains is not an error (the package stops with "No sudden
// gains were identified."): the result is empty.
func ByGain(series []Series, c Criteria) ([]Gain, error) {
	d, err := NewDetector(c)
	if err != nil {
		return nil, err
	}
	var out []Gain
	for i := range series {
		if series[i].ID == "" {
			return nil, errs.Inputf("change", 0, "series %d has an empty patient id", i+1)
		}
		var bad error
		series[i].Observed(func(j int, v float64) {
			if math.IsInf(v, 0) && bad == nil {
				bad = errs.Inputf("change", 0, "patient %q, position %d: score %v is not finite (use NaN for missing)", series[i].ID, j, v)
			}
		})
		if bad != nil {
			return nil, bad
		}
		out = d.Find(series[i], out)
	}
	return out, nil
}
