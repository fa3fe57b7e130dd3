# Satterthwaite df of a fit whose therapist variance is close to 0 (issue 17:
# the stage-1 gap of 'alliance ipd' on the 300,000-row benchmark).
# Sourced by testdata/golden/make_golden.R:
#     Rscript testdata/golden/make_golden.R mixed_boundary
#
# Data: testdata/golden/mixed_boundary_s16.csv, study S16 of
#     alliance simulate sessions --studies 50 --patients 500 --min-sessions 12 --max-sessions 12 \
#         --missing-rate 0 --therapists 20 --seed 17
# (docs/ipd-benchmark.md), the study column dropped. The derived columns are
# those of 'alliance ipd' (therapist-mean centring, next session's outcome),
# written here in base R.
#
# Model: lmerTest::lmer(outcome_next ~ alliance_within + alliance_patient +
# alliance_therapist + outcome + session + (1 | therapist/patient), REML).
# theta = (patient:therapist, therapist) is (1.527, 0.022): the therapist SD is
# 1.4 % of the residual SD but not 0, and the REML criterion is flat along it.
#
# Recorded:
#   lmertest: summary(m) df at lme4's optimum (bobyqa, rhoend 1e-12), theta,
#     sigma, logLik, and the Hessian numDeriv::hessian(lmerTest:::devfun_vp)
#     that lmerTest inverts (A = 2 H^-1, eigenvalues > 1e-8);
#   exact: the same df with the Hessian of the REML deviance in (theta, sigma)
#     and the derivatives of vcov(beta) in closed form (below, with
#     Sigma = I + Z Lambda Lambda' Z', P = Sigma^-1 - Sigma^-1 X (X' Sigma^-1 X)^-1 X' Sigma^-1):
#       d2D/dth_j dth_k = tr(P S_jk) - tr(P S_j P S_k) + (2 y'P S_j P S_k P y - y'P S_jk P y) / sigma^2
#       d2D/dth_j dsigma = 2 y'P S_j P y / sigma^3,  d2D/dsigma2 = 6 y'Py / sigma^4 - 2 (n - p) / sigma^2
#       dV/dth_j = sigma^2 M X' Sigma^-1 S_j Sigma^-1 X M,  dV/dsigma = 2 sigma M,  M = (X' Sigma^-1 X)^-1
#     (S_j = dSigma/dth_j = 2 th_j Z_j Z_j', computed through Z' P Z), at lme4's
#     optimum and at the optimum polished by Newton steps on the profiled REML
#     deviance with the same closed-form gradient and Hessian;
#   lmertest_at_polished: lmerTest's own recipe (numDeriv hessian of devfun_vp,
#     jacobian of get_covbeta, 2 H^-1) evaluated at the polished optimum;
#   numderiv_d: lmerTest's df at lme4's optimum with numDeriv's d = 1e-3, 1e-5
#     instead of 1e-4, to show how far its own value moves with the step.
suppressPackageStartupMessages({ library(lme4); library(lmerTest); library(Matrix); library(numDeriv) })

pkgs <- c("lme4", "lmerTest", "Matrix", "numDeriv")
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e6),
                    check.conv.singular = "ignore")

d <- read.csv(file.path(golden_dir, "mixed_boundary_s16.csv"))
key <- paste(d$therapist, d$patient)
pm <- ave(d$alliance, key, FUN = mean)
d$alliance_within <- d$alliance - pm
pl <- tapply(d$alliance, key, mean); th <- tapply(d$therapist, key, function(z) z[1])
tm <- tapply(pl, th, mean)
d$alliance_therapist <- as.vector(tm[as.character(d$therapist)])
d$alliance_patient <- pm - d$alliance_therapist
d$outcome_next <- d$outcome[match(paste(key, d$session + 1), paste(key, d$session))]

formula <- "outcome_next ~ alliance_within + alliance_patient + alliance_therapist + outcome + session + (1 | therapist/patient)"
m <- lmerTest::lmer(as.formula(formula), data = d, REML = TRUE, control = ctrl)
devfun <- update(m, devFunOnly = TRUE)

X <- getME(m, "X"); y <- getME(m, "y"); n <- nrow(X); p <- ncol(X)
Zs <- lapply(getME(m, "Ztlist"), function(z) t(z))  # lme4's theta order
Z <- do.call(cbind, Zs); idx <- rep(seq_along(Zs), sapply(Zs, ncol)); nth <- length(Zs)

