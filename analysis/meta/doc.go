// Package meta fits univariate fixed-, equal- and random-effects
// meta-analysis and meta-regression models to effect sizes yi with known
// sampling variances vi, the model of metafor's rma.uni (Viechtbauer 2010,
// J. Stat. Softw. 36(3)):
//
//	yi = xi'β + ui + ei,  ui ~ N(0, τ²),  ei ~ N(0, vi).
//
// Fit estimates τ² with any of metafor 3.8's estimators (FE/EE, DL, HE, HS,
// SJ, ML, REML, EB, PM), tests the coefficients with z, t, Knapp–Hartung or
// metafor's ad hoc variant, and reports heterogeneity (Q_E, τ², I², H² and
// their Q-profile confidence intervals), fit statistics, the prediction
// interval and, for Fisher-z correlations, the back-transform to r.
// Subgroups fits one model per level and tests subgroup differences, and
// Permute gives permutation p-values as metafor's permutest.
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
