// Package mixed fits linear mixed-effects models by REML or maximum
// likelihood, with the numbers of R's lme4 (lmer), lmerTest (Satterthwaite
// degrees of freedom) and nlme (lme and gls with residual correlation
// structures and variance functions).
//
// A model is given as an lme4-style formula (see Formula for the supported
// subset) over columns in a Data value:
//
//	m, err := mixed.Fit("Reaction ~ Days + (Days | Subject)", data, mixed.Options{})
//
// The model is y = Xβ + Zb + ε with b ~ N(0, σ²ΛθΛθᵀ) and ε ~ N(0, σ²R).
// Fit minimises the profiled deviance over the relative covariance factor θ
// (Bates, Mächler, Bolker & Walker 2015, "Fitting linear mixed-effects models
// using lme4", J. Stat. Softw. 67(1), section 3). When the random-effect terms
// sit on nested grouping factors (e.g. patients within therapists) the
// penalised least-squares system is factored group by group from
// per-group cross-products computed once, so each evaluation of the criterion
// costs O(groups·q³) rather than O(rows), and so does its analytic gradient
// over θ (one more pass over the groups). With one grouping factor, or
// nested random intercepts, the fit starts from moment estimates of θ
// (start.go: Swamy's random-coefficient estimator, an ANOVA-type one for
// nested intercepts) and takes Newton steps on differences of that
// gradient: 5–9 evaluations on the two-level benchmarks, more on small or
// three-level data. Otherwise (or when the estimates are not
// inside the parameter space) a quasi-Newton search on the gradient, with
// every θ entry scaled by the root mean square of its z column
// (thetaScales), ended by Newton steps, finds the optimum in a few dozen
// evaluations (lme4's simplex: 60–250). Crossed or partially crossed
// factors (patients × raters), uncorrelated terms (1 + t || g) and several
// terms on one factor take the general path (general.go): a sparse block
// Cholesky factor of ΛᵀZᵀZΛ + I from the cross-products, also computed
// once, optimised by the simplex and Newton steps on the deviance.
// Variance parameters match lme4/nlme run to their exact optimum to ~1e-8
// (Dyestuff, Orthodont goldens). With Options.Correlation
// the residuals of the finest groups are correlated over a time column as
// nlme's corAR1, corCAR1 (continuous, unevenly spaced times), corExp,
// corCompSymm or corARMA(1, 1), and with Options.Weights their variance
// follows varIdent or varPower; these parameters are estimated jointly with
// θ (corstruct.go, varfunc.go, resid.go). A formula without random terms is
// fitted as nlme's gls.
//
// Result reports fixed effects with Satterthwaite t tests (as lmerTest's
// summary; Kenward–Roger's with Options.DDF, nlme's containment df with a
// residual structure), variance components, correlations, residual variance, φ,
// log-likelihood, AIC, BIC, conditional modes with conditional SDs, ICCs and
// Nakagawa's R²; Compare gives lme4 anova's likelihood-ratio test (nlme's
// with a residual structure: REML fits with the same fixed effects compared
// as fitted); Model.Anova gives lmerTest's type III (or I) F tests of the fixed-effect terms with
// Satterthwaite df, multi-df terms included; Model.EMMeans gives emmeans'
// estimated marginal means on the reference grid and their pairwise
// contrasts (Satterthwaite df, Tukey/Holm/Bonferroni adjustment). With
// Options.DDF kenward-roger all three use Kenward & Roger's (1997)
// adjusted covariance and df instead, as pbkrtest (lmerTest's ddf =
// "Kenward-Roger", emmeans' lmer.df = "kenward-roger"), on nested and
// general (crossed, uncorrelated, several-term) models alike
// (kenward.go, kenward_general.go); REML fits without a residual
// structure only.
//
// Because the criterion needs only per-group cross-products, a model can
// also be fitted from sufficient statistics without its rows: NewStats,
// Stats.Group and GroupStats.Add accumulate them per finest group over any
// partition of the rows, Stats.Merge sums partitions, and FitStats fits the
// merged statistics with the same optimiser and output as Fit (see
// StatsSpec). This is the distributed (map–reduce) form of the fit.
package mixed
