// Package mixed fits linear mixed-effects models by REML or maximum
// likelihood, with the numbers of R's lme4 (lmer), lmerTest (Satterthwaite
// degrees of freedom) and nlme (lme with corAR1 residuals).
//
// A model is given as an lme4-style formula (see Formula for the supported
// subset) over columns in a Data value:
//
//	m, err := mixed.Fit("Reaction ~ Days + (Days | Subject)", data, mixed.Options{})
//
// The model is y = Xβ + Zb + ε with b ~ N(0, σ²ΛθΛθᵀ) and ε ~ N(0, σ²R).
// Fit minimises the profiled deviance over the relative covariance factor θ
// (Bates, Mächler, Bolker & Walker 2015, "Fitting linear mixed-effects models
// using lme4", J. Stat. Softw. 67(1), section 3). Random-effect terms must sit
// on nested grouping factors (e.g. patients within therapists); the
// penalised least-squares system is then factored group by group from
// per-group cross-products computed once, so each evaluation of the criterion
// costs O(groups·q³) rather than O(rows), and so does its analytic gradient
// over θ (one more pass over the groups). A quasi-Newton search on that
// gradient, ended by Newton steps, finds the optimum in a few dozen
// evaluations (lme4's simplex: 60–250), and variance parameters match
// lme4/nlme run to their exact optimum to ~1e-8 (Dyestuff, Orthodont goldens). With Options.AR1 the residuals of
// the finest groups follow an AR(1) process in an integer time column, gaps
// respected (nlme's corAR1), and φ is estimated jointly with θ.
//
// Result reports fixed effects with Satterthwaite t tests (as lmerTest's
// summary), variance components, correlations, residual variance, φ,
// log-likelihood, AIC, BIC, conditional modes with conditional SDs, ICCs and
// Nakagawa's R²; Compare gives lme4 anova's likelihood-ratio test; Model.Anova
// gives lmerTest's type III (or I) F tests of the fixed-effect terms with
// Satterthwaite df, multi-df terms included; Model.EMMeans gives emmeans'
// estimated marginal means on the reference grid and their pairwise
// contrasts (Satterthwaite df, Tukey/Holm/Bonferroni adjustment).
//
// Because the criterion needs only per-group cross-products, a model can
// also be fitted from sufficient statistics without its rows: NewStats,
// Stats.Group and GroupStats.Add accumulate them per finest group over any
// partition of the rows, Stats.Merge sums partitions, and FitStats fits the
// merged statistics with the same optimiser and output as Fit (see
// StatsSpec). This is the distributed (map–reduce) form of the fit.
package mixed
