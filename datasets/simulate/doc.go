// Package simulate generates synthetic psychotherapy data with known, planted
// parameters: session-by-session alliance and symptom scores of patients nested
// in therapists (with rupture–repair episodes), and study-level alliance–outcome
// correlations for meta-analysis (with several effects per study, for
// three-level models).
//
// The simulators exist so that every analysis in this module can be checked
// against a truth it did not see, benchmarked on inputs of any size, and
// demonstrated on data that are safe to share. Their output is SIMULATED and
// must never be presented as clinical data.
//
// # Sessions
//
// [Sessions] and [WriteSessionsCSV] stream patients one at a time, so a run
// with 10⁶ patients needs memory for one patient's sessions plus one number per
// therapist. The model of patient i, seen by therapist j, at weekly session
// t = 1…T_i is
//
//	alliance*_it = AllianceMean + u_j + v_i + AllianceGrowth·(t−1) + e_it + dip_it
//	e_it         = AllianceAR·e_i,t−1 + √(1−AllianceAR²)·WithinSD·ε_it,  e_i1 = WithinSD·ε_i1
//	outcome*_it  = OutcomeMean + p_i + (OutcomeSlope + s_i)·(t−1) + BetweenEffect·(u_j + v_i)
//	               + WithinEffect·(e_i,t−1 + dip_i,t−1)   [t ≥ 2]
//	               + RepairEffect·1[repaired and t ≥ r_i + R_i] + OutcomeResidSD·η_it
//
// with u_j ~ N(0, TherapistSD²), v_i ~ N(0, PatientSD²), p_i ~ N(0,
// OutcomeInterceptSD²), s_i ~ N(0, OutcomeSlopeSD²) and ε, η standard normal.
// The within-patient term e + dip is the patient's better- or worse-than-usual
// alliance; WithinEffect is the lag-1 within-patient effect on next-session
// symptoms and BetweenEffect the between-patient (level) effect.
//
// A proportion RepairedRate of patients has a V-shaped rupture–repair episode:
// at rupture session r_i the alliance drops by D = RuptureDropSD·WithinSD and
// climbs linearly within R_i ∈ [RepairMin, RepairMax] sessions to G =
// RepairGainSD·WithinSD above its usual level, where it stays (dip =
// −D·(1 − f) + G·f with f = (t−r_i)/R_i for r_i ≤ t < r_i+R_i, dip = G from
// r_i+R_i on; G = 0 is a return to the usual level, G > 0 the stronger
// alliance after a repair of Stiles et al.'s 2004 V-shape). A proportion
// UnrepairedRate has an unrepaired rupture: the drop of D persists from r_i to
// the end of treatment. Rupture sessions are uniform over the sessions that
// leave two baseline sessions before the drop and room to show the repair
// (or at least three sessions of persistence).
//
// The recorded alliance is a WAI-SR-like mean of 12 items: alliance* is
// rounded to the nearest twelfth, clipped to [1, 5] and printed with two
// decimals; the recorded outcome is a PHQ-9-like total: outcome* rounded to an
// integer and clipped to [0, 27]. Each session is missing with probability
// MissingRate (its row omitted), except session 1 and the sessions that show
// a rupture: r_i−1 through r_i+R_i for a repair, r_i−1 through r_i+1 for an
// unrepaired rupture.
//
// # Studies
//
// [Studies] and [WriteStudiesCSV] draw k studies, each with one or several
// effects (correlations of alliance with outcome). A study's true Fisher z is
// atanh(MeanR) + TauStudy·N(0,1); each of its effects adds TauEffect·N(0,1)
// and the moderator effects of its alliance and outcome raters and treatment.
// The observed r is exactly the Pearson correlation of n simulated bivariate
// normal pairs with the effect's true correlation tanh(z), so it follows the
// exact sampling distribution of r (Fisher z ≈ N(z, 1/(n−3)) only
// approximately).
//
// # Reproducibility
//
// Every random number comes from math/rand/v2's PCG generator (PCG-DXSM, a
// fixed published algorithm) seeded from Seed and the patient's or study's
// index through SplitMix64, and converted to uniforms and normals by this
// package's own code (Marsaglia's polar method), not by library functions
// whose algorithm may change. Output is therefore byte-for-byte stable for a
// given Seed, parameter set and [Version] of this package; any change to the
// generated streams increments Version. Each patient (study) has its own
// stream, so a patient's own draws do not depend on the other patients (its
// therapist does: therapists are assigned in blocks by Patients/Therapists),
// and study i's draws are the same whatever the number of studies k.
// Across architectures, math.Log (assembly on amd64) and fused multiply–adds
// (arm64, ppc64, s390x) may change the last bit of intermediate values; the
// acceptance test of the polar method is protected from fusion, and after
// rounding to the printed precision a value could change only if it fell
// within about 1e-14 of a rounding boundary.
//
// The default parameters make the planted episodes clear (a drop of 5
// within-patient SDs, 1 alliance point; a repair to 1.5 SDs above the usual
// level) against modest, autocorrelated session-to-session fluctuation (SD
// 0.2, lag-1 autocorrelation .5), so that a detection rule can be judged by
// how well it recovers them; analysis/rupture's package documentation
// reports what each of its presets recovers on these data.
//
// References: Larsson, M. H., Falkenström, F., Andersson, G., & Holmqvist, R.
// (2018). Alliance ruptures and repairs in psychotherapy in primary care.
// Psychotherapy Research, 28(1), 123–136 (14.7 % repair, 10.7 % rupture
// patterns). Stiles, W. B., Glick, M. J., Osatuke, K., et al. (2004).
// Patterns of alliance development and the rupture–repair hypothesis: Are
// productive relationships U-shaped or V-shaped? Journal of Counseling
// Psychology, 51(1), 81–92. Flückiger, C., Del Re, A. C., Wampold, B. E., & Horvath, A. O.
// (2018). The alliance in adult psychotherapy: A meta-analytic synthesis.
// Psychotherapy, 55(4), 316–340 (r = .278, 95 % CI [.256, .299]).
package simulate
