// Package panel fits dynamic panel models of session-by-session data on the
// SEM engine of package sem: the random-intercept cross-lagged panel model
// (RI-CLPM; Hamaker, Kuiper & Grasman 2015, in the basic form of Mulder &
// Hamaker 2021), the classic cross-lagged panel model (CLPM) and the ML-SEM
// dynamic panel model (DPM).
//
// In the RI-CLPM each observed score is a stable person level plus a
// within-person deviation,
//
//	x_it = μx_t + RIx_i + wx_it,   y_it = μy_t + RIy_i + wy_it,
//
// and the within-person deviations follow
//
//	wx_t = αx_t wx_{t−1} + βxy_t wy_{t−1} + ux_t,
//	wy_t = αy_t wy_{t−1} + βyx_t wx_{t−1} + uy_t,
//
// with correlated innovations (ux_t, uy_t), correlated random intercepts
// (RIx, RIy) uncorrelated with the within part, and free wave means. The
// cross-lagged β are within-person effects: a session in which the alliance
// is above the patient's own usual level predicts the next session's
// outcome. The lagged multilevel model with person-mean centring and the
// lagged outcome (package sessions) has dynamic-panel (Nickell) bias for
// the short panels of psychotherapy (Falkenström et al. 2017, 2024).
//
// The ML-SEM dynamic panel model with fixed effects (Kind DPM; Allison,
// Williams & Moral-Benito 2017) regresses the outcome on its own previous
// session and the previous session of the predictor with constant paths,
//
//	y_t = ν_t + α y_{t−1} + β x_{t−1} + η + ε_t,   t = 2..T,
//
// the person effect η (loadings 1) correlated with every predictor (fixed
// effects), and x predetermined: ε_w may covary with x at later waves. The
// lavaan specification is the one the R package dpm (1.2.0) writes with its
// defaults; Spec.Outcome = "x" gives the symmetric model of x.
//
// Long-run (cumulative) effects (Result.LongRun) are reported for the
// stationary models and the DPM: for the bivariate within-person VAR(1)
// with lag matrix Φ, L = Σ_{k≥1} Φᵏ = (I − Φ)⁻¹ − I, L_ij the total
// response of variable i over all later sessions to a one-session unit
// deviation of variable j; for the DPM β/(1 − α), the effect of a lasting
// unit change of x on y. Standard errors by the delta method with the
// analytic Jacobian (dL = (I − Φ)⁻¹ dΦ (I − Φ)⁻¹); a lag matrix with
// spectral radius ≥ 1 has none (NonStationaryError).
//
// Recovery (docs/panel-recovery.md): 200 panels from the RI-CLPM
// (alliance simulate panel defaults: 500 patients × 8 sessions, 5 %
// missing, a planted within-person effect of alliance on next-session
// symptoms of −1), each analysed by the stationary RI-CLPM and by the
// lagged multilevel model of 'alliance sessions' on the same file:
//
//	model                     mean estimate   bias     95 % CI coverage
//	RI-CLPM, stationary       −0.978          +0.022   94.0 %
//	lagged multilevel model    0.430          +1.430    0.0 %
//
// Reproduce with ALLIANCE_RECOVERY=200 go test ./analysis/workflow/ -run
// TestPanelRecovers -v (43 s); without the variable the test runs 4
// panels and checks the RI-CLPM's bias is below 0.3 and the lagged
// model's above 0.5.
//
// Parameter names follow Mulder & Hamaker's lavaan syntax (RIx, RIy, wx1,
// wy1, ...; for the DPM the dpm package's alpha, en1, p1), so that
// estimates can be set beside lavaan's.
package panel
