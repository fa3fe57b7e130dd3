package change

import (
	"math"

	"github.com/alliance-research/alliance/analysis/internal/describe"
)

// GainSummary is describe_sg(sg_data_structure = "bysg"). The package rounds
// percentages and the magnitude mean and SD to 2 decimals; these are not rounded.
type GainSummary struct {
	// TotalN is the number of rows (gains).
	TotalN int `json:"total_n"`
	// SGTotalN is the number of gains (sum of sg_crit123).
	SGTotalN int `json:"sg_total_n"`
	// SGPct is 100·SGTotalN/TotalN.
	SGPct Float `json:"sg_pct"`
	// SGMultiplePct is the percentage of gains whose patient has more than one.
	SGMultiplePct Float `json:"sg_multiple_pct"`
	// SGReversalN is the number of reversed gains; SGReversalPct 100·SGReversalN/SGTotalN.
	SGReversalN   int   `json:"sg_reversal_n"`
	SGReversalPct Float `json:"sg_reversal_pct"`
	// SGMagnitudeM and SGMagnitudeSD are the mean and SD of the magnitudes
	// (missing magnitudes omitted).
	SGMagnitudeM  Float `json:"sg_magnitude_m"`
	SGMagnitudeSD Float `json:"sg_magnitude_sd"`
}

// PersonSummary is describe_sg(sg_data_structure = "byperson"), unrounded.
type PersonSummary struct {
	// TotalN is the number of patients.
	TotalN int `json:"total_n"`
	// SGTotalN is the number of gains over all patients (sum of sg_freq_byperson).
	SGTotalN int `json:"sg_total_n"`
	// SGN is the number of patients with a gain; SGPct 100·SGN/TotalN.
	SGN   int   `json:"sg_n"`
	SGPct Float `json:"sg_pct"`
	// SGMultipleN is the number of patients with more than one gain.
	SGMultipleN   int   `json:"sg_multiple_n"`
	SGMultiplePct Float `json:"sg_multiple_pct"`
	// SGReversalN counts reversals of the selected gains; SGReversalPct = 100·SGReversalN/SGN.
	SGReversalN   int   `json:"sg_reversal_n"`
	SGReversalPct Float `json:"sg_reversal_pct"`
	// SGMagnitudeM and SGMagnitudeSD summarise the selected gains' magnitudes.
	SGMagnitudeM  Float `json:"sg_magnitude_m"`
	SGMagnitudeSD Float `json:"sg_magnitude_sd"`
}

// DescribeGains summarises ByGain output as describe_sg(..., "bysg").
func DescribeGains(gains []Gain) GainSummary {
	var t GainTally
	for _, g := range gains {
		t.Add(g)
	}
	return t.Summary()
}

// GainTally accumulates DescribeGains one gain at a time (8 bytes per
// gain, for the magnitudes' SD), for a caller that streams patients; the
// zero value is ready to use.
type GainTally struct {
	n, multi, reversal int
	mags               []float64
}

// Add adds one gain.
func (t *GainTally) Add(g Gain) {
	t.n++
	if g.FreqByPerson > 1 {
		t.multi++
	}
	if g.Reversal {
		t.reversal++
	}
	t.mags = append(t.mags, float64(g.Magnitude))
}

// Merge adds the gains of u, which follow t's (the merge of a partitioned
// analysis; in patient order the summary is DescribeGains' exactly).
func (t *GainTally) Merge(u *GainTally) {
	t.n += u.n
	t.multi += u.multi
	t.reversal += u.reversal
	t.mags = append(t.mags, u.mags...)
}

// Summary returns the summary of the gains added.
func (t *GainTally) Summary() GainSummary {
	n := t.n
	s := GainSummary{TotalN: n, SGTotalN: n, SGReversalN: t.reversal}
	s.SGPct = Float(pct(n, n))
	s.SGMultiplePct = Float(pct(t.multi, n))
	s.SGReversalPct = Float(pct(s.SGReversalN, n))
	m, sd, _ := describe.MeanSD(t.mags)
	s.SGMagnitudeM, s.SGMagnitudeSD = Float(m), Float(sd)
	return s
}

// DescribePersons summarises ByPerson output as describe_sg(..., "byperson").
func DescribePersons(persons []Person) PersonSummary {
	var t PersonTally
	for _, p := range persons {
		t.Add(p)
	}
	return t.Summary()
}

// PersonTally accumulates DescribePersons one patient at a time; the zero
// value is ready to use.
type PersonTally struct {
	s    PersonSummary
	mags []float64
}

// Add adds one patient.
func (t *PersonTally) Add(p Person) {
	s := &t.s
	s.TotalN++
	s.SGTotalN += p.FreqByPerson
	if p.FreqByPerson > 1 {
		s.SGMultipleN++
	}
	if !p.SG || p.Gain == nil {
		return
	}
	s.SGN++
	if p.Gain.Reversal {
		s.SGReversalN++
	}
	t.mags = append(t.mags, float64(p.Gain.Magnitude))
}

// Merge adds the patients of u, which follow t's.
func (t *PersonTally) Merge(u *PersonTally) {
	t.s.TotalN += u.s.TotalN
	t.s.SGTotalN += u.s.SGTotalN
	t.s.SGMultipleN += u.s.SGMultipleN
	t.s.SGN += u.s.SGN
	t.s.SGReversalN += u.s.SGReversalN
	t.mags = append(t.mags, u.mags...)
}

// Summary returns the summary of the patients added.
func (t *PersonTally) Summary() PersonSummary {
	s := t.s
	s.SGPct = Float(pct(s.SGN, s.TotalN))
	s.SGMultiplePct = Float(pct(s.SGMultipleN, s.TotalN))
	s.SGReversalPct = Float(pct(s.SGReversalN, s.SGN))
	m, sd, _ := describe.MeanSD(t.mags)
	s.SGMagnitudeM, s.SGMagnitudeSD = Float(m), Float(sd)
	return s
}

// pct is 100·a/b (NaN when b = 0, as R's 0/0).
func pct(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return 100 * float64(a) / float64(b)
}
