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
	n := len(gains)
	var s GainSummary
	s.TotalN, s.SGTotalN = n, n
	var multi int
	mags := make([]float64, 0, n)
	for _, g := range gains {
		if g.FreqByPerson > 1 {
			multi++
		}
		if g.Reversal {
			s.SGReversalN++
		}
		mags = append(mags, float64(g.Magnitude))
	}
	s.SGPct = Float(pct(n, n))
	s.SGMultiplePct = Float(pct(multi, n))
	s.SGReversalPct = Float(pct(s.SGReversalN, n))
	m, sd, _ := describe.MeanSD(mags)
	s.SGMagnitudeM, s.SGMagnitudeSD = Float(m), Float(sd)
	return s
}

// DescribePersons summarises ByPerson output as describe_sg(..., "byperson").
func DescribePersons(persons []Person) PersonSummary {
	var s PersonSummary
	s.TotalN = len(persons)
	mags := make([]float64, 0, len(persons))
	for _, p := range persons {
		s.SGTotalN += p.FreqByPerson
		if p.FreqByPerson > 1 {
			s.SGMultipleN++
		}
		if !p.SG || p.Gain == nil {
			continue
		}
		s.SGN++
		if p.Gain.Reversal {
			s.SGReversalN++
		}
		mags = append(mags, float64(p.Gain.Magnitude))
	}
	s.SGPct = Float(pct(s.SGN, s.TotalN))
	s.SGMultiplePct = Float(pct(s.SGMultipleN, s.TotalN))
	s.SGReversalPct = Float(pct(s.SGReversalN, s.SGN))
	m, sd, _ := describe.MeanSD(mags)
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
