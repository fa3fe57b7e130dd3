# Reference values for the CR2 stage 2 of alliance ipd --robust (analysis/workflow TestIPDRobustGolden):
# the R code IPDRun.Steps prints for "alliance ipd analysis/workflow/testdata/ipd_robust.csv --robust trial
# --no-one-stage", with lmer run to its optimum (bobyqa, rhoend 1e-12) and the CR2 numbers collected.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R ipd_robust
library(lme4); library(lmerTest); library(metafor)
d <- read.csv("analysis/workflow/testdata/ipd_robust.csv")
d$study <- as.character(d[["study"]])
derive <- function(d) {
  key <- paste(d$therapist, d$patient)
  pm <- function(x) ave(x, key, FUN = function(z) mean(z, na.rm = TRUE))
  d$alliance_between <- pm(d$alliance); d$alliance_within <- d$alliance - d$alliance_between
  pl <- tapply(d$alliance, key, mean, na.rm = TRUE); th <- tapply(d$therapist, key, function(z) z[1])
  tm <- tapply(pl, th, mean, na.rm = TRUE)
  d$alliance_therapist <- as.vector(tm[as.character(d$therapist)]); d$alliance_patient <- d$alliance_between - d$alliance_therapist
  d$outcome_between <- pm(d$outcome); d$outcome_within <- d$outcome - d$outcome_between
  pl <- tapply(d$outcome, key, mean, na.rm = TRUE); th <- tapply(d$therapist, key, function(z) z[1])
  tm <- tapply(pl, th, mean, na.rm = TRUE)
  d$outcome_therapist <- as.vector(tm[as.character(d$therapist)]); d$outcome_patient <- d$outcome_between - d$outcome_therapist
  nxt <- match(paste(key, d$session + 1), paste(key, d$session))
  d$outcome_next <- d$outcome[nxt]; d$alliance_next <- d$alliance[nxt]
  d
}
d <- do.call(rbind, lapply(split(d, d$study), derive))
terms <- c(within = "alliance_within", patient = "alliance_patient", therapist = "alliance_therapist")
stage1 <- do.call(rbind, lapply(split(d, d$study), function(ds) {
  cf <- summary(lmer(outcome_next ~ alliance_within + alliance_patient + alliance_therapist + outcome + session + (1 | therapist/patient), data = ds, REML = TRUE, control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e6))))$coefficients
  data.frame(study = ds$study[1], term = names(terms), yi = cf[terms, "Estimate"], sei = cf[terms, "Std. Error"], df = cf[terms, "df"])
}))
stage1
cl <- d[!duplicated(d$study), c("study", "trial")]
stage1 <- merge(stage1, cl, by = "study")
out <- list()
for (t in names(terms)) {
  s2 <- stage1[stage1$term == t, ]
  res <- rma(yi, sei = sei, data = s2, method = "REML", test = "knha", level = 95)

  ct <- clubSandwich::coef_test(res, vcov = "CR2", cluster = s2$trial, test = "Satterthwaite"); ci <- clubSandwich::conf_int(res, vcov = "CR2", cluster = s2$trial); out[[t]] <- list(term = t, estimate = ct$beta, se = ct$SE, t = ct$tstat, df = ct$df_Satt, p = ct$p_Satt, ci_lb = ci$CI_L, ci_ub = ci$CI_U)
}
write_golden("ipd_robust", list(
  call = "The R code 'alliance ipd analysis/workflow/testdata/ipd_robust.csv --robust trial --no-one-stage' prints (IPDRun.Steps), with lmer control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6)): stage 1 per study by lme4 + lmerTest, then per term res <- rma(yi, sei = sei, data = s2, method = 'REML', test = 'knha'); clubSandwich::coef_test(res, vcov = 'CR2', cluster = s2$trial, test = 'Satterthwaite'); clubSandwich::conf_int(res, vcov = 'CR2', cluster = s2$trial) (testdata/golden/R/ipd_robust.R)",
  data_file = "analysis/workflow/testdata/ipd_robust.csv", terms = unname(out)),
  packages = c("lme4", "lmerTest", "metafor", "clubSandwich"))
