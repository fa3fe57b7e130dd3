package rupture

import (
	"math"

	"github.com/alliance-research/alliance/analysis/internal/describe"
)

// SampleStats accumulates, one patient at a time, the two sample SDs the
// rules need: the pooled within-patient SD (SDSample, SDMax)
//
//	s_w = √( Σᵢ Σₜ (xᵢₜ − x̄ᵢ)² / Σᵢ (nᵢ − 1) ),
//
// over patients with nᵢ ≥ 2 observed scores, and the SD of all observed
// scores (the default s of MethodRCI). The zero value is ready to use; it
// holds O(1) memory, so a streaming caller makes one pass over the patients
// with Add before detecting.
type SampleStats struct {
	ssWithin float64 // Σ within-patient sums of squares
	dfWithin int     // Σ (nᵢ − 1) over patients with nᵢ ≥ 2
	n        int     // all observed scores
	mean, m2 float64 // running mean and sum of squares of all scores (Chan et al.)
}

// Add adds one patient's scores (NaN = missing).
func (a *SampleStats) Add(score []float64) {
	mean, sd, n := describe.MeanSD(score)
	if n == 0 {
		return
	}
	var ss float64
	if n >= 2 {
		ss = sd * sd * float64(n-1)
		a.ssWithin += ss
		a.dfWithin += n - 1
	}
	// merge (n, mean, ss) into the running totals (Chan, Golub & LeVeque 1979)
	tot := a.n + n
	delta := mean - a.mean
	a.m2 += ss + delta*delta*float64(a.n)*float64(n)/float64(tot)
	a.mean += delta * float64(n) / float64(tot)
	a.n = tot
}

// PooledWithinSD returns s_w (NaN when no patient has two observed scores).
func (a *SampleStats) PooledWithinSD() float64 {
	if a.dfWithin == 0 {
		return math.NaN()
	}
	return math.Sqrt(a.ssWithin / float64(a.dfWithin))
}

// TotalSD returns the sample SD (n − 1) of all observed scores (NaN when
// fewer than two).
func (a *SampleStats) TotalSD() float64 {
	if a.n < 2 {
		return math.NaN()
	}
	return math.Sqrt(a.m2 / float64(a.n-1))
}

// N returns the number of observed scores added.
func (a *SampleStats) N() int { return a.n }

// Merge adds the patients b holds to a (the merge step of a partitioned
// first pass): the within-patient sums add, and the running mean and sum
// of squares combine by Chan, Golub & LeVeque (1979). Merging partitions
// in patient order gives Add's result up to rounding.
func (a *SampleStats) Merge(b *SampleStats) {
	if b.n == 0 {
		a.ssWithin += b.ssWithin
		a.dfWithin += b.dfWithin
		return
	}
	a.ssWithin += b.ssWithin
	a.dfWithin += b.dfWithin
	tot := a.n + b.n
	delta := b.mean - a.mean
	a.m2 += b.m2 + delta*delta*float64(a.n)*float64(b.n)/float64(tot)
	a.mean += delta * float64(b.n) / float64(tot)
	a.n = tot
}
