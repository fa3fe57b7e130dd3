# Reference values for analysis/meta (univariate meta-analysis), from metafor.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R meta
#
# Every model is fitted with tight controls so both sides sit at the true
# optimum: Fisher scoring to an absolute change of 1e-12 (metafor default 1e-5),
# uniroot (PM, Q-profile CIs) to tol 1e-12 (default .Machine$double.eps^0.25).
# Each golden holds its input data (yi, vi, moderators), so Go tests need
# nothing else.
suppressPackageStartupMessages({ library(metafor); library(metadat) })

ctrl <- list(threshold = 1e-12, maxiter = 1000, tol = 1e-12)
pkgs <- c("metafor", "metadat")

nn <- function(x) if (is.null(x) || length(x) == 0 || all(is.na(x))) NULL else unname(x)

# rec() turns one fitted rma.uni object into a plain list of the values Go checks.
rec <- function(res, measure = "GEN", want_ci = TRUE) {
  fs <- res$fit.stats[, if (res$method == "REML") "REML" else "ML"]
  out <- list(
    k = res$k, p = res$p, method = res$method, test = res$test, level = 1 - res$level,
    names = rownames(res$beta), estimate = unname(c(res$beta)), se = unname(res$se),
    statistic = unname(res$zval), p_value = unname(res$pval),
    ci_lb = unname(res$ci.lb), ci_ub = unname(res$ci.ub),
    df = if (is.na(res$ddf[1])) NULL else unname(res$ddf[1]),
    tau2 = res$tau2, se_tau2 = nn(res$se.tau2), I2 = res$I2, H2 = res$H2,
    QE = res$QE, QE_p = res$QEp, QM = res$QM, QM_p = res$QMp,
    QM_df = unname(res$QMdf[1]), QM_df2 = nn(res$QMdf[2]),
    R2 = nn(res$R2),
    fit = list(logLik = fs[1], deviance = fs[2], AIC = fs[3], BIC = fs[4], AICc = fs[5]))
  if (res$int.only) {
    pr <- predict(res)
    out$pred <- list(pi_lb = pr$pi.lb, pi_ub = pr$pi.ub)
    if (measure == "ZCOR") {
      pt <- predict(res, transf = transf.ztor)
      out$r <- list(estimate = pt$pred, ci_lb = pt$ci.lb, ci_ub = pt$ci.ub, pi_lb = pt$pi.lb, pi_ub = pt$pi.ub)
    }
  }
  if (want_ci && res$k > 1 && !(res$method %in% c("FE", "EE"))) {
    cf <- confint(res, control = list(tol = 1e-12, maxiter = 10000))
    out$confint <- list(tau2 = unname(cf$random["tau^2", 2:3]), I2 = unname(cf$random["I^2(%)", 2:3]),
                        H2 = unname(cf$random["H^2", 2:3]), ci_null = isTRUE(cf$ci.null))
  }
  out
}

methods <- c("FE", "EE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM")

# all_fits(): every estimator x every test (plus level 0.90 for REML) (intercept-only).
all_fits <- function(yi, vi, measure = "GEN", tests = c("z", "t", "knha", "adhoc")) {
  fits <- list()
  for (m in methods) for (tst in tests) {
    res <- do.call(rma, list(yi = yi, vi = vi, method = m, test = tst, control = ctrl))
    fits[[length(fits) + 1]] <- c(list(id = paste(m, tst)), rec(res, measure))
  }
  res <- do.call(rma, list(yi = yi, vi = vi, method = "REML", level = 90, control = ctrl))
  fits[[length(fits) + 1]] <- c(list(id = "REML z level90"), rec(res, measure))
  fits
}

## molloy2014: conscientiousness and medication adherence (ZCOR), all estimators x tests.
d <- escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014)
fits <- all_fits(d$yi, d$vi, measure = "ZCOR")
write_golden("meta_molloy", list(measure = "ZCOR", yi = c(d$yi), vi = c(d$vi), mods = NULL, fits = fits), pkgs)

## cohen1981: instructor ratings and achievement (ZCOR).
d <- escalc("ZCOR", ri = ri, ni = ni, data = dat.cohen1981)
fits <- all_fits(d$yi, d$vi, measure = "ZCOR", tests = c("z", "knha"))
write_golden("meta_cohen", list(measure = "ZCOR", yi = c(d$yi), vi = c(d$vi), mods = NULL, fits = fits), pkgs)

