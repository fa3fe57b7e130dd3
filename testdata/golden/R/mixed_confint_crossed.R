# Reference confidence intervals of crossed and uncorrelated lmer fits (the
# general path of analysis/mixed), from lme4 1.1-31's confint.merMod:
#   confint(m, method = "profile", level = 0.95 / 0.90), confint(m, method = "Wald"),
#   confint(m, method = "boot", nsim, boot.type = "perc")  (Penicillin only; Monte Carlo)
# and the exact roots of the same ML profile (exact_profile in
# mixed_confint_lib.R: uniroot on zeta, each point re-optimised by bobyqa).
# Data: lme4's Penicillin (as testdata/golden/mixed_kr_crossed_penicillin.csv)
# the simulated patients x raters of mixed_kr_crossed_raters.csv, and a
# simulated 5,000-row patients x raters design made below.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R mixed_confint_crossed
source(file.path(golden_dir, "R", "mixed_confint_lib.R"), local = TRUE)

pen <- read.csv(file.path(golden_dir, "mixed_kr_crossed_penicillin.csv"), stringsAsFactors = FALSE)
rat <- read.csv(file.path(golden_dir, "mixed_kr_crossed_raters.csv"), stringsAsFactors = FALSE)
# 5,000 rows: 500 patients fully crossed with 10 raters, session 1 or 2 by
# rater, y = 3 + 0.4 session + u_patient + v_rater + e (SDs 1, 0.5, 1); no
# patient slope in truth, so its SD is estimated at 0 (a boundary).
set.seed(20261206)
np <- 500; nr <- 10
u <- rnorm(np); v <- rnorm(nr, sd = 0.5)
big <- expand.grid(rater = sprintf("R%02d", 1:nr), patient = sprintf("P%03d", 1:np), stringsAsFactors = FALSE)
ri <- match(big$rater, sprintf("R%02d", 1:nr))
big$session <- 1 + (ri - 1) %% 2
big$y <- round(3 + 0.4 * big$session + u[match(big$patient, sprintf("P%03d", 1:np))] + v[ri] + rnorm(nrow(big)), 5)
cases <- list(
  rec("Penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", "(1 | plate) + (1 | sample)", pen,
      list(diameter = pen$diameter, plate = pen$plate, sample = pen$sample), boot_nsim = 2000),
  rec("raters", "y ~ x + (1 | patient) + (1 | rater)", "(1 | patient) + (1 | rater)", rat,
      list(y = rat$y, x = rat$x, patient = rat$patient, rater = rat$rater, session = rat$session)),
  rec("raters_slope", "y ~ session + (1 + session | patient) + (1 | rater)", "(1 + session | patient) + (1 | rater)", rat,
      list(y = rat$y, x = rat$x, patient = rat$patient, rater = rat$rater, session = rat$session)),
  rec("raters_uncorrelated", "y ~ session + (1 + session || patient)", "(1 + session || patient)", rat,
      list(y = rat$y, x = rat$x, patient = rat$patient, rater = rat$rater, session = rat$session)),
  rec("raters5k_uncorrelated", "y ~ session + (1 + session || patient) + (1 | rater)", "(1 + session || patient) + (1 | rater)", big,
      list(y = big$y, session = big$session, patient = big$patient, rater = big$rater)))
write_golden("mixed_confint_crossed", list(
  call = "confint(lmer(formula, data, REML = TRUE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))), method = 'profile' / 'Wald' / 'boot') per case (cases[].call), plus exact roots of the same ML profile by uniroot (testdata/golden/R/mixed_confint_crossed.R, mixed_confint_lib.R)",
  cases = cases), packages = pkgs)
