package simulate

import (
	"fmt"
	"math"
)

// StudyRow is one effect (one alliance–outcome correlation) of a simulated
// study, as written to the CSV, plus its planted truth.
type StudyRow struct {
	// Study is the 1-based study index and Label its label,
	// "Study 07 (2004)" (index zero-padded to the width of Studies, at
	// least 2 digits, and year).
	Study int    `json:"study_index"`
	Label string `json:"study"`
	// ESID is the effect's running id over the whole run, 1, 2, ….
	ESID int `json:"es_id"`
	// R is the observed correlation, rounded to 3 decimals (as printed), and
	// N the study's sample size.
	R float64 `json:"ri"`
	N int     `json:"ni"`
	// AllianceRater and OutcomeRater are "patient", "therapist" or
	// "observer"; Treatment is "CBT", "psychodynamic", "humanistic" or
	// "other"; Year is the publication year.
	AllianceRater string `json:"alliance_rater"`
	OutcomeRater  string `json:"outcome_rater"`
	Treatment     string `json:"treatment"`
	Year          int    `json:"year"`
	// StudyZ is the study's true Fisher z before effect-level deviation and
	// moderators; TrueZ the effect's true Fisher z (the observed R estimates
	// tanh(TrueZ)). Truth only: not in the CSV.
	StudyZ float64 `json:"study_z"`
	TrueZ  float64 `json:"true_z"`
}

// StudySummary summarises a study simulation run.
type StudySummary struct {
	Studies int `json:"studies"`
	Effects int `json:"effects"`
	// TotalN is the sum of n over studies (not over effects).
	TotalN int `json:"total_n"`
}

// Studies simulates the studies of p in order and calls fn with each effect
// (fn may be nil). Each study has its own random stream, seeded from Seed and
// its index: the number of effects, year, treatment, n and the study's true
// z are drawn first, then for each effect the two raters, the effect-level
// deviation, and n bivariate normal pairs (x, ρx + √(1−ρ²)w) with
// ρ = tanh(TrueZ), whose Pearson correlation is R. The effects of one study are
// independent samples of the same size n (their sampling errors are not
// correlated). R is therefore an exact
// draw from the sampling distribution of r for that ρ and n. An R that would
// print as ±1.000 is set to ±0.999. Memory is O(1) per study.
func Studies(p StudyParams, fn func(*StudyRow) error) (StudySummary, error) {
	if err := p.Validate(); err != nil {
		return StudySummary{}, err
	}
	width := max(2, len(fmt.Sprint(p.Studies)))
	mu := math.Atanh(p.MeanR)
	var r rng
	var row StudyRow
	sum := StudySummary{Studies: p.Studies}
	for i := 1; i <= p.Studies; i++ {
		r.seed(p.Seed, domainStudies, uint64(i))
		m := 1
		if multi := r.uniform(); multi < p.MultiRate {
			m = 2 + r.intn(p.MaxEffects-1)
		} else {
			r.intn(1)
		}
		year := p.YearMin + r.intn(p.YearMax-p.YearMin+1)
		treat := pick(r.uniform(), p.TreatmentProbs[:])
		n := p.drawN(r.uniform())
		zs := mu + p.TauStudy*r.normal()
		sum.TotalN += n
		label := fmt.Sprintf("Study %0*d (%d)", width, i, year)
		for e := 0; e < m; e++ {
			ar := pick(r.uniform(), p.AllianceRaterProbs[:])
			or := pick(r.uniform(), p.OutcomeRaterProbs[:])
			z := zs + p.TauEffect*r.normal() + p.AllianceRaterEffects[ar] + p.OutcomeRaterEffects[or] + p.TreatmentEffects[treat]
			sum.Effects++
			row = StudyRow{
				Study: i, Label: label, ESID: sum.Effects,
				R: sampleR(&r, math.Tanh(z), n), N: n,
				AllianceRater: Raters[ar], OutcomeRater: Raters[or],
				Treatment: Treatments[treat], Year: year,
				StudyZ: zs, TrueZ: z,
			}
			if fn != nil {
				if err := fn(&row); err != nil {
					return sum, fmt.Errorf("simulate: study %d, effect %d: %w", i, sum.Effects, err)
				}
			}
		}
	}
	return sum, nil
}

// pick returns the category whose cumulative probability first exceeds u.
func pick(u float64, probs []float64) int {
	c := 0.0
	for i, pr := range probs {
		c += pr
		if u < c {
			return i
		}
	}
	// u beyond the (rounded) total: the last category with positive mass.
	for i := len(probs) - 1; i > 0; i-- {
		if probs[i] > 0 {
			return i
		}
	}
	return 0
}

// drawN draws a sample size from the truncated log-normal by inversion of
// the normal CDF Φ: z = Φ⁻¹(Φ(a) + u·(Φ(b) − Φ(a))), n = round(MedianN·e^{SDLogN·z}).
func (p StudyParams) drawN(u float64) int {
	if p.SDLogN == 0 {
		return min(max(int(math.Round(p.MedianN)), p.MinN), p.MaxN)
	}
	lm := math.Log(p.MedianN)
	a := (math.Log(float64(p.MinN)-0.5) - lm) / p.SDLogN
	b := (math.Log(float64(p.MaxN)+0.5) - lm) / p.SDLogN
	pa, pb := normCDF(a), normCDF(b)
	q := pa + u*(pb-pa)
	z := math.Sqrt2 * math.Erfinv(2*q-1)
	n := int(math.Round(p.MedianN * math.Exp(p.SDLogN*z)))
	return min(max(n, p.MinN), p.MaxN)
}

func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// sampleR returns the Pearson correlation of n pairs (x, ρx + √(1−ρ²)w) with
// x, w independent standard normal, accumulated with Welford's updates, and
// rounded to 3 decimals within [−0.999, 0.999].
func sampleR(r *rng, rho float64, n int) float64 {
	s := math.Sqrt(1 - rho*rho)
	var mx, my, sxx, syy, sxy float64
	for k := 1; k <= n; k++ {
		x := r.normal()
		y := rho*x + s*r.normal()
		dx := x - mx
		mx += dx / float64(k)
		dy := y - my
		my += dy / float64(k)
		sxx += dx * (x - mx)
		syy += dy * (y - my)
		sxy += dx * (y - my)
	}
	rr := 0.0
	if sxx > 0 && syy > 0 {
		rr = sxy / math.Sqrt(sxx*syy)
	}
	rr = math.Round(rr*1000) / 1000
	return min(max(rr, -0.999), 0.999)
}
