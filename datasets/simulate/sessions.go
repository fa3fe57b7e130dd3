package simulate

import (
	"fmt"
	"math"
)

// RuptureClass is a patient's planted rupture pattern.
type RuptureClass int

const (
	// NoRupture: no planted rupture (the alliance fluctuates only by e_it).
	NoRupture RuptureClass = iota
	// Repaired: a V-shaped rupture–repair episode.
	Repaired
	// Unrepaired: a drop that persists to the end of treatment.
	Unrepaired
)

// String returns "none", "repaired" or "unrepaired".
func (c RuptureClass) String() string {
	switch c {
	case NoRupture:
		return "none"
	case Repaired:
		return "repaired"
	case Unrepaired:
		return "unrepaired"
	}
	return fmt.Sprintf("RuptureClass(%d)", int(c))
}

// MarshalText encodes the class as its String, for JSON and CSV.
func (c RuptureClass) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Row is one observed session in long format, as written to the CSV.
type Row struct {
	Patient   int     `json:"patient"`   // patient id, 1…Patients
	Therapist int     `json:"therapist"` // therapist id, 1…Therapists
	Session   int     `json:"session"`   // session number, 1…planned sessions
	Alliance  float64 `json:"alliance"`  // recorded alliance, 1–5, a twelfth rounded to 2 decimals
	Outcome   int     `json:"outcome"`   // recorded symptom score, 0–27
}

// PatientTruth is the planted truth for one patient; it is not in the CSV.
type PatientTruth struct {
	Patient   int `json:"patient"`
	Therapist int `json:"therapist"`
	// Sessions is the planned number of sessions; Observed of them have rows.
	Sessions int `json:"sessions"`
	Observed int `json:"observed"`
	// Class is the planted rupture pattern.
	Class RuptureClass `json:"class"`
	// RuptureSession is the session of the drop (0 when Class is NoRupture).
	RuptureSession int `json:"rupture_session"`
	// RepairSessions is the number of sessions the repair takes: the alliance
	// is back to its usual level at RuptureSession+RepairSessions (Repaired
	// only; 0 otherwise).
	RepairSessions int `json:"repair_sessions"`
	// TherapistEffect (u_j) and PatientEffect (v_i) are the between-therapist
	// and between-patient alliance components (alliance points).
	TherapistEffect float64 `json:"therapist_effect"`
	PatientEffect   float64 `json:"patient_effect"`
}

// Patient is one simulated patient: the truth and the observed rows in
// session order. Rows is reused for the next patient: copy what you keep.
type Patient struct {
	PatientTruth
	Rows []Row
}

// SessionSummary summarises a simulation run.
type SessionSummary struct {
	Patients   int `json:"patients"`
	Therapists int `json:"therapists"`
	// Rows is the number of observed sessions; Missing the number omitted.
	Rows    int `json:"rows"`
	Missing int `json:"missing"`
	// Repaired and Unrepaired count patients by planted class.
	Repaired   int `json:"repaired"`
	Unrepaired int `json:"unrepaired"`
}

// Sessions simulates the patients of p one at a time, in patient order, and
// calls fn with each (see the package documentation for the model). fn may
// be nil. The *Patient and its Rows are reused: they are valid only during the
// call. An error from fn stops the run and is returned, wrapped.
//
// Memory is O(Therapists + MaxSessions) whatever the number of patients.
func Sessions(p SessionParams, fn func(*Patient) error) (SessionSummary, error) {
	if err := p.Validate(); err != nil {
		return SessionSummary{}, err
	}
	g := newSessionGen(p)
	sum := SessionSummary{Patients: p.Patients, Therapists: p.Therapists}
	for i := 1; i <= p.Patients; i++ {
		pt := g.patient(i)
		sum.Rows += len(pt.Rows)
		sum.Missing += pt.Sessions - len(pt.Rows)
		switch pt.Class {
		case Repaired:
			sum.Repaired++
		case Unrepaired:
			sum.Unrepaired++
		}
		if fn != nil {
			if err := fn(pt); err != nil {
				return sum, fmt.Errorf("simulate: patient %d: %w", i, err)
			}
		}
	}
	return sum, nil
}

// sessionGen holds the state shared by all patients of one run.
type sessionGen struct {
	p         SessionParams
	therapist []float64 // u_j, index j−1
	r         rng
	pt        Patient
}

func newSessionGen(p SessionParams) *sessionGen {
	g := &sessionGen{p: p, therapist: make([]float64, p.Therapists)}
	g.r.seed(p.Seed, domainSessions, streamTherapist)
	for j := range g.therapist {
		g.therapist[j] = p.TherapistSD * g.r.normal()
	}
	g.pt.Rows = make([]Row, 0, p.MaxSessions)
	return g
}

