package simulate

import (
	"fmt"
	"math"
)

// Moderator categories of the study simulator, in the order of the
// probability arrays of [StudyParams].
var (
	// Raters are the levels of alliance_rater and outcome_rater.
	Raters = [3]string{"patient", "therapist", "observer"}
	// Treatments are the levels of treatment.
	Treatments = [4]string{"CBT", "psychodynamic", "humanistic", "other"}
)

// MaxStudies is the largest number of studies one run may simulate.
const MaxStudies = 1<<31 - 1

// StudyParams are the parameters of the study-level simulator of
// alliance–outcome correlations; see the package documentation. Effects are
// on the Fisher z scale (z = atanh r) unless stated. The zero value is not
// valid: start from [DefaultStudyParams].
type StudyParams struct {
	// Seed selects the random streams; equal seeds give identical output.
	Seed int64 `json:"seed"`
	// Studies is the number of studies k (≥ 1).
	Studies int `json:"studies"`

	// MeanR is the mean true correlation of the reference categories
	// (patient-rated alliance, patient-rated outcome, CBT); the mean true
	// Fisher z is atanh(MeanR) (−1 < MeanR < 1).
	MeanR float64 `json:"mean_r"`
	// TauStudy is the SD of the study-level random effect (Fisher z units,
	// ≥ 0, ≤ 1).
	TauStudy float64 `json:"tau_study"`
	// TauEffect is the SD of the effect-level random effect within a study
	// (Fisher z units, ≥ 0, ≤ 1). The total heterogeneity is
	// √(TauStudy² + TauEffect²).
	TauEffect float64 `json:"tau_effect"`

	// MultiRate is the probability that a study contributes more than one
	// effect (0–1).
	MultiRate float64 `json:"multi_rate"`
	// MaxEffects is the most effects one study contributes; a multi-effect
	// study has 2…MaxEffects effects, uniformly (≥ 2 when MultiRate > 0).
	MaxEffects int `json:"max_effects"`

	// MedianN and SDLogN give the sample size distribution: log n is normal
	// with mean log(MedianN) and SD SDLogN, truncated to
	// [log(MinN−½), log(MaxN+½)] (drawn by inversion) and n = exp(log n)
	// rounded to an integer (patients). All effects of a study share its n.
	MedianN float64 `json:"median_n"`
	SDLogN  float64 `json:"sd_log_n"`
	// MinN and MaxN bound the sample size (4 ≤ MinN ≤ MaxN ≤ 100000;
	// MedianN must lie in [MinN, MaxN]).
	MinN int `json:"min_n"`
	MaxN int `json:"max_n"`

	// YearMin and YearMax bound the publication year, uniform per study.
	YearMin int `json:"year_min"`
	YearMax int `json:"year_max"`

	// AllianceRaterProbs are the probabilities of the alliance rater
	// (patient, therapist, observer), drawn per effect; they must sum to 1.
	AllianceRaterProbs [3]float64 `json:"alliance_rater_probs"`
	// OutcomeRaterProbs are the probabilities of the outcome rater
	// (patient, therapist, observer), drawn per effect; they must sum to 1.
	OutcomeRaterProbs [3]float64 `json:"outcome_rater_probs"`
	// TreatmentProbs are the probabilities of the treatment (CBT,
	// psychodynamic, humanistic, other), drawn per study; they must sum to 1.
	TreatmentProbs [4]float64 `json:"treatment_probs"`

	// AllianceRaterEffects are added to the true Fisher z of an effect by its
	// alliance rater (patient, therapist, observer); the first is the
	// reference and should be 0.
	AllianceRaterEffects [3]float64 `json:"alliance_rater_effects"`
	// OutcomeRaterEffects are added by the outcome rater (patient, therapist,
	// observer).
	OutcomeRaterEffects [3]float64 `json:"outcome_rater_effects"`
	// TreatmentEffects are added by the treatment (CBT, psychodynamic,
	// humanistic, other).
	TreatmentEffects [4]float64 `json:"treatment_effects"`
}

// DefaultStudyParams returns the parameters of the embedded demo-studies
// dataset: k = 60 studies, mean r = .28 (Flückiger et al. 2018: .278),
// heterogeneity τ = 0.1 on Fisher z split into study (0.08) and effect (0.06)
// levels, 30 % of studies with 2–4 effects, n log-normal with median 70
// truncated to 20–500, years 1985–2017, and no planted moderator effects
// (Flückiger et al. 2018 found rater and treatment moderators small).
func DefaultStudyParams() StudyParams {
	return StudyParams{
		Seed:               278,
		Studies:            60,
		MeanR:              0.28,
		TauStudy:           0.08,
		TauEffect:          0.06,
		MultiRate:          0.3,
		MaxEffects:         4,
		MedianN:            70,
		SDLogN:             0.8,
		MinN:               20,
		MaxN:               500,
		YearMin:            1985,
		YearMax:            2017,
		AllianceRaterProbs: [3]float64{0.65, 0.2, 0.15},
		OutcomeRaterProbs:  [3]float64{0.6, 0.15, 0.25},
		TreatmentProbs:     [4]float64{0.4, 0.25, 0.15, 0.2},
	}
}

