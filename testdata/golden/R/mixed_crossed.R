# Reference values for crossed and uncorrelated random effects in
# analysis/mixed (the general sparse path): lme4 1.1-31 + lmerTest 3.1-3.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R mixed_crossed
#
# Every fit is lmerTest::lmer(formula, data, REML, control = bobyqa with
# rhoend = 1e-12), then theta is polished by Newton steps on lme4's profiled
# deviance (numDeriv gradient and Hessian, up to 8 steps, keeping the theta of
# least |gradient|) and lmerTest's lmer is evaluated there without
# optimising (optimizer = NULL), so variance components sit at the optimum
# and the Satterthwaite df are lmerTest's at it. ranova() is lmerTest's on
# the bobyqa fit.
suppressPackageStartupMessages({ library(lme4); library(lmerTest) })

pkgs <- c("lme4", "lmerTest", "Matrix", "numDeriv")
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e6),
                    check.conv.singular = "ignore")

rec <- function(m, formula, data_name, grad) {
  s <- summary(m)
  cf <- s$coefficients
  vc <- as.data.frame(VarCorr(m), order = "lower.tri")
  ran <- vc[!is.na(vc$var1) & is.na(vc$var2) & vc$grp != "Residual", ]
  cor <- vc[!is.na(vc$var2), ]
  re <- ranef(m, condVar = TRUE)
  blups <- list()
  for (g in names(re)) {
    pv <- attr(re[[g]], "postVar")
    for (j in seq_len(ncol(re[[g]]))) {
      # several terms on one factor: postVar is a list of per-term arrays
      sdj <- if (is.list(pv)) sqrt(pv[[colnames(re[[g]])[j]]][1, 1, ]) else sqrt(pv[j, j, ])
      blups[[length(blups) + 1]] <- list(group = g, name = colnames(re[[g]])[j],
        levels = rownames(re[[g]]), value = unname(re[[g]][, j]), cond_sd = sdj)
    }
  }
  list(formula = formula, REML = isREML(m),
    r_call = sprintf("lmerTest::lmer(%s, data = %s, REML = %s, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))), theta polished by Newton steps (numDeriv), then lmerTest::lmer(…, start = list(theta = polished), control = lmerControl(optimizer = NULL)); summary(), VarCorr(), ranef(condVar = TRUE)", formula, data_name, isREML(m)),
    names = rownames(cf), estimate = unname(cf[, "Estimate"]), se = unname(cf[, "Std. Error"]),
    df = unname(cf[, "df"]), statistic = unname(cf[, "t value"]), p = unname(cf[, "Pr(>|t|)"]),
    vcov = unname(as.matrix(vcov(m))),
    random = list(group = ran$grp, name = ran$var1, variance = ran$vcov, sd = ran$sdcor),
    correlations = if (nrow(cor)) list(group = cor$grp, name1 = cor$var1, name2 = cor$var2, corr = cor$sdcor) else NULL,
    residual_variance = sigma(m)^2, theta = unname(getME(m, "theta")),
    logLik = as.numeric(logLik(m)), AIC = AIC(m), BIC = BIC(m),
    nobs = nobs(m), ngroups = as.list(ngrps(m)), deviance_gradient = grad,
    ranef = blups)
}

source(file.path(golden_dir, "R", "mixed_polish_lib.R"), local = TRUE)

fit <- function(formula, data, data_name, REML = TRUE) {
  pm <- polished_lmer(formula, data, REML)
  rec(pm$m, formula, data_name, pm$grad)
}

ranova_rec <- function(formula, data, data_name) {
  m <- lmerTest::lmer(as.formula(formula), data = data, REML = TRUE, control = ctrl)
  a <- as.data.frame(ranova(m, reduce.terms = TRUE))
  list(formula = formula, call = sprintf("ranova(lmerTest::lmer(%s, data = %s, control = ctrl), reduce.terms = TRUE)", formula, data_name),
       rows = lapply(seq_len(nrow(a)), function(i) list(term = rownames(a)[i], npar = a$npar[i],
         logLik = a$logLik[i], AIC = a$AIC[i], LRT = a$LRT[i], Df = a$Df[i], p = a[["Pr(>Chisq)"]][i])))
}

# --- lme4's Penicillin: 24 plates fully crossed with 6 samples -------------------
pen <- as.data.frame(lme4::Penicillin)
pen$plate <- as.character(pen$plate); pen$sample <- as.character(pen$sample)
pend <- list(diameter = pen$diameter, plate = pen$plate, sample = pen$sample)

