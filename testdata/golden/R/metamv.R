# Reference values for analysis/metamv (three-level models, aggregation,
# cluster-robust inference), from metafor 3.8-1 rma.mv/robust/aggregate and
# clubSandwich coef_test/conf_int/Wald_test.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R metamv
#
# Tight controls: nlminb to rel.tol 1e-12 (rma.mv), Fisher scoring to 1e-12
# (rma), uniroot to 1e-12 (confint). Each golden holds its input data.
suppressPackageStartupMessages({ library(metafor); library(metadat); library(clubSandwich) })

pkgs <- c("metafor", "metadat", "clubSandwich")
mvctrl <- list(rel.tol = 1e-11, iter.max = 1000, eval.max = 2000)

# mv(): rma.mv with nlminb at rel.tol 1e-11, falling back to 1e-10 when
# nlminb reports non-convergence at the tighter tolerance.
mv <- function(...) {
  cl <- match.call()
  cl[[1]] <- quote(rma.mv)
  cl$control <- mvctrl
  res <- try(eval(cl, parent.frame()), silent = TRUE)
  if (inherits(res, "try-error")) {
    cl$control <- modifyList(mvctrl, list(rel.tol = 1e-10))
    res <- try(eval(cl, parent.frame()), silent = TRUE)
  }
  if (inherits(res, "try-error")) {
    cl$control <- list(optimizer = "optim", optmethod = "BFGS", reltol = 1e-13, maxit = 10000)
    res <- eval(cl, parent.frame())
  }
  res
}

# refit(): update() with a fallback to looser nlminb control.
refit <- function(res, ...) {
  red <- try(update(res, ...), silent = TRUE)
  if (inherits(red, "try-error")) red <- update(res, ..., control = modifyList(mvctrl, list(rel.tol = 1e-10)))
  red
}

# pl_ci(): confint.rma.mv, retrying with nlminb's default rel.tol (1e-10)
# for the profile refits when a bound is not found at the tighter setting.
pl_ci <- function(res) {
  get <- function(r) {
    cf <- suppressWarnings(confint(r, control = list(tol = 1e-12, maxiter = 10000)))
    list(unname(cf[[1]]$random[1, 2:3]), unname(cf[[2]]$random[1, 2:3]))
  }
  ci <- get(res)
  if (anyNA(unlist(ci))) {
    res$control$rel.tol <- 1e-10
    ci <- get(res)
  }
  ci
}

nn <- function(x) if (is.null(x) || length(x) == 0 || all(is.na(x))) NULL else unname(x)

# dmetar's mlm.variance.distribution (Cheung 2014 eq. 14), written out.
vardist <- function(res) {
  v <- res$vi
  sv <- ((length(v) - 1) * sum(1/v)) / (sum(1/v)^2 - sum(1/v^2))
  tot <- sv + res$sigma2[1] + res$sigma2[2]
  list(typical_v = sv, level1 = 100 * sv / tot, level2 = 100 * res$sigma2[2] / tot,
       level3 = 100 * res$sigma2[1] / tot)
}

fs <- function(res) {
  f <- res$fit.stats[, if (res$method == "REML") "REML" else "ML"]
  list(logLik = f[1], deviance = f[2], AIC = f[3], BIC = f[4], AICc = f[5])
}

# rec_mv(): one rma.mv fit as a plain list; ci/lrt add the profile CIs and
# the likelihood-ratio tests against sigma2 = c(0, NA) and c(NA, 0).
rec_mv <- function(res, ci = TRUE, lrt = TRUE) {
  out <- list(k = res$k, p = res$p, method = res$method, test = res$test,
    names = rownames(res$beta), estimate = unname(c(res$beta)), se = unname(res$se),
    statistic = unname(res$zval), p_value = unname(res$pval),
    ci_lb = unname(res$ci.lb), ci_ub = unname(res$ci.ub),
    df = if (res$test == "t") unname(res$ddf[1]) else NULL,
    sigma2 = res$sigma2, s_nlevels = res$s.nlevels,
    QE = res$QE, QE_p = res$QEp, QM = res$QM, QM_p = res$QMp, QM_df = unname(res$QMdf[1]),
    QM_df2 = nn(res$QMdf[2]), fit = fs(res), vardist = vardist(res))
  if (res$int.only) {
    pr <- predict(res)
    out$pi <- c(pr$pi.lb, pr$pi.ub)
  }
  if (ci) {
    out$sigma2_ci <- pl_ci(res)
  }
  if (lrt) {
    out$lrt <- lapply(1:2, function(j) {
      s2 <- c(NA, NA); s2[j] <- 0
      red <- refit(res, sigma2 = s2)
      a <- anova(res, red)
      list(component = j - 1, logLik_reduced = logLik(red)[1], LRT = a$LRT, p = a$pval,
           AIC_reduced = fitstats(red)["AIC:", 1], BIC_reduced = fitstats(red)["BIC:", 1])
    })
  }
  out
}

