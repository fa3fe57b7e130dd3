// Package reliability computes the reliability of scales and of ratings:
// coefficient alpha with item statistics (Alpha), the six Shrout & Fleiss
// intraclass correlations (ICC), Cohen's kappa with unweighted, linear and
// quadratic weights (CohenKappa), Fleiss' kappa for many raters (FleissKappa),
// Krippendorff's alpha for nominal, ordinal, interval and ratio data with
// missing ratings (Krippendorff), and McDonald's omega total and
// hierarchical (Omega, OmegaCorr) built from minimum-residual factor
// analysis (FactorAnalysis), varimax and oblimin rotation (Varimax,
// Oblimin) and the Schmid–Leiman transformation (Schmid). ThreeRS turns
// segment-level codes of the Rupture Resolution Rating System into
// session-level frequencies and ratings with inter-rater ICCs and kappas.
//
// The reference implementation is the R package psych 2.2.9 (alpha, ICC with
// lmer = FALSE, cohen.kappa). Every number that psych reports is
// reproduced to at least 1e-6 and checked against goldens written by
// testdata/golden/R/reliability.R. Omega (psych::omega with GPArotation
// 2022.10.2) depends on psych's optimisers, which stop early: omega total,
// hierarchical and asymptotic agree to 1.5e-6, subscale omegas to 1.1e-5,
// loadings to 2e-5 (goldens from testdata/golden/R/reliability_omega.R).
// Where psych departs from the paper it cites, the function documentation
// says so and which one we follow.
//
// Input convention: a data matrix is a [][]float64 with one row per person
// (or rated target) and one column per item (or rater); math.NaN() marks a
// missing value. Functions never modify their input.
package reliability
