# Reference fits for residual correlation structures with crossed random
# effects in analysis/mixed (general.go, resid.go): patients each rated by
# several raters, y ~ time + (1 | patient) + (1 | rater), with AR(1)
# residuals over integer sessions and CAR(1) residuals over unevenly spaced
# weeks within patient (REML and ML), corExp and corARMA(1, 1), and two
# terms on one factor, (1 + session || patient), with AR(1); corCompSymm
# within patient with a patient slope, (0 + session | patient) + (1 | rater),
# and beside a patient intercept (cs_ridge: not identified, see there).
# nlme 3.1-162 fits crossed random effects through a
# single all-data group with a block-diagonal pdBlocked covariance (Pinheiro &
# Bates 2000, section 4.2.2), the correlation group being patient within it.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R mixed_resid_crossed
#
# nlme's nlminb stops ~1e-9 short in logLik on these flat optima (with
# parameters 1e-5 apart; tighter rel.tol gives "singular convergence"), so
# each fit is polished: nlminb's objective (-logLik(lmeSt, pars), captured
# by tracing nlminb inside lme) is minimised further by Newton steps with
# numDeriv's gradient and Hessian, in lme's own coordinates, and the results
# are nlme's MEestimate at the polished parameters. The unpolished lme fit
# is recorded too (nlme_logLik, nlme_estimate).
#
# Each fit records its R call, its options in our syntax, the fixed
# effects, sqrt(diag(vcov(m))), the summary table's df, the patient and
# rater variances (pdMatrix * sigma^2), sigma^2, the correlation parameter
# (coef(corStruct, unconstrained = FALSE)) and logLik.
suppressPackageStartupMessages({ library(nlme); library(numDeriv) })
pkgs <- c("nlme", "numDeriv")

set.seed(1)
np <- 30; nr <- 6
a <- do.call(rbind, lapply(1:np, function(p) {
  s <- 1:8
  gaps <- round(pmax(0.2, rexp(7, 1 / 1.3)), 2)
  data.frame(patient = sprintf("p%02d", p), session = s, week = round(cumsum(c(0, gaps)), 2),
             rater = sprintf("r%d", sample(1:nr, 8, TRUE)))
}))
u <- rnorm(np, 0, 1); v <- rnorm(nr, 0, .7)
pid <- as.integer(factor(a$patient)); rid <- as.integer(factor(a$rater))
e_ar <- unlist(lapply(1:np, function(p) as.numeric(arima.sim(list(ar = .5), 8, sd = .8))))
e_car <- unlist(lapply(1:np, function(p) {
  w <- a$week[pid == p]; e <- numeric(8); e[1] <- rnorm(1)
  for (t in 2:8) { r <- 0.6^(w[t] - w[t - 1]); e[t] <- r * e[t - 1] + sqrt(1 - r^2) * rnorm(1) }
  e
}))
a$y <- 10 + .3 * a$session + u[pid] + v[rid] + e_ar
a$z <- 5 - .2 * a$week + u[pid] + v[rid] + e_car
a <- a[sample(nrow(a)), ]                                  # rows out of order on purpose
# for the F tests (mixed_resid_crossed_anova.json): a patient-level arm of
# three levels and a row-level covariate (neither in y or z)
a$arm <- c("cbt", "ipt", "wait")[as.integer(sub("p", "", a$patient)) %% 3 + 1]
a$x <- round(rnorm(nrow(a)), 4)
ad <- list(y = a$y, z = a$z, session = a$session, week = a$week, patient = a$patient, rater = a$rater,
           arm = a$arm, x = a$x)
a$patient <- factor(a$patient); a$rater <- factor(a$rater); a$arm <- factor(a$arm); a$all <- factor(1)

lctrl <- lmeControl(maxIter = 1000, msMaxIter = 1000, msMaxEval = 10000, msTol = 1e-14,
                    tolerance = 1e-12, niterEM = 0, opt = "nlminb")
random_crossed <- "list(all = pdBlocked(list(pdIdent(~ 0 + patient), pdIdent(~ 0 + rater))))"
crossed_var <- function(pm) list(list(group = "patient", variance = pm$all[1, 1]), list(group = "rater", variance = pm$all[np + 1, np + 1]))