# rec_rob(): CR1 (metafor robust, adjust = TRUE) and CR2 (clubSandwich,
# Satterthwaite; HTZ Wald test of all non-intercept coefficients).
rec_rob <- function(res, cluster) {
  r1 <- robust(res, cluster = cluster, adjust = TRUE)
  cr1 <- list(se = unname(r1$se), statistic = unname(r1$zval), p = unname(r1$pval), df = unname(r1$dfs),
              ci_lb = unname(r1$ci.lb), ci_ub = unname(r1$ci.ub), QM = r1$QM, QM_p = r1$QMp,
              QM_df = unname(r1$QMdf))
  ct <- coef_test(res, vcov = "CR2", cluster = cluster, test = "Satterthwaite")
  ci <- conf_int(res, vcov = "CR2", cluster = cluster, test = "Satterthwaite", level = 0.95)
  cr2 <- list(se = unname(ct$SE), statistic = unname(ct$tstat), df = unname(ct$df_Satt),
              p = unname(ct$p_Satt), ci_lb = unname(ci$CI_L), ci_ub = unname(ci$CI_U))
  if (res$p > 1) {
    w <- Wald_test(res, constraints = constrain_zero(2:res$p), vcov = "CR2", cluster = cluster, test = "HTZ")
    cr2$wald <- list(Fstat = w$Fstat, delta = w$delta, df_num = w$df_num, df_denom = w$df_denom, p = w$p_val)
  }
  list(CR1 = cr1, CR2 = cr2)
}

## 1. demo-studies (alliance-outcome correlations, study/es_id) ---------------
demo <- read.csv("datasets/data/demo-studies.csv", stringsAsFactors = FALSE)
demo <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = demo)
fit1 <- mv(yi, vi, random = ~ 1 | study/es_id, data = demo)
fit1ml <- mv(yi, vi, random = ~ 1 | study/es_id, data = demo, method = "ML")
fit1m <- mv(yi, vi, mods = ~ alliance_rater + year, random = ~ 1 | study/es_id, data = demo)
fit1t <- mv(yi, vi, mods = ~ outcome_rater, random = ~ 1 | study/es_id, data = demo, test = "t")
V6 <- vcalc(vi, cluster = study, obs = es_id, rho = 0.6, data = demo)
fit1r <- mv(yi, V6, random = ~ 1 | study/es_id, data = demo)
uni <- rma(yi, vi, mods = ~ alliance_rater, data = demo, control = list(threshold = 1e-12, maxiter = 1000))
agg <- aggregate(demo, cluster = study, struct = "CS", rho = 0.6, addk = TRUE)
mac <- do.call(rbind, lapply(unique(demo$study), function(s) {
  r <- demo$ri[demo$study == s]; n <- demo$ni[demo$study == s]; k <- length(r)
  data.frame(id = s, r = sum(r) / sqrt(k + k * (k - 1) * 0.5), n = round(mean(n)))
}))
write_golden("metamv_demo", list(
  data = list(study = demo$study, es_id = as.character(demo$es_id), ri = demo$ri, ni = demo$ni,
              yi = c(demo$yi), vi = demo$vi, alliance_rater = demo$alliance_rater,
              outcome_rater = demo$outcome_rater, year = demo$year),
  reml = rec_mv(fit1), ml = rec_mv(fit1ml), mods = rec_mv(fit1m, lrt = FALSE),
  modst = rec_mv(fit1t, ci = FALSE, lrt = FALSE), rho6 = rec_mv(fit1r, lrt = FALSE),
  robust_reml = rec_rob(fit1, demo$study), robust_mods = rec_rob(fit1m, demo$study),
  robust_rho6 = rec_rob(fit1r, demo$study),
  uni = list(tau2 = uni$tau2, estimate = unname(c(uni$beta)), robust = rec_rob(uni, demo$study)),
  aggregate = list(rho = 0.6, cluster = as.character(agg$study), yi = c(agg$yi), vi = agg$vi, ki = agg$ki),
  mac = list(rho = 0.5, id = mac$id, r = mac$r, n = mac$n)
), packages = pkgs)

