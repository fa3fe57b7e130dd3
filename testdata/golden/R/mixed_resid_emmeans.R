# Reference estimated marginal means with a residual structure (analysis/mixed
# emmeans_nlme.go): emmeans 1.8.4's emmeans(m, ~ arm) and pairs() of nlme
# 3.1-162 lme fits (its default df mode there, "containment") and gls fits
# (mode = "df.error": n - p - the number of correlation and variance
# parameters; emmeans' default for gls, an approximate
# Satterthwaite df, is not reproduced), with corCAR1 / varIdent, at the
# covariates' means and at x = 1.
# Data: the simulated unevenly spaced sessions of mixed_resid.R (mixed_resid.json).
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R mixed_resid_emmeans
suppressPackageStartupMessages({ library(nlme); library(emmeans) })
pkgs <- c("nlme", "emmeans")

ad <- jsonlite::fromJSON(file.path(golden_dir, "mixed_resid.json"))$data
a <- as.data.frame(ad, stringsAsFactors = FALSE)
lctrl <- lmeControl(maxIter = 1000, msMaxIter = 1000, msMaxEval = 10000, msTol = 1e-14,
                    tolerance = 1e-12, niterEM = 0, opt = "nlminb")
gbest <- function(...) {
  fits <- lapply(c("optim", "nlminb"), function(o) try(do.call("gls", c(list(...),
    list(control = glsControl(maxIter = 1000, msMaxIter = 1000, msTol = 1e-14, tolerance = 1e-12, opt = o)))), silent = TRUE))
  fits <- Filter(function(f) !inherits(f, "try-error"), fits)
  fits[[which.max(vapply(fits, function(f) as.numeric(logLik(f)), 0))]]
}

case <- function(formula, random, method = "REML", cor = NULL, weights = NULL, opts = list()) {
  cs <- if (is.null(cor)) NULL else eval(parse(text = cor))
  vf <- if (is.null(weights)) NULL else eval(parse(text = weights))
  f <- y ~ week + x * arm
  m <- if (is.null(random)) gbest(f, data = a, method = method, correlation = cs, weights = vf)
       else do.call("lme", list(fixed = f, random = as.formula(random), data = a, method = method, correlation = cs,
                                weights = vf, control = lctrl))   # do.call: the objects in the call, which emmeans re-evaluates
  mode <- if (is.null(random)) "df.error" else "containment"
  grid <- function(at) {
    e <- if (is.null(at)) emmeans(m, ~ arm, mode = mode) else emmeans(m, ~ arm, at = at, mode = mode)
    s <- as.data.frame(summary(e)); p <- as.data.frame(summary(pairs(e)))
    list(emmeans = lapply(seq_len(nrow(s)), function(i) list(arm = as.character(s$arm[i]), emmean = s$emmean[i],
           se = s$SE[i], df = s$df[i], lower = s$lower.CL[i], upper = s$upper.CL[i])),
         contrasts = lapply(seq_len(nrow(p)), function(i) list(contrast = as.character(p$contrast[i]),
           estimate = p$estimate[i], se = p$SE[i], df = p$df[i], t = p$t.ratio[i], p = p$p.value[i])))
  }
  c(list(formula = formula, REML = method == "REML",
         r_call = sprintf("emmeans(m, ~ arm, mode = \"%s\") (and at = list(x = 1)), pairs(); m <- nlme::%s(y ~ week + x * arm%s, data = a, method = \"%s\"%s%s)",
                          mode, if (is.null(random)) "gls" else "lme", if (is.null(random)) "" else paste0(", random = ", random), method,
                          if (is.null(cor)) "" else paste0(", correlation = ", cor),
                          if (is.null(weights)) "" else paste0(", weights = ", weights)),
         means = grid(NULL), at_x1 = grid(list(x = 1))), opts)
}

car1 <- "corCAR1(form = ~ week | patient)"
cases <- list(
  case("y ~ week + x * arm + (1 | patient)", "~ 1 | patient", cor = car1, opts = list(correlation = "car1", time = "week")),
  case("y ~ week + x * arm + (1 | patient)", "~ 1 | patient", method = "ML", cor = car1, opts = list(correlation = "car1", time = "week")),
  case("y ~ week + x * arm + (1 | therapist/patient)", "~ 1 | therapist/patient", cor = "corCAR1(form = ~ week | therapist/patient)",
       opts = list(correlation = "car1", time = "week")),
  case("y ~ week + x * arm + (1 + week | patient)", "~ 1 + week | patient", weights = "varIdent(form = ~ 1 | arm)",
       opts = list(weights = "varident:arm")),
  case("y ~ week + x * arm", NULL, cor = car1, opts = list(correlation = "car1", time = "week", cor_group = "patient")),
  case("y ~ week + x * arm", NULL, method = "ML", cor = car1, weights = "varIdent(form = ~ 1 | arm)",
       opts = list(correlation = "car1", time = "week", cor_group = "patient", weights = "varident:arm"))
)
write_golden("mixed_resid_emmeans", list(
  call = "emmeans 1.8.4 emmeans(m, ~ arm) and pairs() of nlme 3.1-162 lme (mode = \"containment\") and gls (mode = \"df.error\") fits with corCAR1 / varIdent — each case records its r_call (testdata/golden/R/mixed_resid_emmeans.R)",
  data = ad, cases = cases), packages = pkgs)
