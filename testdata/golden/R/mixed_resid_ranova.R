# Reference likelihood-ratio tests of random-effects terms with a residual
# structure (analysis/mixed ranova.go): nlme 3.1-162's anova(reduced, full),
# both fits keeping the correlation and variance function; deleting the last
# random term leaves a gls with the same corStruct (form = ~ time | patient)
# and varFunc. Rows as lmerTest's ranova: "<none>" (the full model), then
# each term reduced ("week in (1 + week | patient)": the slope dropped) or
# deleted. Per row: nlme's df (npar), logLik, L.Ratio and p.
# Data: the simulated unevenly spaced sessions of mixed_resid.R (mixed_resid.json).
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R mixed_resid_ranova
suppressPackageStartupMessages({ library(nlme) })
pkgs <- c("nlme")

ad <- jsonlite::fromJSON(file.path(golden_dir, "mixed_resid.json"))$data
a <- as.data.frame(ad, stringsAsFactors = FALSE)
lctrl <- lmeControl(maxIter = 1000, msMaxIter = 1000, msMaxEval = 10000, msTol = 1e-14,
                    tolerance = 1e-12, niterEM = 0, opt = "nlminb")
gctrl <- glsControl(maxIter = 1000, msMaxIter = 1000, msTol = 1e-14, tolerance = 1e-12, opt = "optim")

fit <- function(random, method, cor, weights) {
  f <- y ~ week + x + arm
  cs <- if (is.null(cor)) NULL else eval(parse(text = cor))
  vf <- if (is.null(weights)) NULL else eval(parse(text = weights))
  if (is.null(random)) gls(f, data = a, method = method, correlation = cs, weights = vf, control = gctrl)
  else lme(f, random = as.formula(random), data = a, method = method, correlation = cs, weights = vf, control = lctrl)
}

# reduced: list of (term label, random formula or NULL for gls)
case <- function(formula, random, reduced, method = "REML", cor = NULL, weights = NULL, opts = list()) {
  full <- fit(random, method, cor, weights)
  llf <- logLik(full)
  rows <- list(list(term = "<none>", npar = attr(llf, "df"), logLik = as.numeric(llf)))
  for (r in reduced) {
    red <- fit(r$random, method, cor, weights)
    an <- anova(red, full)
    rows[[length(rows) + 1]] <- list(term = r$term, npar = an$df[1], logLik = an$logLik[1],
                                     LRT = an$L.Ratio[2], Df = an$df[2] - an$df[1], p = an[["p-value"]][2])
  }
  c(list(formula = formula, REML = method == "REML",
         r_call = sprintf("anova(reduced, full): nlme::lme(y ~ week + x + arm, random = %s, data = a, method = \"%s\"%s%s, control = lmeControl(msTol = 1e-14, tolerance = 1e-12, niterEM = 0, opt = \"nlminb\")) against each reduced lme / gls(..., control = glsControl(msTol = 1e-14, tolerance = 1e-12, opt = \"optim\")) with the same structure",
                          random, method, if (is.null(cor)) "" else paste0(", correlation = ", cor),
                          if (is.null(weights)) "" else paste0(", weights = ", weights)),
         rows = rows), opts)
}

car1 <- "corCAR1(form = ~ week | patient)"
cases <- list(
  case("y ~ week + x + arm + (1 | patient)", "~ 1 | patient", list(list(term = "(1 | patient)", random = NULL)),
       cor = car1, opts = list(correlation = "car1", time = "week")),
  case("y ~ week + x + arm + (1 | patient)", "~ 1 | patient", list(list(term = "(1 | patient)", random = NULL)),
       method = "ML", cor = car1, opts = list(correlation = "car1", time = "week")),
  case("y ~ week + x + arm + (1 + week | patient)", "~ 1 + week | patient",
       list(list(term = "week in (1 + week | patient)", random = "~ 1 | patient")),
       cor = car1, opts = list(correlation = "car1", time = "week")),
  case("y ~ week + x + arm + (1 | patient)", "~ 1 | patient", list(list(term = "(1 | patient)", random = NULL)),
       weights = "varIdent(form = ~ 1 | arm)", opts = list(weights = "varident:arm"))
)
# Nested (1 | therapist/patient) with corCAR1 has no case: deleting the patient term would move the
# correlation group to therapist, which alliance refuses (nlme cannot keep form = ~ week | therapist/patient).
write_golden("mixed_resid_ranova", list(
  call = "anova(reduced, full) of nlme 3.1-162 lme fits with corCAR1 / varIdent against the model with one random term reduced or deleted (a gls with the same structure when none is left), REML and ML — each case records its r_call (testdata/golden/R/mixed_resid_ranova.R)",
  data = ad, cases = cases), packages = pkgs)