# polish minimises f from x by Newton steps while they lower it; the
# coordinates hold (indices) stay where they are (a ridge: see cs_ridge).
polish <- function(f, x, hold = integer()) {
  free <- setdiff(seq_along(x), hold)
  g <- function(y) { x[free] <- y; f(x) }
  y <- x[free]; fy <- g(y)
  for (i in 1:20) {
    step <- solve(numDeriv::hessian(g, y), numDeriv::grad(g, y))
    fn <- g(y - step)
    if (!(fn < fy)) break
    y <- y - step; fy <- fn
    if (max(abs(step)) < 1e-10) break
  }
  x[free] <- y
  x
}

cap <- new.env()
# fit_lme fits by lme, polishes, and returns the record of the fit (rec) and
# the lme object with its fixed effects, their covariance and logLik
# replaced by the polished ones (m), for nlme's anova and intervals (which
# read only these; its modelStruct stays lme's own).
fit <- function(...) fit_lme(...)$rec
fit_lme <- function(fixed, cor, method, opts, random = random_crossed, revar = crossed_var, weights = NULL, hold = integer()) {
  trace("nlminb", tracer = bquote({assign("st", get("lmeSt", environment(objective)), envir = .(cap))
                                  assign("grps", get("grps", environment(objective)), envir = .(cap))}),
        where = asNamespace("nlme"), print = FALSE)
  args <- list(fixed = as.formula(fixed), random = eval(parse(text = random)), data = a, method = method, control = lctrl)
  if (!is.null(cor)) args$correlation <- eval(parse(text = cor))
  if (!is.null(weights)) args$weights <- eval(parse(text = weights))
  m <- do.call(lme, args)
  untrace("nlminb", where = asNamespace("nlme"))
  st <- cap$st
  f <- function(p) -nlme:::logLik.lmeStruct(st, p)
  x0 <- nlminb(coef(st), f)$par            # lme's optimum, in lme's coordinates
  g1 <- cap$grps
  coef(st) <- x0                           # lme's own results there (a check of the capture)
  fe0 <- nlme:::MEestimate(st, g1)
  stopifnot(isTRUE(all.equal(unname(fe0$beta), unname(fixef(m)), tolerance = 1e-12)),
            isTRUE(all.equal(as.numeric(fe0$logLik), as.numeric(logLik(m)), tolerance = 1e-12)),
            isTRUE(all.equal(fe0$sigma, m$sigma, tolerance = 1e-12)))
  coef(st) <- polish(f, x0, hold)
  fe <- nlme:::MEestimate(st, g1)
  call <- sprintf("nlme::lme(%s, random = %s%s%s, data = a, method = \"%s\", control = lmeControl(msTol = 1e-14, tolerance = 1e-12, niterEM = 0, opt = \"nlminb\")), polished by Newton steps (numDeriv) on -logLik(lmeStruct)",
                  fixed, random, if (is.null(cor)) "" else paste0(", correlation = ", cor),
                  if (is.null(weights)) "" else paste0(", weights = ", weights), method)
  pm <- lapply(pdMatrix(solve(st$reStruct)), function(x) x * fe$sigma^2)
  pm0 <- lapply(pdMatrix(m$modelStruct$reStruct), function(x) x * m$sigma^2)
  names(fe$beta) <- names(fixef(m))
  params <- function(x) if (is.null(x)) list() else { v <- coef(x, unconstrained = FALSE)
    lapply(seq_along(v), function(i) list(name = names(v)[i], value = unname(v[i]))) }
  npar <- length(fe$beta) + length(coef(st)) + 1
  mp <- m                                  # m at the polished optimum
  mp$coefficients$fixed <- fe$beta
  attr(mp$fixDF, "varFixFact") <- fe$sigma * fe$varFix
  mp$varFix <- crossprod(fe$sigma * fe$varFix); dimnames(mp$varFix) <- dimnames(m$varFix)
  mp$logLik <- as.numeric(fe$logLik); mp$sigma <- fe$sigma
  stopifnot(isTRUE(all.equal(as.numeric(logLik(mp)), as.numeric(fe$logLik), tolerance = 1e-14)),
            attr(logLik(mp), "df") == npar)
  rec <- c(opts, list(model = "lme", REML = method == "REML", r_call = call, names = names(fixef(m)), estimate = unname(fe$beta),
       se = unname(sqrt(diag(crossprod(fe$sigma * fe$varFix)))), df = unname(summary(m)$tTable[, "DF"]),
       residual_variance = fe$sigma^2,
       cor_params = params(st$corStruct), var_params = params(st$varStruct),
       re_var = revar(pm),
       logLik = as.numeric(fe$logLik), AIC = -2 * as.numeric(fe$logLik) + 2 * npar,
       nlme_logLik = as.numeric(logLik(m)), nlme_estimate = unname(fixef(m)), nlme_AIC = AIC(m),
       nlme_residual_variance = m$sigma^2,
       nlme_re_var = revar(pm0),
       nlme_cor_params = params(m$modelStruct$corStruct), nlme_var_params = params(m$modelStruct$varStruct)))
  list(rec = rec, m = mp, st = st)
}

