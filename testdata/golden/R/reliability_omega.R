# Reference values for McDonald's omega in analysis/reliability (psych 2.2.9
# omega / schmid / fa with fm = "minres", GPArotation oblimin).
# Sourced by testdata/golden/make_golden.R:
#     Rscript testdata/golden/make_golden.R reliability_omega
suppressPackageStartupMessages({library(psych); library(GPArotation)})

pk <- c("psych", "GPArotation")
num <- function(x) unname(as.numeric(x))
mat_rows <- function(m) { m <- as.matrix(m); lapply(seq_len(nrow(m)), function(i) I(num(m[i, ]))) }  # I(): keep 1-column rows as arrays

# omega_case runs psych::omega with its defaults (fm = "minres", rotate =
# "oblimin", option = "equal", flip = TRUE) and records every intermediate
# step: the unrotated minres loadings, the varimax loadings that schmid
# rotates, the oblimin pattern and factor correlations, the g loadings of the
# factors, the Schmid-Leiman matrix and the omega coefficients.
omega_case <- function(name, x, nfactors, dataset = NULL, n.obs = NA) {
  R <- if (isCorrelation(x)) cov2cor(as.matrix(x)) else cor(x, use = "pairwise")
  o <- suppressWarnings(suppressMessages(omega(x, nfactors = nfactors, n.obs = n.obs, plot = FALSE)))
  f0 <- suppressWarnings(suppressMessages(fa(R, nfactors, rotate = "none", fm = "minres")))
  s <- o$schmid
  out <- list(name = name, nfactors = nfactors,
       dataset = dataset,
       r = if (is.null(dataset)) mat_rows(x) else NULL,
       n_obs = if (is.na(n.obs)) NULL else n.obs,
       fa_loadings = mat_rows(f0$loadings), fa_communalities = num(f0$communalities),
       fa_objective = num(f0$criteria["objective"]),
       orthog = mat_rows(s$orthog),
       sl = mat_rows(s$sl), key = num(o$key),
       omega_h = num(o$omega_h), omega_lim = num(o$omega.lim), alpha = num(o$alpha),
       omega_tot = num(o$omega.tot), G6 = num(o$G6), ECV = num(o$ECV),
       group_total = num(o$omega.group$total), group_general = num(o$omega.group$general),
       group_group = num(o$omega.group$group))
  if (nfactors > 1) {
    # psych::fa's default (oblimin) rotation of the same minres solution.
    fo <- suppressWarnings(suppressMessages(fa(R, nfactors, fm = "minres")))
    out <- c(out, list(fa_oblimin = mat_rows(fo$loadings), fa_oblimin_phi = mat_rows(fo$Phi)))
    # The rotation alone, converged tightly from the same varimax loadings.
    tight <- GPArotation::oblimin(s$orthog, eps = 1e-8, maxit = 10000)
    out <- c(out, list(oblique = mat_rows(s$oblique), phi = mat_rows(s$phi), gloading = num(s$gloading),
                       oblimin_tight = mat_rows(tight$loadings), oblimin_tight_phi = mat_rows(tight$Phi)))
  }
  out
}

bfi25 <- as.matrix(bfi[, 1:25])
# A bifactor population: g loadings .45-.65 on 12 items, three group factors
# of four items each with loadings .35-.55.
set.seed(20240915)
nsim <- 500
gl <- round(seq(0.45, 0.65, length.out = 12), 3)
sl <- round(c(0.35, 0.45, 0.55, 0.40, 0.50, 0.38, 0.47, 0.52, 0.36, 0.44, 0.53, 0.42), 3)
G <- rnorm(nsim); S <- matrix(rnorm(nsim * 3), nsim)
grp <- rep(1:3, each = 4)
sim <- sapply(1:12, function(j) gl[j] * G + sl[j] * S[, grp[j]] +
                sqrt(1 - gl[j]^2 - sl[j]^2) * rnorm(nsim))
sim <- round(sim, 4)
colnames(sim) <- paste0("y", 1:12)

thur <- as.matrix(Thurstone)
cases <- list(
  omega_case("bfi25_nf3", bfi25, 3, dataset = "bfi25"),
  omega_case("bfi25_nf1", bfi25, 1, dataset = "bfi25"),
  omega_case("bfi25_nf5", bfi25, 5, dataset = "bfi25"),
  omega_case("thurstone_nf3", thur, 3, n.obs = 213),
  omega_case("sim_bifactor_nf3", sim, 3, dataset = "sim_bifactor"),
  omega_case("sim_bifactor_nf2", sim, 2, dataset = "sim_bifactor")
)
write_golden("reliability_omega", list(
  call = "psych::omega(x, nfactors, n.obs, plot = FALSE) (fm = 'minres', rotate = 'oblimin', option = 'equal'); fa(R, nfactors, rotate = 'none'); GPArotation::oblimin(schmid$orthog, eps = 1e-8)",
  datasets = list(bfi25 = mat_rows(bfi25), sim_bifactor = mat_rows(sim)),
  sim_population = list(g = gl, s = sl, group = grp, n = nsim, seed = 20240915),
  cases = cases), packages = pk)