# --- simulated patients x raters, partially crossed, with a fixed slope -----------
set.seed(20261204)
npat <- 90; nrat <- 12
rows <- do.call(rbind, lapply(1:npat, function(p) {
  r <- sample(nrat, 3)                  # each patient rated by 3 of the 12 raters
  expand.grid(patient = p, rater = r, session = 1:2)
}))
rows$x <- round(rnorm(nrow(rows)), 3)
up <- rnorm(npat, 0, 1.2); ur <- rnorm(nrat, 0, 0.7); sp <- rnorm(npat, 0, 0.4)
rows$y <- round(3 + 0.5 * rows$x + up[rows$patient] + sp[rows$patient] * rows$x + ur[rows$rater] + rnorm(nrow(rows), 0, 1), 4)
rows <- rows[-sample(nrow(rows), 40), ]  # unbalanced
rows$patient <- sprintf("P%03d", rows$patient); rows$rater <- sprintf("R%02d", rows$rater)
# a third crossed factor (the questionnaire form used), with its own effect
rows$form <- sprintf("F%d", sample(8, nrow(rows), TRUE))
rows$y3 <- round(rows$y + c(-0.6, 0.2, 0.9, -0.3, 0.1, 0.5, -0.8, 0.0)[as.integer(substr(rows$form, 2, 2))], 4)
crd <- list(y = rows$y, x = rows$x, patient = rows$patient, rater = rows$rater, form = rows$form, y3 = rows$y3)

# --- sleepstudy: uncorrelated intercept and slope -------------------------------
ss <- as.data.frame(lme4::sleepstudy); ss$Subject <- as.character(ss$Subject)
ssd <- list(Reaction = ss$Reaction, Days = ss$Days, Subject = ss$Subject)

# --- two random slopes: simulated ---------------------------------------------------
set.seed(7)
ng <- 40; nper <- 10
ts <- expand.grid(obs = 1:nper, g = 1:ng)
ts$x <- round(rnorm(nrow(ts)), 3); ts$z <- round(runif(nrow(ts), -1, 1), 3)
b0 <- rnorm(ng, 0, 1); b1 <- rnorm(ng, 0, 0.5); b2 <- 0.6 * b0 + rnorm(ng, 0, 0.4)
ts$y <- round(1 + 0.3 * ts$x - 0.5 * ts$z + b0[ts$g] + b1[ts$g] * ts$x + b2[ts$g] * ts$z + rnorm(nrow(ts), 0, 0.8), 4)
ts$g <- sprintf("G%02d", ts$g)
tsd <- list(y = ts$y, x = ts$x, z = ts$z, g = ts$g)

write_golden("mixed_crossed", list(
  call = "lmerTest::lmer(formula, data, REML = TRUE / FALSE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))), theta polished by Newton steps on the profiled deviance (numDeriv), then lmerTest::lmer(…, start = list(theta = polished), control = lmerControl(optimizer = NULL)) — each fit records its own r_call; ranova(m, reduce.terms = TRUE) per case (testdata/golden/R/mixed_crossed.R)",
  datasets = list(penicillin = pend, raters = crd, sleepstudy = ssd, slopes = tsd),
  fits = list(
    c(list(data = "penicillin"), fit("diameter ~ 1 + (1 | plate) + (1 | sample)", pen, "lme4::Penicillin", TRUE)),
    c(list(data = "penicillin"), fit("diameter ~ 1 + (1 | plate) + (1 | sample)", pen, "lme4::Penicillin", FALSE)),
    c(list(data = "raters"), fit("y ~ x + (1 | patient) + (1 | rater)", rows, "raters", TRUE)),
    c(list(data = "raters"), fit("y ~ x + (1 | patient) + (1 | rater)", rows, "raters", FALSE)),
    c(list(data = "raters"), fit("y ~ x + (1 + x | patient) + (1 | rater)", rows, "raters", TRUE)),
    c(list(data = "raters"), fit("y3 ~ x + (1 | patient) + (1 | rater) + (1 | form)", rows, "raters", TRUE)),
    c(list(data = "raters"), fit("y3 ~ x + (1 | form) + (1 + x | patient) + (1 | rater)", rows, "raters", FALSE)),
    c(list(data = "sleepstudy"), fit("Reaction ~ Days + (Days || Subject)", ss, "sleepstudy", TRUE)),
    c(list(data = "sleepstudy"), fit("Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)", ss, "sleepstudy", FALSE)),
    c(list(data = "slopes"), fit("y ~ x + z + (1 + x + z | g)", ts, "slopes", TRUE)),
    c(list(data = "slopes"), fit("y ~ x + z + (1 + x + z || g)", ts, "slopes", TRUE))),
  ranova = list(
    c(list(data = "penicillin"), ranova_rec("diameter ~ 1 + (1 | plate) + (1 | sample)", pen, "lme4::Penicillin")),
    c(list(data = "raters"), ranova_rec("y ~ x + (1 | patient) + (1 | rater)", rows, "raters")),
    c(list(data = "sleepstudy"), ranova_rec("Reaction ~ Days + (Days || Subject)", ss, "sleepstudy")))),
  packages = pkgs)
