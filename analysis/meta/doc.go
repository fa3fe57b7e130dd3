// Package meta fits univariate fixed-, equal- and random-effects
// meta-analysis and meta-regression models to effect sizes yi with known
// sampling variances vi, the model of metafor's rma.uni (Viechtbauer 2010,
// J. Stat. Softw. 36(3)):
//
//	yi = xi'β + ui + ei,  ui ~ N(0, τ²),  ei ~ N(0, vi).
//
// Fit estimates τ² with any of metafor 3.8's estimators (FE/EE, DL, HE, HS,
// HSk, SJ, ML, REML, EB, PM, PMM, GENQ, GENQM; see tau2.go and tau2_more.go),
// takes user weights as rma(yi, vi, weights = w) (Options.Weights,
// weights.go), tests the coefficients with z, t, Knapp–Hartung or
// metafor's ad hoc variant, and reports heterogeneity (Q_E, τ², I², H² and
// their Q-profile confidence intervals), fit statistics, the prediction
// interval and, for Fisher-z correlations, the back-transform to r.
// Subgroups fits one model per level and tests subgroup differences, and
// Permute gives permutation p-values as metafor's permutest (exact
// enumeration when the iterations cover every permutation; PermuteExact
// always enumerates).
//
// Small-study effects and publication bias: RegTest (Egger-type tests,
// metafor's regtest), RankTest (Begg & Mazumdar), TrimFill (L0, R0, Q0),
// FailSafeN (Rosenthal, Orwin, Rosenberg), PETPEESE and SelModel (the
// three-parameter step-function selection model); Bias runs the usual set.
// Sensitivity and influence: Influence (rstudent, DFFITS, Cook's D,
// COVRATIO, DFBETAS, leave-one-out τ² and Q_E, hat values, weights and
// metafor's influential flag, plus Baujat plot coordinates), LeaveOneOut,
// LeaveClusterOut and Cumulative; Funnel returns funnel-plot data with
// filled studies. Leave-one-out refits are warm-started, run on all CPUs
// and are shared between Influence and LeaveOneOut.
//
// Every computation is O(k·p²) per iteration with no k×k matrices: the
// weighted least-squares quantities metafor gets from the projection matrix
// P = W − WX(X'WX)⁻¹X'W (traces, quadratic forms) are reduced to p×p
// cross-products, so a million studies fit in well under a second.
//
// The package takes yi and vi; effect sizes are computed by
// analysis/effectsize. Numbers agree with metafor 3.8-1 run with tight
// convergence controls (see testdata/golden/R/meta.R).
package meta