## aloe2013: partial correlations from regression t statistics (PCOR).
d <- escalc("PCOR", ti = tval, ni = n, mi = preds, data = dat.aloe2013)
fits <- all_fits(d$yi, d$vi, measure = "PCOR", tests = c("z", "knha"))
write_golden("meta_aloe", list(measure = "PCOR", yi = c(d$yi), vi = c(d$vi), mods = NULL, fits = fits), pkgs)

## kacker2004: 9 lab means (statsmodels' reference problem).
kk <- data.frame(lab = c("PTB", "NMi", "NIMC", "KRISS", "LGC", "NRC", "IRMM", "NIST", "LNE"),
                 y = c(61.00, 61.40, 62.21, 62.30, 62.34, 62.60, 62.70, 62.84, 65.90),
                 v = c(0.2025, 1.2100, 0.0900, 0.2025, 0.3844, 0.5625, 0.0676, 0.0225, 1.8225))
fits <- all_fits(kk$y, kk$v, tests = c("z", "knha"))
write_golden("meta_kacker", list(measure = "GEN", yi = kk$y, vi = kk$v, mods = NULL, fits = fits,
  source = "Kacker (2004) via statsmodels results_meta.py (BSD-3); /work/shared/data/raw/statsmodels_kacker2004"), pkgs)

## mcdaniel1994: interview validity (ZCOR); moderators type (j/p/s) and struct (s/u, with NAs).
d <- escalc("ZCOR", ri = ri, ni = ni, data = dat.mcdaniel1994)
fits <- list()
for (m in c("REML", "ML", "DL", "PM", "FE")) for (tst in c("z", "knha")) {
  res <- rma(yi, vi, mods = ~ type, data = d, method = m, test = tst, control = ctrl)
  fits[[length(fits) + 1]] <- c(list(id = paste(m, tst, "~type"), mods = list("type")), rec(res, "ZCOR"))
}
for (tst in c("z", "t")) {
  res <- rma(yi, vi, mods = ~ type + struct, data = d, method = "REML", test = tst, control = ctrl)
  fits[[length(fits) + 1]] <- c(list(id = paste("REML", tst, "~type+struct"), mods = list("type", "struct"),
                                     dropped = sum(is.na(d$struct))), rec(res, "ZCOR"))
}
res <- rma(yi, vi, data = d, method = "REML", control = ctrl)
fits[[length(fits) + 1]] <- c(list(id = "REML z", mods = list()), rec(res, "ZCOR"))
# Subgroups by type: separate tau2 per level, then a FE meta-regression on the
# subgroup estimates (Q_between); and a common tau2 (the moderator model's QM).
lv <- sort(unique(d$type))
sub <- lapply(lv, function(l) rec(rma(yi, vi, data = d, subset = type == l, method = "REML", control = ctrl), "ZCOR"))
est <- sapply(sub, function(s) s$estimate); sei <- sapply(sub, function(s) s$se)
qb <- rma(est, sei = sei, mods = ~ lv, method = "FE", control = ctrl)
qc <- rma(yi, vi, mods = ~ type, data = d, method = "REML", control = ctrl)
subgroups <- list(levels = lv, fits = sub, Qb = qb$QM, Qb_df = qb$QMdf[1], Qb_p = qb$QMp,
                  common_QM = qc$QM, common_QM_df = qc$QMdf[1], common_QM_p = qc$QMp, common_tau2 = qc$tau2)
write_golden("meta_mcdaniel", list(measure = "ZCOR", yi = c(d$yi), vi = c(d$vi),
  mods = list(type = d$type, struct = d$struct), fits = fits, subgroups = subgroups), pkgs)

