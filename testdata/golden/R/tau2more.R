# Reference values for the τ² estimators HSk, PMM, GENQ, GENQM and for user
# weights (analysis/meta/tau2_more.go, analysis/meta/weights.go): metafor 3.8-1
# rma(yi, vi, weights = w, method = …), confint(res), predict(res),
# weights(res), leave1out(res).
# GENQM and the default confint of GENQ/GENQM fits (type "GENQ") need the
# CompQuadForm package (farebrother). metafor's confint type "GENQ" calls
# uniroot with its default tolerance (about 1.2e-4), so the script also
# records bounds found with uniroot(tol = 1e-12) on metafor's own
# metafor:::.GENQ.func (tau2_ci_tight), which the tests compare to 1e-6.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R tau2more
suppressPackageStartupMessages({ library(metafor); library(metadat); library(CompQuadForm) })

ctl <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)
bcg <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
bcg$n <- with(bcg, tpos + tneg + cpos + cneg)
bcg$wsd <- 1 / sqrt(bcg$vi)
mol <- escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014)

genq_tight <- function(res, level = 0.05) {
  k <- res$k; p <- res$p; X <- res$X; Y <- cbind(res$yi); vi <- res$vi
  A <- diag(res$weights, nrow = k, ncol = k)
  stXAX <- solve(t(X) %*% A %*% X)
  P <- A - A %*% X %*% stXAX %*% t(X) %*% A
  Q <- c(crossprod(Y, P) %*% Y)
  f <- metafor:::.GENQ.func
  hi <- max(100, 10 * res$tau2)
  lo <- 0
  flo <- f(lo, P = P, vi = vi, Q = Q, level = 0, k = k, p = p, getlower = TRUE)
  fhi <- f(hi, P = P, vi = vi, Q = Q, level = 0, k = k, p = p, getlower = TRUE)
  ub <- if (flo > 1 - level / 2) lo else if (fhi < 1 - level / 2) hi else
    uniroot(f, c(lo, hi), P = P, vi = vi, Q = Q, level = level / 2, k = k, p = p, getlower = FALSE, tol = 1e-12)$root
  lb <- if (fhi < level / 2) hi else if (flo > level / 2) lo else
    uniroot(f, c(lo, hi), P = P, vi = vi, Q = Q, level = level / 2, k = k, p = p, getlower = TRUE, tol = 1e-12)$root
  c(lb, ub)
}

rec <- function(res, call, data, wcol, mods) {
  ci <- if (res$method %in% c("FE", "EE")) NULL else confint(res, control = list(tol = 1e-12))$random
  fs <- fitstats(res)
  out <- list(r_call = call, data = data, weights = wcol, mods = mods, method = res$method, test = res$test,
    names = rownames(res$beta), beta = as.vector(res$beta), se = res$se, zval = res$zval, pval = res$pval,
    ci_lb = res$ci.lb, ci_ub = res$ci.ub, vcov = unname(vcov(res)),
    tau2 = res$tau2, se_tau2 = if (is.na(res$se.tau2)) NULL else res$se.tau2,
    QE = res$QE, QEp = res$QEp, I2 = res$I2, H2 = res$H2, QM = res$QM, QMp = res$QMp,
    R2 = if (is.null(res$R2)) NULL else res$R2,
    logLik = fs[1, 1], deviance = fs[2, 1], AIC = fs[3, 1], BIC = fs[4, 1], AICc = fs[5, 1],
    study_weights = unname(weights(res)))
  if (!is.null(ci)) {
    out$tau2_ci <- unname(ci[1, 2:3]); out$I2_ci <- unname(ci[3, 2:3]); out$H2_ci <- unname(ci[4, 2:3])
    if (res$method %in% c("GENQ", "GENQM")) out$tau2_ci_tight <- genq_tight(res)
  }
  if (res$p == 1) {
    pr <- predict(res)
    if (!is.null(pr$pi.lb)) { out$pi_lb <- pr$pi.lb; out$pi_ub <- pr$pi.ub }
  } else {
    pr <- predict(res, newmods = c(20, 40))   # predictions at the moderator values 20 and 40
    out$r_call <- paste0(out$r_call, "; predict(res, newmods = c(20, 40))")
    out$pred <- list(at = c(20, 40), pred = pr$pred, se = pr$se, ci_lb = pr$ci.lb, ci_ub = pr$ci.ub,
                     pi_lb = if (is.null(pr$pi.lb)) NULL else pr$pi.lb, pi_ub = if (is.null(pr$pi.ub)) NULL else pr$pi.ub)
  }
  out
}

