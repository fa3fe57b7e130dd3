# Reference values for analysis/reliability (psych 2.2.9).
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R reliability
suppressPackageStartupMessages(library(psych))

pk <- c("psych")
num <- function(x) unname(as.numeric(x))
mat_rows <- function(m) { m <- as.matrix(m); lapply(seq_len(nrow(m)), function(i) num(m[i, ])) }

# ---- alpha ----------------------------------------------------------------
alpha_case <- function(name, x, keys = NULL, cumulative = FALSE) {
  a <- suppressWarnings(alpha(x, keys = keys, cumulative = cumulative, warnings = FALSE))
  tot <- a$total; d <- a$alpha.drop; s <- a$item.stats
  list(name = name,
       data = mat_rows(x),
       keys = if (is.null(keys)) NULL else keys,
       cumulative = cumulative,
       raw_alpha = num(tot$raw_alpha), std_alpha = num(tot$std.alpha), G6_smc = num(tot[["G6(smc)"]]),
       average_r = num(tot$average_r), S_N = num(tot[["S/N"]]), ase = num(tot$ase),
       mean = num(tot$mean), sd = num(tot$sd), median_r = num(tot$median_r), var_r = num(a$var.r),
       feldt_lower = num(a$feldt$lower.ci), feldt_upper = num(a$feldt$upper.ci),
       nvar = a$nvar,
       item_n = num(s$n), raw_r = num(s$raw.r), std_r = num(s$std.r), r_cor = num(s$r.cor),
       r_drop = num(s$r.drop), item_mean = num(s$mean), item_sd = num(s$sd),
       drop_raw_alpha = num(d$raw_alpha), drop_std_alpha = num(d$std.alpha),
       drop_G6_smc = num(d[["G6(smc)"]]), drop_average_r = num(d$average_r), drop_S_N = num(d[["S/N"]]),
       drop_ase = if (is.null(d[["alpha se"]])) NULL else num(d[["alpha se"]]),
       drop_var_r = num(d$var.r), drop_median_r = num(d$med.r))
}

bfi25 <- as.matrix(bfi[, 1:25])
set.seed(20240901)
n <- 40; f <- rnorm(n)
sim <- sapply(1:6, function(j) pmin(5, pmax(1, round(3 + 0.8 * f + rnorm(n)))))
colnames(sim) <- paste0("i", 1:6)
simNA <- sim; simNA[cbind(c(3, 7, 7, 15, 22, 30), c(1, 2, 5, 6, 3, 4))] <- NA
simNA[11, ] <- NA                      # an all-missing row
simConst <- sim[, 1:4]; simConst <- cbind(simConst, c5 = 3)   # a constant item
sim2 <- sim[, 1:2]

cases <- list(
  alpha_case("bfi_agree_A1_reversed", bfi25[, 1:5], keys = c(-1, 1, 1, 1, 1)),
  alpha_case("bfi_25", bfi25),
  alpha_case("sim_missing", simNA),
  alpha_case("sim_missing_cumulative", simNA, cumulative = TRUE),
  alpha_case("sim_constant_item", simConst),
  alpha_case("sim_two_items", sim2)
)
write_golden("reliability_alpha", list(
  call = "psych::alpha(x, keys, cumulative, warnings = FALSE); defaults use = 'pairwise', delete = TRUE",
  cases = cases), packages = pk)

# ---- ICC ------------------------------------------------------------------
icc_case <- function(name, x) {
  r <- ICC(x, lmer = FALSE)
  res <- r$results
  list(name = name, data = mat_rows(x), n_obs = r$n.obs, n_judge = r$n.judge,
       MSB = num(r$stats["MS", 1]), MSJ = num(r$stats["MS", 2]), MSE = num(r$stats["MS", 3]), MSW = num(r$MSW),
       type = res$type, icc = num(res$ICC), F = num(res$F), df1 = num(res$df1), df2 = num(res$df2),
       p = num(res$p), lower = num(res[["lower bound"]]), upper = num(res[["upper bound"]]))
}
# Shrout & Fleiss (1979) Table 2, as in the psych::ICC help page.
sf <- matrix(c(9, 2, 5, 8,
               6, 1, 3, 2,
               8, 4, 6, 8,
               7, 1, 2, 6,
               10, 5, 6, 9,
               6, 2, 4, 7), ncol = 4, byrow = TRUE)
set.seed(7)
tgt <- rnorm(30, 0, 2); rater <- c(0, 0.5, -0.3, 1, 0.2)
simR <- outer(tgt, rater, "+") + matrix(rnorm(150), 30, 5)
simR <- round(simR, 2)
simRNA <- simR; simRNA[c(4, 9, 9), c(2, 1, 5)] <- NA
icc_cases <- list(
  icc_case("shrout_fleiss_1979", sf),
  icc_case("sim_30x5", simR),
  c(icc_case("sim_na_omit", na.omit(simRNA)), list(data_with_na = mat_rows(simRNA)))
)
write_golden("reliability_icc", list(call = "psych::ICC(x, lmer = FALSE); missing rows: na.omit(x) first",
  cases = icc_cases), packages = pk)

# ---- Cohen's kappa -----------------------------------------------------------
kappa_case <- function(name, x1, x2) {
  x <- cbind(x1, x2)
  lev <- sort(unique(c(x1, x2)))   # numeric levels, as our code orders them
  L <- length(lev)
  wlin <- 1 - abs(outer(1:L, 1:L, "-")) / (L - 1)
  q <- cohen.kappa(x, levels = lev)                 # default weights: quadratic
  l <- cohen.kappa(x, w = wlin, levels = lev)
  list(name = name, r1 = x1, r2 = x2, levels = lev, n = q$n.obs,
       kappa = num(q$kappa), var_kappa = num(q$var.kappa),
       ci_kappa = num(q$confid[1, c(1, 3)]),
       quadratic = num(q$weighted.kappa), var_quadratic = num(q$var.weighted), ci_quadratic = num(q$confid[2, c(1, 3)]),
       linear = num(l$weighted.kappa), var_linear = num(l$var.weighted), ci_linear = num(l$confid[2, c(1, 3)]))
}
set.seed(11)
a1 <- sample(1:4, 80, replace = TRUE, prob = c(.1, .2, .3, .4))
a2 <- ifelse(runif(80) < .6, a1, sample(1:4, 80, replace = TRUE))
b1 <- sample(1:5, 200, replace = TRUE); b2 <- pmin(5, pmax(1, b1 + sample(-1:1, 200, replace = TRUE)))
c1 <- c(1, 1, 2, 2, 3, 3, 3, 1, 2, 3, 1, 1); c2 <- c(1, 2, 2, 2, 3, 1, 3, 1, 2, 2, 1, 1)
kcases <- list(kappa_case("sim_4cat_80", a1, a2), kappa_case("sim_5cat_200", b1, b2),
               kappa_case("small_3cat_12", c1, c2))
write_golden("reliability_kappa", list(
  call = "psych::cohen.kappa(cbind(r1, r2), w, levels); quadratic = default w; linear w = 1 - |i-j|/(L-1)",
  cases = kcases), packages = pk)
