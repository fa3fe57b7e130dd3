package main

import (
	"math"
	"sort"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/rupture"
)

// The accumulators below are the merge step of the pipeline: each is the
// value of one patient (made by the per-patient stage) or of any set of
// patients, and Merge adds two of them. Addition of counts and of sums is
// associative and commutative, so a runner may merge in any order and on
// any worker (combiner lifting). Counts are exact; the float sums agree
// with the single-machine commands to rounding (summation order), which is
// the only difference the tests allow (1e-12 relative).
//
// Every field is exported: Beam encodes accumulators between workers with
// its schema coder, which sees exported fields only.

// Moments holds n, the mean and M₂ = Σ (x − x̄)² of a set of values,
// merged as Chan, Golub & LeVeque (1979):
//
//	n = n_a + n_b,  δ = x̄_b − x̄_a,
//	x̄ = x̄_a + δ·n_b/n,  M₂ = M₂_a + M₂_b + δ²·n_a·n_b/n.
type Moments struct {
	N    int
	Mean float64
	M2   float64
}

func (m Moments) merge(o Moments) Moments {
	if o.N == 0 {
		return m
	}
	if m.N == 0 {
		return o
	}
	n := m.N + o.N
	d := o.Mean - m.Mean
	return Moments{N: n, Mean: m.Mean + d*float64(o.N)/float64(n), M2: m.M2 + o.M2 + d*d*float64(m.N)*float64(o.N)/float64(n)}
}

// of returns the Moments of the non-missing values of x (two-pass).
func momentsOf(x []float64) Moments {
	var m Moments
	var s float64
	for _, v := range x {
		if !math.IsNaN(v) {
			m.N++
			s += v
		}
	}
	if m.N == 0 {
		return m
	}
	m.Mean = s / float64(m.N)
	for _, v := range x {
		if !math.IsNaN(v) {
			d := v - m.Mean
			m.M2 += d * d
		}
	}
	return m
}

// sd is the n − 1 standard deviation (NaN with fewer than two values).
func (m Moments) sd() float64 {
	if m.N < 2 {
		return math.NaN()
	}
	return math.Sqrt(m.M2 / float64(m.N-1))
}

// Pass1 is the first pass over the patients: what a rule needs from the
// whole sample before any patient can be classified. SSWithin and
// DFWithin give the pooled within-patient SD of the alliance scores
// (rupture.SampleStats.PooledWithinSD: √(Σᵢ Σₜ (xᵢₜ − x̄ᵢ)² / Σᵢ (nᵢ − 1))
// over patients with nᵢ ≥ 2), All the Moments of all alliance scores
// (TotalSD, the rci rule's default SD); MinSession and MaxSession the
// session range of the gains stage.
type Pass1 struct {
	Patients   int
	Rows       int
	SSWithin   float64
	DFWithin   int
	All        Moments
	MinSession int
	MaxSession int
}

func mergePass1(a, b Pass1) Pass1 {
	if a.Patients == 0 {
		return b
	}
	if b.Patients == 0 {
		return a
	}
	return Pass1{
		Patients: a.Patients + b.Patients, Rows: a.Rows + b.Rows,
		SSWithin: a.SSWithin + b.SSWithin, DFWithin: a.DFWithin + b.DFWithin,
		All:        a.All.merge(b.All),
		MinSession: min(a.MinSession, b.MinSession), MaxSession: max(a.MaxSession, b.MaxSession),
	}
}

// pass1Of is one patient's Pass1.
func pass1Of(p PatientRows) Pass1 {
	m := momentsOf(p.Alliance)
	out := Pass1{Patients: 1, Rows: len(p.Session), All: m, MinSession: p.Session[0], MaxSession: p.Session[len(p.Session)-1]}
	if m.N >= 2 {
		out.SSWithin, out.DFWithin = m.M2, m.N-1
	}
	return out
}