// Validate reports the first invalid parameter, naming the field, the value
// and the valid range. It returns nil for valid parameters.
func (p StudyParams) Validate() error {
	if err := p.Check(func(field string) string { return field }); err != nil {
		return fmt.Errorf("%w (start from DefaultStudyParams())", err)
	}
	return nil
}

// Check is Validate with each parameter named by name(field), for a front
// end that names them in its own words (a command line's flags): its
// users never see Go field names.
func (p StudyParams) Check(n func(field string) string) error {
	fin := func(name string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("simulate: %s = %v: must be a finite number", n(name), v)
		}
		return nil
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"MeanR", p.MeanR}, {"TauStudy", p.TauStudy}, {"TauEffect", p.TauEffect},
		{"MultiRate", p.MultiRate}, {"MedianN", p.MedianN}, {"SDLogN", p.SDLogN}} {
		if err := fin(f.name, f.v); err != nil {
			return err
		}
	}
	switch {
	case p.Studies < 1 || p.Studies > MaxStudies:
		return fmt.Errorf("simulate: %s = %d: need 1 to %d studies", n("Studies"), p.Studies, MaxStudies)
	case p.MeanR <= -1 || p.MeanR >= 1:
		return fmt.Errorf("simulate: %s = %v: a correlation must lie strictly between -1 and 1", n("MeanR"), p.MeanR)
	case p.TauStudy < 0 || p.TauStudy > 1:
		return fmt.Errorf("simulate: %s = %v: need 0 ≤ %s ≤ 1 (Fisher z units)", n("TauStudy"), p.TauStudy, n("TauStudy"))
	case p.TauEffect < 0 || p.TauEffect > 1:
		return fmt.Errorf("simulate: %s = %v: need 0 ≤ %s ≤ 1 (Fisher z units)", n("TauEffect"), p.TauEffect, n("TauEffect"))
	case p.MultiRate < 0 || p.MultiRate > 1:
		return fmt.Errorf("simulate: %s = %v: a probability must lie in [0, 1]", n("MultiRate"), p.MultiRate)
	case p.MultiRate > 0 && (p.MaxEffects < 2 || p.MaxEffects > 1000):
		return fmt.Errorf("simulate: %s = %d: need 2 to 1000 effects per study when %s > 0", n("MaxEffects"), p.MaxEffects, n("MultiRate"))
	case p.MinN < 4 || p.MaxN < p.MinN || p.MaxN > 100000:
		return fmt.Errorf("simulate: %s = %d, %s = %d: need 4 ≤ %s ≤ %s ≤ 100000 (Fisher z needs n > 3)", n("MinN"), p.MinN, n("MaxN"), p.MaxN, n("MinN"), n("MaxN"))
	case p.MedianN < float64(p.MinN) || p.MedianN > float64(p.MaxN):
		return fmt.Errorf("simulate: %s = %v: must lie in [%s, %s] = [%d, %d]", n("MedianN"), p.MedianN, n("MinN"), n("MaxN"), p.MinN, p.MaxN)
	case p.SDLogN < 0 || p.SDLogN > 5:
		return fmt.Errorf("simulate: %s = %v: need 0 ≤ %s ≤ 5", n("SDLogN"), p.SDLogN, n("SDLogN"))
	case p.YearMax < p.YearMin:
		return fmt.Errorf("simulate: %s = %d, %s = %d: need %s ≤ %s", n("YearMin"), p.YearMin, n("YearMax"), p.YearMax, n("YearMin"), n("YearMax"))
	}
	if err := checkProbs(n("AllianceRaterProbs"), p.AllianceRaterProbs[:]); err != nil {
		return err
	}
	if err := checkProbs(n("OutcomeRaterProbs"), p.OutcomeRaterProbs[:]); err != nil {
		return err
	}
	if err := checkProbs(n("TreatmentProbs"), p.TreatmentProbs[:]); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    []float64
	}{{"AllianceRaterEffects", p.AllianceRaterEffects[:]}, {"OutcomeRaterEffects", p.OutcomeRaterEffects[:]},
		{"TreatmentEffects", p.TreatmentEffects[:]}} {
		for i, v := range f.v {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 2 {
				return fmt.Errorf("simulate: %s[%d] = %v: need a finite Fisher z shift in [-2, 2]", n(f.name), i, v)
			}
		}
	}
	return nil
}

// checkProbs checks that ps are probabilities summing to 1 (within 1e-9).
func checkProbs(name string, ps []float64) error {
	sum := 0.0
	for i, v := range ps {
		if math.IsNaN(v) || v < 0 || v > 1 {
			return fmt.Errorf("simulate: %s[%d] = %v: a probability must lie in [0, 1]", name, i, v)
		}
		sum += v
	}
	if math.Abs(sum-1) > 1e-9 {
		return fmt.Errorf("simulate: %s = %v: the probabilities sum to %v, not 1", name, ps, sum)
	}
	return nil
}
