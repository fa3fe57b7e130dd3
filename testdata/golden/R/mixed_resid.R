# Reference fits for residual structures in analysis/mixed (resid.go,
# corstruct.go, varfunc.go): nlme 3.1-162's lme and gls with corCAR1, corExp,
# corAR1, corARMA(1, 1), corCompSymm, varIdent and varPower, on simulated
# unevenly spaced sessions (continuous weeks, gaps in session numbers).
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R mixed_resid
#
# Controls are tight (msTol = 1e-14, tolerance = 1e-12) so that nlme sits at
# its optimum; every fit records its R call, its options in our syntax and
# the numbers: fixed effects, sqrt(diag(vcov(m))) (nlme's vcov, i.e. the
# summary table's SE without the ML rescaling), the summary table's df
# (containment for lme; n - p for gls), the random-effects covariance
# (pdMatrix * sigma^2), sigma^2, coef(corStruct / varStruct, unconstrained =
# FALSE) and logLik.
suppressPackageStartupMessages({ library(nlme) })
pkgs <- c("nlme")

set.seed(2024)
n_p <- 36
a <- do.call(rbind, lapply(seq_len(n_p), function(i) {
  k <- sample(6:12, 1)
  gaps <- round(pmax(0.2, rexp(k - 1, 1 / 1.4)), 2)        # uneven spacing, in weeks
  week <- round(cumsum(c(0, gaps)), 2)
  session <- sort(sample(1:16, k))                          # session numbers with gaps
  arm <- if (i %% 2 == 0) "cbt" else "tau"
  phi <- 0.55
  # CAR(1) errors over week: e_t = phi^dt e_{t-1} + sqrt(1 - phi^(2 dt)) z
  e <- numeric(k); e[1] <- rnorm(1)
  for (t in 2:k) { r <- phi^(week[t] - week[t - 1]); e[t] <- r * e[t - 1] + sqrt(1 - r^2) * rnorm(1) }
  sd_e <- if (arm == "cbt") 1.6 else 1.0
  data.frame(patient = sprintf("p%02d", i), therapist = sprintf("t%d", (i - 1) %/% 6 + 1),
             arm = arm, week = week, session = session, x = rnorm(k),
             dose = round(runif(k, 0.5, 3), 2), u = rnorm(1, 0, 1.2), b = rnorm(1, 0, 0.15), e = e * sd_e)
}))
a$y <- 10 + (-0.3 + a$b) * a$week + 0.5 * a$x + ifelse(a$arm == "cbt", -0.8, 0) + a$u + a$e
a <- a[sample(nrow(a)), ]                                    # rows out of order on purpose
ad <- list(y = a$y, week = a$week, session = a$session, x = a$x, dose = a$dose,
           arm = a$arm, patient = a$patient, therapist = a$therapist)

lctrl <- lmeControl(maxIter = 1000, msMaxIter = 1000, msMaxEval = 10000, msTol = 1e-14,
                    tolerance = 1e-12, niterEM = 0, opt = "nlminb")
gctrl <- glsControl(maxIter = 1000, msMaxIter = 1000, msTol = 1e-14, tolerance = 1e-12, opt = "optim")
# corARMA fails in optim ("Coefficient matrix not invertible"): nlminb there
gctrl_nlminb <- glsControl(maxIter = 1000, msMaxIter = 1000, msTol = 1e-14, tolerance = 1e-12, opt = "nlminb")

params <- function(s) {
  if (is.null(s)) return(NULL)
  v <- coef(s, unconstrained = FALSE)
  lapply(seq_along(v), function(i) list(name = names(v)[i], value = unname(v[i])))
}

rec <- function(m, opts, call) {
  cf <- if (inherits(m, "lme")) fixef(m) else coef(m)
  tt <- summary(m)$tTable
  df <- if (inherits(m, "lme")) unname(tt[, "DF"]) else rep(m$dims$N - m$dims$p, length(cf))
  out <- c(opts, list(r_call = call, names = names(cf), estimate = unname(cf),
       se = unname(sqrt(diag(as.matrix(vcov(m))))), df = df,
       vcov = unname(as.matrix(vcov(m))), residual_variance = m$sigma^2,
       cor_params = params(m$modelStruct$corStruct), var_params = params(m$modelStruct$varStruct),
       logLik = as.numeric(logLik(m)), AIC = AIC(m)))
  if (inherits(m, "lme")) {
    pm <- pdMatrix(m$modelStruct$reStruct)
    out$re_cov <- lapply(names(pm), function(g) list(group = g, cov = unname(pm[[g]] * m$sigma^2)))
  }
  out
}

fit_lme <- function(fixed, random, formula, method, cor = NULL, weights = NULL, opts = list()) {
  args <- list(fixed = as.formula(fixed), random = as.formula(random), data = a, method = method, control = lctrl)
  if (!is.null(cor)) args$correlation <- eval(parse(text = cor))
  if (!is.null(weights)) args$weights <- eval(parse(text = weights))
  m <- do.call(lme, args)
  call <- sprintf("nlme::lme(%s, random = %s, data = a, method = \"%s\"%s%s, control = lmeControl(msTol = 1e-14, tolerance = 1e-12, niterEM = 0, opt = \"nlminb\"))",
                  fixed, random, method, if (is.null(cor)) "" else paste0(", correlation = ", cor),
                  if (is.null(weights)) "" else paste0(", weights = ", weights))
  rec(m, c(list(model = "lme", formula = formula, REML = method == "REML"), opts), call)
}

