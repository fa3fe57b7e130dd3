#!/usr/bin/env Rscript
# Regenerates every reference value in testdata/golden from the R reference
# implementations. Run from the repository root:
#
#     Rscript testdata/golden/make_golden.R            # all areas
#     Rscript testdata/golden/make_golden.R meta       # one area
#
# Each area lives in testdata/golden/R/<area>.R and writes <area>_*.json files
# through write_golden(), which records the R and package versions used.
# CI never runs this: tests read the committed JSON.
suppressPackageStartupMessages(library(jsonlite))

golden_dir <- "testdata/golden"
if (!file.exists(file.path(golden_dir, "make_golden.R")))
  stop("run from the repository root")

# golden_calls: the R call(s) that made each golden file's numbers. write_golden()
# records it as "call" unless the area passes its own obj$call; a file without one is an error.
golden_calls <- c(
  mixed_dyestuff = "lme4::lmer(Yield ~ 1 + (1 | Batch), data = lme4::Dyestuff, REML = FALSE / TRUE), polished from bobyqa by Newton steps on the profiled deviance (numDeriv) — each fit records its own r_call (testdata/golden/R/mixed.R)",
  mixed_orthodont = "lme4::lmer(distance ~ age + (age | Subject), data = nlme::Orthodont, REML = TRUE / FALSE), polished, and nlme::lme(distance ~ age, random = ~ age | Subject, method = \"REML\" / \"ML\") — each fit records its own r_call (testdata/golden/R/mixed.R)",
  mixed_factor_numeric = "lmerTest::lmer(y ~ factor(arm) + time + (1 | patient)), y ~ factor(arm) * time + (1 + time | patient) and y ~ time + factor(arm) + (1 | patient) (ML) on simulated numeric-coded arms — each fit records its own r_call (testdata/golden/R/mixed.R)",
  fsn_orwin = "fsn(yi, vi, type = \"Orwin\", target = t, weighted = TRUE) and weighted = FALSE on dat.raudenbush1985, dat.hackshaw1998 and escalc(\"ZCOR\", ri, ni, data = dat.mcdaniel1994) (testdata/golden/R/fsn.R)",
  panel_lavaan = "lavaan(model, data = dat, missing = \"ML\", meanstructure = TRUE, int.ov.free = TRUE) for the RI-CLPM, stationary RI-CLPM and CLPM syntax stored in each case (testdata/golden/R/panel.R)",
  bias_cohen = "d <- escalc('ZCOR', ri = ri, ni = ni, data = dat.cohen1981); for method in FE, DL, REML: res <- rma(yi, vi, data = d, method = method, control = list(threshold = 1e-12)); regtest(res, model = c('rma', 'lm'), predictor = c('sei', 'vi', 'ni', 'ninv', 'sqrtni', 'sqrtninv')); trimfill(res, estimator = c('L0', 'R0', 'Q0'), side = c('auto', 'left', 'right')); influence(res); leave1out(res); leave-one-cluster-out rma(..., subset = cluster != cl); plus rma(yi, vi, data = d, method = 'REML', test = 'knha'); ranktest(yi, vi); fsn(yi, vi, type = c('Rosenthal', 'Orwin', 'Rosenberg')); selmodel(rma(yi, vi, method = 'ML'), type = 'stepfun', steps = 0.025)",
  bias_mcdaniel = "d <- escalc('ZCOR', ri = ri, ni = ni, data = dat.mcdaniel1994); for method in FE, DL, REML: res <- rma(yi, vi, data = d, method = method, control = list(threshold = 1e-12)); regtest(res, model = c('rma', 'lm'), predictor = c('sei', 'vi', 'ni', 'ninv', 'sqrtni', 'sqrtninv')); trimfill(res, estimator = c('L0', 'R0', 'Q0'), side = c('auto', 'left', 'right')); influence(res); leave1out(res); leave-one-cluster-out rma(..., subset = cluster != cl); plus rma(yi, vi, data = d, method = 'REML', test = 'knha'); ranktest(yi, vi); fsn(yi, vi, type = c('Rosenthal', 'Orwin', 'Rosenberg')); selmodel(rma(yi, vi, method = 'ML'), type = 'stepfun', steps = 0.025)",
  bias_molloy = "d <- escalc('ZCOR', ri = ri, ni = ni, data = dat.molloy2014); for method in FE, DL, REML: res <- rma(yi, vi, data = d, method = method, control = list(threshold = 1e-12)); regtest(res, model = c('rma', 'lm'), predictor = c('sei', 'vi', 'ni', 'ninv', 'sqrtni', 'sqrtninv')); trimfill(res, estimator = c('L0', 'R0', 'Q0'), side = c('auto', 'left', 'right')); influence(res); leave1out(res); leave-one-cluster-out rma(..., subset = cluster != cl); plus rma(yi, vi, data = d, method = 'REML', test = 'knha'); ranktest(yi, vi); fsn(yi, vi, type = c('Rosenthal', 'Orwin', 'Rosenberg')); selmodel(rma(yi, vi, method = 'ML'), type = 'stepfun', steps = 0.025); meta-regression: influence(rma(yi, vi, data = d, mods = ~ meanage))",
  bias_rank_small = "ranktest(yi, vi)",
  bias_sim = "d <- escalc('ZCOR', ri = ri, ni = ni, data = sim) (sim: set.seed in R/bias.R); for method in FE, DL, REML: res <- rma(yi, vi, data = d, method = method, control = list(threshold = 1e-12)); regtest(res, model = c('rma', 'lm'), predictor = c('sei', 'vi', 'ni', 'ninv', 'sqrtni', 'sqrtninv')); trimfill(res, estimator = c('L0', 'R0', 'Q0'), side = c('auto', 'left', 'right')); influence(res); leave1out(res); leave-one-cluster-out rma(..., subset = cluster != cl); plus rma(yi, vi, data = d, method = 'REML', test = 'knha'); ranktest(yi, vi); fsn(yi, vi, type = c('Rosenthal', 'Orwin', 'Rosenberg')); selmodel(rma(yi, vi, method = 'ML'), type = 'stepfun', steps = 0.025)",
  change_hlm = "clinicalsignificance::clinical_significance(..., rci_method = 'HLM') recomputed: lmer(outcome ~ time + (time | id), data = claus_2020, REML = TRUE) with lmerControl() defaults and with lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6)); see R/change_hlm.R",
  cli_lmm = "lmerTest::lmer(outcome ~ session + alliance + (1 | therapist/patient), data = ds, REML = TRUE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12)))",
  cli_meta = "d <- escalc('ZCOR' or 'COR', ri = ri, ni = ni, data = <embedded CSV>); rma(yi, vi, data = d, control = ctl) for each case: method = 'REML' / 'DL' + test = 'knha' / mods = ~ alliance_rater + year / test = 'knha' / method = 'PM' (see args per case)",
  cli_meta_extras = "res <- rma(yi, vi, data = d); regtest(res); ranktest(res); trimfill(res); fsn(yi, vi, data = d, type = c('Rosenthal', 'Orwin', 'Rosenberg')); influence(res); leave1out(res); cumul(res, order = year); coef_test(res, vcov = 'CR2', cluster = d$study); rma.mv(yi, vi, random = ~ 1 | study/es, data = d); coef_test(mv, vcov = 'CR2', cluster = d$study)",
  effectsize_convert = "r = t / sqrt(t^2 + df); r = sqrt(F / (F + df)); r = sqrt(chi2 / n); r from p via qt(p/2, n - 2, lower.tail = FALSE) and qnorm(p/2, lower.tail = FALSE); d = 2r / sqrt(1 - r^2); metafor:::.cmicalc(df); escalc('SMD', m1i, m2i, sd1i, sd2i, n1i, n2i)",
  meta_aloe = "d <- escalc('PCOR', ti = tval, ni = n, mi = preds, data = dat.aloe2013); rma(yi, vi, data = d, method = method, test = test, control = list(threshold = 1e-12)) for method in FE, EE, DL, HE, HS, SJ, ML, REML, EB, PM and test in z, t, knha, adhoc; rma(yi, vi, method = 'REML', level = 90); confint(res)",
  meta_cohen = "d <- escalc('ZCOR', ri = ri, ni = ni, data = dat.cohen1981); rma(yi, vi, data = d, method = method, test = test, control = list(threshold = 1e-12)) for method in FE, EE, DL, HE, HS, SJ, ML, REML, EB, PM and test in z, t, knha, adhoc; rma(yi, vi, method = 'REML', level = 90); confint(res)",
  meta_edge = "rma(yi, vi, method = method, control = list(threshold = 1e-12)) for k = 2 (REML, DL, PM, FE), a huge-n study (REML, DL) and identical effects (REML, DL)",
  meta_homog = "rma(yi, vi, method = method, test = test, control = list(threshold = 1e-12)) for method in FE, EE, DL, HE, HS, SJ, ML, REML, EB, PM and test in z, knha; rma(yi, vi, method = 'REML', level = 90); confint(res) (data: set.seed(11) in R/meta.R)",
  meta_kacker = "rma(y, v, method = method, test = test, control = list(threshold = 1e-12)) on Kacker (2004) for method in FE, EE, DL, HE, HS, SJ, ML, REML, EB, PM and test in z, t, knha, adhoc; rma(y, v, method = 'REML', level = 90); confint(res)",
  meta_mcdaniel = "d <- escalc('ZCOR', ri = ri, ni = ni, data = dat.mcdaniel1994); rma(yi, vi, mods = ~ type, data = d, method = method, test = test); rma(yi, vi, mods = ~ type + struct, data = d, method = 'REML', test = test); rma(yi, vi, data = d, method = 'REML'); subgroups: rma(yi, vi, data = d, subset = type == l, method = 'REML'); rma(est, sei = sei, mods = ~ lv, method = 'FE'); all with control = list(threshold = 1e-12)",
  meta_molloy = "d <- escalc('ZCOR', ri = ri, ni = ni, data = dat.molloy2014); rma(yi, vi, data = d, method = method, test = test, control = list(threshold = 1e-12)) for method in FE, EE, DL, HE, HS, SJ, ML, REML, EB, PM and test in z, t, knha, adhoc; rma(yi, vi, method = 'REML', level = 90); confint(res)",
  meta_perm10 = "d <- escalc('ZCOR', ri = ri, ni = ni, data = dat.molloy2014)[1:10, ]; permutest(rma(yi, vi, data = d, method = method, control = list(threshold = 1e-12)), exact = TRUE)",
  meta_sim40 = "rma(yi, vi, mods = ~ x + g, method = method, test = test, control = list(threshold = 1e-12)); rma(yi, vi, mods = ~ x, method = 'REML'); permutest(rma(yi, vi, mods = ~ x, method = 'DL'), iter = 20000) (data: set.seed in R/meta.R)",
  meta_small5 = "rma(yi, vi, method = method, test = test, control = list(threshold = 1e-12)) for method in FE, EE, DL, HE, HS, SJ, ML, REML, EB, PM; permutest(rma(yi, vi, method = m, test = test), exact = TRUE)",
  metamv_demo = "demo <- escalc(measure = 'ZCOR', ri = ri, ni = ni, data = demo); rma.mv(yi, vi, random = ~ 1 | study/es_id, data = demo, method = 'REML' / 'ML', control = list(rel.tol = 1e-11)); rma.mv(yi, vi, mods = ~ alliance_rater + year, random = ~ 1 | study/es_id, data = demo); rma.mv(yi, vi, mods = ~ outcome_rater, random = ~ 1 | study/es_id, test = 't'); V6 <- vcalc(vi, cluster = study, obs = es_id, rho = 0.6, data = demo); rma.mv(yi, V6, random = ~ 1 | study/es_id); confint(res); anova(res, red); robust(res, cluster = study, adjust = TRUE); coef_test(res, vcov = 'CR2', cluster = study, test = 'Satterthwaite'); conf_int(...); Wald_test(res, constraints = constrain_zero(2:p), vcov = 'CR2', test = 'HTZ'); aggregate(demo, cluster = study, struct = 'CS', rho = 0.6, addk = TRUE)",
  metamv_konstantopoulos = "rma.mv(yi, vi, random = ~ 1 | district/school, data = dat.konstantopoulos2011, method = 'REML' / 'ML', control = list(rel.tol = 1e-11)); rma.mv(yi, vi, mods = ~ I(year - 1990), random = ~ 1 | district/school, data = dat.konstantopoulos2011); confint(res); anova(res, red); robust(res, cluster = district, adjust = TRUE); coef_test(res, vcov = 'CR2', cluster = district, test = 'Satterthwaite'); conf_int(...); Wald_test(..., vcov = 'CR2', test = 'HTZ')",
  metamv_sim = "rma.mv(yi, vi, random = ~ 1 | cl/inn, data = sim, control = list(rel.tol = 1e-11)); rma.mv(yi, vi, mods = ~ x + g, random = ~ 1 | cl/inn, data = sim, method = 'REML' / 'ML'); Vs <- vcalc(vi, cluster = cl, obs = seq_len(k), rho = 0.5, data = sim); rma.mv(yi, Vs, mods = ~ x + g, random = ~ 1 | cl/inn); boundary: rma.mv(yb, vi, random = ~ 1 | cl/inn); robust(res, cluster = cl, adjust = TRUE); coef_test(res, vcov = 'CR2', cluster = cl, test = 'Satterthwaite'); conf_int(...); Wald_test(..., test = 'HTZ') (data: set.seed in R/metamv.R)",
  mixed_ar1 = "nlme::lme(y ~ session + x, random = ~ 1 | patient, data = a, method = 'REML' / 'ML', correlation = corAR1(form = ~ session | patient), control = lmeControl(msTol = 1e-14, tolerance = 1e-12))",
  mixed_ar1_multilevel = "nlme::lme(fixed, random = random, data = ml, method = 'REML' / 'ML', correlation = corAR1(form = cform), control = lmeControl(msTol = 1e-14, tolerance = 1e-12)); formulas recorded per fit",
  mixed_factor = "lmerTest::lmer(formula, data, REML = TRUE / FALSE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))) with a factor fixed effect; formulas recorded per fit",
  mixed_multilevel = "lmerTest::lmer(formula, data = ml, REML = TRUE / FALSE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))) with (1 | therapist/patient) and random slopes; formulas recorded per fit",
  mixed_nested = "lmerTest::lmer(formula, data, REML = TRUE / FALSE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))) with nested random effects (1 | therapist/patient); formulas recorded per fit",
  mixed_transform = "lmerTest::lmer(formula, data = sleepstudy, REML = TRUE / FALSE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))) with transformed variables I(Days^2), log(Reaction), sqrt(Days + 1), I(Days/10) as a random slope, log(Days + 1) * I(Days^2), exp(Reaction/1000), abs(Days - 4.5), I(-Days); formulas recorded per fit",
  mixed_sleepstudy = "lmerTest::lmer(Reaction ~ Days + (Days | Subject), data = sleepstudy, REML = TRUE / FALSE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))); summary(m) (Satterthwaite df); anova(lmer(Reaction ~ Days + (1 | Subject)), lmer(Reaction ~ Days + (Days | Subject)))",
  permute_factor = "permutest(rma(yi, vi, mods = ~ g, method = method, test = test, control = list(threshold = 1e-12)), exact = exact, iter = iter, retpermdist = TRUE)",
  permute_k6 = "permutest(rma(yi, vi, mods = ~ x, method = method, test = test, control = list(threshold = 1e-12)), exact = exact, iter = iter, retpermdist = TRUE)",
  permute_k7 = "permutest(rma(yi, vi, mods = ~ x, method = method, test = test, control = list(threshold = 1e-12)), exact = exact, iter = iter, retpermdist = TRUE)",
  permute_ties = "permutest(rma(yi, vi, mods = ~ x + g, method = method, test = test, control = list(threshold = 1e-12)), exact = exact, iter = iter, retpermdist = TRUE)",
  sessions_btheb = "lmerTest::lmer(outcome ~ session + bdi_pre + drug + length + treatment + (1 | patient), ...) and (1 + session | patient), with lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6)), on HSAUR3::BtheB in long form",
  sessions_claus2020 = "lmerTest::lmer(outcome ~ session + age + (1 | patient), ...) and lmer(outcome ~ alliance_within + alliance_between + session + (1 | patient), ...) with lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6)); nlme::lme(outcome ~ session + age, random = ~ 1 | patient, correlation = corAR1(...)); formulas recorded per fit",
  sessions_demo = "lmerTest::lmer(formula, data, REML = !ml, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))) on person-/therapist-mean centred and lagged columns (see derived); nlme::lme(fixed, random, correlation = corAR1(form = cform), control = lmeControl(msTol = 1e-14, tolerance = 1e-12)); formulas recorded per fit",
  sessions_edge = "lmerTest::lmer(outcome ~ alliance_within + alliance_between + session + (1 | therapist/patient), ...) (singular fit) and lmer(outcome ~ alliance_within + alliance_between + session + (1 | patient), ...) (single therapist), lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))",
  sessions_sgdata = "lmerTest::lmer(outcome ~ session + (1 + session | patient), ...); lmer(outcome ~ session + (1 | patient), REML = FALSE, ...) with lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6)); nlme::lme(outcome ~ session, random = ~ 1 | patient, correlation = corAR1(form = ~ session | patient)) on suddengains::sgdata",
  sessions_sim = "lmerTest::lmer(formula, data, REML = !ml, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))) on simulated data with known truth; nlme::lme(..., correlation = corAR1(...)); formulas recorded per fit"
)

# write_golden(name, obj, packages): writes testdata/golden/<name>.json with
# obj plus "call" (the R call, from golden_calls) and a "_provenance" entry naming R and the package versions.
write_golden <- function(name, obj, packages = character()) {
  if (is.null(obj[["call"]])) {
    if (is.na(golden_calls[name])) stop("no R call recorded for golden file ", name)
    obj <- c(list(call = unname(golden_calls[name])), obj)
  }
  prov <- list(R = R.version.string,
               packages = setNames(lapply(packages, function(p) as.character(packageVersion(p))), packages),
               script = "testdata/golden/make_golden.R")
  obj[["_provenance"]] <- prov
  txt <- toJSON(obj, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE)
  writeLines(txt, file.path(golden_dir, paste0(name, ".json")))
  invisible(NULL)
}

args <- commandArgs(trailingOnly = TRUE)
areas <- if (length(args)) args else sub("\\.R$", "", list.files(file.path(golden_dir, "R"), pattern = "\\.R$"))
for (a in areas) {
  message("== ", a)
  source(file.path(golden_dir, "R", paste0(a, ".R")), local = new.env())
}
