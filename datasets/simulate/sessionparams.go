package simulate

import (
	"fmt"
	"math"
)

// Score ranges of the simulated measures.
const (
	// AllianceMin and AllianceMax bound the WAI-SR-like alliance score, the
	// mean of 12 items rated 1–5.
	AllianceMin, AllianceMax = 1.0, 5.0
	// AllianceItems is the number of items whose mean is the alliance score;
	// recorded scores are the nearest multiple of 1/AllianceItems, rounded
	// to 2 decimals.
	AllianceItems = 12
	// OutcomeMin and OutcomeMax bound the PHQ-9-like symptom total (9 items
	// scored 0–3); higher is worse.
	OutcomeMin, OutcomeMax = 0, 27
)

// Limits on the size of a session simulation.
const (
	// MaxPatients is the largest number of patients one run may simulate.
	MaxPatients = 1<<31 - 1
	// MaxSessionsLimit is the largest number of sessions per patient.
	MaxSessionsLimit = 1000
)

// SessionParams are the parameters of the session simulator; see the package
// documentation for the model. Alliance quantities are in points of the 1–5
// alliance scale, outcome quantities in points of the 0–27 symptom scale
// (higher = more symptoms), time in sessions (one per week). The zero value is
// not valid: start from [DefaultSessionParams] and change what you need.
type SessionParams struct {
	// Seed selects the random streams; equal seeds give identical output.
	Seed int64 `json:"seed"`

	// Patients is the number of patients (≥ 1).
	Patients int `json:"patients"`
	// Therapists is the number of therapists (1 ≤ Therapists ≤ Patients).
	// Patients are assigned in contiguous, balanced blocks: patient i
	// (1-based) has therapist ⌊(i−1)·Therapists/Patients⌋ + 1.
	Therapists int `json:"therapists"`
	// MinSessions and MaxSessions bound each patient's planned number of
	// sessions, drawn uniformly from [MinSessions, MaxSessions]
	// (2 ≤ MinSessions ≤ MaxSessions ≤ MaxSessionsLimit; MinSessions ≥
	// max(6, 3+RepairMax) when ruptures are simulated).
	MinSessions int `json:"min_sessions"`
	MaxSessions int `json:"max_sessions"`

	// AllianceMean is the mean alliance at session 1 (alliance points, 1–5).
	AllianceMean float64 `json:"alliance_mean"`
	// AllianceGrowth is the mean change in alliance per session
	// (alliance points per session).
	AllianceGrowth float64 `json:"alliance_growth"`
	// TherapistSD is the SD of the between-therapist alliance component u_j
	// (alliance points).
	TherapistSD float64 `json:"therapist_sd"`
	// PatientSD is the SD of the between-patient alliance component v_i
	// (alliance points).
	PatientSD float64 `json:"patient_sd"`
	// WithinSD is the marginal SD of the within-patient session-to-session
	// alliance fluctuation e_it (alliance points).
	WithinSD float64 `json:"within_sd"`
	// AllianceAR is the lag-1 autocorrelation of e_it (−1 < AllianceAR < 1).
	AllianceAR float64 `json:"alliance_ar"`

	// OutcomeMean is the mean symptom score at session 1 (symptom points).
	OutcomeMean float64 `json:"outcome_mean"`
	// OutcomeSlope is the mean change in symptoms per session (symptom
	// points per session; negative = improvement).
	OutcomeSlope float64 `json:"outcome_slope"`
	// OutcomeInterceptSD is the between-patient SD of symptom level p_i
	// (symptom points).
	OutcomeInterceptSD float64 `json:"outcome_intercept_sd"`
	// OutcomeSlopeSD is the between-patient SD of the symptom slope s_i
	// (symptom points per session).
	OutcomeSlopeSD float64 `json:"outcome_slope_sd"`
	// OutcomeResidSD is the SD of the session-level symptom residual
	// (symptom points).
	OutcomeResidSD float64 `json:"outcome_resid_sd"`

	// BetweenEffect is the effect of the patient's stable alliance level
	// u_j + v_i on the symptom level (symptom points per alliance point;
	// negative = better alliance, fewer symptoms).
	BetweenEffect float64 `json:"between_effect"`
	// WithinEffect is the lag-1 within-patient effect: symptoms at session
	// t+1 change by WithinEffect per alliance point by which the alliance at
	// session t is above the patient's usual level (symptom points per
	// alliance point; negative = better-than-usual alliance lowers next
	// session's symptoms).
	WithinEffect float64 `json:"within_effect"`
	// RepairEffect is the shift in symptoms from the session at which a
	// rupture is repaired onward (symptom points; negative = repair helps).
	RepairEffect float64 `json:"repair_effect"`

	// RepairedRate is the proportion of patients with a V-shaped
	// rupture–repair episode (0–1).
	RepairedRate float64 `json:"repaired_rate"`
	// UnrepairedRate is the proportion of patients with an unrepaired
	// rupture, a drop that persists to the end of treatment (0–1;
	// RepairedRate + UnrepairedRate ≤ 1).
	UnrepairedRate float64 `json:"unrepaired_rate"`
	// RuptureDropSD is the size of a rupture's drop in alliance, in units of
	// WithinSD (so the drop is RuptureDropSD·WithinSD alliance points; > 0).
	RuptureDropSD float64 `json:"rupture_drop_sd"`
	// RepairGainSD is where a repair takes the alliance, in units of
	// WithinSD above the patient's usual (pre-rupture) level: the repair
	// climbs linearly from the trough to RepairGainSD·WithinSD above the
	// usual level and stays there to the end of treatment (0 = back to the
	// usual level; > 0 = the repaired alliance is stronger than before, the
	// V-shape of Stiles et al.'s 2004 rupture–repair hypothesis; between
	// −RuptureDropSD and 0 = a partial return).
	RepairGainSD float64 `json:"repair_gain_sd"`
	// RepairMin and RepairMax bound the number of sessions a repair takes:
	// the alliance is back at its usual level RepairMin…RepairMax sessions
	// after the drop (uniform; 1 ≤ RepairMin ≤ RepairMax).
	RepairMin int `json:"repair_min"`
	RepairMax int `json:"repair_max"`

	// MissingRate is the probability that an eligible session is missing
	// (its row omitted; 0 ≤ MissingRate < 1). Session 1 and the sessions of a
	// rupture episode are never missing.
	MissingRate float64 `json:"missing_rate"`
}

