// Package panel fits dynamic panel models of session-by-session data on the
// SEM engine of package sem: the random-intercept cross-lagged panel model
// (RI-CLPM; Hamaker, Kuiper & Grasman 2015, in the basic form of Mulder &
// Hamaker 2021) and the classic cross-lagged panel model (CLPM).
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
// Parameter names follow Mulder & Hamaker's lavaan syntax (RIx, RIy, wx1,
// wy1, ...), so that estimates can be set beside lavaan's.
package panel