// prepare fills the sample quantities of the rupture rule from the first
// pass, as rupture.Prepare does from the whole sample.
func (p Pass1) prepare(o rupture.Options) (rupture.Options, error) {
	needW := o.Method == rupture.MethodSD && (o.SDSource == rupture.SDSample || o.SDSource == rupture.SDMax) && o.SampleSD == 0
	needT := o.Method == rupture.MethodRCI && o.RCISD == 0
	if needW {
		o.SampleSD = math.NaN()
		if p.DFWithin > 0 {
			o.SampleSD = math.Sqrt(p.SSWithin / float64(p.DFWithin))
		}
	}
	if needT {
		o.RCISD = p.All.sd()
	}
	// rupture.Analyze refuses a non-positive SD; so does NewDetector via
	// Options.Validate, with the same message to the user.
	_, err := rupture.NewDetector(o)
	return o, err
}

// TherapistCounts are one therapist's counts of assessable patients.
type TherapistCounts struct {
	Patients, WithRupture, Episodes, Repaired int
}

// RuptureSum is the rupture stage's accumulator: the counts and sums of
// rupture.Tally for any set of patients.
type RuptureSum struct {
	Patients, Assessable, Sessions            int
	Episodes, Repaired, Censored, WithRupture int
	Classes                                   [5]int // none, repaired, unrepaired, censored, insufficient
	SumRepair, SumDrop, SumDepth              float64
	NDrop, NDepth                             int
	Therapists                                map[string]TherapistCounts
}

var classIndex = map[rupture.Class]int{rupture.ClassNone: 0, rupture.ClassRepaired: 1, rupture.ClassUnrepaired: 2, rupture.ClassCensored: 3, rupture.ClassInsufficient: 4}

// ruptureOf is one patient's RuptureSum (p and its episodes as
// rupture.Detector.Patient returns them), counted as rupture.Tally.Add
// counts them.
func ruptureOf(p rupture.Patient, episodes []rupture.Episode) RuptureSum {
	var s RuptureSum
	s.Patients = 1
	k := classIndex[p.Class]
	s.Classes[k]++
	if p.Class == rupture.ClassInsufficient {
		return s
	}
	s.Assessable, s.Sessions = 1, p.NSessions
	if p.NRuptures > 0 {
		s.WithRupture = 1
	}
	for _, e := range episodes {
		s.Episodes++
		if e.Repaired {
			s.Repaired++
			s.SumRepair += float64(e.SessionsToRepair.V)
		}
		if e.Censored {
			s.Censored++
		}
		if d := float64(e.Drop); !math.IsNaN(d) && !math.IsInf(d, 0) {
			s.SumDrop += d
			s.NDrop++
		}
		if d := float64(e.Depth); !math.IsNaN(d) && !math.IsInf(d, 0) {
			s.SumDepth += d
			s.NDepth++
		}
	}
	if p.Therapist != "" {
		t := TherapistCounts{Patients: 1, Episodes: p.NRuptures, Repaired: p.NRepaired}
		if p.NRuptures > 0 {
			t.WithRupture = 1
		}
		s.Therapists = map[string]TherapistCounts{p.Therapist: t}
	}
	return s
}

func mergeRupture(a, b RuptureSum) RuptureSum {
	a.Patients += b.Patients
	a.Assessable += b.Assessable
	a.Sessions += b.Sessions
	a.Episodes += b.Episodes
	a.Repaired += b.Repaired
	a.Censored += b.Censored
	a.WithRupture += b.WithRupture
	for k := range a.Classes {
		a.Classes[k] += b.Classes[k]
	}
	a.SumRepair += b.SumRepair
	a.SumDrop += b.SumDrop
	a.SumDepth += b.SumDepth
	a.NDrop += b.NDrop
	a.NDepth += b.NDepth
	if len(b.Therapists) > 0 {
		m := make(map[string]TherapistCounts, len(a.Therapists)+len(b.Therapists))
		for k, v := range a.Therapists {
			m[k] = v
		}
		for k, v := range b.Therapists {
			w := m[k]
			m[k] = TherapistCounts{Patients: w.Patients + v.Patients, WithRupture: w.WithRupture + v.WithRupture, Episodes: w.Episodes + v.Episodes, Repaired: w.Repaired + v.Repaired}
		}
		a.Therapists = m
	}
	return a
}

func ratio(a, b int) rupture.Float {
	if b == 0 {
		return rupture.Float(math.NaN())
	}
	return rupture.Float(float64(a) / float64(b))
}

