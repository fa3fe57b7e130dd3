package rupture

import (
	"math"
	"sort"
)

// ClassCount is the number of patients in one class.
type ClassCount struct {
	Class Class `json:"class"`
	N     int   `json:"n"`
	// Percent is 100·N / (assessable patients); NaN for ClassInsufficient.
	Percent Float `json:"percent"`
}

// TherapistSummary holds one therapist's rupture and repair rates.
type TherapistSummary struct {
	Therapist string `json:"therapist"`
	// Patients counts the therapist's assessable patients.
	Patients int `json:"n_patients"`
	// WithRupture counts those with at least one rupture.
	WithRupture int `json:"n_with_rupture"`
	// Episodes and Repaired count ruptures and repaired ruptures.
	Episodes int `json:"n_episodes"`
	Repaired int `json:"n_repaired"`
	// RuptureRate is WithRupture / Patients.
	RuptureRate Float `json:"rupture_rate"`
	// RepairRate is Repaired / Episodes (NaN without ruptures).
	RepairRate Float `json:"repair_rate"`
}

// Summary describes the episodes and classes of a sample.
type Summary struct {
	// Patients counts all patients, Assessable those not ClassInsufficient.
	Patients   int `json:"n_patients"`
	Assessable int `json:"n_assessable"`
	// Sessions counts the observed scores of assessable patients.
	Sessions int `json:"n_sessions"`
	// Episodes, Repaired, Censored count ruptures, repaired ruptures and
	// unrepaired ruptures with a cut-short repair window.
	Episodes int `json:"n_episodes"`
	Repaired int `json:"n_repaired"`
	Censored int `json:"n_censored"`
	// WithRupture counts patients with at least one rupture.
	WithRupture int `json:"n_with_rupture"`
	// RuptureRate is WithRupture / Assessable; EpisodesPer100 is
	// 100·Episodes / Sessions; RepairRate is Repaired / Episodes.
	RuptureRate    Float `json:"rupture_rate"`
	EpisodesPer100 Float `json:"episodes_per_100_sessions"`
	RepairRate     Float `json:"repair_rate"`
	// MeanSessionsToRepair averages SessionsToRepair over repaired episodes.
	MeanSessionsToRepair Float `json:"mean_sessions_to_repair"`
	// MeanDrop and MeanDepth average Drop and Depth over episodes with a
	// finite value.
	MeanDrop  Float `json:"mean_drop"`
	MeanDepth Float `json:"mean_depth"`
	// Classes counts none, repaired, unrepaired, censored, insufficient.
	Classes []ClassCount `json:"classes"`
	// Therapists holds per-therapist rates, sorted by therapist (empty when
	// no series names a therapist).
	Therapists []TherapistSummary `json:"therapists,omitempty"`
}

// Tally accumulates a Summary one patient at a time, in memory that grows
// only with the number of therapists. The zero value is ready to use.
type Tally struct {
	s                 Summary
	classes           [5]int
	sumRepair         float64
	sumDrop, sumDepth float64
	nDrop, nDepth     int
	therapists        map[string]*TherapistSummary
}

// Add adds one patient and its episodes (as returned by Detector.Patient).
func (t *Tally) Add(p Patient, episodes []Episode) {
	t.s.Patients++
	switch p.Class {
	case ClassNone:
		t.classes[0]++
	case ClassRepaired:
		t.classes[1]++
	case ClassUnrepaired:
		t.classes[2]++
	case ClassCensored:
		t.classes[3]++
	default:
		t.classes[4]++
		return
	}
	t.s.Assessable++
	t.s.Sessions += p.NSessions
	if p.NRuptures > 0 {
		t.s.WithRupture++
	}
	for _, e := range episodes {
		t.s.Episodes++
		if e.Repaired {
			t.s.Repaired++
			t.sumRepair += float64(e.SessionsToRepair.V)
		}
		if e.Censored {
			t.s.Censored++
		}
		if finite(float64(e.Drop)) {
			t.sumDrop += float64(e.Drop)
			t.nDrop++
		}
		if finite(float64(e.Depth)) {
			t.sumDepth += float64(e.Depth)
			t.nDepth++
		}
	}
	if p.Therapist == "" {
		return
	}
	if t.therapists == nil {
		t.therapists = make(map[string]*TherapistSummary)
	}
	ts := t.therapists[p.Therapist]
	if ts == nil {
		ts = &TherapistSummary{Therapist: p.Therapist}
		t.therapists[p.Therapist] = ts
	}
	ts.Patients++
	if p.NRuptures > 0 {
		ts.WithRupture++
	}
	ts.Episodes += p.NRuptures
	ts.Repaired += p.NRepaired
}

