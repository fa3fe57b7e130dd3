package main

import (
	"math"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/rupture"
)

// The accumulators are the merge step of the pipeline: each is the value
// of one patient (made by the per-patient stage) or of any set of
// patients, and merging adds two of them (the rupture stage's are
// rupture.SampleStats and rupture.Tally with their Merge, the session
// model's sessions.Stats; those of the gains stage are here). Addition of counts and of sums is
// associative and commutative, so a runner may merge in any order and on
// any worker (combiner lifting). Counts are exact; the float sums agree
// with the single-machine commands to rounding (summation order), which is
// the only difference the tests allow (1e-12 relative).
//
// Every field here is exported: Beam encodes them between workers with its
// schema coder, which sees exported fields only (the rupture and session
// model accumulators travel by gob: coders.go).

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

// Pass1 is the first pass over the patients: what the stages need from
// the whole sample before any patient can be analysed, besides the
// alliance scores' rupture.SampleStats: the counts, the session range of
// the gains stage, and which role columns the shards have (the session
// model's columns).
type Pass1 struct {
	Patients     int
	Rows         int
	MinSession   int
	MaxSession   int
	HasTherapist bool
	HasAlliance  bool
	HasOutcome   bool
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
		MinSession: min(a.MinSession, b.MinSession), MaxSession: max(a.MaxSession, b.MaxSession),
		HasTherapist: a.HasTherapist || b.HasTherapist, HasAlliance: a.HasAlliance || b.HasAlliance, HasOutcome: a.HasOutcome || b.HasOutcome,
	}
}

// pass1Of is one patient's Pass1.
func pass1Of(p PatientRows) Pass1 {
	return Pass1{Patients: 1, Rows: len(p.Session), MinSession: p.Session[0], MaxSession: p.Session[len(p.Session)-1],
		HasTherapist: p.HasTherapist, HasAlliance: p.HasAlliance, HasOutcome: p.HasOutcome}
}

// sampleOf is one patient's contribution to the sample SDs of a rupture
// rule (the map of rupture.SampleStats; Merge is its reduce).
func sampleOf(p PatientRows) rupture.SampleStats {
	var s rupture.SampleStats
	s.Add(p.Alliance)
	return s
}

func mergeSample(a, b rupture.SampleStats) rupture.SampleStats {
	a.Merge(&b)
	return a
}

func mergeTally(a, b rupture.Tally) rupture.Tally {
	a.Merge(&b)
	return a
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