// DefaultSessionParams returns the parameters of the embedded demo-sessions
// dataset: 240 patients of 24 therapists, 8–20 weekly sessions, a WAI-SR-like
// alliance (mean 3.6, therapist SD 0.2, patient SD 0.4, within SD 0.2 with
// lag-1 autocorrelation .5) and a PHQ-9-like symptom score (mean 15 falling
// 0.35 a session), a lag-1 within effect of −2 and a between effect of −3
// symptom points per alliance point, repaired ruptures in 15 % and
// unrepaired ruptures in 10 % of patients (Larsson et al. 2018: 14.7 % and
// 10.7 %) with a drop of 5 within-patient SDs (1 alliance point) and repairs
// to 1.5 SDs (0.3 points) above the usual level, and 3 % missing sessions.
//
// The rupture parameters were chosen so that the planted episodes are clear
// V-shapes a detection rule can recover: with the earlier defaults (within
// SD 0.25, autocorrelation .3, drop 3.5 SDs, repair back to the usual level)
// chance session-to-session drops were as large as the planted ones, and the
// default rule of analysis/rupture flagged about half of the patients.
func DefaultSessionParams() SessionParams {
	return SessionParams{
		Seed:               2018,
		Patients:           240,
		Therapists:         24,
		MinSessions:        8,
		MaxSessions:        20,
		AllianceMean:       3.6,
		AllianceGrowth:     0.015,
		TherapistSD:        0.2,
		PatientSD:          0.4,
		WithinSD:           0.2,
		AllianceAR:         0.5,
		OutcomeMean:        15,
		OutcomeSlope:       -0.35,
		OutcomeInterceptSD: 4,
		OutcomeSlopeSD:     0.15,
		OutcomeResidSD:     2.5,
		BetweenEffect:      -3,
		WithinEffect:       -2,
		RepairEffect:       -1.5,
		RepairedRate:       0.15,
		UnrepairedRate:     0.10,
		RuptureDropSD:      5,
		RepairGainSD:       1.5,
		RepairMin:          1,
		RepairMax:          3,
		MissingRate:        0.03,
	}
}

// RuptureDrop returns the size of a rupture's drop in alliance points,
// RuptureDropSD·WithinSD.
func (p SessionParams) RuptureDrop() float64 { return p.RuptureDropSD * p.WithinSD }

// RepairGain returns the alliance gain of a repair over the usual level in
// alliance points, RepairGainSD·WithinSD.
func (p SessionParams) RepairGain() float64 { return p.RepairGainSD * p.WithinSD }

// Validate reports the first invalid parameter, naming the field, the value
// and the valid range. It returns nil for valid parameters.
func (p SessionParams) Validate() error {
	if err := p.Check(func(field string) string { return field }); err != nil {
		return fmt.Errorf("%w (start from DefaultSessionParams())", err)
	}
	return nil
}

