# Reference ANOVA tables of fixed-effect terms from lmerTest 3.1-3:
# anova(m, type = 1 / 2 / 3, ddf = "Satterthwaite") — F, NumDF, DenDF
# (Satterthwaite, multi-df via lmerTest's contestMD), Sum Sq, Mean Sq, p.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R mixed_anova
suppressPackageStartupMessages({ library(lme4); library(lmerTest) })

pkgs <- c("lme4", "lmerTest", "Matrix")
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e6),
                    check.conv.singular = "ignore")

rec <- function(formula, data, data_name, type) {
  m <- lmerTest::lmer(as.formula(formula), data = data, REML = TRUE, control = ctrl)
  a <- anova(m, type = type, ddf = "Satterthwaite")
  list(formula = formula, type = type,
       call = sprintf("anova(lmerTest::lmer(%s, data = %s, REML = TRUE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12))), type = %d, ddf = 'Satterthwaite')", formula, data_name, type),
       logLik = as.numeric(logLik(m)),
       anova = lapply(seq_len(nrow(a)), function(i) list(
         term = rownames(a)[i], sum_sq = a[["Sum Sq"]][i], mean_sq = a[["Mean Sq"]][i],
         num_df = a$NumDF[i], den_df = a$DenDF[i], F = a[["F value"]][i], p = a[["Pr(>F)"]][i])))
}

# --- sleepstudy, with a 3-level phase factor --------------------------------
ss <- lme4::sleepstudy
ss$phase <- as.character(cut(ss$Days, c(-1, 2, 5, 9), labels = c("early", "middle", "late")))
ssd <- list(Reaction = ss$Reaction, Days = ss$Days, Subject = as.character(ss$Subject), phase = ss$phase)
fits <- list()
for (ty in c(3L, 1L, 2L)) {
  fits[[length(fits) + 1]] <- rec("Reaction ~ Days + (Days | Subject)", ss, "sleepstudy", ty)
  fits[[length(fits) + 1]] <- rec("Reaction ~ phase * Days + (Days | Subject)", ss, "sleepstudy (phase = cut(Days, c(-1, 2, 5, 9)))", ty)
}
write_golden("mixed_anova_sleepstudy", list(
  call = "anova(lmerTest::lmer(f, data = sleepstudy + phase), type = 3 / 1 / 2, ddf = 'Satterthwaite') for each fit (see fits[].call)",
  data = ssd, fits = fits), packages = pkgs)

# --- simulated treatment arm (3 levels) x time, random intercept + slope ----
set.seed(20261204)
n_p <- 45
d <- do.call(rbind, lapply(1:n_p, function(i) {
  arm <- c("control", "cbt", "ipt")[(i %% 3) + 1]
  nt <- sample(4:8, 1)
  time <- 0:(nt - 1)
  b0 <- rnorm(1, 0, 3); b1 <- rnorm(1, 0, 0.6)
  eff <- switch(arm, control = 0, cbt = -0.8, ipt = -0.4)
  data.frame(patient = sprintf("p%02d", i), arm = arm, time = time,
             y = 20 + b0 + (-0.5 + b1 + eff) * time + rnorm(nt, 0, 2))
}))
# site: a patient-level 2-level factor (unbalanced across arms), for a
# factor x factor interaction.
d$site <- ifelse(as.integer(sub("p", "", d$patient)) %% 5 < 2, "north", "south")
dd <- list(y = d$y, time = d$time, arm = d$arm, patient = d$patient, site = d$site)
fits <- list()
for (ty in c(3L, 1L, 2L)) {
  fits[[length(fits) + 1]] <- rec("y ~ arm * time + (1 + time | patient)", d, "sim", ty)
  fits[[length(fits) + 1]] <- rec("y ~ arm + time + (1 + time | patient)", d, "sim", ty)
  fits[[length(fits) + 1]] <- rec("y ~ arm * site + time + (1 + time | patient)", d, "sim", ty)
  fits[[length(fits) + 1]] <- rec("y ~ arm * log(time + 1) + I(time^2) + (1 + time | patient)", d, "sim", ty)
  fits[[length(fits) + 1]] <- rec("y ~ arm * poly(time, 2) + (1 + time | patient)", d, "sim", ty)
}
write_golden("mixed_anova_arm", list(
  call = "anova(lmerTest::lmer(f, data = sim), type = 3 / 1 / 2, ddf = 'Satterthwaite') on a simulated 3-arm trial (set.seed(20261204) in R/mixed_anova.R) for each fit (see fits[].call)",
  data = dd, fits = fits), packages = pkgs)