ar1 <- "corAR1(form = ~ session | all/patient)"
car1 <- "corCAR1(form = ~ week | all/patient)"
cs <- "corCompSymm(form = ~ 1 | all/patient)"
random_slope <- "list(all = pdBlocked(list(pdIdent(~ 0 + patient:session), pdIdent(~ 0 + rater))))"
fit_objs <- list(
  fit_lme("y ~ session", ar1, "REML", list(formula = "y ~ session + (1 | patient) + (1 | rater)", correlation = "ar1", time = "session", group = "patient")),
  fit_lme("y ~ session", ar1, "ML", list(formula = "y ~ session + (1 | patient) + (1 | rater)", correlation = "ar1", time = "session", group = "patient")),
  fit_lme("z ~ week", car1, "REML", list(formula = "z ~ week + (1 | patient) + (1 | rater)", correlation = "car1", time = "week", group = "patient")),
  fit_lme("z ~ week", car1, "ML", list(formula = "z ~ week + (1 | patient) + (1 | rater)", correlation = "car1", time = "week", group = "patient")),
  # the other structures through the same whitening (not corCompSymm: with a
  # patient intercept its rho and the patient variance are not identified);
  # corARMA's patient variance is at the boundary (below 1e-8)
  fit_lme("z ~ week", "corExp(form = ~ week | all/patient)", "REML", list(formula = "z ~ week + (1 | patient) + (1 | rater)", correlation = "exp", time = "week", group = "patient")),
  fit_lme("y ~ session", "corARMA(form = ~ session | all/patient, p = 1, q = 1)", "ML", list(formula = "y ~ session + (1 | patient) + (1 | rater)", correlation = "arma11", time = "session", group = "patient")),
  # variance functions: one residual SD per rater (nlme's first stratum in
  # the data's order the reference), with and without AR(1), and an SD
  # proportional to session^power with AR(1)
  fit_lme("y ~ session", ar1, "REML", list(formula = "y ~ session + (1 | patient) + (1 | rater)", correlation = "ar1", time = "session", group = "patient", weights = "varident:rater"),
      weights = "varIdent(form = ~ 1 | rater)"),
  fit_lme("z ~ week", NULL, "ML", list(formula = "z ~ week + (1 | patient) + (1 | rater)", weights = "varident:rater"),
      weights = "varIdent(form = ~ 1 | rater)"),
  fit_lme("y ~ session", ar1, "REML", list(formula = "y ~ session + (1 | patient) + (1 | rater)", correlation = "ar1", time = "session", group = "patient", weights = "varpower:session"),
      weights = "varPower(form = ~ session)"),
  # compound symmetry within patient with a patient slope (no patient
  # intercept: with one, rho and its variance are not identified, see
  # cs_ridge): lme4's (0 + session | patient) is pdIdent(~ 0 + patient:session)
  fit_lme("y ~ session", cs, "REML", list(formula = "y ~ session + (0 + session | patient) + (1 | rater)", correlation = "cs", group = "patient"),
      random = random_slope),
  fit_lme("y ~ session", cs, "ML", list(formula = "y ~ session + (0 + session | patient) + (1 | rater)", correlation = "cs", group = "patient"),
      random = random_slope),
  # two terms on one factor (the general path without crossing): lme4's
  # (1 + session || patient) is nlme's pdDiag(~ session)
  fit_lme("y ~ session", "corAR1(form = ~ session | patient)", "REML",
      list(formula = "y ~ session + (1 + session || patient)", correlation = "ar1", time = "session"),
      random = "list(patient = pdDiag(~ session))",
      revar = function(pm) list(list(group = "patient", variance = pm$patient[1, 1]), list(group = "patient.1", variance = pm$patient[2, 2])))
)
fits <- lapply(fit_objs, function(r) r$rec)
# Compound symmetry within patient together with a patient intercept: the
# within-patient covariance sigma^2 ((1 - rho) I + rho J) + s_p^2 J depends on
# sigma^2 (1 - rho) and sigma^2 rho + s_p^2 only, so the likelihood is flat
# along a ridge and lme stops anywhere on it. The fit is polished with rho
# held at lme's value (hold: the corStruct coefficient, after the two
# pdIdent ones), a point of the ridge's maximum; within and between are the
# identified combinations, the same at every point of the ridge.
cs_ridge <- lapply(c("REML", "ML"), function(method) {
  rec <- fit("y ~ session", cs, method, list(formula = "y ~ session + (1 | patient) + (1 | rater)", correlation = "cs", group = "patient"), hold = 3)
  rho <- rec$cor_params[[1]]$value
  c(rec, list(within = rec$residual_variance * (1 - rho),
              between = rec$residual_variance * rho + rec$re_var[[1]]$variance))
})
write_golden("mixed_resid_crossed", list(
  call = "nlme::lme(fixed, random = list(all = pdBlocked(list(pdIdent(~ 0 + patient), pdIdent(~ 0 + rater)))), correlation = corAR1(form = ~ session | all/patient) / corCAR1(form = ~ week | all/patient) / corExp / corARMA / corCompSymm(form = ~ 1 | all/patient), weights = varIdent / varPower, method = 'REML' / 'ML', lmeControl(msTol = 1e-14, tolerance = 1e-12, niterEM = 0, opt = 'nlminb')) on simulated patients x raters data — each fit records its own r_call (testdata/golden/R/mixed_resid_crossed.R)",
  data = ad, fits = fits, cs_ridge = cs_ridge), packages = pkgs)

