# End-to-end references for the command line: the embedded CSV files are read
# by R exactly as `alliance meta` reads them, converted with escalc and fitted
# with rma, so a test of the CLI checks loader + effect sizes + model at once.
suppressPackageStartupMessages(library(metafor))
ctl <- list(threshold = 1e-12, maxiter = 5000, tol = 1e-12)

fit_json <- function(res, measure) {
  out <- list(k = res$k, method = res$method, test = res$test,
              estimate = I(as.numeric(coef(res))), se = I(res$se), statistic = I(res$zval),
              p = I(res$pval), ci_lb = I(res$ci.lb), ci_ub = I(res$ci.ub),
              names = I(names(coef(res))),
              tau2 = res$tau2, se_tau2 = res$se.tau2, I2 = res$I2, H2 = res$H2,
              QE = res$QE, QE_p = res$QEp, QM = res$QM, QM_p = res$QMp)
  if (res$p == 1 && res$method != "FE") {
    pr <- predict(res)
    out$pi_lb <- pr$pi.lb; out$pi_ub <- pr$pi.ub
    if (measure == "ZCOR") {
      prr <- predict(res, transf = transf.ztor)
      out$r <- list(estimate = prr$pred, ci_lb = prr$ci.lb, ci_ub = prr$ci.ub, pi_lb = prr$pi.lb, pi_ub = prr$pi.ub)
    }
    ci <- confint(res, control = list(tol = 1e-12))
    out$tau2_ci <- as.numeric(ci$random["tau^2", 2:3])
  }
  out
}

cases <- list()
demo <- read.csv("datasets/data/demo-studies.csv")
d <- escalc("ZCOR", ri = ri, ni = ni, data = demo)
cases[["demo-studies REML z"]] <- c(list(args = I(c("meta"))), fit_json(rma(yi, vi, data = d, control = ctl), "ZCOR"))
cases[["demo-studies DL knha"]] <- c(list(args = c("meta", "--method", "DL", "--test", "knha")),
  fit_json(rma(yi, vi, data = d, method = "DL", test = "knha", control = ctl), "ZCOR"))
cases[["demo-studies mods"]] <- c(list(args = c("meta", "--mods", "alliance_rater,year")),
  fit_json(rma(yi, vi, mods = ~ alliance_rater + year, data = d, control = ctl), "ZCOR"))

m <- read.csv("datasets/data/molloy2014.csv")
dm <- escalc("ZCOR", ri = ri, ni = ni, data = m)
cases[["molloy2014 REML knha"]] <- c(list(args = c("meta", "--dataset", "molloy2014", "--test", "knha")),
  fit_json(rma(yi, vi, data = dm, test = "knha", control = ctl), "ZCOR"))
dc <- escalc("COR", ri = ri, ni = ni, data = m)
cases[["molloy2014 COR PM"]] <- c(list(args = c("meta", "--dataset", "molloy2014", "--measure", "COR", "--method", "PM")),
  fit_json(rma(yi, vi, data = dc, method = "PM", control = ctl), "COR"))

write_golden("cli_meta", list(cases = cases), packages = c("metafor"))

# alliance lmm with no FILE: the demo-sessions default model, by lme4/lmerTest.
suppressPackageStartupMessages({library(lme4); library(lmerTest)})
ds <- read.csv("datasets/data/demo-sessions.csv")
ds$patient <- factor(ds$patient); ds$therapist <- factor(ds$therapist)
fit <- lmerTest::lmer(outcome ~ session + alliance + (1 | therapist/patient), data = ds, REML = TRUE,
                      control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5)))
co <- summary(fit)$coefficients
vc <- as.data.frame(VarCorr(fit))
write_golden("cli_lmm", list(
  args = I(c("lmm")),
  names = I(rownames(co)), estimate = I(unname(co[, "Estimate"])), se = I(unname(co[, "Std. Error"])),
  df = I(unname(co[, "df"])), p = I(unname(co[, "Pr(>|t|)"])),
  groups = I(vc$grp), variance = I(vc$vcov),
  logLik = as.numeric(logLik(fit)), AIC = AIC(fit), BIC = BIC(fit), nobs = nobs(fit)),
  packages = c("lme4", "lmerTest"))

# alliance meta --bias --influence --leave1out --cumulative year --robust study,
# and the three-level model, on the embedded demo-studies CSV.
suppressPackageStartupMessages(library(clubSandwich))
res <- rma(yi, vi, data = d, control = ctl)
eg <- regtest(res)
rk <- ranktest(res)
tf <- trimfill(res)
fs <- fsn(yi, vi, data = d)
fo <- fsn(yi, vi, data = d, type = "Orwin")
fr <- fsn(yi, vi, data = d, type = "Rosenberg")
inf <- influence(res)
l1 <- leave1out(res)
cu <- cumul(res, order = d$year)
cr <- coef_test(res, vcov = "CR2", cluster = d$study)
d$es <- seq_len(nrow(d))
mv <- rma.mv(yi, vi, random = ~ 1 | study/es, data = d, control = list(rel.tol = 1e-11, iter.max = 1000))
mvr <- coef_test(mv, vcov = "CR2", cluster = d$study)
ag <- aggregate(d, cluster = study, rho = 0.5)
ra <- rma(yi, vi, data = ag, control = ctl)
write_golden("cli_meta_extras", list(
  args = I(c("meta", "--bias", "--influence", "--leave1out", "--cumulative", "year", "--robust", "study")),
  egger_z = eg$zval, egger_p = eg$pval, egger_limit = eg$est,
  rank_tau = unname(rk$tau), rank_p = rk$pval,
  tf_k0 = tf$k0, tf_side = tf$side, tf_estimate = as.numeric(tf$beta), tf_se = tf$se,
  fsn_rosenthal = fs$fsnum, fsn_orwin = fo$fsnum, fsn_rosenberg = fr$fsnum,
  inf_rstudent = I(unname(inf$inf$rstudent)), inf_cook = I(unname(inf$inf$cook.d)), inf_hat = I(unname(inf$inf$hat)),
  inf_flag = I(unname(inf$is.infl)),
  l1o_estimate = I(unname(l1$estimate)), l1o_tau2 = I(unname(l1$tau2)),
  cum_estimate = I(unname(cu$estimate)), cum_study = I(as.character(cu$slab)),
  robust_se = cr$SE, robust_df = cr$df_Satt, robust_p = cr$p_Satt,
  mv_args = I(c("meta", "--cluster", "study/es_id", "--robust", "study")),
  mv_estimate = as.numeric(coef(mv)), mv_se = mv$se, mv_sigma2 = I(mv$sigma2), mv_logLik = as.numeric(logLik(mv)),
  mv_robust_se = mvr$SE, mv_robust_df = mvr$df_Satt,
  agg_args = I(c("meta", "--aggregate", "study", "--rho", "0.5")),
  agg_k = ra$k, agg_estimate = as.numeric(coef(ra)), agg_se = ra$se, agg_tau2 = ra$tau2),
  packages = c("metafor", "clubSandwich"))
