# The Type I error simulation of docs/type1-egger.md, in R (its own random
# numbers, the same design): Rscript docs/type1-egger.R [reps]
suppressPackageStartupMessages({ library(metafor); library(clubSandwich) })
args <- commandArgs(trailingOnly = TRUE)
reps <- if (length(args)) as.integer(args[1]) else 500
set.seed(20261204)
J <- 40; rho <- 0.6; s2 <- c(0.05, 0.02); maxper <- 8
one <- function() {
  m <- sample(1:maxper, J, replace = TRUE); n <- sample(20:200, J, replace = TRUE)
  study <- rep(seq_len(J), m); es <- sequence(m); v <- rep(1 / (n - 3), m)
  u <- rep(rnorm(J, 0, sqrt(s2[1])), m); z0 <- rep(rnorm(J), m)
  yi <- 0.3 + u + rnorm(length(v), 0, sqrt(s2[2])) + sqrt(v) * (sqrt(rho) * z0 + sqrt(1 - rho) * rnorm(length(v)))
  d <- data.frame(yi, vi = v, study, es)
  p_uni <- regtest(rma(yi, vi, data = d))$pval
  V <- vcalc(vi, cluster = study, obs = es, rho = rho, data = d)
  f <- rma.mv(yi, V, mods = ~ sqrt(vi), random = ~ 1 | study/es, data = d)
  p_ml <- coef_test(f, vcov = "CR2", cluster = d$study)$p_Satt[2]
  c(p_uni, p_ml)
}
p <- t(replicate(reps, tryCatch(one(), error = function(e) c(NA, NA))))
ok <- complete.cases(p)
cat(sprintf("R %s, metafor %s, clubSandwich %s: %d replications (%d failed): univariate Egger %.3f, multilevel CR2 Egger %.3f (Monte Carlo SE at .05: %.3f)\n",
  getRversion(), packageVersion("metafor"), packageVersion("clubSandwich"), reps, sum(!ok),
  mean(p[ok, 1] < 0.05), mean(p[ok, 2] < 0.05), sqrt(0.05 * 0.95 / sum(ok))))