## Simulated sets.
set.seed(20240601)
k <- 40
ni <- sample(30:400, k, replace = TRUE)
x <- round(rnorm(k), 3)
g <- sample(c("cbt", "psychodynamic", "humanistic"), k, replace = TRUE)
theta <- 0.25 + 0.08 * x + ifelse(g == "cbt", 0.05, 0) + rnorm(k, 0, 0.12)
yi <- round(theta + rnorm(k, 0, sqrt(1 / (ni - 3))), 6); vi <- 1 / (ni - 3)
fits <- list()
for (m in methods) for (tst in c("z", "t", "knha", "adhoc")) {
  res <- rma(yi, vi, mods = ~ x + g, method = m, test = tst, control = ctrl)
  fits[[length(fits) + 1]] <- c(list(id = paste(m, tst, "~x+g"), mods = list("x", "g")), rec(res, "ZCOR"))
}
res <- rma(yi, vi, mods = ~ x, method = "REML", control = ctrl)
fits[[length(fits) + 1]] <- c(list(id = "REML z ~x", mods = list("x")), rec(res, "ZCOR"))
# exact moderator permutation p is not reproduced; random-permutation p with many iterations is the target.
set.seed(1)
pm <- permutest(rma(yi, vi, mods = ~ x, method = "DL", control = ctrl), iter = 20000)
write_golden("meta_sim40", list(measure = "ZCOR", yi = yi, vi = vi, mods = list(x = x, g = g), fits = fits,
  perm = list(method = "DL", mods = list("x"), iter = 20000, p = unname(pm$pval), QM_p = pm$QMp)), pkgs)

# k = 5 small set, exact sign-flip permutation test (2^5 = 32).
set.seed(7)
yi <- round(rnorm(5, 0.3, 0.2), 4); vi <- round(runif(5, 0.01, 0.05), 4)
fits <- all_fits(yi, vi, measure = "ZCOR")
perm <- list()
for (m in c("REML", "DL", "FE")) for (tst in c("z", "knha")) {
  pt <- permutest(rma(yi, vi, method = m, test = tst, control = ctrl), exact = TRUE)
  perm[[length(perm) + 1]] <- list(method = m, test = tst, p = unname(pt$pval), QM_p = pt$QMp)
}
write_golden("meta_small5", list(measure = "ZCOR", yi = yi, vi = vi, mods = NULL, fits = fits, perm = perm), pkgs)

# k = 10 exact sign flips (1024), molloy subset.
d <- escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014)[1:10, ]
perm <- list()
for (m in c("REML", "PM")) {
  pt <- permutest(rma(yi, vi, data = d, method = m, control = ctrl), exact = TRUE)
  perm[[length(perm) + 1]] <- list(method = m, test = "z", p = unname(pt$pval), QM_p = pt$QMp)
}
write_golden("meta_perm10", list(measure = "ZCOR", yi = c(d$yi), vi = c(d$vi), perm = perm), pkgs)

# Homogeneous set: tau2 estimate hits the boundary 0.
set.seed(11)
vi <- round(runif(12, 0.005, 0.03), 5); yi <- round(0.2 + rnorm(12, 0, sqrt(vi) * 0.4), 5)
fits <- all_fits(yi, vi, measure = "ZCOR", tests = c("z", "knha"))
write_golden("meta_homog", list(measure = "ZCOR", yi = yi, vi = vi, mods = NULL, fits = fits), pkgs)

# Edge cases: k = 2; a huge-n study; identical effects.
edge <- list()
e2 <- list(yi = c(0.1, 0.5), vi = c(0.01, 0.02))
for (m in c("REML", "DL", "PM", "FE")) edge[[length(edge) + 1]] <- c(list(id = paste("k2", m), yi = e2$yi, vi = e2$vi),
  rec(rma(e2$yi, e2$vi, method = m, control = ctrl), "ZCOR"))
eh <- list(yi = c(0.12, 0.30, 0.25, 0.21, 0.18), vi = c(1 / 97, 1 / 57, 1 / 1e6, 1 / 150, 1 / 77))
for (m in c("REML", "DL")) edge[[length(edge) + 1]] <- c(list(id = paste("hugen", m), yi = eh$yi, vi = eh$vi),
  rec(rma(eh$yi, eh$vi, method = m, control = ctrl), "ZCOR"))
ei <- list(yi = rep(0.3, 6), vi = c(0.01, 0.02, 0.015, 0.03, 0.01, 0.05))
for (m in c("REML", "DL")) edge[[length(edge) + 1]] <- c(list(id = paste("identical", m), yi = ei$yi, vi = ei$vi),
  rec(rma(ei$yi, ei$vi, method = m, control = ctrl), "ZCOR"))
write_golden("meta_edge", list(fits = edge), pkgs)