# F tests of the fixed-effect terms (analysis/mixed anova_nlme.go) on crossed
# fits with a residual structure: nlme's anova(m, type = "sequential") and
# anova(m, type = "marginal") at the polished optimum (the lme object with
# its fixed effects and their covariance factor replaced, fit_lme's m), rows
# with "(Intercept)" as nlme's; numDF, denDF (nlme's fixDF$terms: N - p in
# the one all-data group), F and p. Also intervals(m, which = "fixed")
# (t quantiles on fixDF$X, the covariance as vcov(m)), whose limits are our
# fixed-effect table's ci_lb and ci_ub.
anova_case <- function(fixed, cor, method, opts, ...) {
  r <- fit_lme(fixed, cor, method, opts, ...)
  m <- r$m
  tab <- function(type) {
    an <- anova(m, type = type)
    lapply(seq_len(nrow(an)), function(i) list(term = rownames(an)[i], num_df = an$numDF[i],
      den_df = an$denDF[i], F = an[["F-value"]][i], p = an[["p-value"]][i]))
  }
  ci <- intervals(m, which = "fixed", level = 0.95)$fixed
  c(r$rec, list(anova_call = "anova(m, type = \"sequential\"), anova(m, type = \"marginal\"), intervals(m, which = \"fixed\", level = 0.95) of the polished fit",
                type1 = tab("sequential"), type3 = tab("marginal"),
                ci_lb = unname(ci[, "lower"]), ci_ub = unname(ci[, "upper"])))
}
fa <- "y ~ session * arm + x"
fa_ours <- "y ~ session * arm + x + (1 | patient) + (1 | rater)"
anova_cases <- list(
  anova_case(fa, ar1, "REML", list(formula = fa_ours, correlation = "ar1", time = "session", group = "patient")),
  anova_case(fa, ar1, "ML", list(formula = fa_ours, correlation = "ar1", time = "session", group = "patient")),
  anova_case("z ~ week * arm + x", car1, "REML", list(formula = "z ~ week * arm + x + (1 | patient) + (1 | rater)", correlation = "car1", time = "week", group = "patient")),
  anova_case(fa, NULL, "REML", list(formula = fa_ours, weights = "varident:rater"), weights = "varIdent(form = ~ 1 | rater)"),
  anova_case(fa, ar1, "ML", list(formula = fa_ours, correlation = "ar1", time = "session", group = "patient", weights = "varident:rater"),
             weights = "varIdent(form = ~ 1 | rater)"),
  anova_case(fa, cs, "REML", list(formula = "y ~ session * arm + x + (0 + session | patient) + (1 | rater)", correlation = "cs", group = "patient"),
             random = random_slope)
)
write_golden("mixed_resid_crossed_anova", list(
  call = "anova(m, type = \"sequential\" / \"marginal\") and intervals(m, which = \"fixed\") of nlme 3.1-162 lme fits with crossed factors (pdBlocked in one all-data group) and corAR1 / corCAR1 / corCompSymm / varIdent, polished (testdata/golden/R/mixed_resid_crossed.R) — each case records its r_call; data: mixed_resid_crossed.json",
  cases = anova_cases), packages = pkgs)

