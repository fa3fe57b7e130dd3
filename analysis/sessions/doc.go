// Package sessions runs the alliance→outcome workflow of session-by-session
// psychotherapy research on top of the linear mixed models of package mixed.
//
// Patients are rated every session on the alliance and on symptoms, and are
// nested in therapists. Three questions are asked of such data:
//
//   - Within patients: does a better-than-usual alliance in one session
//     precede fewer symptoms in the next (Falkenström, Granström & Holmqvist
//     2013, J. Couns. Psychol. 60(3); Zilcha-Mano 2017)?
//   - Between patients: do patients with stronger alliances on average have
//     fewer symptoms?
//   - Between therapists: is it the therapist's contribution to the alliance
//     that matters (Baldwin, Wampold & Imel 2007, J. Consult. Clin. Psychol.
//     75(6); Del Re et al. 2012)?
//
// Derive computes the columns these models need: the patient mean of the
// alliance (between-patient part) and each session's deviation from it
// (within-patient part), optionally after removing each patient's linear
// trend over sessions (Falkenström, Finkel, Sandell, Rubel & Holmqvist 2017,
// J. Consult. Clin. Psychol. 85(6); Wang & Maxwell 2015), the therapist mean
// and the patient's deviation from it, and the previous and next session's
// values (lags), with gaps respected. Fit builds the model formula for one of
// four designs (Model: lagged, reverse, concurrent, growth), fits it with
// mixed.Fit (REML by default, random intercepts for patients and, when the
// data name them, therapists: (1 | therapist/patient); optional random slope
// of session and AR(1) residuals), and states each key effect in words:
//
//	a 1-point within-patient rise in alliance precedes a 1.30-point drop in
//	next-session outcome, holding this session's outcome constant
//	(b = −1.30, 95% CI [−1.62, −0.98], p < .001)
//
// Every derived column, the fitted formula and fit itself are compared with
// the same models built independently in R (centring, lags and detrending
// written out in base R; lme4 1.1-31 with lmerTest, and nlme for AR(1)) in
// testdata/golden/sessions_*.json.
package sessions