# ---- 3RS workflow -------------------------------------------------------------
# Segment-level 3RS codes for hand-made sessions; the session-level
# frequencies, mean ratings and ICCs are computed here with base R
# (aggregate) and psych::ICC, the presence kappas with psych::cohen.kappa
# (two coders) and by Fleiss' (1971) formula written out (three coders).
threers_case <- function(name, d) {
  d$w_any <- (d$w_denial + d$w_minimal) > 0
  d$c_any <- (d$c_complaints + d$c_control) > 0
  d$r_any <- (d$r_clarify + d$r_invite) > 0
  agg <- function(f) tapply(f, list(d$session, d$coder), identity)
  by <- list(session = d$session, coder = d$coder)
  s <- aggregate(cbind(segments = 1, withdrawal_segments = d$w_any, confrontation_segments = d$c_any,
                       resolution_segments = d$r_any,
                       withdrawal_count = d$w_denial + d$w_minimal,
                       confrontation_count = d$c_complaints + d$c_control,
                       resolution_count = d$r_clarify + d$r_invite), by, sum)
  rm_ <- function(v) aggregate(list(v = v), by, function(x) if (all(is.na(x))) NA else mean(x, na.rm = TRUE))$v
  rn_ <- function(v) aggregate(list(v = v), by, function(x) sum(!is.na(x)))$v
  s$rating_wsig <- rm_(d$wsig); s$n_wsig <- rn_(d$wsig)
  s$rating_rsig <- rm_(d$rsig); s$n_rsig <- rn_(d$rsig)
  coders <- unique(d$coder)
  wide <- function(col) {
    m <- sapply(coders, function(cd) { x <- s[s$coder == cd, ]; x[[col]][match(sort(unique(d$session)), x$session)] })
    m[complete.cases(m), , drop = FALSE]
  }
  icc <- function(col) {
    m <- wide(col); r <- ICC(m, lmer = FALSE)$results
    list(scale = col, n = nrow(m), icc = num(r$ICC), F = num(r$F), lower = num(r[["lower bound"]]), upper = num(r[["upper bound"]]))
  }
  units <- unique(d[, c("session", "segment")])
  pres <- function(col) {
    m <- t(apply(units, 1, function(u) sapply(coders, function(cd) {
      v <- d[[col]][d$session == u[["session"]] & d$segment == as.numeric(u[["segment"]]) & d$coder == cd]
      if (length(v)) as.numeric(v) else NA })))
    m[complete.cases(m), , drop = FALSE]
  }
  kap <- function(col) {
    m <- pres(col)
    if (length(coders) == 2) {
      k <- cohen.kappa(m, levels = c(0, 1))
      list(scale = col, n = nrow(m), kappa = num(k$kappa), var = num(k$var.kappa))
    } else {
      n <- ncol(m); N <- nrow(m)
      nij <- cbind(rowSums(m == 0), rowSums(m == 1))
      pj <- colSums(nij) / (N * n); Pi <- (rowSums(nij^2) - n) / (n * (n - 1))
      list(scale = col, n = N, kappa = (mean(Pi) - sum(pj^2)) / (1 - sum(pj^2)))
    }
  }
  list(name = name, segments = d, sessions = s,
       icc = list(icc("withdrawal_segments"), icc("confrontation_segments"), icc("resolution_segments"),
                  icc("rating_rsig"), icc("rating_wsig")),
       kappa = list(kap("w_any"), kap("c_any"), kap("r_any")))
}
make_3rs <- function(seed, coders, nsess, nseg, drop = NULL) {
  set.seed(seed)
  grid <- expand.grid(segment = 1:nseg, session = sprintf("s%02d", 1:nsess), stringsAsFactors = FALSE)
  truth_w <- rbinom(nrow(grid), 1, 0.4); truth_c <- rbinom(nrow(grid), 1, 0.25); truth_r <- rbinom(nrow(grid), 1, 0.35)
  d <- do.call(rbind, lapply(coders, function(cd) {
    flip <- function(x, p) ifelse(runif(length(x)) < p, 1 - x, x)
    w <- flip(truth_w, 0.15); cc <- flip(truth_c, 0.1); r <- flip(truth_r, 0.15)
    data.frame(session = grid$session, segment = grid$segment, coder = cd,
               w_denial = w * rpois(nrow(grid), 1), w_minimal = w * rbinom(nrow(grid), 1, 0.7),
               c_complaints = cc * rbinom(nrow(grid), 2, 0.6), c_control = cc * rbinom(nrow(grid), 1, 0.5),
               r_clarify = r * rbinom(nrow(grid), 1, 0.6), r_invite = r * rbinom(nrow(grid), 1, 0.6),
               wsig = ifelse(w > 0, pmin(5, pmax(1, round(2 + 2 * truth_w + rnorm(nrow(grid), 0, 0.7)))), NA),
               rsig = pmin(5, pmax(1, round(2 + 2 * truth_r + rnorm(nrow(grid), 0, 0.7)))),
               stringsAsFactors = FALSE)
  }))
  if (!is.null(drop)) d <- d[-drop, ]
  rownames(d) <- NULL
  d
}
write_golden("reliability_3rs", list(
  call = "base R aggregate of segment codes; psych::ICC(sessions x coders, lmer = FALSE) on complete sessions; psych::cohen.kappa / Fleiss (1971) on segment presence",
  cases = list(threers_case("two_coders", make_3rs(3, c("A", "B"), 8, 6)),
               threers_case("three_coders_missing", make_3rs(4, c("A", "B", "C"), 7, 5, drop = c(3, 41))))),
  packages = pk)
