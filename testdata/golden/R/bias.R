# Reference values for analysis/meta publication bias, sensitivity and
# influence (regtest, ranktest, trimfill, fsn, selmodel, influence, leave1out,
# cumul, baujat), from metafor.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R bias
#
# All rma fits use tight controls (Fisher scoring to 1e-12); trimfill passes
# the same controls to its internal fits. Each golden carries its input data
# (yi, vi, ni, year, cluster), so Go tests need nothing else.
suppressPackageStartupMessages({ library(metafor); library(metadat) })

ctrl <- list(threshold = 1e-12, maxiter = 1000, tol = 1e-12)
pkgs <- c("metafor", "metadat")
un <- function(x) unname(c(x))

rec_regtest <- function(res) {
  out <- list()
  for (model in c("rma", "lm")) for (pred in c("sei", "vi", "ni", "ninv", "sqrtni", "sqrtninv")) {
    rt <- regtest(res, model = model, predictor = pred)
    out[[length(out) + 1]] <- list(model = model, predictor = pred, statistic = un(rt$zval),
      p = un(rt$pval), df = if (is.null(rt$dfs) || is.na(rt$dfs[1])) NULL else un(rt$dfs),
      est = un(rt$est), ci_lb = un(rt$ci.lb), ci_ub = un(rt$ci.ub),
      slope = un(coef(rt$fit)[2]))
  }
  out
}

rec_trimfill <- function(res) {
  out <- list()
  for (est in c("L0", "R0", "Q0")) for (side in c("auto", "left", "right")) {
    tf <- tryCatch(if (side == "auto") trimfill(res, estimator = est, control = ctrl)
                   else trimfill(res, estimator = est, side = side, control = ctrl),
                   error = function(e) NULL)
    if (is.null(tf)) next
    fill <- tf$fill
    out[[length(out) + 1]] <- list(estimator = est, side_arg = side, side = tf$side, k0 = tf$k0,
      se_k0 = tf$se.k0, p_k0 = if (is.na(tf$p.k0)) NULL else tf$p.k0,
      estimate = un(tf$beta), se = tf$se, ci_lb = tf$ci.lb, ci_ub = tf$ci.ub, p = tf$pval,
      tau2 = tf$tau2, QE = tf$QE, I2 = tf$I2, k = tf$k,
      fill_yi = un(tf$yi[fill]), fill_vi = un(tf$vi[fill]))
  }
  out
}

rec_fsn <- function(yi, vi) {
  list(rosenthal = fsn(yi, vi)$fsnum, rosenthal_p = fsn(yi, vi)$pval,
       orwin = fsn(yi, vi, type = "Orwin")$fsnum, orwin_meanes = fsn(yi, vi, type = "Orwin")$meanes,
       orwin_target = fsn(yi, vi, type = "Orwin")$target,
       orwin_w = fsn(yi, vi, type = "Orwin", weighted = TRUE)$fsnum,
       orwin_w_meanes = fsn(yi, vi, type = "Orwin", weighted = TRUE)$meanes,
       orwin_t05 = fsn(yi, vi, type = "Orwin", target = 0.05)$fsnum,
       rosenberg = fsn(yi, vi, type = "Rosenberg")$fsnum, rosenberg_p = fsn(yi, vi, type = "Rosenberg")$pval,
       rosenberg_meanes = fsn(yi, vi, type = "Rosenberg")$meanes,
       rosenthal_a10 = fsn(yi, vi, alpha = 0.10)$fsnum)
}

rec_infl <- function(res) {
  inf <- influence(res)
  list(rstudent = un(inf$inf$rstudent), dffits = un(inf$inf$dffits), cook_d = un(inf$inf$cook.d),
       cov_r = un(inf$inf$cov.r), tau2_del = un(inf$inf$tau2.del), QE_del = un(inf$inf$QE.del),
       hat = un(inf$inf$hat), weight = un(inf$inf$weight),
       dfbetas = lapply(unclass(inf$dfbs)[seq_len(res$p)], un), inf = un(inf$is.infl))
}

rec_l1o <- function(res) {
  l <- leave1out(res)
  list(estimate = un(l$estimate), se = un(l$se), statistic = un(if (is.null(l$zval)) l$tval else l$zval),
       p = un(l$pval), ci_lb = un(l$ci.lb), ci_ub = un(l$ci.ub), QE = un(l$Q), QE_p = un(l$Qp),
       tau2 = un(l$tau2), I2 = un(l$I2), H2 = un(l$H2))
}

rec_baujat <- function(res) {
  pdf(NULL); b <- baujat(res); dev.off()
  list(x = un(b$x), y = un(b$y))
}

rec_selmodel <- function(yi, vi) {
  res <- rma(yi, vi, method = "ML", control = ctrl)
  sm <- selmodel(res, type = "stepfun", steps = 0.025,
                 control = list(optimizer = "optim", optmethod = "BFGS", reltol = 1e-15, maxit = 10000))
  sm2 <- tryCatch(selmodel(res, type = "stepfun", steps = 0.025,
                  control = list(optimizer = "nlminb", rel.tol = 1e-12, eval.max = 10000, iter.max = 10000)),
                  error = function(e) NULL)
  list(estimate = un(sm$beta), se = un(sm$se), tau2 = sm$tau2, se_tau2 = sm$se.tau2,
       delta = un(sm$delta), se_delta = un(sm$se.delta), ll = sm$ll, ll0 = sm$ll0,
       LRT = sm$LRT, LRT_p = sm$LRTp, LRT_tau2 = sm$LRT.tau2, LRT_tau2_p = sm$LRTp.tau2,
       ci_lb = un(sm$ci.lb), ci_ub = un(sm$ci.ub), p = un(sm$pval), ptable = un(sm$ptable$k),
       nlminb = if (is.null(sm2)) NULL else list(estimate = un(sm2$beta), tau2 = sm2$tau2, delta = un(sm2$delta), ll = sm2$ll))
}