# closed-form pieces at theta (sigma given or profiled)
pieces <- function(theta) {
  lam <- theta[idx]
  G <- Diagonal(x = lam) %*% crossprod(Z) %*% Diagonal(x = lam) + Diagonal(ncol(Z))
  Sinv <- function(A) { A <- as.matrix(A); A - as.matrix(Z %*% (lam * solve(G, lam * as.matrix(crossprod(Z, A))))) }
  SX <- Sinv(X); M <- solve(crossprod(X, SX)); SZ <- Sinv(Z); Sy <- Sinv(y)
  PZ <- SZ - SX %*% M %*% crossprod(X, SZ)
  Py <- Sy - SX %*% M %*% crossprod(X, Sy)
  list(M = M, ZPZ = as.matrix(crossprod(Z, PZ)), ZPy = as.vector(crossprod(Z, Py)),
       yPy = sum(y * Py), XSZ = as.matrix(crossprod(SX, Z)),
       Dj = lapply(1:nth, function(j) 2 * theta[j] * (idx == j)),
       Djj = lapply(1:nth, function(j) 2 * (idx == j)))
}
hess_theta <- function(P, s) {  # unprofiled REML deviance, (theta, sigma)
  k <- nth + 1; H <- matrix(0, k, k)
  for (j in 1:nth) for (l in 1:nth) {
    t1 <- if (j == l) sum(diag(P$ZPZ) * P$Djj[[j]]) else 0
    t2 <- sum((P$ZPZ * P$Dj[[j]]) * t(P$ZPZ * P$Dj[[l]]))
    q1 <- 2 * sum((P$ZPy * P$Dj[[j]]) * (P$ZPZ %*% (P$Dj[[l]] * P$ZPy)))
    q2 <- if (j == l) sum(P$ZPy^2 * P$Djj[[j]]) else 0
    H[j, l] <- t1 - t2 + (q1 - q2) / s^2
  }
  for (j in 1:nth) H[j, k] <- H[k, j] <- 2 * sum(P$ZPy^2 * P$Dj[[j]]) / s^3
  H[k, k] <- 6 * P$yPy / s^4 - 2 * (n - p) / s^2
  H
}
satt <- function(H, J, V) {
  e <- eigen(H, symmetric = TRUE); pos <- e$values > 1e-8
  A <- 2 * e$vectors[, pos, drop = FALSE] %*% diag(1 / e$values[pos], sum(pos)) %*% t(e$vectors[, pos, drop = FALSE])
  sapply(1:p, function(i) { g <- sapply(J, function(Jj) Jj[i, i]); 2 * V[i, i]^2 / sum(g * (A %*% g)) })
}
exact_df <- function(vp) {
  theta <- vp[1:nth]; s <- vp[nth + 1]; P <- pieces(theta)
  J <- lapply(1:nth, function(j) s^2 * P$M %*% (P$XSZ %*% (P$Dj[[j]] * t(P$XSZ))) %*% P$M)
  J[[nth + 1]] <- 2 * s * P$M
  H <- hess_theta(P, s)
  list(H = H, df = satt(H, J, s^2 * P$M))
}
lmertest_df <- function(vp, args = list()) {
  H <- numDeriv::hessian(lmerTest:::devfun_vp, vp, devfun = devfun, reml = TRUE, method.args = args)
  Jac <- numDeriv::jacobian(lmerTest:::get_covbeta, vp, devfun = devfun, method.args = args)
  J <- lapply(1:ncol(Jac), function(i) matrix(Jac[, i], p, p))
  list(H = H, df = satt(H, J, lmerTest:::get_covbeta(vp, devfun)))
}
# Newton on the profiled REML deviance: gradient tr(P S_j) - (n - p) y'P S_j P y / y'Py,
# Hessian the Schur complement of the (theta, sigma) Hessian at sigma^2 = y'Py / (n - p).
polish <- function(theta, steps = 6) {
  for (it in 1:steps) {
    P <- pieces(theta); s <- sqrt(P$yPy / (n - p))
    g <- sapply(1:nth, function(j) sum(diag(P$ZPZ) * P$Dj[[j]]) - (n - p) * sum(P$ZPy^2 * P$Dj[[j]]) / P$yPy)
    H <- hess_theta(P, s); k <- nth + 1
    Hp <- H[1:nth, 1:nth] - H[1:nth, k, drop = FALSE] %*% H[k, 1:nth, drop = FALSE] / H[k, k]
    theta <- theta - as.vector(solve(Hp, g))
  }
  P <- pieces(theta)
  list(theta = theta, sigma = sqrt(P$yPy / (n - p)),
       grad = sapply(1:nth, function(j) sum(diag(P$ZPZ) * P$Dj[[j]]) - (n - p) * sum(P$ZPy^2 * P$Dj[[j]]) / P$yPy))
}

vp <- unname(c(getME(m, "theta"), sigma(m)))
lt <- lmertest_df(vp)
ex <- exact_df(vp)
po <- polish(vp[1:nth])
vpp <- c(po$theta, po$sigma)
expo <- exact_df(vpp)
ltpo <- lmertest_df(vpp)
cf <- summary(m)$coefficients
write_golden("mixed_boundary", list(
  call = sprintf("m <- lmerTest::lmer(%s, data = d, REML = TRUE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))); summary(m)$coefficients[, 'df']; closed-form Satterthwaite df and lmerTest's numDeriv recipe (lmerTest:::devfun_vp, get_covbeta) at lme4's and at the polished optimum (testdata/golden/R/mixed_boundary.R)", formula),
  formula = formula, data_file = "mixed_boundary_s16.csv", nobs = n,
  names = rownames(cf), estimate = unname(cf[, "Estimate"]), se = unname(cf[, "Std. Error"]),
  lmertest = list(df = unname(cf[, "df"]), theta = vp[1:nth], sigma = vp[nth + 1],
                  logLik = as.numeric(logLik(m)), hessian = lt$H),
  exact = list(df = ex$df, hessian = ex$H),
  polished = list(theta = po$theta, sigma = po$sigma, gradient = po$grad,
                  logLik = -lmerTest:::devfun_vp(vpp, devfun, TRUE) / 2,
                  exact_df = expo$df, exact_hessian = expo$H),
  lmertest_at_polished = list(df = ltpo$df, hessian = ltpo$H),
  numderiv_d = list(d = c(1e-3, 1e-5), df = list(lmertest_df(vp, list(d = 1e-3))$df, lmertest_df(vp, list(d = 1e-5))$df))
), packages = pkgs)
