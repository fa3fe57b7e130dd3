# Goldens of analysis/sem and analysis/panel beyond panel.R: expected-information
# SEs, MLR (Huber-White SEs, Yuan-Bentler "yuan.bentler.mplus" scaled chi-square
# and the scaled/robust fit indices), the ML-SEM dynamic panel model of
# Allison, Williams & Moral-Benito (2017) in the lavaan syntax that the R
# package dpm 1.2.0 writes (model_builder.R: y ~ pre(lag(x)), y.lag = 1,
# fixed.effects = TRUE, partial.pre = FALSE, error.inv = FALSE, x.free =
# y.free = FALSE; written out for lavaan() with every variance,
# covariance and intercept explicit), and long-run effects as lavaan
# defined parameters (:=, delta-method SEs).
# Data: analysis/panel/testdata/panel_sim.csv (made by panel.R).
# lavaan's saturated (H1) model is fitted by EM with em.h1.tol = 1e-5 by
# default, which moves chi-square and the robust statistics in the fifth
# digit; the goldens use tight EM controls so that both sides are at the
# exact H1 optimum.
# Run from the repository root: Rscript testdata/golden/R/panel_ext.R
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
dat <- read.csv("analysis/panel/testdata/panel_sim.csv")
T <- 5
riclpm <- function(stationary) {
  lab <- function(l) if (stationary) paste0(l, "*") else ""
  m <- c(paste0("RIx =~ ", paste0("1*x", 1:T, collapse = " + ")),
         paste0("RIy =~ ", paste0("1*y", 1:T, collapse = " + ")),
         paste0("wx", 1:T, " =~ 1*x", 1:T), paste0("wy", 1:T, " =~ 1*y", 1:T))
  for (t in 2:T) {
    m <- c(m, sprintf("wx%d ~ %swx%d + %swy%d", t, lab("ax"), t - 1, lab("bxy"), t - 1),
              sprintf("wy%d ~ %swy%d + %swx%d", t, lab("ay"), t - 1, lab("byx"), t - 1))
  }
  m <- c(m, paste0("wx", 1:T, " ~~ wy", 1:T), paste0("wx", 1:T, " ~~ wx", 1:T), paste0("wy", 1:T, " ~~ wy", 1:T),
         "RIx ~~ RIx", "RIy ~~ RIy", "RIx ~~ RIy", paste0("x", 1:T, " ~~ 0*x", 1:T), paste0("y", 1:T, " ~~ 0*y", 1:T))
  paste(m, collapse = "\n")
}
clpm <- function(stationary) {
  lab <- function(l) if (stationary) paste0(l, "*") else ""
  m <- character(0)
  for (t in 2:T) m <- c(m, sprintf("x%d ~ %sx%d + %sy%d", t, lab("ax"), t - 1, lab("bxy"), t - 1),
                           sprintf("y%d ~ %sy%d + %sx%d", t, lab("ay"), t - 1, lab("byx"), t - 1))
  m <- c(m, "x1 ~~ y1", paste0("x", 2:T, " ~~ y", 2:T), paste0("x", 1:T, " ~~ x", 1:T), paste0("y", 1:T, " ~~ y", 1:T))
  paste(m, collapse = "\n")
}
# Long-run (cumulative) effects of the stationary within-person VAR(1)
# Phi = [[ax, bxy], [byx, ay]] (rows: x, y at t; columns: x, y at t-1):
# L = (I - Phi)^-1 - I, D = det(I - Phi).
longrun_var <- "D := (1 - ax)*(1 - ay) - bxy*byx
lr_x_x := (1 - ay)/D - 1
lr_y_x := bxy/D
lr_x_y := byx/D
lr_y_y := (1 - ax)/D - 1"
# dpm: the outcome o regressed on its own lag (p1) and the lag of the
# predictor r (en1); alpha the person effect; r at waves 1..T-1 and o1
# covary freely with each other and with alpha; the residual of o_w
# covaries with r at later waves w+1..T-1 (r predetermined); r_T unused.
dpm <- function(o, r) {
  m <- character(0)
  for (t in 2:T) m <- c(m, sprintf("%s%d ~ en1*%s%d + p1*%s%d", o, t, r, t - 1, o, t - 1))
  m <- c(m, paste0("alpha =~ ", paste0("1*", o, 2:T, collapse = " + ")))
  ex <- c(paste0(r, 1:(T - 1)), paste0(o, 1))
  m <- c(m, "alpha ~~ alpha", paste0("alpha ~~ ", paste(ex, collapse = " + ")))
  for (w in 2:(T - 2)) m <- c(m, sprintf("%s%d ~~ %s", o, w, paste0(r, (w + 1):(T - 1), collapse = " + ")))
  for (i in seq_along(ex)) for (j in i:length(ex)) m <- c(m, sprintf("%s ~~ %s", ex[i], ex[j]))
  m <- c(m, paste0(o, 2:T, " ~~ ", o, 2:T))
  m <- c(m, "lr := en1/(1 - p1)")
  paste(m, collapse = "\n")
}
pars <- function(fit, std = FALSE) {
  pe <- parameterEstimates(fit, standardized = std)
  data.frame(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, label = if (is.null(pe$label)) "" else pe$label, est = pe$est, se = pe$se)
}
fm_ml <- c("logl", "unrestricted.logl", "npar", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df",
           "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "aic", "bic", "ntotal")
fm_mlr <- c(fm_ml, "chisq.scaled", "df.scaled", "pvalue.scaled", "chisq.scaling.factor",
            "baseline.chisq.scaled", "baseline.pvalue.scaled", "baseline.chisq.scaling.factor",
            "cfi.scaled", "tli.scaled", "rmsea.scaled", "rmsea.ci.lower.scaled", "rmsea.ci.upper.scaled",
            "cfi.robust", "tli.robust", "rmsea.robust", "rmsea.ci.lower.robust", "rmsea.ci.upper.robust")
call_ml <- 'lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE, em.h1.tol = 1e-12, em.h1.iter.max = 100000L)'
call_exp <- 'lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE, information = "expected", em.h1.tol = 1e-12, em.h1.iter.max = 100000L)'
call_mlr <- 'lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE, estimator = "MLR", em.h1.tol = 1e-12, em.h1.iter.max = 100000L)'
call_mlrl <- 'lavaan(model, data = dat, missing = "listwise", meanstructure = TRUE, int.ov.free = TRUE, estimator = "MLR")'
call_mlre <- 'lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE, estimator = "MLR", information = "expected", em.h1.tol = 1e-12, em.h1.iter.max = 100000L)'
one <- function(model, name) {
  t0 <- proc.time()
  ml <- lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE, em.h1.tol = 1e-12, em.h1.iter.max = 100000L)
  ex <- lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE, information = "expected", em.h1.tol = 1e-12, em.h1.iter.max = 100000L)
  mlr <- lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE, estimator = "MLR", em.h1.tol = 1e-12, em.h1.iter.max = 100000L)
  mlre <- lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE, estimator = "MLR", information = "expected", em.h1.tol = 1e-12, em.h1.iter.max = 100000L)
  mlrl <- lavaan(model, data = dat, missing = "listwise", meanstructure = TRUE, int.ov.free = TRUE, estimator = "MLR")
  cat(name, "done in", (proc.time() - t0)[3], "s\n")
  list(name = name, model = model, calls = list(ml = call_ml, expected = call_exp, mlr = call_mlr, mlr_expected = call_mlre, mlr_listwise = call_mlrl),
       ml = list(parameters = pars(ml, TRUE), fit = as.list(fitMeasures(ml, fm_ml))),
       expected = list(parameters = pars(ex)),
       mlr = list(parameters = pars(mlr), fit = as.list(fitMeasures(mlr, fm_mlr))),
       mlr_expected = list(parameters = pars(mlre), fit = as.list(fitMeasures(mlre, fm_mlr))),
       mlr_listwise = list(parameters = pars(mlrl), fit = as.list(fitMeasures(mlrl, fm_mlr))))
}
# write_golden is make_golden.R's writer (which sources this script); run
# alone, a writer of the same shape.
if (!exists("write_golden")) {
  write_golden <- function(name, obj, packages = character()) {
    obj[["_provenance"]] <- list(R = R.version.string,
      packages = setNames(lapply(packages, function(p) as.character(packageVersion(p))), packages),
      script = "testdata/golden/R/panel_ext.R")
    writeLines(toJSON(obj, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null", null = "null"),
               file.path("testdata", "golden", paste0(name, ".json")))
  }
}
write_golden("panel_lavaan_ext", list(
  call = paste('lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE,',
               'em.h1.tol = 1e-12, em.h1.iter.max = 100000L), also with information = "expected",',
               'estimator = "MLR", both, and MLR with missing = "listwise" (each case\'s calls), on the syntax stored in each case'),
  r_version = R.version.string, lavaan = as.character(packageVersion("lavaan")),
  data = "analysis/panel/testdata/panel_sim.csv (simulated by panel.R, seed 20261203)",
  cases = list(one(riclpm(FALSE), "riclpm"),
               one(paste(riclpm(TRUE), longrun_var, sep = "\n"), "riclpm_stationary"),
               one(clpm(FALSE), "clpm"),
               one(paste(clpm(TRUE), longrun_var, sep = "\n"), "clpm_stationary"),
               one(dpm("y", "x"), "dpm_y"),
               one(dpm("x", "y"), "dpm_x"))),
  packages = c("lavaan"))
