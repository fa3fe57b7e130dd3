# Reference values for analysis/metamv's robust term tests (CR2 HTZ, CR1/CR0
# F), the CR0 sandwich and the profile log-likelihoods of the sigma2s:
# metafor 3.8-1 rma.mv/robust/anova/profile and clubSandwich 0.5.8
# vcovCR/Wald_test. Sourced by make_golden.R:
#     Rscript testdata/golden/make_golden.R metamv_terms
# Writes metamv_terms.json (each case holds its input data and R calls).
suppressPackageStartupMessages({ library(metafor); library(metadat); library(clubSandwich) })
pkgs <- c("metafor", "metadat", "clubSandwich")
ctrl <- list(rel.tol = 1e-10, iter.max = 1000, eval.max = 2000)

wald <- function(res, cl, idx) {
  w <- Wald_test(res, constraints = constrain_zero(idx), vcov = "CR2", cluster = cl, test = "HTZ")
  list(btt = idx, Fstat = w$Fstat, delta = w$delta, df_num = w$df_num, df_denom = w$df_denom, p = w$p_val)
}
ftest <- function(rob, idx) {
  a <- anova(rob, btt = idx)
  list(btt = idx, Fstat = a$QM, df_num = a$QMdf[1], df_denom = a$QMdf[2], p = a$QMp)
}
rob0 <- function(res, cl) {
  r0 <- robust(res, cluster = cl, adjust = FALSE)
  v0 <- as.matrix(vcovCR(res, cluster = cl, type = "CR0"))
  list(se = unname(r0$se), df = unname(r0$dfs), p = unname(r0$pval), ci_lb = unname(r0$ci.lb), ci_ub = unname(r0$ci.ub),
       QM = r0$QM, QM_p = r0$QMp, vcov_metafor = unname(c(vcov(r0))), vcov_clubsandwich = unname(c(v0)))
}
prof <- function(res, j, xs) {
  p <- profile(res, sigma2 = j, xlim = range(xs), steps = length(xs), plot = FALSE, progbar = FALSE)
  list(sigma2 = unname(p[[1]]), ll = unname(p$ll))
}
# figures(): metafor weights() and fitted() of an rma.mv fit, and each outer
# cluster's GLS mean under M_j - sigma2_outer (the block of res$M without the
# between-cluster component), by dense R matrix algebra.
figures <- function(res, cl) {
  M <- as.matrix(res$M)
  cm <- lapply(unique(cl), function(s) {
    i <- which(cl == s)
    Mj <- M[i, i, drop = FALSE] - res$sigma2[1]
    Wj <- solve(Mj); a <- sum(Wj)
    list(cluster = s, estimate = sum(Wj %*% res$yi[i]) / a, se = 1 / sqrt(a), w = a / (1 + res$sigma2[1] * a))
  })
  w <- sapply(cm, function(x) x$w)
  for (j in seq_along(cm)) cm[[j]]$weight <- 100 * w[j] / sum(w)
  list(weights = unname(weights(res)), fitted = unname(fitted(res)), cluster_means = cm)
}
cases <- list()

## 1. Konstantopoulos (2011): district/school, moderator year ------------------
kon <- dat.konstantopoulos2011
kon$yc <- kon$year - 1990
kon$yc2 <- kon$yc^2
k1 <- rma.mv(yi, vi, mods = ~ yc + yc2, random = ~ 1 | district/school, data = kon, control = ctl <- ctrl)
k0 <- rma.mv(yi, vi, random = ~ 1 | district/school, data = kon, control = ctrl)
cases$konstantopoulos <- list(
  call = "rma.mv(yi, vi, mods = ~ yc + yc2, random = ~ 1 | district/school, data = dat.konstantopoulos2011 (yc = year - 1990, yc2 = yc^2), control = list(rel.tol = 1e-10)); clubSandwich::Wald_test(res, constraints = constrain_zero(2:3) / 2 / 3, vcov = 'CR2', cluster = district, test = 'HTZ'); anova(robust(res, cluster = district, adjust = TRUE / FALSE), btt = ...); robust(res, district, adjust = FALSE); vcovCR(res, district, type = 'CR0'); profile(rma.mv(yi, vi, random = ~ 1 | district/school), sigma2 = 1 / 2, xlim, steps, plot = FALSE); weights(res); fitted(res); cluster GLS means from res$M - sigma2[1]",
  data = list(district = as.character(kon$district), school = as.character(kon$school), year = kon$year, yi = c(kon$yi), vi = kon$vi),
  sigma2 = k1$sigma2, logLik = c(logLik(k1)), estimate = unname(c(k1$beta)),
  htz = list(wald(k1, kon$district, 2:3), wald(k1, kon$district, 2), wald(k1, kon$district, 3)),
  cr1 = list(ftest(robust(k1, cluster = kon$district, adjust = TRUE), 2:3)),
  cr0 = c(rob0(k1, kon$district), list(f = list(ftest(robust(k1, cluster = kon$district, adjust = FALSE), 2:3)))),
  figures = figures(k1, as.character(kon$district)),
  profile0 = list(sigma2 = k0$sigma2, logLik = c(logLik(k0)),
                  outer = prof(k0, 1, seq(0, 0.5, length.out = 6)), inner = prof(k0, 2, seq(0.01, 0.06, length.out = 6)))
)

