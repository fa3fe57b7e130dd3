# Goldens for the selection models of metafor's selmodel(): the step
# function with several steps and every continuous selection function
# (beta, halfnorm, negexp, logistic, power, negexppow), with and without a
# precision measure and a step.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R selmodel
suppressPackageStartupMessages({ library(metafor); library(metadat) })

ctrl <- list(threshold = 1e-12, maxiter = 1000, tol = 1e-12)
un <- function(x) unname(c(x))
# The integral over the weighted density to 1e-12 (metafor's default is
# .Machine$double.eps^0.25), so the goldens do not carry quadrature error.
ictl <- list(rel.tol = 1e-12, subdivisions = 1000L)
tight <- list(optimizer = "nlminb", rel.tol = 1e-13, eval.max = 10000, iter.max = 10000, intCtrl = ictl)

rec <- function(name, d, method, type, steps = NULL, prec = NULL) {
  res <- rma(yi, vi, ni = d$ni, data = d, method = method, control = ctrl)
  fit <- function(control) {
    a <- list(res, type = type, control = control)
    if (!is.null(steps)) a$steps <- steps
    if (!is.null(prec)) a$prec <- prec
    do.call(selmodel, a)
  }
  # nlminb to a tight tolerance (the integrals to 1e-12) where it converges;
  # else nlminb (tight, then its default tolerance) with the integrals to
  # 1e-8; else metafor's default optimiser (optim BFGS, integrals to 1e-12,
  # then metafor's defaults throughout). metafor fails on some (e.g. beta on
  # dat.hackshaw1998 with the tight integrals): the first that runs is kept.
  tries <- list(
    list(ctl = tight, txt = "list(optimizer = \"nlminb\", rel.tol = 1e-13, intCtrl = list(rel.tol = 1e-12, subdivisions = 1000))", tight = TRUE),
    list(ctl = list(optimizer = "nlminb", rel.tol = 1e-13, eval.max = 10000, iter.max = 10000, intCtrl = list(rel.tol = 1e-8, subdivisions = 1000L)),
         txt = "list(optimizer = \"nlminb\", rel.tol = 1e-13, intCtrl = list(rel.tol = 1e-8, subdivisions = 1000))", tight = FALSE),
    list(ctl = list(optimizer = "nlminb", intCtrl = list(rel.tol = 1e-8, subdivisions = 1000L)),
         txt = "list(optimizer = \"nlminb\", intCtrl = list(rel.tol = 1e-8, subdivisions = 1000))", tight = FALSE),
    list(ctl = list(intCtrl = ictl), txt = "list(intCtrl = list(rel.tol = 1e-12, subdivisions = 1000))", tight = FALSE),
    list(ctl = list(), txt = "list()", tight = FALSE))
  sm <- NULL
  for (tr in tries) {
    sm <- tryCatch(fit(tr$ctl), error = function(e) conditionMessage(e))
    if (!is.character(sm)) break
  }
  if (is.character(sm)) return(list(name = name, method = method, type = type, steps = steps, prec = prec, yi = un(d$yi), vi = un(d$vi), ni = un(d$ni), error = sm))
  ctl <- tr$txt
  pol <- if (type != "stepfun") polish(sm, d, prec) else NULL
  call <- sprintf("selmodel(rma(yi, vi, ni = ni, data = %s, method = \"%s\"), type = \"%s\"%s%s, control = %s)",
                  name, method, type, if (is.null(steps)) "" else sprintf(", steps = c(%s)", paste(steps, collapse = ", ")),
                  if (is.null(prec)) "" else sprintf(", prec = \"%s\"", prec), ctl)
  list(name = name, method = method, type = type, steps = if (is.null(steps)) NULL else un(sm$steps), prec = prec, precis = un(sm$precis), r_call = call, tight = tr$tight,
       yi = un(d$yi), vi = un(d$vi), ni = un(d$ni),
       estimate = un(sm$beta), se = un(sm$se), ci_lb = un(sm$ci.lb), ci_ub = un(sm$ci.ub), p = un(sm$pval),
       tau2 = sm$tau2, se_tau2 = sm$se.tau2,
       delta = un(sm$delta), se_delta = un(sm$se.delta), ci_lb_delta = un(sm$ci.lb.delta), ci_ub_delta = un(sm$ci.ub.delta),
       vd = un(sm$vd),
       ll = sm$ll, ll0 = sm$ll0, LRT = sm$LRT, LRT_df = sm$LRTdf, LRT_p = sm$LRTp,
       ptable = if (is.data.frame(sm$ptable)) un(sm$ptable$k) else NULL, pval_delta = un(sm$pval.delta),
       polished = pol)
}