## 2. Konstantopoulos (2011): district/school ---------------------------------
kon <- dat.konstantopoulos2011
k1 <- mv(yi, vi, random = ~ 1 | district/school, data = kon)
k1ml <- mv(yi, vi, random = ~ 1 | district/school, data = kon, method = "ML")
k1m <- mv(yi, vi, mods = ~ I(year - 1990), random = ~ 1 | district/school, data = kon)
write_golden("metamv_konstantopoulos", list(
  data = list(district = as.character(kon$district), school = as.character(kon$school),
              year = kon$year, yi = c(kon$yi), vi = kon$vi),
  reml = rec_mv(k1), ml = rec_mv(k1ml), mods = rec_mv(k1m, lrt = FALSE),
  robust_reml = rec_rob(k1, kon$district), robust_mods = rec_rob(k1m, kon$district)
), packages = pkgs)

## 3. Simulated: clusters of 1-6, shared inner units, two moderators ----------
set.seed(20240905)
nc <- 70
sizes <- sample(1:6, nc, replace = TRUE)
cl <- rep(sprintf("c%02d", seq_len(nc)), sizes)
inn <- unlist(lapply(sizes, function(s) as.character(sample(1:max(1, ceiling(s / 2)), s, replace = TRUE))))
k <- length(cl)
vi <- runif(k, 0.005, 0.06)
x <- round(rnorm(k), 3)
g <- sample(c("a", "b", "c"), k, replace = TRUE)
u3 <- rnorm(nc, 0, sqrt(0.04))[match(cl, unique(cl))]
ui <- paste(cl, inn)
u2 <- rnorm(length(unique(ui)), 0, sqrt(0.02))[match(ui, unique(ui))]
yi <- round(0.3 + 0.1 * x + ifelse(g == "b", 0.15, 0) + u3 + u2 + rnorm(k, 0, sqrt(vi)), 5)
vi <- round(vi, 6)
sim <- data.frame(cl, inn, yi, vi, x, g)
s1 <- mv(yi, vi, random = ~ 1 | cl/inn, data = sim)
s1m <- mv(yi, vi, mods = ~ x + g, random = ~ 1 | cl/inn, data = sim)
s1ml <- mv(yi, vi, mods = ~ x + g, random = ~ 1 | cl/inn, data = sim, method = "ML")
Vs <- vcalc(vi, cluster = cl, obs = seq_len(k), rho = 0.5, data = sim)
s1r <- mv(yi, Vs, mods = ~ x + g, random = ~ 1 | cl/inn, data = sim)
# boundary: no inner-level heterogeneity in the data-generating model
yb <- round(0.2 + u3 + rnorm(k, 0, sqrt(vi)), 5)
sb <- mv(yb, vi, random = ~ 1 | cl/inn, data = sim)
write_golden("metamv_sim", list(
  data = list(cl = cl, inn = inn, yi = yi, vi = vi, x = x, g = g, yb = yb),
  reml = rec_mv(s1), mods = rec_mv(s1m), ml = rec_mv(s1ml, ci = FALSE), rho5 = rec_mv(s1r, ci = FALSE, lrt = FALSE),
  boundary = rec_mv(sb),
  robust_mods = rec_rob(s1m, cl), robust_rho5 = rec_rob(s1r, cl)
), packages = pkgs)