// therapistOf returns the 1-based therapist of 1-based patient i.
func (g *sessionGen) therapistOf(i int) int {
	return int(uint64(i-1)*uint64(g.p.Therapists)/uint64(g.p.Patients)) + 1
}

// patient simulates patient i (1-based) from its own stream. The order of
// draws is part of the output's definition (see Version): sessions, v_i, p_i,
// s_i, class, repair length, rupture session, then per session ε, η and the
// missingness uniform — all drawn whether or not they are used.
func (g *sessionGen) patient(i int) *Patient {
	p, r := &g.p, &g.r
	r.seed(p.Seed, domainSessions, uint64(i))

	j := g.therapistOf(i)
	u := g.therapist[j-1]
	T := p.MinSessions + r.intn(p.MaxSessions-p.MinSessions+1)
	v := p.PatientSD * r.normal()
	pi := p.OutcomeInterceptSD * r.normal()
	si := p.OutcomeSlopeSD * r.normal()

	class := NoRupture
	switch c := r.uniform(); {
	case c < p.RepairedRate:
		class = Repaired
	case c < p.RepairedRate+p.UnrepairedRate:
		class = Unrepaired
	}
	repairLen := p.RepairMin + r.intn(p.RepairMax-p.RepairMin+1)
	// Rupture session: uniform on [3, T−R] (repaired) or [3, T−3] (unrepaired).
	last := T - 3
	if class == Repaired {
		last = T - repairLen
	}
	rupture := 3 + r.intn(last-3+1)
	if class == NoRupture {
		rupture = 0
	}
	// Sessions protected from missingness: 1 and the episode.
	protLo, protHi := 1, 1
	switch class {
	case Repaired:
		protLo, protHi = rupture-1, rupture+repairLen
	case Unrepaired:
		protLo, protHi = rupture-1, rupture+1
		repairLen = 0
	default:
		repairLen = 0
	}

	drop, gain := p.RuptureDrop(), p.RepairGain()
	innov := p.WithinSD * math.Sqrt(1-p.AllianceAR*p.AllianceAR)
	level := p.AllianceMean + u + v
	ylevel := p.OutcomeMean + pi + p.BetweenEffect*(u+v)
	yslope := p.OutcomeSlope + si

	pt := &g.pt
	pt.PatientTruth = PatientTruth{
		Patient: i, Therapist: j, Sessions: T, Class: class,
		RuptureSession: rupture, RepairSessions: repairLen,
		TherapistEffect: u, PatientEffect: v,
	}
	pt.Rows = pt.Rows[:0]

	var e, prevDev float64
	for t := 1; t <= T; t++ {
		eps, eta, miss := r.normal(), r.normal(), r.uniform()
		if t == 1 {
			e = p.WithinSD * eps
		} else {
			e = p.AllianceAR*e + innov*eps
		}
		dip := 0.0
		switch {
		case class == Repaired && t >= rupture && t < rupture+repairLen:
			f := float64(t-rupture) / float64(repairLen)
			dip = -drop*(1-f) + gain*f
		case class == Repaired && t >= rupture+repairLen:
			dip = gain
		case class == Unrepaired && t >= rupture:
			dip = -drop
		}
		dev := e + dip
		a := level + p.AllianceGrowth*float64(t-1) + dev
		y := ylevel + yslope*float64(t-1) + p.OutcomeResidSD*eta
		if t > 1 {
			y += p.WithinEffect * prevDev
		}
		if class == Repaired && t >= rupture+repairLen {
			y += p.RepairEffect
		}
		prevDev = dev

		protected := t == 1 || (t >= protLo && t <= protHi)
		if !protected && miss < p.MissingRate {
			continue
		}
		pt.Rows = append(pt.Rows, Row{
			Patient: i, Therapist: j, Session: t,
			Alliance: recordAlliance(a), Outcome: recordOutcome(y),
		})
	}
	pt.Observed = len(pt.Rows)
	return pt
}

// recordAlliance turns a latent alliance into a recorded score: the nearest
// mean of AllianceItems integer items, clipped to [1, 5], rounded to 2
// decimals (so the value equals its printed form).
func recordAlliance(a float64) float64 {
	a = math.Round(a*AllianceItems) / AllianceItems
	a = min(max(a, AllianceMin), AllianceMax)
	return math.Round(a*100) / 100
}

// recordOutcome rounds a latent symptom score to an integer in [0, 27].
func recordOutcome(y float64) int {
	if math.IsNaN(y) {
		return OutcomeMin
	}
	y = math.Round(y)
	return int(min(max(y, OutcomeMin), OutcomeMax))
}