# metafor's optimisers stop short of the maximum where the likelihood is flat
# in δ. polish() takes metafor's own log-likelihood (metafor:::.selmodel.ll.cont,
# untransformed parameters, the integrals to 1e-12) and runs Newton steps on it
# from metafor's estimate, with numDeriv's gradient and Hessian, while they
# raise the log-likelihood; SEs, CIs and tests as selmodel computes them, from
# the Hessian at the polished point.
polish <- function(sm, d, prec) {
  k <- length(sm$yi)
  vi <- c(sm$vi)
  preci <- rep(1, k)
  if (!is.null(prec)) {
    preci <- switch(prec, sei = sqrt(vi), vi = vi, ninv = 1 / d$ni, sqrtninv = 1 / sqrt(d$ni))
    preci <- preci / max(preci)
  }
  fe <- is.element(sm$method, c("FE", "EE", "CE"))
  nd <- sm$deltas
  nll <- function(th) {
    b <- th[1]
    t2 <- if (fe) 0 else th[2]
    dl <- th[(length(th) - nd + 1):length(th)]
    if ((!fe && t2 < 0) || any(dl < sm$delta.min) || any(dl > sm$delta.max)) return(Inf)
    metafor:::.selmodel.ll.cont(par = c(b, t2, dl), yi = c(sm$yi), vi = vi, X = sm$X, preci = preci, k = k, pX = 1,
      pvals = sm$pvals, deltas = nd, delta.val = rep(NA, nd), delta.transf = FALSE, mapfun = rep(NA, nd),
      delta.min = sm$delta.min, delta.max = sm$delta.max, tau2.val = if (fe) 0 else NA, tau2.transf = FALSE,
      tau2.max = Inf, beta.val = NA, wi.fun = sm$wi.fun, steps = sm$steps, pgrp = sm$pgrp, alternative = "greater",
      pval.min = sm$pval.min, intCtrl = list(lower = -Inf, upper = Inf, subdivisions = 1000L, rel.tol = 1e-12), verbose = FALSE, digits = 4)
  }
  th <- c(c(sm$beta), if (fe) NULL else sm$tau2, sm$delta)
  f <- nll(th)
  steps <- 0
  for (it in 1:20) {
    g <- numDeriv::grad(nll, th)
    H <- numDeriv::hessian(nll, th)
    st <- tryCatch(solve(H, g), error = function(e) NULL)
    if (is.null(st)) break
    lam <- 1
    ok <- FALSE
    while (lam > 1e-4) {
      tn <- th - lam * st
      fn <- nll(tn)
      if (is.finite(fn) && fn < f) { ok <- TRUE; break }
      lam <- lam / 2
    }
    if (!ok) break
    steps <- steps + 1
    th <- tn
    f <- fn
    if (max(abs(lam * st)) < 1e-10) break
  }
  H <- numDeriv::hessian(nll, th, method.args = list(r = 6))
  V <- chol2inv(chol(H))
  se <- sqrt(diag(V))
  crit <- qnorm(0.975)
  ll <- -f
  dl <- th[(length(th) - nd + 1):length(th)]
  sed <- se[(length(th) - nd + 1):length(th)]
  H0 <- if (sm$type == "beta") c(1, 1) else rep(0, nd)
  list(newton_steps = steps, estimate = th[1], se = se[1], ci_lb = th[1] - crit * se[1], ci_ub = th[1] + crit * se[1],
       p = 2 * pnorm(abs(th[1] / se[1]), lower.tail = FALSE),
       tau2 = if (fe) 0 else th[2], se_tau2 = if (fe) NULL else se[2],
       delta = dl, se_delta = sed, ci_lb_delta = pmax(sm$delta.lb, dl - crit * sed), ci_ub_delta = dl + crit * sed,
       pval_delta = 2 * pnorm(abs((dl - H0) / sed), lower.tail = FALSE),
       ll = ll, LRT = max(0, -2 * (sm$ll0 - ll)), LRT_p = pchisq(max(0, -2 * (sm$ll0 - ll)), df = sm$LRTdf, lower.tail = FALSE))
}

