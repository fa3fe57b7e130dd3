package workflow

import (
	"strconv"

	"github.com/alliance-research/alliance/analysis/panel"
	"github.com/alliance-research/alliance/analysis/sem"
)

// PanelFields are the options of the dynamic panel model (PanelOptions) as
// a user gives them: each the flag --Name of 'alliance panel', with its
// help, default and choices (BindTarget finds the option each sets). The
// role columns (SessionRoleFields) and the figure are the front end's.
func PanelFields() []Field {
	return []Field{
		{Name: "model", Default: string(panel.RICLPM), Choices: PanelModels, Option: "Model", Usage: "panel model: riclpm, clpm or dpm"},
		{Name: "dpm-outcome", Choices: []string{"y", "x"}, Option: "DPMOutcome", Usage: "with --model dpm: the dependent variable, y (the outcome; the default) or x (the alliance)"},
		{Name: "estimator", Default: sem.ML, Choices: PanelEstimators, Option: "Estimator", Usage: "ML, or MLR (robust SEs, Yuan–Bentler scaled χ²)"},
		{Name: "information", Default: sem.Observed, Choices: []string{sem.Observed, sem.Expected}, Option: "Information", Usage: "information matrix of the SEs: observed or expected"},
		{Name: "waves", Option: "Waves", Usage: "the sessions used as waves: a range 1:8 or a list 1,2,3,5 (default: those observed for at least half of the patients, at most " + strconv.Itoa(panelMaxWaves) + ")"},
		{Name: "stationary", Option: "Stationary", Usage: "constrain the autoregressive and cross-lagged paths to be equal over waves"},
		{Name: "constrain", Option: "Constrain", Usage: "further equalities over waves, comma-separated: cov (within-wave residual covariances, waves 2..T), resid (residual variances of x and of y, waves 2..T), means (wave means of x and of y); the DPM takes resid only"},
		{Name: "missing", Choices: []string{"fiml", "listwise"}, Option: "Listwise", Usage: "missing sessions: fiml (full-information ML) or listwise"},
		{Name: "level", Kind: LevelField, Option: "Level", Usage: "confidence level of the paths, in percent (or as a proportion)"},
	}
}

// ReliabilityFields are the options of the reliability coefficients
// (ReliabilityOptions) as fields: the flags of 'alliance reliability'.
func ReliabilityFields() []Field {
	return []Field{
		{Name: "items", Option: "Items", Usage: "item or rater columns: a comma-separated list, or a prefix ending in * (required)"},
		{Name: "reverse", Option: "Reverse", Usage: "alpha: items to reverse-score (max + min − x, from the observed range)"},
		{Name: "alpha", Option: "Alpha", Usage: "Cronbach's alpha and item statistics (default when nothing else is asked)"},
		{Name: "icc", Option: "ICC", Usage: "intraclass correlations (Shrout & Fleiss)"},
		{Name: "omega", Option: "Omega", Usage: "McDonald's omega total and hierarchical (minres, oblimin, Schmid–Leiman; psych::omega)"},
		{Name: "nfactors", Kind: CountField, Default: strconv.Itoa(DefaultNFactors), Option: "NFactors", Usage: "omega: number of group factors (1: omega total of a one-factor model)"},
		{Name: "kappa", Option: "Kappa", Usage: "Cohen's kappa (2 raters) or Fleiss' kappa (more)"},
		{Name: "krippendorff", Choices: KrippendorffMetrics, Option: "Krippendorff", Usage: "Krippendorff's alpha with metric nominal, ordinal, interval or ratio"},
		{Name: "cumulative", Option: "Cumulative", Usage: "alpha: total score as the sum of the items (default: the mean)"},
		{Name: "drop-incomplete", Option: "DropIncomplete", Usage: "ICC: drop targets with a missing rating (psych::ICC(na.omit(x))); default: error"},
		{Name: "levels", Option: "Levels", Usage: "kappa and Krippendorff: the categories in order, comma-separated (text labels allowed; default: the labels found, sorted)"},
		{Name: "level", Kind: LevelField, Option: "Level", Usage: "confidence level of the coefficients, in percent (or as a proportion)"},
	}
}

// ThreeRSFields are the columns and rating bounds of 3RS segment codes
// (ThreeRSOptions) as fields, with their defaults (threeRSDefaults): the
// flags of 'alliance reliability --3rs'. The confidence level is the
// reliability's (ReliabilityFields).
func ThreeRSFields() []Field {
	d := threeRSDefaults
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	return []Field{
		{Name: "3rs-session", Default: d.Session, Option: "Session", Usage: "3RS: session column"},
		{Name: "3rs-segment", Default: d.Segment, Option: "Segment", Usage: "3RS: segment number column (1, 2, ...)"},
		{Name: "3rs-coder", Default: d.Coder, Option: "Coder", Usage: "3RS: coder column"},
		{Name: "withdrawal", Default: d.Withdrawal, Option: "Withdrawal", Usage: "3RS: withdrawal marker columns (counts or 0/1), a list or a prefix ending in *"},
		{Name: "confrontation", Default: d.Confrontation, Option: "Confrontation", Usage: "3RS: confrontation marker columns"},
		{Name: "resolution", Default: d.Resolution, Option: "Resolution", Usage: "3RS: resolution strategy columns"},
		{Name: "ratings", Default: d.Ratings, Option: "Ratings", Usage: "3RS: rating scale columns (e.g. 1–5 significance ratings)"},
		{Name: "rating-min", Default: num(d.MinRating), Kind: NumberField, Option: "MinRating", Usage: "3RS: lowest rating"},
		{Name: "rating-max", Default: num(d.MaxRating), Kind: NumberField, Option: "MaxRating", Usage: "3RS: highest rating"},
	}
}