func ratio(a, b int) Float {
	if b == 0 {
		return Float(math.NaN())
	}
	return Float(float64(a) / float64(b))
}

// Summary returns the summary of the patients added so far.
func (t *Tally) Summary() Summary {
	s := t.s
	s.RuptureRate = ratio(s.WithRupture, s.Assessable)
	s.EpisodesPer100 = 100 * ratio(s.Episodes, s.Sessions)
	s.RepairRate = ratio(s.Repaired, s.Episodes)
	s.MeanSessionsToRepair = Float(math.NaN())
	if s.Repaired > 0 {
		s.MeanSessionsToRepair = Float(t.sumRepair / float64(s.Repaired))
	}
	s.MeanDrop, s.MeanDepth = Float(math.NaN()), Float(math.NaN())
	if t.nDrop > 0 {
		s.MeanDrop = Float(t.sumDrop / float64(t.nDrop))
	}
	if t.nDepth > 0 {
		s.MeanDepth = Float(t.sumDepth / float64(t.nDepth))
	}
	s.Classes = []ClassCount{
		{ClassNone, t.classes[0], 100 * ratio(t.classes[0], s.Assessable)},
		{ClassRepaired, t.classes[1], 100 * ratio(t.classes[1], s.Assessable)},
		{ClassUnrepaired, t.classes[2], 100 * ratio(t.classes[2], s.Assessable)},
		{ClassCensored, t.classes[3], 100 * ratio(t.classes[3], s.Assessable)},
		{ClassInsufficient, t.classes[4], Float(math.NaN())},
	}
	s.Therapists = nil
	for _, ts := range t.therapists {
		v := *ts
		v.RuptureRate = ratio(v.WithRupture, v.Patients)
		v.RepairRate = ratio(v.Repaired, v.Episodes)
		s.Therapists = append(s.Therapists, v)
	}
	sort.Slice(s.Therapists, func(i, j int) bool { return s.Therapists[i].Therapist < s.Therapists[j].Therapist })
	return s
}

// Merge adds the patients u tallied to t (the merge step of a partitioned
// analysis): every count and sum adds, per therapist too. The sums of
// Summary's means are added in a different order than one Tally would
// add them, so its means agree to rounding.
func (t *Tally) Merge(u *Tally) {
	t.s.Patients += u.s.Patients
	t.s.Assessable += u.s.Assessable
	t.s.Sessions += u.s.Sessions
	t.s.WithRupture += u.s.WithRupture
	t.s.Episodes += u.s.Episodes
	t.s.Repaired += u.s.Repaired
	t.s.Censored += u.s.Censored
	for k := range t.classes {
		t.classes[k] += u.classes[k]
	}
	t.sumRepair += u.sumRepair
	t.sumDrop += u.sumDrop
	t.sumDepth += u.sumDepth
	t.nDrop += u.nDrop
	t.nDepth += u.nDepth
	for name, us := range u.therapists {
		if t.therapists == nil {
			t.therapists = make(map[string]*TherapistSummary)
		}
		ts := t.therapists[name]
		if ts == nil {
			ts = &TherapistSummary{Therapist: name}
			t.therapists[name] = ts
		}
		ts.Patients += us.Patients
		ts.WithRupture += us.WithRupture
		ts.Episodes += us.Episodes
		ts.Repaired += us.Repaired
	}
}