h <- dat.hackshaw1998
h$ni <- NA_real_
b <- dat.bangertdrowns2004
b <- b[!is.na(b$yi) & !is.na(b$vi) & !is.na(b$ni), ]
# Each case is independent: two at a time (mclapply keeps the order).
jobs <- list(
  function() rec("dat.hackshaw1998", h, "ML", "stepfun", c(0.025, 0.10, 0.50, 1)),
  function() rec("dat.hackshaw1998", h, "ML", "stepfun", c(0.025, 0.05, 0.50, 1)),
  function() rec("dat.hackshaw1998", h, "EE", "stepfun", c(0.025, 0.50, 1)),
  function() rec("dat.bangertdrowns2004", b, "ML", "stepfun", c(0.05, 0.10, 0.50, 1)),
  function() rec("dat.bangertdrowns2004", b, "ML", "stepfun", c(0.025, 0.5, 1)),
  function() rec("dat.hackshaw1998", h, "REML", "stepfun", c(0.025, 1)),
  function() rec("dat.hackshaw1998", h, "ML", "beta"),
  function() rec("dat.hackshaw1998", h, "ML", "halfnorm"),
  function() rec("dat.hackshaw1998", h, "ML", "negexp"),
  function() rec("dat.hackshaw1998", h, "ML", "logistic"),
  function() rec("dat.hackshaw1998", h, "ML", "power"),
  function() rec("dat.hackshaw1998", h, "ML", "negexppow"),
  function() rec("dat.hackshaw1998", h, "ML", "halfnorm", prec = "sei"),
  function() rec("dat.hackshaw1998", h, "ML", "negexp", steps = 0.025),
  function() rec("dat.hackshaw1998", h, "ML", "power", steps = 0.05, prec = "vi"),
  function() rec("dat.hackshaw1998", h, "REML", "beta"),
  function() rec("dat.hackshaw1998", h, "EE", "logistic"),
  function() rec("dat.bangertdrowns2004", b, "ML", "beta"),
  function() rec("dat.bangertdrowns2004", b, "ML", "halfnorm"),
  function() rec("dat.bangertdrowns2004", b, "ML", "negexp"),
  function() rec("dat.bangertdrowns2004", b, "ML", "logistic"),
  function() rec("dat.bangertdrowns2004", b, "ML", "power"),
  function() rec("dat.bangertdrowns2004", b, "ML", "negexppow"),
  function() rec("dat.bangertdrowns2004", b, "ML", "logistic", prec = "sqrtninv"),
  function() rec("dat.bangertdrowns2004", b, "ML", "negexp", prec = "ninv"),
  function() rec("dat.bangertdrowns2004", b, "ML", "halfnorm", steps = 0.025, prec = "sei")
)
# SELMODEL_SUBSET=beta reruns only the beta model on dat.hackshaw1998 (ML,
# REML) into selmodel_beta.json (selmodel_steps.json was written before the
# looser fallbacks were added, when every try failed for these two).
if (Sys.getenv("SELMODEL_SUBSET") == "beta") {
  cases <- parallel::mclapply(list(function() rec("dat.hackshaw1998", h, "ML", "beta"), function() rec("dat.hackshaw1998", h, "REML", "beta")),
                              function(f) f(), mc.cores = 2L)
  write_golden("selmodel_beta", list(call = "per case: r_call (testdata/golden/R/selmodel.R, SELMODEL_SUBSET=beta)", metafor = as.character(packageVersion("metafor")), cases = cases), c("metafor", "metadat"))
} else {
  cases <- parallel::mclapply(jobs, function(f) f(), mc.cores = 2L)
  write_golden("selmodel_steps", list(call = "per case: r_call (testdata/golden/R/selmodel.R)", metafor = as.character(packageVersion("metafor")), cases = cases), c("metafor", "metadat"))
}
