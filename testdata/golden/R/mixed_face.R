# REML optima of a random intercept and slope on data without slope
# variance, where the search from theta = 1 can stop on the face
# theta = (0, t, 0) (intercept variance 0) several REML units above the
# optimum (analysis/mixed/face.go). Sourced by testdata/golden/make_golden.R:
#     Rscript testdata/golden/make_golden.R mixed_face
#
# Data: testdata/golden/mixed_face_s<seed>.csv, 40 patients x 5 sessions,
# y = 3 + u_patient - 0.5 session + 2 e (u, e standard normal), written by
# the test helper zeroSlope(seed) of analysis/mixed/face_test.go for the
# seeds below (those where the first search stopped on the face).
#
# Recorded per seed: lme4's theta, sigma, REMLcrit and fixed effects with
# bobyqa run to rhoend = 1e-12 (with lme4's default control, seed 17 stops
# on the face too, at REMLcrit 851.0184 against 847.5942).
suppressPackageStartupMessages(library(lme4))

ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e6),
                    check.conv.singular = "ignore")
fits <- list()
for (s in c(6, 17, 22, 102, 184, 208)) {
  d <- read.csv(file.path(golden_dir, sprintf("mixed_face_s%d.csv", s)))
  m <- lmer(y ~ session + (1 + session | patient), data = d, REML = TRUE, control = ctrl)
  fits[[length(fits) + 1]] <- list(seed = s, theta = unname(getME(m, "theta")), sigma = sigma(m),
                                   REMLcrit = REMLcrit(m), fixed = unname(fixef(m)))
}
write_golden("mixed_face", list(
  call = "lme4::lmer(y ~ session + (1 + session | patient), data = d, REML = TRUE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))); getME(m, 'theta'), sigma(m), REMLcrit(m), fixef(m) (testdata/golden/R/mixed_face.R)",
  fits = fits), packages = c("lme4", "Matrix"))
