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
