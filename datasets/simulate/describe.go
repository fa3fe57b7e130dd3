package simulate

import (
	"strconv"
	"strings"
)

// ParamInfo describes one simulator parameter, for help texts, flags and the
// SOURCE notes of simulated datasets.
type ParamInfo struct {
	// Name is the Go field name, Flag a suggested command-line flag name.
	Name string `json:"name"`
	Flag string `json:"flag"`
	// Value is the parameter's value as text (lists comma-separated).
	Value string `json:"value"`
	// Unit is the unit of Value ("" when unitless), Meaning a one-line
	// description.
	Unit    string `json:"unit"`
	Meaning string `json:"meaning"`
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// dtoa formats a value derived from parameters by arithmetic, to 10
// significant digits (so 1.5·0.2 prints as 0.3).
func dtoa(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

func flist(vs []float64) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = ftoa(v)
	}
	return strings.Join(s, ",")
}

// Describe lists every field of p with its value, unit and meaning, in
// declaration order.
func (p SessionParams) Describe() []ParamInfo {
	i := strconv.Itoa
	const ap, sp = "alliance points (1–5 scale)", "symptom points (0–27 scale)"
	return []ParamInfo{
		{"Seed", "seed", strconv.FormatInt(p.Seed, 10), "", "random seed"},
		{"Patients", "patients", i(p.Patients), "patients", "number of patients"},
		{"Therapists", "therapists", i(p.Therapists), "therapists", "number of therapists (balanced contiguous blocks of patients)"},
		{"MinSessions", "min-sessions", i(p.MinSessions), "sessions", "fewest planned sessions per patient"},
		{"MaxSessions", "max-sessions", i(p.MaxSessions), "sessions", "most planned sessions per patient"},
		{"AllianceMean", "alliance-mean", ftoa(p.AllianceMean), ap, "mean alliance at session 1"},
		{"AllianceGrowth", "alliance-growth", ftoa(p.AllianceGrowth), ap + " per session", "mean alliance change per session"},
		{"TherapistSD", "therapist-sd", ftoa(p.TherapistSD), ap, "SD of the between-therapist alliance component"},
		{"PatientSD", "patient-sd", ftoa(p.PatientSD), ap, "SD of the between-patient alliance component"},
		{"WithinSD", "within-sd", ftoa(p.WithinSD), ap, "SD of within-patient alliance fluctuation"},
		{"AllianceAR", "alliance-ar", ftoa(p.AllianceAR), "", "lag-1 autocorrelation of within-patient fluctuation"},
		{"OutcomeMean", "outcome-mean", ftoa(p.OutcomeMean), sp, "mean symptoms at session 1"},
		{"OutcomeSlope", "outcome-slope", ftoa(p.OutcomeSlope), sp + " per session", "mean symptom change per session"},
		{"OutcomeInterceptSD", "outcome-intercept-sd", ftoa(p.OutcomeInterceptSD), sp, "between-patient SD of symptom level"},
		{"OutcomeSlopeSD", "outcome-slope-sd", ftoa(p.OutcomeSlopeSD), sp + " per session", "between-patient SD of symptom slope"},
		{"OutcomeResidSD", "outcome-resid-sd", ftoa(p.OutcomeResidSD), sp, "session-level symptom residual SD"},
		{"BetweenEffect", "between-effect", ftoa(p.BetweenEffect), "symptom points per alliance point", "effect of stable alliance level on symptom level"},
		{"WithinEffect", "within-effect", ftoa(p.WithinEffect), "symptom points per alliance point", "lag-1 effect of better-than-usual alliance on next-session symptoms"},
		{"RepairEffect", "repair-effect", ftoa(p.RepairEffect), sp, "symptom shift from a repair onward"},
		{"RepairedRate", "repaired-rate", ftoa(p.RepairedRate), "proportion of patients", "V-shaped rupture–repair episodes"},
		{"UnrepairedRate", "unrepaired-rate", ftoa(p.UnrepairedRate), "proportion of patients", "unrepaired ruptures (drop persists)"},
		{"RuptureDropSD", "rupture-drop-sd", ftoa(p.RuptureDropSD), "within-patient SDs", "size of a rupture's drop (×WithinSD = " + dtoa(p.RuptureDrop()) + " alliance points)"},
		{"RepairGainSD", "repair-gain-sd", ftoa(p.RepairGainSD), "within-patient SDs", "alliance after a repair above the usual level (×WithinSD = " + dtoa(p.RepairGain()) + " alliance points; 0 = back to the usual level)"},
		{"RepairMin", "repair-min", i(p.RepairMin), "sessions", "fewest sessions to repair"},
		{"RepairMax", "repair-max", i(p.RepairMax), "sessions", "most sessions to repair"},
		{"MissingRate", "missing-rate", ftoa(p.MissingRate), "probability per eligible session", "missing sessions (rows omitted)"},
	}
}

// Describe lists every field of p with its value, unit and meaning, in
// declaration order.
func (p StudyParams) Describe() []ParamInfo {
	i := strconv.Itoa
	const z = "Fisher z"
	return []ParamInfo{
		{"Seed", "seed", strconv.FormatInt(p.Seed, 10), "", "random seed"},
		{"Studies", "studies", i(p.Studies), "studies", "number of studies k"},
		{"MeanR", "mean-r", ftoa(p.MeanR), "correlation", "mean true r of the reference categories"},
		{"TauStudy", "tau-study", ftoa(p.TauStudy), z, "SD of the study-level random effect"},
		{"TauEffect", "tau-effect", ftoa(p.TauEffect), z, "SD of the effect-level random effect within studies"},
		{"MultiRate", "multi-rate", ftoa(p.MultiRate), "proportion of studies", "studies contributing 2 or more effects"},
		{"MaxEffects", "max-effects", i(p.MaxEffects), "effects", "most effects per study"},
		{"MedianN", "median-n", ftoa(p.MedianN), "patients", "median sample size (log-normal)"},
		{"SDLogN", "sd-log-n", ftoa(p.SDLogN), "log patients", "SD of log sample size"},
		{"MinN", "min-n", i(p.MinN), "patients", "smallest sample size"},
		{"MaxN", "max-n", i(p.MaxN), "patients", "largest sample size"},
		{"YearMin", "year-min", i(p.YearMin), "year", "earliest publication year"},
		{"YearMax", "year-max", i(p.YearMax), "year", "latest publication year"},
		{"AllianceRaterProbs", "alliance-rater-probs", flist(p.AllianceRaterProbs[:]), "probabilities", "alliance rater patient, therapist, observer"},
		{"OutcomeRaterProbs", "outcome-rater-probs", flist(p.OutcomeRaterProbs[:]), "probabilities", "outcome rater patient, therapist, observer"},
		{"TreatmentProbs", "treatment-probs", flist(p.TreatmentProbs[:]), "probabilities", "treatment CBT, psychodynamic, humanistic, other"},
		{"AllianceRaterEffects", "alliance-rater-effects", flist(p.AllianceRaterEffects[:]), z, "shift by alliance rater patient, therapist, observer"},
		{"OutcomeRaterEffects", "outcome-rater-effects", flist(p.OutcomeRaterEffects[:]), z, "shift by outcome rater patient, therapist, observer"},
		{"TreatmentEffects", "treatment-effects", flist(p.TreatmentEffects[:]), z, "shift by treatment CBT, psychodynamic, humanistic, other"},
	}
}
