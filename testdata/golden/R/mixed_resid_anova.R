# Reference F tests of the fixed-effect terms with a residual structure
# (analysis/mixed anova_nlme.go): nlme 3.1-162's anova(m, type = "sequential")
# (type I) and anova(m, type = "marginal") (type III) of lme and gls fits with
# corCAR1 / varIdent, their numerator and denominator df (containment for
# lme, n - p for gls), F and p. Rows include "(Intercept)", as nlme's.
# Data: the simulated unevenly spaced sessions of mixed_resid.R (mixed_resid.json).
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R mixed_resid_anova
suppressPackageStartupMessages({ library(nlme) })
pkgs <- c("nlme")

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

case <- function(formula, fixed, random, method = "REML", cor = NULL, weights = NULL, opts = list()) {
  cs <- if (is.null(cor)) NULL else eval(parse(text = cor))
  vf <- if (is.null(weights)) NULL else eval(parse(text = weights))
  f <- as.formula(fixed)
  m <- if (is.null(random)) gbest(f, data = a, method = method, correlation = cs, weights = vf)
       else lme(f, random = as.formula(random), data = a, method = method, correlation = cs, weights = vf, control = lctrl)
  tab <- function(type) {
    an <- anova(m, type = type)
    den <- if (is.null(an$denDF)) rep(m$dims$N - m$dims$p, nrow(an)) else an$denDF  # gls: "Denom. DF" n - p
    lapply(seq_len(nrow(an)), function(i) list(term = rownames(an)[i], num_df = an$numDF[i],
      den_df = den[i], F = an[["F-value"]][i], p = an[["p-value"]][i]))
  }
  c(list(formula = formula, REML = method == "REML", logLik = as.numeric(logLik(m)),
         r_call = sprintf("anova(m, type = \"sequential\" / \"marginal\") of nlme::%s(%s%s, data = a, method = \"%s\"%s%s)",
                          if (is.null(random)) "gls" else "lme", fixed,
                          if (is.null(random)) "" else paste0(", random = ", random), method,
                          if (is.null(cor)) "" else paste0(", correlation = ", cor),
                          if (is.null(weights)) "" else paste0(", weights = ", weights)),
         type1 = tab("sequential"), type3 = tab("marginal")), opts)
}

car1 <- "corCAR1(form = ~ week | patient)"
fx <- "y ~ poly(week, 2) + x * arm"
cases <- list(
  case("y ~ poly(week, 2) + x * arm + (1 | patient)", fx, "~ 1 | patient", cor = car1,
       opts = list(correlation = "car1", time = "week")),
  case("y ~ poly(week, 2) + x * arm + (1 | patient)", fx, "~ 1 | patient", method = "ML", cor = car1,
       opts = list(correlation = "car1", time = "week")),
  case("y ~ poly(week, 2) + x * arm + (1 | therapist/patient)", fx, "~ 1 | therapist/patient", cor = "corCAR1(form = ~ week | therapist/patient)",
       opts = list(correlation = "car1", time = "week")),
  case("y ~ poly(week, 2) + x * arm + (1 + week | patient)", fx, "~ 1 + week | patient",
       weights = "varIdent(form = ~ 1 | arm)", opts = list(weights = "varident:arm")),
  case("y ~ poly(week, 2) + x * arm", fx, NULL, cor = car1,
       opts = list(correlation = "car1", time = "week", cor_group = "patient")),
  case("y ~ poly(week, 2) + x * arm", fx, NULL, method = "ML", cor = car1, weights = "varIdent(form = ~ 1 | arm)",
       opts = list(correlation = "car1", time = "week", cor_group = "patient", weights = "varident:arm"))
)
write_golden("mixed_resid_anova", list(
  call = "anova(m, type = \"sequential\") and anova(m, type = \"marginal\") of nlme 3.1-162 lme / gls fits with corCAR1 / varIdent — each case records its r_call (testdata/golden/R/mixed_resid_anova.R)",
  data = ad, cases = cases), packages = pkgs)
