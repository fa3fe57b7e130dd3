package rupture

import (
	"math"
	"strconv"

	"github.com/alliance-research/alliance/analysis/change"
)

// Float is a float64 that encodes to JSON as null when it is NaN or ±Inf
// (shared with analysis/change).
type Float = change.Float

// NullInt is an int that may be absent (JSON null), e.g. the repair session
// of an unrepaired rupture.
type NullInt struct {
	V     int
	Valid bool
}

// MarshalJSON writes the number, or null when not Valid.
func (n NullInt) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, int64(n.V), 10), nil
}

// UnmarshalJSON reads a number or null.
func (n *NullInt) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = NullInt{}
		return nil
	}
	v, err := strconv.Atoi(string(b))
	if err != nil {
		return err
	}
	*n = NullInt{V: v, Valid: true}
	return nil
}

// Episode is one rupture (a V-episode when repaired).
type Episode struct {
	// Patient and Therapist identify the series.
	Patient   string `json:"patient"`
	Therapist string `json:"therapist,omitempty"`
	// Index numbers the patient's episodes from 1.
	Index int `json:"episode"`
	// Session is the session of the drop (the rupture session).
	Session int `json:"session"`
	// Reference is the level the session was compared with (previous
	// session or mean of preceding sessions).
	Reference Float `json:"reference"`
	// Score is the alliance score at the rupture session.
	Score Float `json:"score"`
	// Trough is the lowest score from the rupture session up to (not
	// including) the repair session, or to the end of the repair window.
	Trough Float `json:"trough"`
	// Drop is Reference − Score, in scale points.
	Drop Float `json:"drop"`
	// DropSD is Drop in SDs: of the SD the sd method used, otherwise of the
	// patient's own SD (NaN when undefined).
	DropSD Float `json:"drop_sd"`
	// Depth is Reference − Trough.
	Depth Float `json:"depth"`
	// Threshold is the drop that was needed (points; NaN for self-report and
	// for sudden-loss without the absolute criterion).
	Threshold Float `json:"threshold"`
	// Repaired reports a repair within the repair window.
	Repaired bool `json:"repaired"`
	// RepairSession is the first session that regained RepairFraction of the
	// drop (or, for self-report with a resolution item, the rupture session
	// when the resolution item reached ResolutionMin).
	RepairSession NullInt `json:"repair_session"`
	// SessionsToRepair is RepairSession − Session (the duration of the
	// episode).
	SessionsToRepair NullInt `json:"sessions_to_repair"`
	// Censored reports an unrepaired rupture whose repair window was not
	// fully observed: the series ends (or breaks at MaxGap) before
	// Session + RepairWindow. It still counts as unrepaired.
	Censored bool `json:"censored"`
}

// Class is a patient's rupture–repair class.
type Class string

const (
	// ClassNone: no rupture.
	ClassNone Class = "none"
	// ClassRepaired: at least one rupture, every rupture repaired.
	ClassRepaired Class = "repaired"
	// ClassUnrepaired: at least one rupture not repaired although its
	// repair window was observed in full.
	ClassUnrepaired Class = "unrepaired"
	// ClassCensored: at least one rupture, none of them observed unrepaired,
	// and at least one whose repair window runs past the last observed
	// session (Episode.Censored): whether it would have been repaired is
	// unknown. Reported separately from repaired and unrepaired.
	ClassCensored Class = "censored"
	// ClassInsufficient: too few observed sessions for the rule to be
	// applied at all (fewer than two in one unbroken stretch; four for
	// sudden-loss; no rupture item for self-report). Excluded from class
	// percentages and effects.
	ClassInsufficient Class = "insufficient"
)

// Classes lists the assessable classes in the order used in tables.
var Classes = []Class{ClassNone, ClassRepaired, ClassUnrepaired, ClassCensored}

// Patient is one patient's classification.
type Patient struct {
	Patient   string `json:"patient"`
	Therapist string `json:"therapist,omitempty"`
	// Class is none, repaired, unrepaired or insufficient.
	Class Class `json:"class"`
	// NSessions is the number of observed alliance scores.
	NSessions int `json:"n_sessions"`
	// NRuptures and NRepaired count the patient's episodes.
	NRuptures int `json:"n_ruptures"`
	NRepaired int `json:"n_repaired"`
	// NCensored counts the unrepaired episodes whose repair window was cut
	// short by the end of the series (Episode.Censored).
	NCensored int `json:"n_censored"`
	// SD is the patient's own SD of the observed scores (NaN when fewer
	// than two).
	SD Float `json:"sd"`
}

// classify sets p.Class from its counts. Several episodes: repaired only if
// every one is repaired; unrepaired as soon as one is observed unrepaired
// (its whole repair window seen); censored when every rupture that is not
// repaired has a repair window cut short by the end of the series.
func (p *Patient) classify(assessable bool) {
	switch {
	case p.NRuptures > 0 && p.NRepaired == p.NRuptures:
		p.Class = ClassRepaired
	case p.NRuptures > 0 && p.NRepaired+p.NCensored == p.NRuptures:
		p.Class = ClassCensored
	case p.NRuptures > 0:
		p.Class = ClassUnrepaired
	case assessable:
		p.Class = ClassNone
	default:
		p.Class = ClassInsufficient
	}
}

var nan = math.NaN()
