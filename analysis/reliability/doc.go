// Package reliability computes the reliability of scales and of ratings:
// coefficient alpha with item statistics (Alpha), the six Shrout & Fleiss
// intraclass correlations (ICC), Cohen's kappa with unweighted, linear and
// quadratic weights (CohenKappa), Fleiss' kappa for many raters (FleissKappa),
// Krippendorff's alpha for nominal, ordinal, interval and ratio data with
// missing ratings (Krippendorff). McDonald's omega (psych::omega) is not
// implemented yet.
//
// The reference implementation is the R package psych 2.2.9 (alpha, ICC with
// lmer = FALSE, cohen.kappa). Every number that psych reports is
// reproduced to at least 1e-6 and checked against goldens written by
// testdata/golden/R/reliability.R. Where psych departs from the paper it
// cites, the function documentation says so and which one we follow.
//
// Input convention: a data matrix is a [][]float64 with one row per person
// (or rated target) and one column per item (or rater); math.NaN() marks a
// missing value. Functions never modify their input.
package reliability