func meanOf(sum float64, n int) rupture.Float {
	if n == 0 {
		return rupture.Float(math.NaN())
	}
	return rupture.Float(sum / float64(n))
}

// Summary is the rupture.Summary of the merged patients: the summary of
// 'alliance ruptures --format json', as rupture.Tally.Summary gives it.
func (s RuptureSum) Summary() rupture.Summary {
	out := rupture.Summary{
		Patients: s.Patients, Assessable: s.Assessable, Sessions: s.Sessions,
		Episodes: s.Episodes, Repaired: s.Repaired, Censored: s.Censored, WithRupture: s.WithRupture,
		RuptureRate:          ratio(s.WithRupture, s.Assessable),
		EpisodesPer100:       100 * ratio(s.Episodes, s.Sessions),
		RepairRate:           ratio(s.Repaired, s.Episodes),
		MeanSessionsToRepair: meanOf(s.SumRepair, s.Repaired),
		MeanDrop:             meanOf(s.SumDrop, s.NDrop),
		MeanDepth:            meanOf(s.SumDepth, s.NDepth),
	}
	for k, c := range []rupture.Class{rupture.ClassNone, rupture.ClassRepaired, rupture.ClassUnrepaired, rupture.ClassCensored} {
		out.Classes = append(out.Classes, rupture.ClassCount{Class: c, N: s.Classes[k], Percent: 100 * ratio(s.Classes[k], s.Assessable)})
	}
	out.Classes = append(out.Classes, rupture.ClassCount{Class: rupture.ClassInsufficient, N: s.Classes[4], Percent: rupture.Float(math.NaN())})
	for name, t := range s.Therapists {
		out.Therapists = append(out.Therapists, rupture.TherapistSummary{Therapist: name, Patients: t.Patients, WithRupture: t.WithRupture,
			Episodes: t.Episodes, Repaired: t.Repaired, RuptureRate: ratio(t.WithRupture, t.Patients), RepairRate: ratio(t.Repaired, t.Episodes)})
	}
	sort.Slice(out.Therapists, func(i, j int) bool { return out.Therapists[i].Therapist < out.Therapists[j].Therapist })
	return out
}

// GainSum is the sudden-gains stage's accumulator: patients, patients with
// a gain, and the counts and magnitude Moments of change.DescribeGains.
type GainSum struct {
	Patients, WithGain        int
	Gains, Multiple, Reversal int
	Magnitude                 Moments
}

// gainOf is one patient's GainSum from its gains (change.Detector.Find).
func gainOf(gains []change.Gain) GainSum {
	s := GainSum{Patients: 1, Gains: len(gains)}
	if len(gains) > 0 {
		s.WithGain = 1
	}
	mags := make([]float64, len(gains))
	for i, g := range gains {
		if g.FreqByPerson > 1 {
			s.Multiple++
		}
		if g.Reversal {
			s.Reversal++
		}
		mags[i] = float64(g.Magnitude)
	}
	s.Magnitude = momentsOf(mags)
	return s
}

func mergeGain(a, b GainSum) GainSum {
	return GainSum{Patients: a.Patients + b.Patients, WithGain: a.WithGain + b.WithGain, Gains: a.Gains + b.Gains,
		Multiple: a.Multiple + b.Multiple, Reversal: a.Reversal + b.Reversal, Magnitude: a.Magnitude.merge(b.Magnitude)}
}

func pct(a, b int) change.Float {
	if b == 0 {
		return change.Float(math.NaN())
	}
	return change.Float(100 * float64(a) / float64(b))
}

// Summary is change.DescribeGains of the merged patients' gains.
func (s GainSum) Summary() change.GainSummary {
	out := change.GainSummary{TotalN: s.Gains, SGTotalN: s.Gains, SGPct: pct(s.Gains, s.Gains),
		SGMultiplePct: pct(s.Multiple, s.Gains), SGReversalN: s.Reversal, SGReversalPct: pct(s.Reversal, s.Gains),
		SGMagnitudeM: change.Float(math.NaN()), SGMagnitudeSD: change.Float(s.Magnitude.sd())}
	if s.Magnitude.N > 0 {
		out.SGMagnitudeM = change.Float(s.Magnitude.Mean)
	}
	return out
}