## 2. Simulated CHE data: 40 studies of 1-5 effects, rho = .6, factor g -------
set.seed(20261204)
ns <- 40
sizes <- sample(1:5, ns, replace = TRUE)
study <- rep(sprintf("s%02d", seq_len(ns)), sizes)
es <- unlist(lapply(sizes, seq_len))
k <- length(study)
vi <- round(runif(k, 0.01, 0.08), 6)
x <- round(rnorm(k), 3)
g <- sample(c("a", "b", "c"), k, replace = TRUE)
u3 <- rnorm(ns, 0, sqrt(0.05))[match(study, unique(study))]
u2 <- rnorm(k, 0, sqrt(0.02))
e <- unlist(lapply(split(vi, factor(study, levels = unique(study))), function(v) {
  S <- 0.6 * sqrt(outer(v, v)); diag(S) <- v; c(t(chol(S)) %*% rnorm(length(v)))
}))
yi <- round(0.25 + 0.08 * x + ifelse(g == "b", 0.12, ifelse(g == "c", -0.05, 0)) + u3 + u2 + e, 5)
sim <- data.frame(study, es, yi, vi, x, g)
V <- vcalc(vi, cluster = study, obs = es, rho = 0.6, data = sim)
s1 <- rma.mv(yi, V, mods = ~ x + g, random = ~ 1 | study/es, data = sim, control = ctrl)
s0 <- rma.mv(yi, V, random = ~ 1 | study/es, data = sim, control = ctrl)
cases$che <- list(
  call = "V <- vcalc(vi, cluster = study, obs = es, rho = 0.6); rma.mv(yi, V, mods = ~ x + g, random = ~ 1 | study/es, data = sim, control = list(rel.tol = 1e-10)); clubSandwich::Wald_test(res, constraints = constrain_zero(3:4) / 2:4 / 2, vcov = 'CR2', cluster = study, test = 'HTZ'); anova(robust(res, cluster = study, adjust = TRUE / FALSE), btt = ...); vcovCR(res, study, type = 'CR0'); profile(rma.mv(yi, V, random = ~ 1 | study/es), sigma2 = 1 / 2, xlim, steps, plot = FALSE); weights(res); fitted(res); cluster GLS means from res$M - sigma2[1]",
  data = list(study = study, es = as.character(es), yi = yi, vi = vi, x = x, g = g),
  sigma2 = s1$sigma2, logLik = c(logLik(s1)), estimate = unname(c(s1$beta)),
  htz = list(wald(s1, study, 3:4), wald(s1, study, 2:4), wald(s1, study, 2)),
  cr1 = list(ftest(robust(s1, cluster = study, adjust = TRUE), 3:4), ftest(robust(s1, cluster = study, adjust = TRUE), 2:4)),
  cr0 = c(rob0(s1, study), list(f = list(ftest(robust(s1, cluster = study, adjust = FALSE), 3:4)))),
  figures = figures(s1, study),
  profile0 = list(sigma2 = s0$sigma2, logLik = c(logLik(s0)),
                  outer = prof(s0, 1, seq(0, 0.2, length.out = 6)), inner = prof(s0, 2, seq(0, 0.1, length.out = 6)))
)
write_golden("metamv_terms", c(list(call = "see each case's call"), cases), packages = pkgs)
