package rupture

import "math"

// SeriesFromRows builds one Series per patient from long session rows (one
// row per patient and session, sessions increasing within each patient),
// in order of the patients' first rows: the alliance scores, the therapist
// (therapist may be nil), and — when outcome is not nil — each patient's
// first and last observed outcome as an Outcome (Pre, Post; NaN when the
// patient has fewer than one or two observed outcomes), the default
// outcome of Effects.
func SeriesFromRows(patient, therapist []string, session []int, alliance, outcome []float64) ([]Series, []Outcome) {
	var series []Series
	var outcomes []Outcome
	index := make(map[string]int)
	for i, id := range patient {
		k, ok := index[id]
		if !ok {
			k = len(series)
			index[id] = k
			s := Series{Patient: id}
			if therapist != nil {
				s.Therapist = therapist[i]
			}
			series = append(series, s)
			if outcome != nil {
				outcomes = append(outcomes, Outcome{Patient: id, Pre: math.NaN(), Post: math.NaN()})
			}
		}
		s := &series[k]
		s.Session = append(s.Session, session[i])
		s.Score = append(s.Score, alliance[i])
		if outcome != nil {
			if y := outcome[i]; !math.IsNaN(y) {
				o := &outcomes[k]
				if math.IsNaN(o.Pre) {
					o.Pre = y
				} else {
					o.Post = y
				}
			}
		}
	}
	return series, outcomes
}

// OutcomeOf returns one patient's default outcome as SeriesFromRows makes
// it: the first observed value (Pre) and, with at least two, the last
// (Post); NaN when there is none.
func OutcomeOf(outcome []float64) (pre, post float64) {
	pre, post = math.NaN(), math.NaN()
	for _, y := range outcome {
		if math.IsNaN(y) {
			continue
		}
		if math.IsNaN(pre) {
			pre = y
		} else {
			post = y
		}
	}
	return pre, post
}
