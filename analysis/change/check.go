package change

import "github.com/alliance-research/alliance/analysis/internal/describe"

// IntervalCheck is check_interval's result for one hypothetical interval.
type IntervalCheck struct {
	Crit1 Flag `json:"crit1"`
	Crit2 Flag `json:"crit2"`
	Crit3 Flag `json:"crit3"`
	// Met is the combined verdict (NA if an applied criterion is NA).
	Met Flag `json:"met"`
	// CriticalValue is the stability criterion's t critical value (NaN if not evaluated).
	CriticalValue Float `json:"critical_value"`
	NPre          int   `json:"n_pre"`
	NPost         int   `json:"n_post"`
	MeanPre       Float `json:"mean_pre"`
	MeanPost      Float `json:"mean_post"`
	SDPre         Float `json:"sd_pre"`
	SDPost        Float `json:"sd_post"`
}

// CheckInterval applies the criteria to the three scores before (pre[2] is
// the pregain score) and the three after (post[0] is the postgain score) a
// possible gain: suddengains' check_interval. Missing scores are NaN.
func CheckInterval(pre, post [3]float64, c Criteria) (IntervalCheck, error) {
	d, err := NewDetector(c)
	if err != nil {
		return IntervalCheck{}, err
	}
	// Lay the six scores out as a series whose only interval is 2→3 with
	// three pre scores: pad so that the pregain score sits at position 2.
	x := [6]float64{pre[0], pre[1], pre[2], post[0], post[1], post[2]}
	iv := d.interval(x, 2)
	r := IntervalCheck{Crit1: iv.Crit1, Crit2: iv.Crit2, Crit3: iv.Crit3, Met: iv.Met, CriticalValue: iv.CriticalValue}
	m, s, n := describe.MeanSD(pre[:])
	r.MeanPre, r.SDPre, r.NPre = Float(m), Float(s), n
	m, s, n = describe.MeanSD(post[:])
	r.MeanPost, r.SDPost, r.NPost = Float(m), Float(s), n
	return r, nil
}
