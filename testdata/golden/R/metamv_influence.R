# Reference values for analysis/metamv Influence (case and cluster deletion
# diagnostics of the three-level model) and the multilevel I², metafor 3.8-1.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R metamv_influence
suppressPackageStartupMessages({ library(metafor); library(metadat) })
ctrl <- list(rel.tol = 1e-11, iter.max = 1000, eval.max = 2000)

fit <- function(dat, V, mods, test, subset = NULL) {
  args <- list(yi = quote(yi), V = V, random = ~ 1 | outer/inner, data = dat, test = test, control = ctrl)
  if (!is.null(mods)) args$mods <- mods
  if (!is.null(subset)) args$subset <- subset
  m <- try(do.call(rma.mv, args), silent = TRUE)
  if (inherits(m, "try-error")) { args$control$rel.tol <- 1e-10; m <- do.call(rma.mv, args) }
  m
}

# I² per level as the metafor FAQ ("I^2 for multilevel and multivariate
# models"; Nakagawa & Santos 2012): P = W − W X (X'WX)⁻¹ X'W, W = V⁻¹, the
# typical sampling variance (k − p)/tr(P); and Cheung (2014) with
# ṽ = (k − 1)Σw/((Σw)² − Σw²), w = 1/vᵢ (dmetar's var.comp).
i2 <- function(m, vi) {
  W <- solve(m$V); X <- model.matrix(m)
  P <- W - W %*% X %*% solve(t(X) %*% W %*% X) %*% t(X) %*% W
  vt <- (m$k - m$p) / sum(diag(P))
  w <- 1 / vi; vc <- (length(vi) - 1) * sum(w) / (sum(w)^2 - sum(w^2))
  list(typical_v = vt, I2 = 100 * sum(m$sigma2) / (sum(m$sigma2) + vt), I2_levels = 100 * m$sigma2 / (sum(m$sigma2) + vt),
       cheung = list(typical_v = vc, I2_level2 = 100 * m$sigma2[2] / (vc + sum(m$sigma2)), I2_level3 = 100 * m$sigma2[1] / (vc + sum(m$sigma2))))
}

one <- function(name, dat, rho, mods, test) {
  V <- if (rho == 0) dat$vi else vcalc(vi, cluster = outer, obs = inner, rho = rho, data = dat)
  m <- fit(dat, V, mods, test)
  ids <- unique(dat$outer)
  diag <- function(m) {
    t0 <- proc.time()[3]
    r <- list(cdc = cooks.distance(m, cluster = outer)[ids],          # cluster level (metafor orders by id; back to first appearance)
              dfc = as.matrix(dfbetas(m, cluster = outer))[ids, , drop = FALSE],
              cde = unname(cooks.distance(m)),                         # effect level
              dfe = unname(as.matrix(dfbetas(m))))
    r$secs <- unname(proc.time()[3] - t0)
    r
  }
  d <- diag(m)
  # a refit that nlminb cannot finish at rel.tol 1e-11 is NA in metafor: then all at its default 1e-10
  if (anyNA(unlist(d[1:4]))) { m$control$rel.tol <- 1e-10; d <- diag(m) }
  if (anyNA(unlist(d[1:4]))) stop(name, ": a refit of cooks.distance/dfbetas failed")
  cdc <- d$cdc; dfc <- d$dfc; cde <- d$cde; dfe <- d$dfe; secs <- d$secs
  loo <- lapply(ids, function(id) {
    r <- fit(dat, V, mods, test, subset = dat$outer != id)
    list(cluster = id, k = r$k, estimate = unname(c(r$beta)), se = r$se, statistic = r$zval, p = r$pval,
         ci_lb = r$ci.lb, ci_ub = r$ci.ub, sigma2 = r$sigma2, logLik = as.numeric(logLik(r)))
  })
  list(name = name, rho = rho, test = test, rel_tol = if (is.null(m$control$rel.tol)) 1e-11 else m$control$rel.tol, mods = if (is.null(mods)) NULL else deparse(mods),
       sigma2 = m$sigma2, logLik = as.numeric(logLik(m)), beta = unname(c(m$beta)),
       hat = unname(hatvalues(m)),
       cook_d_cluster = unname(cdc), dfbetas_cluster = unname(dfc),
       cook_d = cde, dfbetas = dfe, leave1out = loo, metafor_seconds = secs,
       i2 = i2(m, dat$vi))
}

k11 <- dat.konstantopoulos2011
kd <- data.frame(yi = k11$yi, vi = k11$vi, outer = as.character(k11$district), inner = as.character(k11$school),
                 x = k11$year - 1990)

# simulated CHE data: effects within studies, sampling errors correlated .6
set.seed(20261204)
J <- 30
m <- sample(1:6, J, replace = TRUE)
outer <- rep(sprintf("s%02d", 1:J), m)
inner <- unlist(lapply(m, function(mj) sprintf("e%d", seq_len(mj))))
n <- rep(round(exp(runif(J, log(30), log(300)))), m)
vi <- 1 / (n - 3)
x <- round(rnorm(length(vi)), 3)
k <- length(vi)
R <- diag(k); for (s in unique(outer)) { ix <- which(outer == s); R[ix, ix] <- 0.6; diag(R)[ix] <- 1 }
e <- c(t(chol(R * sqrt(vi %o% vi))) %*% rnorm(k))
yi <- 0.25 + 0.05 * x + rep(rnorm(J, 0, sqrt(0.02)), m) + rnorm(k, 0, sqrt(0.01)) + e
sd <- data.frame(yi = round(yi, 6), vi = vi, outer = outer, inner = inner, x = x)

out <- list(
  call = paste("res <- rma.mv(yi, V, mods, random = ~ 1 | outer/inner, data = dat, test = test, control = list(rel.tol = 1e-11));",
               "V = vi, or vcalc(vi, cluster = outer, obs = inner, rho = 0.6, data = dat);",
               "cooks.distance(res, cluster = outer); dfbetas(res, cluster = outer); cooks.distance(res); dfbetas(res); hatvalues(res);",
               "leave one cluster out: rma.mv(..., subset = outer != id);",
               "I2 (metafor FAQ): W <- solve(res$V); P <- W - W X (X'WX)^-1 X'W; 100 * sigma2 / (sum(sigma2) + (k - p) / tr(P));",
               "Cheung (2014): vt = (k - 1) sum(w) / (sum(w)^2 - sum(w^2)), w = 1/vi;",
               "data: metadat dat.konstantopoulos2011 (district/school; x = year - 1990) and a simulated CHE dataset (set.seed(20261204), script testdata/golden/R/metamv_influence.R)"),
  konstantopoulos = list(data = as.list(kd), fits = list(one("intercept", kd, 0, NULL, "z"), one("year-t", kd, 0, ~ x, "t"))),
  che = list(data = as.list(sd), fits = list(one("rho.6", sd, 0.6, NULL, "z"), one("rho.6-x", sd, 0.6, ~ x, "z")))
)
write_golden("metamv_influence", out, packages = c("metafor", "metadat"))
