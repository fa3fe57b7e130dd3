package sessions

import "github.com/alliance-research/alliance/analysis/errs"

// Model selects the design Fit builds.
type Model string

// The designs. Rows of the lagged designs are indexed by the predictor's
// session t; the response is the next session's value (t+1, or within
// MaxLagGap), so a patient's last session and sessions before a gap carry
// no response and are left out.
const (
	// Lagged: alliance at t predicts the outcome at the next session,
	// controlling the outcome at t (Falkenström et al. 2013):
	//   outcome_next ~ alliance_within + alliance_between + outcome + session
	Lagged Model = "lagged"
	// Reverse: the outcome at t predicts alliance at the next session,
	// controlling alliance at t:
	//   alliance_next ~ outcome_within + outcome_between + alliance + session
	Reverse Model = "reverse"
	// Concurrent: alliance and outcome of the same session:
	//   outcome ~ alliance_within + alliance_between + session
	Concurrent Model = "concurrent"
	// Growth: the outcome's course over sessions, without alliance:
	//   outcome ~ session
	Growth Model = "growth"
)

// Centring selects how the predictor is split into levels.
type Centring string

const (
	// PersonMean splits the predictor into the patient mean (v_between) and
	// the session's deviation from it (v_within).
	PersonMean Centring = "person"
	// TherapistMean splits it into the therapist mean (v_therapist), the
	// patient mean's deviation from it (v_patient) and v_within (Baldwin,
	// Wampold & Imel 2007). Needs Data.Therapist.
	TherapistMean Centring = "therapist"
)

// Options controls Derive and Fit. The zero value fits the lagged model by
// REML with random patient intercepts (and therapist intercepts and
// therapist-level centring when the data have therapists), session as a
// fixed effect, lags only between consecutive sessions, and 95% intervals.
type Options struct {
	// Model is the design; default Lagged, or Growth when Data.Alliance is nil.
	Model Model
	// Centring of the predictor; default TherapistMean when the data have
	// therapists (and IgnoreTherapist is false), PersonMean otherwise.
	Centring Centring
	// Detrend removes each patient's OLS line on session from the within
	// part before the model is fitted (Falkenström et al. 2017), for both
	// alliance and outcome.
	Detrend bool
	// MaxLagGap is the largest session gap over which a lag is formed:
	// 1 (default) links only consecutive sessions s−1 → s; 2 also links
	// s−2 → s when session s−1 is absent, and so on.
	MaxLagGap int
	// IgnoreTherapist fits without the therapist level even when
	// Data.Therapist is given (patients are still identified within
	// therapists).
	IgnoreTherapist bool
	// RandomSlope adds a random slope of session for patients, correlated
	// with the patient intercept: (1 + session | patient).
	RandomSlope bool
	// NoTime leaves session out of the fixed part (not allowed for Growth).
	NoTime bool
	// AR1 gives the residuals of each patient an AR(1) correlation
	// φ^|s−s′| over sessions, gaps respected (nlme's corAR1(form =
	// ~ session | patient); see mixed.Options.AR1).
	AR1 bool
	// ML fits by maximum likelihood instead of REML.
	ML bool
	// Level is the confidence level of the intervals; default 0.95.
	Level float64
	// MaxEval caps the optimiser's evaluations (mixed.Options.MaxEval).
	MaxEval int
	// AllianceLabel and OutcomeLabel name the measures in the sentences of
	// Effect.Text; defaults "alliance" and "outcome" (e.g. "WAI-SR", "PHQ-9").
	AllianceLabel, OutcomeLabel string
	// NoTable leaves Result.Table nil: the derived columns (about 14
	// numbers per row) are then never held, which is what bounds Fit's
	// memory on large data (the fit itself runs on per-patient sufficient
	// statistics; see Stats).
	NoTable bool
}

// defaults fills the data-independent defaults and checks the values.
func (o Options) defaults() (Options, error) {
	if o.MaxLagGap == 0 {
		o.MaxLagGap = 1
	}
	if o.MaxLagGap < 1 {
		return o, errs.New(errs.InvalidOption, "sessions", "MaxLagGap %d must be at least 1 session", o.MaxLagGap)
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	if !(o.Level > 0 && o.Level < 1) {
		return o, errs.New(errs.InvalidOption, "sessions", "confidence level %g must lie in (0, 1)", o.Level)
	}
	switch o.Model {
	case "", Lagged, Reverse, Concurrent, Growth:
	default:
		return o, errs.New(errs.InvalidOption, "sessions", "unknown model %q (use lagged, reverse, concurrent or growth)", o.Model)
	}
	switch o.Centring {
	case "", PersonMean, TherapistMean:
	default:
		return o, errs.New(errs.InvalidOption, "sessions", "unknown centring %q (use person or therapist)", o.Centring)
	}
	if o.AllianceLabel == "" {
		o.AllianceLabel = "alliance"
	}
	if o.OutcomeLabel == "" {
		o.OutcomeLabel = "outcome"
	}
	return o, nil
}
