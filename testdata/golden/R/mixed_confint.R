# Reference confidence intervals of the variance components and fixed effects of
# linear mixed models, from lme4 1.1-31's confint.merMod:
#   confint(m, method = "profile", level = 0.95)   (spline through the profile)
#   confint(m, method = "Wald")                    (fixed effects)
#   confint(m, method = "boot", nsim, boot.type = "perc")  (sleepstudy only; Monte Carlo)
# and the exact limits of the same profile: uniroot (tol 1e-11) on
#   zeta(x) = sign(x - x_hat) * sqrt(min_{others} D(x, others) - D_min),
# D lme4's ML deviance in the SD / correlation / sigma parameters (lme4:::devfun2,
# which refits by ML as profile() does), minimised over the other parameters by
# bobyqa (rhoend 1e-12), and for a fixed effect b_j the ML deviance of the model
# refitted with x_j b_j as offset (the profile lme4 computes, without the spline).
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R mixed_confint
suppressPackageStartupMessages({ library(lme4); library(minqa) })

source(file.path(golden_dir, "R", "mixed_confint_lib.R"), local = TRUE)

dy <- as.data.frame(lme4::Dyestuff); dy$Batch <- as.character(dy$Batch)
dy2 <- as.data.frame(lme4::Dyestuff2); dy2$Batch <- as.character(dy2$Batch)
ss <- as.data.frame(lme4::sleepstudy); ss$Subject <- as.character(ss$Subject)
# Orthodont: lme4's profile of sigma fails (confint gives [1.3075, 1.3242] around
# sigma = 1.3100), and so does the bobyqa reference here (its "root" is the
# estimate): devfun2 at (sd 2.560111838866, cor -0.679500666575, sd 0.244954570594,
# sigma 1.2) is only 0.88217 above the ML deviance, so sigma = 1.2 lies inside the
# 95% interval. The Go test accepts a root off R's only where its own profile,
# walked to R's root, is well inside +-z there.
orth <- as.data.frame(nlme::Orthodont); orth$Subject <- as.character(orth$Subject)
# A random slope at the boundary: its SD's lower limit is 0 and the
# correlation's interval is [-1, 1] (both bounds reported as lme4 does).
set.seed(2)
cb <- expand.grid(x = 0:5, g = 1:12)
cb$y <- 1 + rnorm(12)[cb$g] + 0.3 * cb$x + rnorm(nrow(cb))
cb$g <- paste0("g", sprintf("%02d", cb$g))
nd <- jsonlite::fromJSON(file.path(golden_dir, "mixed_nested.json"))$data
ndf <- as.data.frame(nd, stringsAsFactors = FALSE)

cases <- list(
  rec("Dyestuff", "Yield ~ 1 + (1 | Batch)", "(1 | Batch)", dy, list(Yield = dy$Yield, Batch = dy$Batch)),
  rec("Dyestuff2", "Yield ~ 1 + (1 | Batch)", "(1 | Batch)", dy2, list(Yield = dy2$Yield, Batch = dy2$Batch)),
  rec("sleepstudy", "Reaction ~ Days + (Days | Subject)", "(Days | Subject)", ss,
      list(Reaction = ss$Reaction, Days = ss$Days, Subject = ss$Subject), boot_nsim = 1000),
  rec("nested", "y ~ x + (1 | therapist/patient)", "(1 | therapist/patient)", ndf, nd),
  rec("Orthodont", "distance ~ age + (age | Subject)", "(age | Subject)", orth,
      list(distance = orth$distance, age = orth$age, Subject = orth$Subject)),
  rec("slope_boundary", "y ~ x + (x | g)", "(x | g)", cb, list(y = cb$y, x = cb$x, g = cb$g)))
write_golden("mixed_confint", list(
  call = "confint(lmer(formula, data, REML = TRUE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))), method = 'profile' / 'Wald' / 'boot') per case (cases[].call), plus exact roots of the same ML profile by uniroot (testdata/golden/R/mixed_confint.R)",
  cases = cases), packages = pkgs)