fits <- list()
add <- function(data, dname, method, test = "z", wcol = NULL, mods = NULL, loo = FALSE) {
  args <- list(yi = data$yi, vi = data$vi, method = method, test = test, control = ctl)
  call <- sprintf("rma(yi, vi%s%s, data = %s, method = '%s', test = '%s', control = list(threshold = 1e-12, tol = 1e-12, maxiter = 10000))",
                  if (is.null(wcol)) "" else paste0(", weights = ", wcol),
                  if (is.null(mods)) "" else paste0(", mods = ~ ", mods), dname, method, test)
  if (!is.null(wcol)) args$weights <- data[[wcol]]
  if (!is.null(mods)) args$mods <- as.matrix(data[, mods, drop = FALSE])
  res <- do.call(rma, args)
  r <- rec(res, call, dname, wcol, mods)
  if (loo) {
    l <- leave1out(res)
    cu <- cumul(res, order = data$year)
    r$r_call <- paste0(r$r_call, "; leave1out(res); cumul(res, order = year)")
    r$leave1out <- list(estimate = l$estimate, se = l$se, ci_lb = l$ci.lb, ci_ub = l$ci.ub, tau2 = l$tau2, QE = l$Q, I2 = l$I2)
    r$cumul <- list(estimate = cu$estimate, se = cu$se, ci_lb = cu$ci.lb, ci_ub = cu$ci.ub, tau2 = cu$tau2, QE = cu$Q, I2 = cu$I2)
  }
  fits[[length(fits) + 1]] <<- r
}

for (m in c("HSk", "PMM")) {
  add(bcg, "bcg", m); add(bcg, "bcg", m, mods = "ablat")
  add(mol, "molloy", m); add(mol, "molloy", m, mods = "meanage")
}
for (m in c("GENQ", "GENQM")) {
  add(bcg, "bcg", m, wcol = "n"); add(bcg, "bcg", m, wcol = "n", mods = "ablat")
  add(mol, "molloy", m, wcol = "ni"); add(mol, "molloy", m, wcol = "ni", mods = "meanage")
}
for (m in c("REML", "DL", "ML", "FE", "PM")) {
  add(bcg, "bcg", m, wcol = "wsd", loo = m %in% c("REML", "DL")); add(bcg, "bcg", m, wcol = "n", mods = "ablat")
}
add(bcg, "bcg", "REML", test = "knha", wcol = "wsd")
add(bcg, "bcg", "REML", test = "knha", wcol = "n", mods = "ablat")
add(mol, "molloy", "REML", wcol = "ni")
add(mol, "molloy", "HSk", test = "knha")

write_golden("meta_tau2more", list(
  call = "metafor 3.8-1 rma(yi, vi, [weights = w,] [mods = ~ m,] method = HSk / PMM / GENQ / GENQM / REML / DL / ML / FE / PM, test = z / knha, control = list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)) on escalc('RR', ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg) (weights n = tpos + tneg + cpos + cneg or wsd = 1/sqrt(vi), moderator ablat) and escalc('ZCOR', ri = ri, ni = ni, data = dat.molloy2014) (weights ni, moderator meanage); confint(res, control = list(tol = 1e-12)); predict(res) (with a moderator: predict(res, newmods = c(20, 40))); weights(res); fitstats(res); leave1out(res); cumul(res, order = year) — each fit records its r_call (testdata/golden/R/tau2more.R)",
  bcg = list(yi = as.vector(bcg$yi), vi = as.vector(bcg$vi), ablat = bcg$ablat, year = bcg$year, n = bcg$n, wsd = as.vector(bcg$wsd)),
  molloy = list(yi = as.vector(mol$yi), vi = as.vector(mol$vi), meanage = mol$meanage, ni = mol$ni),
  fits = fits), packages = c("metafor", "metadat", "CompQuadForm"))