# Likelihood-ratio tests of nested crossed fits with residual structures
# (analysis/mixed compare.go): nlme's anova(small, big) of the polished fits
# (fit_lme's m, logLik replaced): per model df (npar), logLik, AIC and BIC
# (nlme's: log(N - p) for REML), and L.Ratio and p. ML fits where the fixed
# effects differ, REML fits where they are the same (only the residual
# structure or the random effects differ), as nlme requires.
lrt_case <- function(small, big) {
  s <- do.call(fit_lme, small); b <- do.call(fit_lme, big)
  an <- anova(s$m, b$m)
  mod <- function(r, i) list(formula = r$rec$formula, correlation = r$rec$correlation, time = r$rec$time,
    group = r$rec$group, weights = r$rec$weights, r_call = r$rec$r_call, df = an$df[i], logLik = an$logLik[i],
    AIC = an$AIC[i], BIC = an$BIC[i])
  list(REML = s$rec$REML, models = list(mod(s, 1), mod(b, 2)), L_Ratio = an$L.Ratio[2], p = an[["p-value"]][2])
}
cr <- "y ~ session + (1 | patient) + (1 | rater)"
ar1_opts <- list(correlation = "ar1", time = "session", group = "patient")
lrt_cases <- list(
  # fixed effects differ: ML
  lrt_case(list("y ~ session", ar1, "ML", c(list(formula = cr), ar1_opts)),
           list(fa, ar1, "ML", c(list(formula = fa_ours), ar1_opts))),
  lrt_case(list("z ~ week", NULL, "ML", list(formula = "z ~ week + (1 | patient) + (1 | rater)", weights = "varident:rater"), weights = "varIdent(form = ~ 1 | rater)"),
           list("z ~ week + x", NULL, "ML", list(formula = "z ~ week + x + (1 | patient) + (1 | rater)", weights = "varident:rater"), weights = "varIdent(form = ~ 1 | rater)")),
  # the residual structure differs: REML
  lrt_case(list("y ~ session", NULL, "REML", list(formula = cr)),
           list("y ~ session", ar1, "REML", c(list(formula = cr), ar1_opts))),
  lrt_case(list("y ~ session", ar1, "REML", c(list(formula = cr), ar1_opts)),
           list("y ~ session", ar1, "REML", c(list(formula = cr), ar1_opts, list(weights = "varident:rater")), weights = "varIdent(form = ~ 1 | rater)")),
  # the random effects differ (the rater term dropped, the nested path): REML
  lrt_case(list("y ~ session", "corAR1(form = ~ session | patient)", "REML", c(list(formula = "y ~ session + (1 | patient)"), ar1_opts),
                random = "~ 1 | patient", revar = function(pm) list(list(group = "patient", variance = pm$patient[1, 1]))),
           list("y ~ session", ar1, "REML", c(list(formula = cr), ar1_opts)))
)
write_golden("mixed_resid_crossed_compare", list(
  call = "anova(small, big) of nlme 3.1-162 lme fits with crossed factors (pdBlocked in one all-data group) and corAR1 / varIdent, polished (testdata/golden/R/mixed_resid_crossed.R): ML where the fixed effects differ, REML where only the residual structure or the random effects do — each model records its r_call; data: mixed_resid_crossed.json",
  cases = lrt_cases), packages = pkgs)

