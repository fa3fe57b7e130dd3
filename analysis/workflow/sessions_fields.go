package workflow

// SessionModelFields are the choices of the session model
// (SessionsOptions) as a user gives them: the flags of 'alliance
// sessions' and, with the same meaning, of the first stage of 'alliance
// ipd' (their help after prefix, e.g. "stage 1: "). BindTarget finds the
// option each sets.
func SessionModelFields(prefix string) []Field {
	return []Field{
		{Name: "centring", Option: "Centring", Usage: prefix + "person (patient mean) or therapist (therapist mean, patient and session deviations; default with therapists)"},
		{Name: "detrend", Option: "Detrend", Usage: prefix + "remove each patient's linear trend over sessions before centring (Falkenström et al. 2017)"},
		{Name: "random-slope", Option: "RandomSlope", Usage: prefix + "random slope of session for patients"},
		{Name: "ar1", Option: "AR1", Usage: prefix + "AR(1) residuals within patients over sessions (gaps respected)"},
		{Name: "no-therapist", Option: "IgnoreTherapist", Usage: prefix + "ignore the therapist column (no therapist level)"},
		{Name: "no-time", Option: "NoTime", Usage: prefix + "leave session out of the fixed effects"},
		{Name: "ml", Option: "ML", Usage: prefix + "fit by maximum likelihood instead of REML"},
		{Name: "max-lag-gap", Default: "1", Kind: CountField, Option: "MaxLagGap", Usage: prefix + "largest session gap a lag may bridge"},
		{Name: "covariates", Option: "Covariates", Usage: prefix + "numeric columns added as fixed covariates, comma-separated"},
		{Name: "alliance-label", Default: "alliance", Option: "AllianceLabel", Usage: "name of the alliance measure in the sentences (e.g. WAI-SR)"},
		{Name: "outcome-label", Default: "outcome", Option: "OutcomeLabel", Usage: "name of the outcome measure in the sentences (e.g. PHQ-9)"},
	}
}

// SessionsFields are the options of 'alliance sessions' (SessionsOptions)
// as fields: the model, the level and the extra tables, then
// SessionModelFields. The role columns (SessionRoleFields), the layout
// of wide data, the figure and the files written are the front end's.
func SessionsFields() []Field {
	return append([]Field{
		{Name: "model", Option: "Model", Usage: "lagged (default), reverse, concurrent or growth (the only one without an alliance column)"},
		{Name: "level", Kind: LevelField, Option: "Level", Usage: "confidence level of the fixed effects, in percent (or as a proportion)"},
		{Name: "concurrent", Option: "Concurrent", Usage: "with the lagged model, also fit the same-session (concurrent) model, as the report does"},
		{Name: "trajectories", Option: "Trajectories", Usage: "add the table of mean scores by session"},
	}, SessionModelFields("")...)
}

// IPDFields are the options of the IPD meta-analysis (IPDOptions) as
// fields: the studies, stage 2 and the panel stage 1, then the session
// model of stage 1 (SessionModelFields, under Sessions). The role columns,
// the panel's waves, the figure and the R code are the front end's.
func IPDFields() []Field {
	fields := []Field{
		{Name: "study", Default: "study", Option: "Study", Usage: "study column (one file)"},
		{Name: "study-names", Option: "StudyNames", Usage: "names of the studies of several files, comma-separated (default: the files' base names)"},
		{Name: "model", Option: "Sessions.Model", Usage: "stage-1 session model: lagged (default), reverse or concurrent"},
		{Name: "level", Kind: LevelField, Option: "Sessions.Level", Usage: "confidence level of every interval, in percent (or as a proportion)"},
		{Name: "standardize", Option: "Standardize", Usage: "z-standardise alliance and outcome within each study before stage 1"},
		{Name: "terms", Option: "Terms", Usage: "alliance terms to pool, comma-separated: within, between, patient, therapist (default: all the models have)"},
		{Name: "method", Default: "REML", Choices: PoolTau2Methods, Option: "Method", Usage: "stage-2 τ² estimator"},
		{Name: "test", Default: "knha", Choices: MetaTests, Option: "Test", Usage: "stage-2 inference: z, t, knha (Knapp–Hartung) or adhoc, as 'alliance meta'"},
		{Name: "mods", Option: "Mods", Usage: "study-level moderators (columns constant within each study), comma-separated"},
		{Name: "robust", Option: "Robust", Usage: "column (constant within each study) grouping the studies into clusters, such as samples of one trial: CR2 cluster-robust inference in stage 2"},
		{Name: "multivariate", Option: "Multivariate", Usage: "also pool the within and between terms jointly with their within-study covariance"},
		{Name: "no-one-stage", Option: "NoOneStage", Usage: "skip the one-stage cross-check"},
		{Name: "stage1", Default: "sessions", Choices: []string{"sessions", "panel"}, Option: "Stage1", Usage: "stage-1 model: sessions (the session model) or panel (the dynamic panel model of 'alliance panel')"},
		{Name: "panel-model", Choices: PanelModels, Option: "Panel.Model", Usage: "with --stage1 panel: riclpm (default), clpm or dpm"},
		{Name: "estimator", Choices: PanelEstimators, Option: "Panel.Estimator", Usage: "with --stage1 panel: ML (default), or MLR (robust SEs)"},
		{Name: "constrain", Option: "Panel.Constrain", Usage: "with --stage1 panel: further equalities over waves, as 'alliance panel --constrain' (cov, resid, means)"},
	}
	for _, f := range SessionModelFields("stage 1: ") {
		f.Option = "Sessions." + f.Option
		fields = append(fields, f)
	}
	return fields
}