rec_cumul <- function(res, order) {
  cm <- cumul(res, order = order)
  list(order = un(order), estimate = un(cm$estimate), se = un(cm$se), ci_lb = un(cm$ci.lb), ci_ub = un(cm$ci.ub),
       p = un(cm$pval), QE = un(cm$Q), tau2 = un(cm$tau2), I2 = un(cm$I2), H2 = un(cm$H2))
}

# leave-one-cluster-out by refitting without each cluster (metafor has no
# direct function; this is the definition).
rec_l1c <- function(d, cluster, method) {
  lv <- unique(cluster)
  out <- lapply(lv, function(cl) {
    r <- rma(yi, vi, data = d, subset = cluster != cl, method = method, control = ctrl)
    list(cluster = cl, k = r$k, estimate = un(r$beta), se = r$se, ci_lb = r$ci.lb, ci_ub = r$ci.ub,
         tau2 = r$tau2, I2 = r$I2, QE = r$QE)
  })
  out
}

one <- function(name, d, extra = list(), methods = c("REML", "ML", "DL", "FE"), year = NULL, cluster = NULL) {
  fits <- list()
  for (m in methods) {
    res <- rma(yi, vi, data = d, method = m, control = ctrl)
    f <- list(method = m, estimate = un(res$beta), tau2 = res$tau2,
              regtest = rec_regtest(res), trimfill = rec_trimfill(res),
              influence = rec_infl(res), leave1out = rec_l1o(res), baujat = rec_baujat(res))
    if (!is.null(year)) f$cumul <- rec_cumul(res, year)
    if (!is.null(cluster)) f$leave1cluster <- rec_l1c(d, cluster, m)
    fits[[length(fits) + 1]] <- f
  }
  # Knapp-Hartung REML: influence/leave1out with s2w != 1
  res <- rma(yi, vi, data = d, method = "REML", test = "knha", control = ctrl)
  kn <- list(method = "REML", test = "knha", regtest = rec_regtest(res),
             influence = rec_infl(res), leave1out = rec_l1o(res))
  rk <- ranktest(d$yi, d$vi)
  obj <- c(list(yi = un(d$yi), vi = un(d$vi), ni = un(attr(d$yi, "ni")),
                year = if (is.null(year)) NULL else un(year),
                cluster = if (is.null(cluster)) NULL else cluster,
                ranktest = list(tau = un(rk$tau), p = rk$pval,
                                ties = min(length(unique(d$vi)), length(unique(d$yi))) < nrow(d)),
                fsn = rec_fsn(d$yi, d$vi), selmodel = rec_selmodel(d$yi, d$vi),
                fits = fits, knha = kn), extra)
  write_golden(name, obj, pkgs)
}

## molloy2014 (k = 16): cumulative by publication year.
d <- escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014)
res <- rma(yi, vi, data = d, mods = ~ meanage, control = ctrl)
mr <- list(meanage = un(d$meanage), influence = rec_infl(res), estimate = un(res$beta))
one("bias_molloy", d, extra = list(metareg = mr), year = d$year)

## mcdaniel1994 (k = 160; ties in vi).
d <- escalc("ZCOR", ri = ri, ni = ni, data = dat.mcdaniel1994)
d <- d[!is.na(d$yi), ]
one("bias_mcdaniel", d, methods = c("REML", "FE"))

## cohen1981 (k = 20): clusters = study (Centra 1977 has two samples).
d <- escalc("ZCOR", ri = ri, ni = ni, data = dat.cohen1981)
one("bias_cohen", d, cluster = d$study)

## simulated: 40 correlations with planted small-study effects (small
## non-significant studies are mostly suppressed), distinct n (exact rank test).
set.seed(20240611)
n_all <- sample(20:400, 120)
r_all <- tanh(rnorm(120, atanh(0.15), sqrt(1 / (n_all - 3) + 0.01)))
sig <- r_all * sqrt((n_all - 2) / (1 - r_all^2)) > qt(0.975, n_all - 2)
keep <- which(sig | n_all > 200 | runif(120) < 0.15)[1:40]
sim <- data.frame(ri = round(r_all[keep], 3), ni = n_all[keep], year = 1990 + seq_along(keep))
d <- escalc("ZCOR", ri = ri, ni = ni, data = sim)
one("bias_sim", d, year = d$year, cluster = paste0("c", (seq_len(nrow(d)) - 1) %/% 3))

## exact rank test, small k, no ties
yy <- c(0.41, 0.12, 0.33, -0.05, 0.27, 0.51, 0.08); vv <- c(0.05, 0.011, 0.03, 0.008, 0.02, 0.07, 0.015)
rk <- ranktest(yy, vv)
write_golden("bias_rank_small", list(yi = yy, vi = vv, tau = un(rk$tau), p = rk$pval), pkgs)
