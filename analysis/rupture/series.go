package rupture

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Series is one patient's session-by-session ratings, in session order.
type Series struct {
	// Patient identifies the patient.
	Patient string `json:"patient"`
	// Therapist identifies the therapist (optional; used for per-therapist
	// rates).
	Therapist string `json:"therapist,omitempty"`
	// Session holds the session numbers, strictly increasing. nil means
	// sessions 1, 2, …, len(Score).
	Session []int `json:"session,omitempty"`
	// Score holds the alliance scores (higher = stronger alliance); NaN
	// marks a missing session, which is skipped.
	Score []float64 `json:"score"`
	// Rupture holds the post-session rupture item for MethodSelfReport
	// (NaN = missing); nil otherwise.
	Rupture []float64 `json:"rupture_item,omitempty"`
	// Resolution holds the post-session resolution item for
	// MethodSelfReport (optional; NaN = missing).
	Resolution []float64 `json:"resolution_item,omitempty"`
}

// session returns the session number of row i.
func (s *Series) session(i int) int {
	if s.Session == nil {
		return i + 1
	}
	return s.Session[i]
}

// check reports malformed series: columns of different lengths, sessions
// not strictly increasing, infinite values, a missing rupture item.
func (s *Series) check(m Method) error {
	n := len(s.Score)
	if s.Session != nil && len(s.Session) != n {
		return errs.New(errs.InvalidOption, "rupture", "patient %q: %d session numbers for %d scores", s.Patient, len(s.Session), n)
	}
	if s.Rupture != nil && len(s.Rupture) != n {
		return errs.New(errs.InvalidOption, "rupture", "patient %q: %d rupture-item values for %d scores", s.Patient, len(s.Rupture), n)
	}
	if s.Resolution != nil && len(s.Resolution) != n {
		return errs.New(errs.InvalidOption, "rupture", "patient %q: %d resolution-item values for %d scores", s.Patient, len(s.Resolution), n)
	}
	if m == MethodSelfReport && s.Rupture == nil {
		return errs.New(errs.InvalidOption, "rupture", "patient %q: the self-report method needs the rupture item (Series.Rupture)", s.Patient)
	}
	for i := 1; i < len(s.Session); i++ {
		if s.Session[i] <= s.Session[i-1] {
			return errs.Inputf("rupture", 0, "patient %q: session %d follows session %d (sort by session and remove duplicate rows)", s.Patient, s.Session[i], s.Session[i-1])
		}
	}
	for i, v := range s.Score {
		if math.IsInf(v, 0) {
			return errs.Inputf("rupture", 0, "patient %q session %d: score %v is not finite", s.Patient, s.session(i), v)
		}
	}
	return nil
}
