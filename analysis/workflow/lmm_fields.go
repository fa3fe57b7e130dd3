package workflow

// LMMFields are the options of a linear mixed model (LMMOptions) as a
// user gives them: each the flag --Name of 'alliance lmm', with its one
// help text, default and choices (BindTarget finds the option each
// sets). The figure and the R code are the front end's.
func LMMFields() []Field {
	return []Field{
		{Name: "formula", Option: "Formula", Usage: "the model, lme4 syntax: response ~ fixed terms + (random | group)"},
		{Name: "ml", Option: "ML", Usage: "fit by maximum likelihood instead of REML"},
		{Name: "compare", Option: "Compare", Usage: "a second, nested formula: likelihood-ratio test of the two, as lme4's anova (REML fits refitted by ML); with a residual structure as nlme's anova (REML fits with the same fixed effects compared as fitted, else refitted by ML)"},
		{Name: "anova", Option: "Anova", Usage: "F tests of the fixed-effect terms: `TYPE` 3 (type III), 2 (type II) or 1 (sequential), Satterthwaite df as lmerTest's anova(m, type = 3); with a residual structure nlme's anova(m, type = \"sequential\" / \"marginal\") for 1 / 3"},
		{Name: "emmeans", Option: "EMMeans", Usage: "estimated marginal means of `TERM` (\"arm\", \"arm | site\"), as emmeans with Satterthwaite df (with a residual structure: emmeans' df for nlme fits)"},
		{Name: "at", Repeat: true, Option: "At", Usage: "fix a reference-grid variable for --emmeans: `VAR=V[,V…]` (repeatable; numeric covariates default to their means)"},
		{Name: "pairs", Option: "Pairs", Usage: "pairwise differences of the --emmeans means (Tukey-adjusted by default)"},
		{Name: "adjust", Option: "Adjust", Usage: "p adjustment of --pairs: `METHOD` tukey (default), holm, bonferroni or none"},
		{Name: "ranef", Option: "Ranef", Usage: "list the BLUPs (conditional modes) with conditional SDs (text and Markdown; JSON always does)"},
		{Name: "ref", Repeat: true, Option: "Ref", Usage: "reference level of a factor, `VAR=LEVEL` (repeatable), as R's relevel(arm, ref = \"control\"); default: the first level in sorted order"},
		{Name: "ranova", Choices: []string{"reduce", "delete"}, Option: "Ranova", Bare: "reduce", Usage: "likelihood-ratio tests of the random-effects terms, as lmerTest's ranova: --ranova (each slope removed in turn, terms without slopes deleted) or --ranova=delete (each term deleted)"},
		{Name: "contrasts", Default: "treatment", Choices: []string{"treatment", "sum", "helmert"}, Option: "Contrasts", Usage: "coding of factors: treatment, sum (R's contr.sum: coefficients arm1, arm2 …) or helmert; F tests and marginal means are the same under each"},
		{Name: "level", Kind: LevelField, Option: "Level", Usage: "confidence level of the fixed effects, in percent (or as a proportion)"},
		{Name: "ddf", Default: "satterthwaite", Choices: []string{"satterthwaite", "kenward-roger"}, Option: "DDF", Usage: "df method of the t tests, --anova and --emmeans: satterthwaite (lmerTest's default) or kenward-roger (Kenward & Roger 1997: adjusted SEs and df, as pbkrtest; REML, no --ar1)"},
		{Name: "ar1", Option: "TimeAR1", Usage: "AR(1) residuals over the session column within the innermost group"},
		{Name: "session", Default: "session", Option: "Time", Usage: "the time `COLUMN` of --ar1 and --correlation: session numbers, or times for car1 and exp"},
		{Name: "correlation", Choices: []string{"ar1", "car1", "exp", "cs", "arma11"}, Option: "Correlation", Usage: "residual correlation within the innermost group over --session (the time column), as nlme: ar1 (corAR1, session numbers, gaps respected), car1 (corCAR1, continuous times, uneven spacing respected), exp (corExp), cs (corCompSymm) or arma11 (corARMA(p = 1, q = 1)); df are then nlme's containment df"},
		{Name: "cor-group", Option: "CorGroup", Usage: "the `COLUMN` within which --correlation applies (form = ~ time | COLUMN): needed for a formula without random effects (fitted as nlme's gls) and for crossed grouping factors, e.g. patient in (1 | patient) + (1 | rater), where it must be the factor with the most groups"},
		{Name: "weights", Option: "Weights", Usage: "residual variance function, as nlme: `varident:COLUMN` (one SD per level, varIdent(form = ~ 1 | COLUMN)) varpower:COLUMN (SD ∝ |COLUMN|^power, varPower(form = ~ COLUMN)) or varpower (SD ∝ |fitted|^power, nlme's default varPower())"},
		{Name: "confint", Choices: []string{"profile", "boot", "wald", "nlme"}, Option: "Confint", Usage: "confidence intervals of the random-effect SDs and correlations, σ and the fixed effects, as lme4's confint: `METHOD` profile (profile likelihood), boot (parametric bootstrap, see --nsim, --seed) or wald (fixed effects only); nlme: nlme's intervals of a model with a residual structure"},
		{Name: "nsim", Option: "NSim", Usage: "`N` bootstrap samples for --confint boot (default 500, as lme4)"},
		{Name: "seed", Default: "1", Option: "Seed", Usage: "seed of --confint boot (the same seed gives the same intervals on any number of CPUs)"},
	}
}