# nlme's intervals(m, which = "var-cov") (analysis/mixed confint_nlme.go):
# Wald intervals on nlme's unconstrained scale (log SDs of the random
# effects, the correlation's and variance function's unconstrained
# coefficients, log sigma) from apVar, the inverse of the negative Hessian of
# the (RE)ML log-likelihood in those coordinates (nlme's lmeApVar), mapped
# back. lme computes apVar by fdHess at its own stopping point, a
# finite-difference Hessian that is off by up to ~0.5% in the SEs here; the
# reference is nlme's lmeApVar at the polished optimum with fdHess replaced
# by numDeriv's Richardson Hessian (lmeApVar's own code, run in an
# environment whose fdHess is numDeriv::hessian). nlme's own intervals(m) of
# the unpolished fit are recorded too (nlme_*). Cases: the main fits, and
# (1 | patient) with AR(1) (one factor: the nested path). The arma11 fit is left out:
# its patient variance is at the boundary and lme's apVar is not positive
# definite ("Non-positive definite approximate variance-covariance").
precise_env <- new.env(parent = asNamespace("nlme"))
precise_env$fdHess <- function(pars, fun, ..., .relStep, minAbsPar) {
  a <- list(...)
  list(Hessian = numDeriv::hessian(function(p) do.call(fun, c(list(p), a)), pars))
}
precise_apvar <- nlme:::lmeApVar
environment(precise_apvar) <- precise_env
vc_rows <- function(x) lapply(seq_len(nrow(x)), function(i) list(name = rownames(x)[i], lower = unname(x[i, "lower"]),
                                                                  est = unname(x[i, "est."]), upper = unname(x[i, "upper"])))
vc_record <- function(iv, av) list(
  pars = lapply(seq_along(attr(av, "Pars")), function(i) list(name = names(attr(av, "Pars"))[i], value = unname(attr(av, "Pars")[i]))),
  se = unname(sqrt(diag(av))),
  re = vc_rows(do.call(rbind, lapply(rev(iv$reStruct), as.matrix))),
  cor = if (is.null(iv$corStruct)) list() else vc_rows(iv$corStruct),
  var = if (is.null(iv$varStruct)) list() else vc_rows(iv$varStruct),
  sigma = list(lower = unname(iv$sigma["lower"]), est = unname(iv$sigma["est."]), upper = unname(iv$sigma["upper"])))
vc_case <- function(r) {
  st <- r$st
  st$reStruct <- solve(st$reStruct)          # lmeApVar takes lme's final (covariance) form
  attr(st, "fixedSigma") <- FALSE
  av <- precise_apvar(st, r$m$sigma)
  stopifnot(!is.character(av))
  mp <- r$m; mp$apVar <- av
  own <- intervals(r$m, which = "var-cov", level = 0.95)
  c(r$rec[c("formula", "correlation", "time", "group", "weights", "REML", "r_call")],
    list(intervals_call = "intervals(m, which = \"var-cov\", level = 0.95) with m$apVar from nlme:::lmeApVar at the polished optimum, its fdHess replaced by numDeriv::hessian"),
    vc_record(intervals(mp, which = "var-cov", level = 0.95), av),
    list(nlme = vc_record(own, r$m$apVar)))
}
vc_cases <- c(lapply(Filter(function(r) !identical(r$rec$correlation, "arma11"), fit_objs), vc_case),
  # one factor, the nested path: (1 | patient) with AR(1), REML and ML
  lapply(c("REML", "ML"), function(method) vc_case(fit_lme("y ~ session", "corAR1(form = ~ session | patient)", method,
    list(formula = "y ~ session + (1 | patient)", correlation = "ar1", time = "session", group = "patient"),
    random = "~ 1 | patient", revar = function(pm) list(list(group = "patient", variance = pm$patient[1, 1]))))))
write_golden("mixed_resid_crossed_intervals", list(
  call = "intervals(m, which = \"var-cov\") of nlme 3.1-162 lme fits with crossed factors (pdBlocked in one all-data group) and residual structures, at the polished optimum with a Richardson (numDeriv) Hessian in nlme's lmeApVar; nlme's own intervals(m) as nlme (testdata/golden/R/mixed_resid_crossed.R) — each case records its r_call; data: mixed_resid_crossed.json",
  cases = vc_cases), packages = pkgs)