fit_gls <- function(fixed, formula, method, cor = NULL, weights = NULL, opts = list(), opt = "optim") {
  args <- list(model = as.formula(fixed), data = a, method = method, control = if (opt == "optim") gctrl else gctrl_nlminb)
  if (!is.null(cor)) args$correlation <- eval(parse(text = cor))
  if (!is.null(weights)) args$weights <- eval(parse(text = weights))
  m <- do.call(gls, args)
  call <- sprintf("nlme::gls(%s, data = a, method = \"%s\"%s%s, control = glsControl(msTol = 1e-14, tolerance = 1e-12, opt = \"%s\"))",
                  fixed, method, if (is.null(cor)) "" else paste0(", correlation = ", cor),
                  if (is.null(weights)) "" else paste0(", weights = ", weights), opt)
  rec(m, c(list(model = "gls", formula = formula, REML = method == "REML"), opts), call)
}

f1 <- "y ~ week + x + arm"
r1 <- "y ~ week + x + arm + (1 | patient)"
car1 <- "corCAR1(form = ~ week | patient)"
fits <- list(
  fit_lme(f1, "~ 1 | patient", r1, "REML", car1, opts = list(correlation = "car1", time = "week")),
  fit_lme(f1, "~ 1 | patient", r1, "ML", car1, opts = list(correlation = "car1", time = "week")),
  fit_lme(f1, "~ 1 | patient", r1, "REML", "corExp(form = ~ week | patient)", opts = list(correlation = "exp", time = "week")),
  fit_lme(f1, "~ 1 + week | patient", "y ~ week + x + arm + (1 + week | patient)", "REML", car1,
          opts = list(correlation = "car1", time = "week")),
  fit_lme(f1, "~ 1 | patient", r1, "REML", weights = "varIdent(form = ~ 1 | arm)", opts = list(weights = "varident:arm")),
  fit_lme(f1, "~ 1 | patient", r1, "ML", car1, "varIdent(form = ~ 1 | arm)",
          opts = list(correlation = "car1", time = "week", weights = "varident:arm")),
  fit_lme(f1, "~ 1 | therapist/patient", "y ~ week + x + arm + (1 | therapist/patient)", "REML",
          "corCAR1(form = ~ week | therapist/patient)", opts = list(correlation = "car1", time = "week")),
  fit_lme("y ~ session + x + arm", "~ 1 | patient", "y ~ session + x + arm + (1 | patient)", "REML",
          "corARMA(form = ~ session | patient, p = 1, q = 1)", opts = list(correlation = "arma11", time = "session")),
  fit_lme("y ~ session + x + arm", "~ 1 | patient", "y ~ session + x + arm + (1 | patient)", "REML",
          "corAR1(form = ~ session | patient)", opts = list(correlation = "ar1", time = "session")),
  fit_lme(f1, "~ 1 | patient", r1, "REML", weights = "varPower(form = ~ dose)", opts = list(weights = "varpower:dose")),
  fit_gls(f1, "y ~ week + x + arm", "REML", car1, opts = list(correlation = "car1", time = "week", group = "patient")),
  fit_gls(f1, "y ~ week + x + arm", "ML", car1, opts = list(correlation = "car1", time = "week", group = "patient")),
  fit_gls(f1, "y ~ week + x + arm", "REML", "corExp(form = ~ week | patient)", "varIdent(form = ~ 1 | arm)",
          opts = list(correlation = "exp", time = "week", group = "patient", weights = "varident:arm")),
  fit_gls(f1, "y ~ week + x + arm", "REML", "corCompSymm(form = ~ 1 | patient)", opts = list(correlation = "cs", group = "patient")),
  fit_gls(f1, "y ~ week + x + arm", "ML", "corCompSymm(form = ~ 1 | patient)", opts = list(correlation = "cs", group = "patient")),
  fit_gls("y ~ session + x + arm", "y ~ session + x + arm", "REML", "corARMA(form = ~ session | patient, p = 1, q = 1)",
          opts = list(correlation = "arma11", time = "session", group = "patient"), opt = "nlminb"),
  fit_gls(f1, "y ~ week + x + arm", "REML", weights = "varIdent(form = ~ 1 | arm)", opts = list(weights = "varident:arm")),
  fit_gls(f1, "y ~ week + x + arm", "REML", weights = "varPower(form = ~ dose)", opts = list(weights = "varpower:dose")),
  fit_gls(f1, "y ~ week + x + arm", "REML", opts = list())
)
write_golden("mixed_resid", list(
  call = "nlme::lme / nlme::gls on simulated unevenly spaced sessions with corCAR1, corExp, corAR1, corARMA(p = 1, q = 1), corCompSymm, varIdent and varPower, REML and ML, lmeControl / glsControl(msTol = 1e-14, tolerance = 1e-12, opt = 'optim' ('nlminb' for corARMA)) — each fit records its own r_call (testdata/golden/R/mixed_resid.R)",
  data = ad, fits = fits), packages = pkgs)
