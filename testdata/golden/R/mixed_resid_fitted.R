# Reference fits for nlme's default variance function varPower() — form =
# ~ fitted(.), the power of the fitted values — in analysis/mixed (varfunc.go,
# resid_fitted.go): nlme 3.1-162's lme (fitted values at the innermost level,
# fitted.lmeStruct's default level = Q, i.e. Xb plus every random effect)
# and gls (Xb). nlme alternates between optimising with the covariate held at
# the current fitted values and updating them (the "needUpdate" loop of
# lme/gls) until the parameters change by less than `tolerance`.
#
# nlme's own loop stops short of the fixed point on these data: gls's
# tolerance = 1e-12 never converges (optim's last digits move the
# parameters by ~1e-10 each round), and at tolerance = 1e-10 the power
# differs between opt = "optim" and "nlminb" by 4e-6 relative. So every
# fit is recorded twice: `nlme` is nlme's own varPower() call (lme:
# tolerance = 1e-12; gls: 1e-10), and the main fields are the same
# alternation continued to the fixed point: varPower(form = ~ fv) with the
# covariate fv held at the previous fit's fitted values (lme: fitted(m),
# level Q; gls: fitted(m)), refitted (lme: nlminb, rel.tol = 1e-13; gls: optim, reltol = 1e-14) until the
# fitted values change by less than 1e-9 (at most 60 rounds), starting from
# nlme's own fit. Each round is exactly one pass of nlme's loop.
# Data: the simulated unevenly spaced sessions of mixed_resid.R, read from
# mixed_resid.json.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R mixed_resid_fitted
suppressPackageStartupMessages({ library(nlme) })
pkgs <- c("nlme")

ad <- jsonlite::fromJSON(file.path(golden_dir, "mixed_resid.json"))$data
a <- as.data.frame(ad, stringsAsFactors = FALSE)

lctrl <- lmeControl(maxIter = 1000, msMaxIter = 1000, msMaxEval = 10000, msTol = 1e-14,
                    tolerance = 1e-12, niterEM = 0, opt = "nlminb")
gctrl <- glsControl(maxIter = 1000, msMaxIter = 1000, msTol = 1e-14, tolerance = 1e-10, opt = "optim")
# The rounds of the continued alternation: lme's nlminb with rel.tol = 1e-13
# (lme passes msTol to optim only; nlminb's default rel.tol 1e-10 stops the
# warm-started rounds of nlme's own loop ~1e-5 short in the power), gls's
# optim (BFGS, reltol = msTol on a fresh fit).
lctrl_fix <- lmeControl(maxIter = 1000, msMaxIter = 1000, msMaxEval = 10000, msTol = 1e-14,
                        tolerance = 1e-12, niterEM = 0, opt = "nlminb", rel.tol = 1e-13,
                        returnObject = TRUE) # "singular convergence (7)": rel.tol below the criterion's rounding
gctrl_fix <- glsControl(maxIter = 1000, msMaxIter = 1000, msTol = 1e-14, tolerance = 1e-12, opt = "optim")

# polish continues nlme's alternation from fit m0 to the fixed point; it
# returns the last fit (its covariate: the fitted values of the one before).
polish <- function(m0, refit) {
  m <- m0
  for (k in 1:60) {
    fv <- fitted(m)
    m <- refit(fv)
    if (max(abs(fitted(m) - fv)) < 1e-9) return(structure(m, rounds = k))
  }
  stop("no fixed point in 60 rounds")
}

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
       residual_variance = m$sigma^2,
       cor_params = params(m$modelStruct$corStruct), var_params = params(m$modelStruct$varStruct),
       logLik = as.numeric(logLik(m)), AIC = AIC(m), outer_iterations = m$numIter))
  if (inherits(m, "lme")) {
    pm <- pdMatrix(m$modelStruct$reStruct)
    out$re_cov <- lapply(names(pm), function(g) list(group = g, cov = unname(pm[[g]] * m$sigma^2)))
  }
  out
}

fit_lme <- function(fixed, random, formula, method, cor = NULL, opts = list()) {
  args <- list(fixed = as.formula(fixed), random = as.formula(random), data = a, method = method,
               control = lctrl, weights = varPower())
  if (!is.null(cor)) args$correlation <- eval(parse(text = cor))
  m0 <- do.call(lme, args)
  m <- polish(m0, function(fv) {
    a$fv <- fv
    args$data <- a
    args$weights <- varPower(form = ~ fv)
    args$control <- lctrl_fix
    suppressWarnings(do.call(lme, args))
  })
  call <- sprintf("nlme::lme(%s, random = %s, data = a, method = \"%s\"%s, weights = varPower(), control = lmeControl(maxIter = 1000, msMaxIter = 1000, msMaxEval = 10000, msTol = 1e-14, tolerance = 1e-12, niterEM = 0, opt = \"nlminb\"))",
                  fixed, random, method, if (is.null(cor)) "" else paste0(", correlation = ", cor))
  out <- rec(m, c(list(model = "lme", formula = formula, REML = method == "REML", weights = "varpower"), opts), call)
  out$rounds <- attr(m, "rounds")
  out$nlme <- rec(m0, list(), call)
  out
}

fit_gls <- function(fixed, method, cor = NULL, opts = list()) {
  args <- list(model = as.formula(fixed), data = a, method = method, control = gctrl, weights = varPower())
  if (!is.null(cor)) args$correlation <- eval(parse(text = cor))
  m0 <- do.call(gls, args)
  m <- polish(m0, function(fv) {
    a$fv <- fv
    args$data <- a
    args$weights <- varPower(form = ~ fv)
    args$control <- gctrl_fix
    do.call(gls, args)
  })
  call <- sprintf("nlme::gls(%s, data = a, method = \"%s\"%s, weights = varPower(), control = glsControl(maxIter = 1000, msMaxIter = 1000, msTol = 1e-14, tolerance = 1e-10, opt = \"optim\"))",
                  fixed, method, if (is.null(cor)) "" else paste0(", correlation = ", cor))
  out <- rec(m, c(list(model = "gls", formula = fixed, REML = method == "REML", weights = "varpower"), opts), call)
  out$rounds <- attr(m, "rounds")
  out$nlme <- rec(m0, list(), call)
  out
}

f1 <- "y ~ week + x + arm"
r1 <- "y ~ week + x + arm + (1 | patient)"
car1 <- "corCAR1(form = ~ week | patient)"
fits <- list(
  fit_lme(f1, "~ 1 | patient", r1, "REML"),
  fit_lme(f1, "~ 1 | patient", r1, "ML"),
  fit_lme(f1, "~ 1 | patient", r1, "REML", car1, opts = list(correlation = "car1", time = "week")),
  fit_lme(f1, "~ 1 | therapist/patient", "y ~ week + x + arm + (1 | therapist/patient)", "REML"),
  fit_gls(f1, "REML"),
  fit_gls(f1, "ML", car1, opts = list(correlation = "car1", time = "week", group = "patient"))
)
write_golden("mixed_resid_fitted", list(
  call = "nlme::lme / nlme::gls(..., weights = varPower()) (the power of the fitted values) on the simulated unevenly spaced sessions of mixed_resid.json, with and without corCAR1, REML and ML, lmeControl / glsControl(maxIter = 1000, msTol = 1e-14, tolerance = 1e-12 (lme) / 1e-10 (gls)), continued to the fixed point (varPower(form = ~ fv), fv the previous fit's fitted values, until they change < 1e-9) — each fit records its own r_call (testdata/golden/R/mixed_resid_fitted.R)",
  data = ad, fits = fits), packages = pkgs)
