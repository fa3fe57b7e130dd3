# Shared by mixed_confint.R and mixed_confint_crossed.R: lme4's confint of a
# fitted lmer (profile, Wald, boot) and the exact roots of the same ML profile
# (exact_profile: uniroot on zeta, each point re-optimised by bobyqa).
# Sourced by those scripts; run alone it only defines the functions.
suppressPackageStartupMessages({ library(lme4); library(minqa) })

pkgs <- c("lme4", "Matrix", "minqa", "boot", "nlme")
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e6),
                    check.conv.singular = "ignore")
bctrl <- list(rhoend = 1e-12, maxfun = 1e5)

exact_profile <- function(m, data, re, level = 0.95, check = NULL) {
  z <- qnorm((1 + level) / 2)
  dd <- lme4:::devfun2(m, useSc = TRUE, signames = TRUE)
  opt <- attr(dd, "optimum"); base <- attr(dd, "basedev")
  X <- getME(m, "X"); p <- ncol(X); nvp <- length(opt) - p
  lwr <- c(pmax(m@lower, -1), 0); upr <- c(ifelse(m@lower == 0, Inf, 1), Inf)
  vp <- opt[seq_len(nvp)]
  # Each point is minimised by bobyqa from the optimum and from the solution
  # at the evaluated point nearest to it on the way from the estimate (a
  # single start from the optimum stalls on Orthodont), keeping the lower.
  walk <- new.env()
  pdev <- function(w, x) {
    f <- function(y) { par <- numeric(nvp); par[w] <- x; par[-w] <- y; dd(par) }
    st <- pmin(pmax(vp[-w], lwr[-w]), upr[-w])
    if (nvp == 2) {
      # one free parameter: optimize() on a wide bracket, then bobyqa cannot run (n = 1)
      hi <- if (is.finite(upr[-w])) upr[-w] else 20 * max(st, 1)
      o <- optimize(f, c(lwr[-w], hi), tol = 1e-13)
      return(o$objective)
    }
    key <- as.character(w); pts <- walk[[key]]
    starts <- list(st)
    if (length(pts)) {
      r <- sapply(pts, function(q) (q$x - vp[w]) / (x - vp[w]))
      ok <- which(r >= 0 & r <= 1)
      if (length(ok)) starts[[2]] <- pts[[ok[which.max(r[ok])]]]$par
    }
    best <- NULL
    for (s0 in starts) {
      o <- bobyqa(s0, f, lower = lwr[-w], upper = upr[-w], control = bctrl)
      if (is.null(best) || o$fval < best$fval) best <- o
    }
    walk[[key]] <- c(pts, list(list(x = x, par = best$par)))
    best$fval
  }
  y <- model.response(model.frame(m))
  fdev <- function(j, b) {
    dat <- data
    dat$.Xd <- X[, -j, drop = FALSE]
    dat$.off <- X[, j] * b
    f <- if (p > 1) paste(".y ~ 0 + .Xd +", re) else paste(".y ~ 0 +", re)
    dat$.y <- y
    deviance(lmer(as.formula(f), data = dat, REML = FALSE, offset = .off, control = ctrl))
  }
  zeta <- function(k, x) {
    dv <- if (k <= nvp) pdev(k, x) else fdev(k - nvp, x)
    sign(x - opt[k]) * sqrt(max(0, dv - base))
  }
  se <- c(rep(NA, nvp), sqrt(diag(as.matrix(vcov(m)))))  # REML se: only a step for the bracket
  out <- lapply(seq_along(opt), function(k) {
    lim <- c(NA, NA)
    for (s in 1:2) {
      tgt <- c(-z, z)[s]
      bound <- if (k <= nvp) c(lwr[k], upr[k])[s] else c(-Inf, Inf)[s]
      az <- function(x) { v <- zeta(k, x); if (is.na(v)) Inf else abs(v) }  # NA (sigma = 0): beyond the limit
      # never evaluate sigma = 0: a NaN deviance corrupts the state lme4 keeps between calls
      if (is.finite(bound) && !(k == nvp && s == 1) && az(bound) < z) { lim[s] <- bound; next }
      step <- if (k <= nvp) 0.5 * max(abs(opt[k]), 0.05) else 2 * se[k]
      a <- opt[k]; b <- opt[k] + c(-1, 1)[s] * step
      inside <- function(x) !is.finite(bound) || (if (s == 1) x > bound else x < bound)
      if (!inside(b)) b <- (a + bound) / 2
      while (az(b) < z) { a <- b; b <- opt[k] + 2 * (b - opt[k]); if (!inside(b)) b <- (a + bound) / 2 }
      lim[s] <- uniroot(function(x) zeta(k, x) - tgt, sort(c(a, b)), tol = 1e-11)$root
    }
    lim
  })
  res <- list(parm = names(opt), estimate = unname(opt), deviance_ml = base,
       lower = sapply(out, `[`, 1), upper = sapply(out, `[`, 2))
  if (!is.null(check)) {
    # zeta of the exact profile at lme4's spline limits (NA at a bound): far
    # from -z / z where lme4's own profile failed
    zc <- function(k, x) if (!is.finite(x) || (k <= nvp && (x <= lwr[k] || x >= upr[k]))) NA else zeta(k, x)
    res$zeta_at_lme4_lower <- sapply(seq_along(opt), function(k) zc(k, check$lower[k]))
    res$zeta_at_lme4_upper <- sapply(seq_along(opt), function(k) zc(k, check$upper[k]))
  }
  res
}

rec <- function(name, formula, re, data, data_list, boot_nsim = 0) {
  # do.call puts the data and control in the call, which bootMer evaluates again
  m <- do.call(lmer, list(formula = as.formula(formula), data = data, REML = TRUE, control = ctrl))
  pr <- confint(m, method = "profile", level = 0.95, oldNames = TRUE, quiet = TRUE)
  pr90 <- confint(m, method = "profile", level = 0.90, oldNames = TRUE, quiet = TRUE)
  wd <- confint(m, method = "Wald", level = 0.95, quiet = TRUE)
  nm <- c(lme4:::profnames(m, signames = FALSE, useSc = TRUE), colnames(getME(m, "X")))
  ex <- exact_profile(m, data, re, check = list(lower = unname(pr[, 1]), upper = unname(pr[, 2])))
  ex90 <- exact_profile(m, data, re, 0.90)
  out <- list(name = name, formula = formula, REML = TRUE, data = data_list,
    call = sprintf("confint(lmer(%s, data = %s, REML = TRUE, control = ctrl), method = \"profile\", level = 0.95 / 0.90); confint(m, method = \"Wald\")", formula, name),
    parm = rownames(pr), names = unname(nm),
    profile = list(lower = unname(pr[, 1]), upper = unname(pr[, 2])),
    profile90 = list(lower = unname(pr90[, 1]), upper = unname(pr90[, 2])),
    exact = ex, exact90 = ex90[c("lower", "upper")],
    wald = list(lower = unname(wd[, 1]), upper = unname(wd[, 2])))
  if (boot_nsim > 0) {
    set.seed(20261205)
    t0 <- proc.time()
    bt <- confint(m, method = "boot", nsim = boot_nsim, boot.type = "perc", level = 0.95, quiet = TRUE)
    out$boot <- list(nsim = boot_nsim, seed = 20261205, lower = unname(bt[, 1]), upper = unname(bt[, 2]),
      call = sprintf("set.seed(20261205); confint(m, method = \"boot\", nsim = %d, boot.type = \"perc\")", boot_nsim),
      seconds = unname((proc.time() - t0)[3]))
  }
  out
}

