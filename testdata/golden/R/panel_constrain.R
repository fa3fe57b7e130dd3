# Goldens of `alliance panel --constrain`: equality constraints over waves
# beyond --stationary, labelled as in Mulder & Hamaker's (2021) lavaan
# syntax (jeroendmulder.github.io/RI-CLPM): cov = the within-wave residual
# covariances of x and y at waves 2..T (wx2 ~~ cov*wy2, ...; the wave-1
# covariance is of the exogenous components and stays free), resid = the
# residual variances at waves 2..T (wx2 ~~ vx*wx2, wy2 ~~ vy*wy2, ...; the
# wave-1 variances stay free), means = the wave means (x1 ~ mx*1, ...,
# y1 ~ my*1, ..., all waves). For the CLPM the same labels go on the
# observed x_t, y_t. For the DPM only resid applies: the outcome's error
# variances o2..oT equal.
# Data: analysis/panel/testdata/panel_sim.csv (made by panel.R), with
# missing sessions (FIML, missing = "ML"); tight H1 EM controls as panel_ext.R.
# Run from the repository root: Rscript testdata/golden/R/panel_constrain.R
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
dat <- read.csv("analysis/panel/testdata/panel_sim.csv")
T <- 5
syntax <- function(model, stationary = FALSE, cov = FALSE, resid = FALSE, means = FALSE) {
  lab <- function(l, on) if (on) paste0(l, "*") else ""
  w <- if (model == "riclpm") "w" else ""
  m <- character(0)
  if (model == "riclpm")
    m <- c(paste0("RIx =~ ", paste0("1*x", 1:T, collapse = " + ")),
           paste0("RIy =~ ", paste0("1*y", 1:T, collapse = " + ")),
           paste0("wx", 1:T, " =~ 1*x", 1:T), paste0("wy", 1:T, " =~ 1*y", 1:T))
  for (t in 2:T) {
    m <- c(m, sprintf("%sx%d ~ %s%sx%d + %s%sy%d", w, t, lab("ax", stationary), w, t - 1, lab("bxy", stationary), w, t - 1),
              sprintf("%sy%d ~ %s%sy%d + %s%sx%d", w, t, lab("ay", stationary), w, t - 1, lab("byx", stationary), w, t - 1))
  }
  m <- c(m, sprintf("%sx1 ~~ %sy1", w, w), sprintf("%sx%d ~~ %s%sy%d", w, 2:T, lab("cov", cov), w, 2:T),
         sprintf("%sx1 ~~ %sx1", w, w), sprintf("%sy1 ~~ %sy1", w, w),
         sprintf("%sx%d ~~ %s%sx%d", w, 2:T, lab("vx", resid), w, 2:T), sprintf("%sy%d ~~ %s%sy%d", w, 2:T, lab("vy", resid), w, 2:T))
  if (model == "riclpm")
    m <- c(m, "RIx ~~ RIx", "RIy ~~ RIy", "RIx ~~ RIy", paste0("x", 1:T, " ~~ 0*x", 1:T), paste0("y", 1:T, " ~~ 0*y", 1:T))
  if (means) m <- c(m, sprintf("x%d ~ mx*1", 1:T), sprintf("y%d ~ my*1", 1:T))
  paste(m, collapse = "\n")
}
dpm_resid <- function(o, r) {
  m <- character(0)
  for (t in 2:T) m <- c(m, sprintf("%s%d ~ en1*%s%d + p1*%s%d", o, t, r, t - 1, o, t - 1))
  m <- c(m, paste0("alpha =~ ", paste0("1*", o, 2:T, collapse = " + ")))
  ex <- c(paste0(r, 1:(T - 1)), paste0(o, 1))
  m <- c(m, "alpha ~~ alpha", paste0("alpha ~~ ", paste(ex, collapse = " + ")))
  for (w in 2:(T - 2)) m <- c(m, sprintf("%s%d ~~ %s", o, w, paste0(r, (w + 1):(T - 1), collapse = " + ")))
  for (i in seq_along(ex)) for (j in i:length(ex)) m <- c(m, sprintf("%s ~~ %s", ex[i], ex[j]))
  m <- c(m, paste0(o, 2:T, " ~~ v", o, "*", o, 2:T))
  paste(m, collapse = "\n")
}
pars <- function(fit) {
  pe <- parameterEstimates(fit, standardized = TRUE)
  data.frame(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, label = pe$label, est = pe$est, se = pe$se, std_all = pe$std.all)
}
fm_ml <- c("logl", "npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "aic", "bic", "ntotal")
fm_mlr <- c(fm_ml, "chisq.scaled", "chisq.scaling.factor", "pvalue.scaled", "cfi.scaled", "tli.scaled", "rmsea.scaled")
call_ml <- 'lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE, em.h1.tol = 1e-12, em.h1.iter.max = 100000L)'
call_mlr <- 'lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE, estimator = "MLR", em.h1.tol = 1e-12, em.h1.iter.max = 100000L)'
one <- function(name, model, kind, stationary, constrain, estimator = "ML", outcome = "") {
  fit <- lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE, estimator = estimator,
                em.h1.tol = 1e-12, em.h1.iter.max = 100000L)
  list(name = name, kind = kind, stationary = stationary, constrain = I(constrain), estimator = estimator, outcome = outcome,
       model = model, call = if (estimator == "MLR") call_mlr else call_ml,
       parameters = pars(fit), fit = as.list(fitMeasures(fit, if (estimator == "MLR") fm_mlr else fm_ml)))
}
if (!exists("write_golden")) {
  write_golden <- function(name, obj, packages = character()) {
    obj[["_provenance"]] <- list(R = R.version.string,
      packages = setNames(lapply(packages, function(p) as.character(packageVersion(p))), packages),
      script = "testdata/golden/R/panel_constrain.R")
    writeLines(toJSON(obj, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null", null = "null"),
               file.path("testdata", "golden", paste0(name, ".json")))
  }
}
write_golden("panel_lavaan_constrain", list(
  call = paste(call_ml, '(estimator = "MLR" where a case says so) on the syntax stored in each case (testdata/golden/R/panel_constrain.R)'),
  r_version = R.version.string, lavaan = as.character(packageVersion("lavaan")),
  data = "analysis/panel/testdata/panel_sim.csv (simulated by panel.R, seed 20261203)",
  cases = list(
    one("riclpm_cov", syntax("riclpm", cov = TRUE), "riclpm", FALSE, "cov"),
    one("riclpm_resid", syntax("riclpm", resid = TRUE), "riclpm", FALSE, "resid"),
    one("riclpm_stationary_cov_resid", syntax("riclpm", TRUE, cov = TRUE, resid = TRUE), "riclpm", TRUE, c("cov", "resid")),
    one("riclpm_means", syntax("riclpm", means = TRUE), "riclpm", FALSE, "means"),
    one("clpm_resid", syntax("clpm", resid = TRUE), "clpm", FALSE, "resid"),
    one("clpm_stationary_cov_means", syntax("clpm", TRUE, cov = TRUE, means = TRUE), "clpm", TRUE, c("cov", "means")),
    one("riclpm_cov_resid_mlr", syntax("riclpm", cov = TRUE, resid = TRUE), "riclpm", FALSE, c("cov", "resid"), "MLR"),
    one("dpm_y_resid", dpm_resid("y", "x"), "dpm", FALSE, "resid", "ML", "y"))),
  packages = c("lavaan"))
