# Reference Kenward–Roger inference on the general (crossed / uncorrelated)
# random-effects structures of analysis/mixed: pbkrtest 0.5.2 through
# lmerTest 3.1-3 on lme4 1.1-31 —
#   coef(summary(m, ddf = "Kenward-Roger"))           (adjusted SE, KR df)
#   anova(m, type = 3, ddf = "Kenward-Roger")         (KRmodcomp: scaled F, ddf)
#   pbkrtest::vcovAdj(m)                              (the adjusted covariance Φ_A)
# on lme4's Penicillin (24 plates × 6 samples, fully crossed) with two
# simulated covariates, a simulated partially crossed patients × raters
# design (40 patients × 6 raters, a numeric x and a 3-level arm) and a
# simulated random intercept and slope without correlation (1 + x || patient).
# The rows are written to testdata/golden/mixed_kr_crossed_<data>.csv.
#
# Every fit is lmerTest::lmer(formula, data, REML = TRUE, control = bobyqa
# with rhoend = 1e-12), then θ is polished by Newton steps on lme4's profiled
# REML deviance (numDeriv), and lmerTest's lmer is evaluated at the polished θ
# without optimising (optimizer = NULL; polished_lmer in R/mixed_polish_lib.R), so that the
# variance parameters pbkrtest works from sit at the optimum.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R mixed_kr_crossed
suppressPackageStartupMessages({ library(lme4); library(lmerTest); library(pbkrtest) })

pkgs <- c("lme4", "lmerTest", "pbkrtest", "Matrix", "numDeriv")
ctrl_txt <- "lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))"

source(file.path(golden_dir, "R", "mixed_polish_lib.R"), local = TRUE)

fit_case <- function(formula, data, data_name, anova = TRUE) {
  pm <- polished_lmer(formula, data, REML = TRUE)
  m <- pm$m
  cs <- coef(summary(m, ddf = "Kenward-Roger"))
  a3 <- if (anova) {
    a <- anova(m, type = 3, ddf = "Kenward-Roger")
    lapply(seq_len(nrow(a)), function(i) list(
      term = rownames(a)[i], sum_sq = a[["Sum Sq"]][i], mean_sq = a[["Mean Sq"]][i],
      num_df = a$NumDF[i], den_df = a$DenDF[i], F = a[["F value"]][i], p = a[["Pr(>F)"]][i]))
  } else list()
  vc <- as.data.frame(VarCorr(m), order = "lower.tri")
  list(formula = formula, data = data_name,
       call = sprintf("m <- lmerTest::lmer(%s, data = read.csv('testdata/golden/mixed_kr_crossed_%s.csv'), REML = TRUE, control = %s), θ polished (Newton, numDeriv), refitted with optimizer = NULL at it; coef(summary(m, ddf = \"Kenward-Roger\")); anova(m, type = 3, ddf = \"Kenward-Roger\"); pbkrtest::vcovAdj(m)", formula, data_name, ctrl_txt),
       logLik = as.numeric(logLik(m)), theta = unname(getME(m, "theta")),
       deviance_gradient = pm$grad,
       variance = vc$vcov, residual_variance = sigma(m)^2,
       names = rownames(cs), estimate = unname(cs[, "Estimate"]), se = unname(cs[, "Std. Error"]),
       df = unname(cs[, "df"]), statistic = unname(cs[, "t value"]), p = unname(cs[, "Pr(>|t|)"]),
       vcov = unname(as.matrix(vcov(m))),
       vcov_adj = unname(as.matrix(pbkrtest::vcovAdj(m))),
       anova3 = a3)
}

save_csv <- function(d, name) {
  write.csv(d, file.path(golden_dir, sprintf("mixed_kr_crossed_%s.csv", name)), row.names = FALSE)
  read.csv(file.path(golden_dir, sprintf("mixed_kr_crossed_%s.csv", name)), stringsAsFactors = FALSE)
}

