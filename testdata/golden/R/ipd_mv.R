# Reference values for analysis/ipd Multivariate (TestMultivariateBerkey): the bivariate
# random-effects meta-analysis of Berkey et al. (1998), five periodontal trials with two outcomes
# (PD, AL) and their known within-trial covariance, as metafor documents it for dat.berkey1998.
# Each trial's block (columns v1i, v2i in the rows' order) is written in the terms' order (AL, PD).
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R ipd_mv
library(metafor)
dat <- dat.berkey1998
V <- bldiag(lapply(split(dat[c("v1i", "v2i")], dat$trial), as.matrix))
res <- rma.mv(yi, V, mods = ~ outcome - 1, random = ~ outcome | trial, struct = "UN", data = dat,
              method = "REML", control = list(rel.tol = 1e-12, iter.max = 10000, eval.max = 10000))
studies <- lapply(split(dat, dat$trial), function(s) list(
  trial = s$trial[1], y = s$yi[order(s$outcome)],
  v = {o <- order(s$outcome); unname(as.matrix(s[, c("v1i", "v2i")]))[o, o]}))
write_golden("ipd_mv_berkey", list(
  call = "rma.mv(yi, V, mods = ~ outcome - 1, random = ~ outcome | trial, struct = 'UN', data = dat.berkey1998, method = 'REML', control = list(rel.tol = 1e-12, iter.max = 10000, eval.max = 10000)), V = bldiag of each trial's (v1i, v2i) block (testdata/golden/R/ipd_mv.R)",
  terms = sub("outcome", "", rownames(res$beta)),
  studies = unname(studies),
  estimate = as.vector(res$beta), se = res$se, zval = res$zval, pval = res$pval,
  ci_lb = res$ci.lb, ci_ub = res$ci.ub, vcov = unname(vcov(res)),
  tau2 = res$tau2, rho = res$rho, logLik = as.numeric(logLik(res))))
