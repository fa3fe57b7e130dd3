# Reference values for analysis/metamv Bias (multilevel Egger with CR2 and
# PET-PEESE on the three-level model), metafor 3.8-1 + clubSandwich 0.5.8.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R metamv_bias
suppressPackageStartupMessages({ library(metafor); library(metadat); library(clubSandwich) })
ctrl <- list(rel.tol = 1e-11, iter.max = 1000, eval.max = 2000)

reg <- function(dat, V, mod) {
  m <- try(rma.mv(yi, V, mods = mod, random = ~ 1 | outer/inner, data = dat, control = ctrl), silent = TRUE)
  tol <- 1e-11
  if (inherits(m, "try-error")) { tol <- 1e-10; m <- rma.mv(yi, V, mods = mod, random = ~ 1 | outer/inner, data = dat) }
  ct <- coef_test(m, vcov = "CR2", cluster = dat$outer, test = "Satterthwaite")
  ci <- conf_int(m, vcov = "CR2", cluster = dat$outer)
  list(rel_tol = tol, sigma2 = m$sigma2, logLik = as.numeric(logLik(m)), beta = unname(c(m$beta)), se = ct$SE, t = ct$tstat, df = ct$df_Satt, p = ct$p_Satt,
       ci_lb = ci$CI_L, ci_ub = ci$CI_U)
}
one <- function(dat, rho) {
  V <- if (rho == 0) dat$vi else vcalc(vi, cluster = outer, obs = inner, rho = rho, data = dat)
  list(rho = rho, pet = reg(dat, V, ~ sqrt(vi)), peese = reg(dat, V, ~ vi))
}

k11 <- dat.konstantopoulos2011
kd <- data.frame(yi = k11$yi, vi = k11$vi, outer = as.character(k11$district), inner = as.character(k11$school))

set.seed(20261203)
J <- 40
m <- sample(1:5, J, replace = TRUE)
outer <- rep(sprintf("s%02d", 1:J), m)
inner <- unlist(lapply(m, function(mj) sprintf("e%d", seq_len(mj))))
n <- rep(round(exp(runif(J, log(20), log(400)))), m)
vi <- 1 / (n - 3)
u <- rep(rnorm(J, 0, sqrt(0.02)), m)
yi <- 0.15 + 1.2 * sqrt(vi) + u + rnorm(length(vi), 0, sqrt(0.01)) + rnorm(length(vi), 0, sqrt(vi))
sd <- data.frame(yi = yi, vi = vi, outer = outer, inner = inner)

out <- list(
  call = paste("rma.mv(yi, V, mods = ~ sqrt(vi) | ~ vi, random = ~ 1 | outer/inner, data = dat, control = list(rel.tol = 1e-11) (nlminb's default 1e-10 where 1e-11 does not converge: rel_tol);",
               "V = vi, or vcalc(vi, cluster = outer, obs = inner, rho = 0.6, data = dat);",
               "coef_test(m, vcov = 'CR2', cluster = dat$outer, test = 'Satterthwaite'); conf_int(m, vcov = 'CR2', cluster = dat$outer);",
               "data: metadat dat.konstantopoulos2011 (district/school) and a simulation (set.seed(20261203), script testdata/golden/R/metamv_bias.R)"),
  konstantopoulos = list(data = as.list(kd), fits = list(one(kd, 0), one(kd, 0.6))),
  sim = list(data = as.list(sd), fits = list(one(sd, 0), one(sd, 0.6)))
)
write_golden("metamv_bias", out, packages = c("metafor", "metadat", "clubSandwich"))
