# Reference Kenward–Roger inference for lmer fits: pbkrtest 0.5.2 through
# lmerTest 3.1-3 and emmeans 1.8.4-1 —
#   coef(summary(m, ddf = "Kenward-Roger"))      (t tests: adjusted SE, KR df)
#   anova(m, type = 3 / 1 / 2, ddf = "Kenward-Roger")   (KRmodcomp: scaled F, ddf)
#   emmeans(m, spec, lmer.df = "kenward-roger"), pairs()
#   pbkrtest::vcovAdj(m)                          (the adjusted covariance Φ_A)
# on sleepstudy, the simulated 3-arm trial of mixed_anova_arm.json and the
# unbalanced nested clinic/therapist/patient data of mixed_multilevel.json
# (the rows are read from those files; data_from names the file).
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R mixed_kr
suppressPackageStartupMessages({ library(lme4); library(lmerTest); library(pbkrtest); library(emmeans) })

pkgs <- c("lme4", "lmerTest", "pbkrtest", "emmeans", "Matrix")
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e6),
                    check.conv.singular = "ignore")
ctrl_txt <- "lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))"
emm_options(pbkrtest.limit = 1e6, lmerTest.limit = 1e6)

emm_case <- function(m, spec, at = NULL, at_text = NULL) {
  args <- list(m, as.formula(spec), lmer.df = "kenward-roger")
  if (!is.null(at)) args$at <- at
  e <- do.call(emmeans, args)
  s <- as.data.frame(summary(e))
  pri <- attr(summary(e), "pri.vars")
  by <- e@misc$by.vars
  vars <- c(pri, by)
  emms <- lapply(seq_len(nrow(s)), function(i) c(
    setNames(lapply(vars, function(v) as.character(s[[v]][i])), vars),
    list(emmean = s$emmean[i], se = s$SE[i], df = s$df[i], lower = s$lower.CL[i], upper = s$upper.CL[i])))
  p <- as.data.frame(summary(pairs(e), adjust = "tukey"))
  contr <- lapply(seq_len(nrow(p)), function(i) c(
    list(contrast = as.character(p$contrast[i])),
    setNames(lapply(by, function(v) as.character(p[[v]][i])), by),
    list(estimate = p$estimate[i], se = p$SE[i], df = p$df[i], t = p$t.ratio[i], p = p$p.value[i])))
  call <- sprintf("emmeans(m, %s%s, lmer.df = \"kenward-roger\")", spec,
                  if (is.null(at_text)) "" else paste0(", at = ", at_text))
  list(spec = spec, at = at, call = call, pairs_call = sprintf("summary(pairs(%s), adjust = \"tukey\")", call),
       vars = pri, by = by, emmeans = emms, contrasts = contr)
}

fit_case <- function(formula, data, data_name, data_from, anova_types = c(3L, 1L, 2L), emm = list()) {
  m <- lmerTest::lmer(as.formula(formula), data = data, REML = TRUE, control = ctrl)
  cs <- coef(summary(m, ddf = "Kenward-Roger"))
  anovas <- lapply(anova_types, function(ty) {
    a <- anova(m, type = ty, ddf = "Kenward-Roger")
    list(type = ty, call = sprintf("anova(m, type = %d, ddf = \"Kenward-Roger\")", ty),
         anova = lapply(seq_len(nrow(a)), function(i) list(
           term = rownames(a)[i], sum_sq = a[["Sum Sq"]][i], mean_sq = a[["Mean Sq"]][i],
           num_df = a$NumDF[i], den_df = a$DenDF[i], F = a[["F value"]][i], p = a[["Pr(>F)"]][i])))
  })
  list(formula = formula, data_from = data_from,
       call = sprintf("m <- lmerTest::lmer(%s, data = %s, REML = TRUE, control = %s); coef(summary(m, ddf = \"Kenward-Roger\"))", formula, data_name, ctrl_txt),
       logLik = as.numeric(logLik(m)),
       names = rownames(cs), estimate = unname(cs[, "Estimate"]), se = unname(cs[, "Std. Error"]),
       df = unname(cs[, "df"]), statistic = unname(cs[, "t value"]), p = unname(cs[, "Pr(>|t|)"]),
       vcov = unname(as.matrix(vcov(m))),
       vcov_adj = unname(as.matrix(pbkrtest::vcovAdj(m))),
       anovas = anovas,
       emmeans = lapply(emm, function(s) do.call(emm_case, c(list(m), s))))
}

from <- function(f) as.data.frame(jsonlite::fromJSON(file.path(golden_dir, f))$data, stringsAsFactors = FALSE)
ss <- from("mixed_anova_sleepstudy.json")
sim <- from("mixed_anova_arm.json")
ml <- from("mixed_multilevel.json")

fits <- list(
  fit_case("Reaction ~ Days + (Days | Subject)", ss, "sleepstudy", "mixed_anova_sleepstudy.json"),
  fit_case("Reaction ~ phase * Days + (Days | Subject)", ss, "sleepstudy (phase = cut(Days, c(-1, 2, 5, 9)))", "mixed_anova_sleepstudy.json",
           emm = list(list(spec = "~ phase"))),
  fit_case("y ~ factor(arm) * time + (1 + time | patient)", sim, "sim", "mixed_anova_arm.json",
           emm = list(list(spec = "~ arm"),
                      list(spec = "~ arm | time", at = list(time = c(0, 5)), at_text = "list(time = c(0, 5))"))),
  fit_case("y ~ arm * site + time + (1 + time | patient)", sim, "sim", "mixed_anova_arm.json",
           emm = list(list(spec = "~ arm | site"))),
  fit_case("y ~ x + session + (1 | tid/pid)", ml, "ml", "mixed_multilevel.json"),
  fit_case("y ~ x + session + (1 + x | tid/pid)", ml, "ml", "mixed_multilevel.json"),
  fit_case("y ~ x + session + (1 | clinic/therapist/patient)", ml, "ml", "mixed_multilevel.json"))
write_golden("mixed_kr", list(
  call = "m <- lmerTest::lmer(f, data, REML = TRUE, control = ctl); coef(summary(m, ddf = 'Kenward-Roger')); anova(m, type = 3 / 1 / 2, ddf = 'Kenward-Roger'); pbkrtest::vcovAdj(m); emmeans(m, spec, lmer.df = 'kenward-roger') and summary(pairs(.), adjust = 'tukey') — each fit records its call and data_from (the golden file whose rows it uses)",
  fits = fits), packages = pkgs)