# --- (a) lme4's Penicillin, with a row-level x and a plate-level z (simulated) ---
set.seed(20260514)
pen <- as.data.frame(lme4::Penicillin)
pen$plate <- as.character(pen$plate); pen$sample <- as.character(pen$sample)
pen$x <- round(rnorm(nrow(pen)), 3)
zp <- setNames(round(rnorm(24), 3), sort(unique(pen$plate)))
pen$z <- unname(zp[pen$plate])
pen <- save_csv(pen[, c("diameter", "plate", "sample", "x", "z")], "penicillin")

# --- (b) simulated patients × raters, partially crossed ---------------------------
set.seed(20260515)
npat <- 40; nrat <- 6
rows <- do.call(rbind, lapply(1:npat, function(p) {
  r <- sample(nrat, sample(3:4, 1))       # each patient rated by 3 or 4 of the 6 raters
  expand.grid(patient = p, rater = r, session = 1:2)
}))
arm <- c("control", "cbt", "pdt")[(seq_len(npat) %% 3) + 1]
rows$arm <- arm[rows$patient]
rows$x <- round(rnorm(nrow(rows)), 3)
up <- rnorm(npat, 0, 1.1); sp <- rnorm(npat, 0, 0.5); ur <- rnorm(nrat, 0, 0.8)
eff <- c(control = 0, cbt = 0.8, pdt = 0.4)
rows$y <- round(3 + 0.5 * rows$x + eff[rows$arm] + up[rows$patient] + sp[rows$patient] * rows$x +
                ur[rows$rater] + rnorm(nrow(rows), 0, 1), 4)
rows <- rows[-sample(nrow(rows), 25), ]  # unbalanced
rows$form <- sprintf("F%d", sample(5, nrow(rows), TRUE))
rows$y3 <- round(rows$y + c(-0.7, 0.3, 0.9, -0.4, 0.1)[as.integer(substr(rows$form, 2, 2))], 4)
rows$patient <- sprintf("P%02d", rows$patient); rows$rater <- sprintf("R%d", rows$rater)
rat <- save_csv(rows[, c("y", "y3", "x", "arm", "patient", "rater", "form", "session")], "raters")

# --- (c) simulated uncorrelated random intercept and slope -------------------------
set.seed(20260516)
ng <- 30; nper <- 8
sl <- expand.grid(obs = 1:nper, patient = 1:ng)
sl$x <- round(rnorm(nrow(sl), 0, 1.2), 3)
b0 <- rnorm(ng, 0, 1); b1 <- rnorm(ng, 0, 0.6)
sl$y <- round(1 + 0.4 * sl$x + b0[sl$patient] + b1[sl$patient] * sl$x + rnorm(nrow(sl), 0, 0.7), 4)
sl <- sl[-sample(nrow(sl), 20), ]
sl$patient <- sprintf("P%02d", sl$patient)
sl <- save_csv(sl[, c("y", "x", "patient")], "slopes")

fits <- list(
  fit_case("diameter ~ 1 + (1 | plate) + (1 | sample)", pen, "penicillin", anova = FALSE),
  fit_case("diameter ~ x + z + (1 | plate) + (1 | sample)", pen, "penicillin"),
  fit_case("y ~ x + arm + (1 | patient) + (1 | rater)", rat, "raters"),
  fit_case("y ~ x + arm + (1 + x | patient) + (1 | rater)", rat, "raters"),
  fit_case("y3 ~ x + arm + (1 | patient) + (1 | rater) + (1 | form)", rat, "raters"),
  fit_case("y ~ x + (1 + x || patient)", sl, "slopes"),
  fit_case("y ~ x + (1 | patient) + (0 + x | patient)", sl, "slopes"))

write_golden("mixed_kr_crossed", list(
  call = "m <- lmerTest::lmer(f, data, REML = TRUE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))), θ polished by Newton steps on the profiled deviance (numDeriv) and refitted at it with optimizer = NULL; coef(summary(m, ddf = 'Kenward-Roger')); anova(m, type = 3, ddf = 'Kenward-Roger'); pbkrtest::vcovAdj(m) — each fit records its call and data (testdata/golden/mixed_kr_crossed_<data>.csv)",
  fits = fits), packages = pkgs)