// Check is Validate with each parameter named by name(field), for a front
// end that names them in its own words (a command line's flags): its
// users never see Go field names.
func (p SessionParams) Check(n func(field string) string) error {
	switch {
	case p.Patients < 1 || p.Patients > MaxPatients:
		return fmt.Errorf("simulate: %s = %d: need 1 to %d patients", n("Patients"), p.Patients, MaxPatients)
	case p.Therapists < 1 || p.Therapists > p.Patients:
		return fmt.Errorf("simulate: %s = %d: need 1 to %s (%d) therapists", n("Therapists"), p.Therapists, n("Patients"), p.Patients)
	case p.MinSessions < 2:
		return fmt.Errorf("simulate: %s = %d: need at least 2 sessions per patient", n("MinSessions"), p.MinSessions)
	case p.MaxSessions < p.MinSessions || p.MaxSessions > MaxSessionsLimit:
		return fmt.Errorf("simulate: %s = %d: need %s (%d) ≤ %s ≤ %d", n("MaxSessions"), p.MaxSessions, n("MinSessions"), p.MinSessions, n("MaxSessions"), MaxSessionsLimit)
	}
	finite := []struct {
		name string
		v    float64
	}{
		{"AllianceMean", p.AllianceMean}, {"AllianceGrowth", p.AllianceGrowth},
		{"TherapistSD", p.TherapistSD}, {"PatientSD", p.PatientSD}, {"WithinSD", p.WithinSD},
		{"AllianceAR", p.AllianceAR}, {"OutcomeMean", p.OutcomeMean}, {"OutcomeSlope", p.OutcomeSlope},
		{"OutcomeInterceptSD", p.OutcomeInterceptSD}, {"OutcomeSlopeSD", p.OutcomeSlopeSD},
		{"OutcomeResidSD", p.OutcomeResidSD}, {"BetweenEffect", p.BetweenEffect},
		{"WithinEffect", p.WithinEffect}, {"RepairEffect", p.RepairEffect},
		{"RepairedRate", p.RepairedRate}, {"UnrepairedRate", p.UnrepairedRate},
		{"RuptureDropSD", p.RuptureDropSD}, {"RepairGainSD", p.RepairGainSD}, {"MissingRate", p.MissingRate},
	}
	for _, f := range finite {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("simulate: %s = %v: must be a finite number", n(f.name), f.v)
		}
	}
	sds := []struct {
		name string
		v    float64
	}{
		{"TherapistSD", p.TherapistSD}, {"PatientSD", p.PatientSD}, {"WithinSD", p.WithinSD},
		{"OutcomeInterceptSD", p.OutcomeInterceptSD}, {"OutcomeSlopeSD", p.OutcomeSlopeSD},
		{"OutcomeResidSD", p.OutcomeResidSD},
	}
	for _, f := range sds {
		if f.v < 0 {
			return fmt.Errorf("simulate: %s = %v: a standard deviation cannot be negative", n(f.name), f.v)
		}
	}
	switch {
	case p.AllianceMean < AllianceMin || p.AllianceMean > AllianceMax:
		return fmt.Errorf("simulate: %s = %v: must lie on the alliance scale [%v, %v]", n("AllianceMean"), p.AllianceMean, AllianceMin, AllianceMax)
	case p.OutcomeMean < OutcomeMin || p.OutcomeMean > OutcomeMax:
		return fmt.Errorf("simulate: %s = %v: must lie on the symptom scale [%d, %d]", n("OutcomeMean"), p.OutcomeMean, OutcomeMin, OutcomeMax)
	case p.AllianceAR <= -1 || p.AllianceAR >= 1:
		return fmt.Errorf("simulate: %s = %v: an autocorrelation must lie strictly between -1 and 1", n("AllianceAR"), p.AllianceAR)
	case p.RepairedRate < 0 || p.RepairedRate > 1:
		return fmt.Errorf("simulate: %s = %v: a proportion must lie in [0, 1]", n("RepairedRate"), p.RepairedRate)
	case p.UnrepairedRate < 0 || p.UnrepairedRate > 1:
		return fmt.Errorf("simulate: %s = %v: a proportion must lie in [0, 1]", n("UnrepairedRate"), p.UnrepairedRate)
	case p.RepairedRate+p.UnrepairedRate > 1:
		return fmt.Errorf("simulate: %s + %s = %v: the two proportions cannot exceed 1", n("RepairedRate"), n("UnrepairedRate"), p.RepairedRate+p.UnrepairedRate)
	case p.MissingRate < 0 || p.MissingRate >= 1:
		return fmt.Errorf("simulate: %s = %v: a probability in [0, 1) is needed", n("MissingRate"), p.MissingRate)
	case p.RepairMin < 1 || p.RepairMax < p.RepairMin:
		return fmt.Errorf("simulate: %s = %d, %s = %d: need 1 ≤ %s ≤ %s", n("RepairMin"), p.RepairMin, n("RepairMax"), p.RepairMax, n("RepairMin"), n("RepairMax"))
	}
	if p.RepairedRate > 0 || p.UnrepairedRate > 0 {
		if p.RuptureDropSD <= 0 {
			return fmt.Errorf("simulate: %s = %v: a rupture needs a positive drop (or set both rupture rates to 0)", n("RuptureDropSD"), p.RuptureDropSD)
		}
		if p.RepairGainSD <= -p.RuptureDropSD {
			return fmt.Errorf("simulate: %s = %v: a repair must climb from the trough, so %s must exceed -%s (%v)", n("RepairGainSD"), p.RepairGainSD, n("RepairGainSD"), n("RuptureDropSD"), -p.RuptureDropSD)
		}
		need := max(6, 3+p.RepairMax)
		if p.MinSessions < need {
			return fmt.Errorf("simulate: %s = %d: ruptures need at least %d sessions (two baseline sessions, the drop and its repair or persistence); raise %s or lower %s", n("MinSessions"), p.MinSessions, need, n("MinSessions"), n("RepairMax"))
		}
	}
	return nil
}
