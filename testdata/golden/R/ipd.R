# Reference values for the IPD meta-analysis (analysis/workflow IPD,
# 'alliance ipd'). Sourced by testdata/golden/make_golden.R:
#     Rscript testdata/golden/make_golden.R ipd
#
# Data: testdata/golden/ipd_sim6.csv, written by
#     alliance simulate sessions --studies 6 --patients 40 --therapists 4 --seed 17 --study-sd 0.5
# The derived columns (therapist-mean centring: session deviation from the
# patient mean, patient mean minus therapist mean, therapist mean = mean of
# its patients' means; the next session's outcome when it is session + 1)
# are written here in base R, independently of the Go code.
#   stage 1: lmerTest::lmer per study (bobyqa, rhoend 1e-12), Satterthwaite df
#   stage 2: metafor::rma(yi, sei = se, method = "REML", test = "knha") per
#            term, and method = "DL" with z tests
#   one stage: lmer over all studies, response and predictors but
#            alliance_within centred on their study means, with a random
#            study slope of alliance_within
#   multivariate: rma.mv(yi, V, mods = ~ 0 + term, random = ~ term | study,
#            struct = "UN") with V block-diagonal from each study's vcov
suppressPackageStartupMessages({ library(lme4); library(lmerTest); library(metafor) })

pkgs <- c("lme4", "lmerTest", "metafor", "Matrix")
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e6),
                    check.conv.singular = "ignore")

raw <- read.csv(file.path(golden_dir, "ipd_sim6.csv"))
raw$study <- as.character(raw$study)

derive_ipd <- function(d) {
  key <- paste(d$therapist, d$patient, sep = "\r")
  for (v in c("alliance", "outcome")) {
    x <- d[[v]]
    pm <- tapply(x, key, function(z) mean(z, na.rm = TRUE))
    b <- unname(pm[key])
    pth <- tapply(d$therapist, key, function(z) z[1])
    tm <- tapply(pm, pth[names(pm)], mean)
    th <- unname(tm[as.character(d$therapist)])
    d[[paste0(v, "_within")]] <- x - b
    d[[paste0(v, "_therapist")]] <- th
    d[[paste0(v, "_patient")]] <- b - th
    nxt <- match(paste(key, d$session + 1), paste(key, d$session))
    d[[paste0(v, "_next")]] <- x[nxt]
  }
  d
}

stage1_formula <- outcome_next ~ alliance_within + alliance_patient + alliance_therapist + outcome + session + (1 | therapist/patient)
terms <- c(within = "alliance_within", patient = "alliance_patient", therapist = "alliance_therapist")

studies <- unique(raw$study)
derived <- lapply(studies, function(s) derive_ipd(raw[raw$study == s, ]))
names(derived) <- studies

stage1 <- list(); vcovs <- list()
for (s in studies) {
  m <- lmer(stage1_formula, data = derived[[s]], REML = TRUE, control = ctrl)
  cf <- summary(m)$coefficients
  for (t in names(terms)) {
    stage1[[length(stage1) + 1]] <- list(study = s, term = t, name = unname(terms[t]),
      estimate = cf[terms[t], "Estimate"], se = cf[terms[t], "Std. Error"], df = cf[terms[t], "df"],
      n_sessions = nobs(m), logLik = as.numeric(logLik(m)))
  }
  V <- as.matrix(vcov(m))[terms[c("within", "patient")], terms[c("within", "patient")]]
  vcovs[[s]] <- V
}
st1 <- do.call(rbind, lapply(stage1, as.data.frame))

pooled <- list()
for (t in names(terms)) {
  x <- st1[st1$term == t, ]
  for (mt in list(c("REML", "knha"), c("DL", "z"))) {
    res <- rma(x$estimate, sei = x$se, method = mt[1], test = mt[2], control = list(threshold = 1e-12))
    pooled[[length(pooled) + 1]] <- list(term = t, method = mt[1], test = mt[2],
      r_call = sprintf("rma(yi, sei = se, method = \"%s\", test = \"%s\", control = list(threshold = 1e-12))", mt[1], mt[2]),
      estimate = res$beta[1], se = res$se, ci_lb = res$ci.lb, ci_ub = res$ci.ub, p = res$pval,
      tau2 = res$tau2, I2 = res$I2, H2 = res$H2, QE = res$QE, QE_p = res$QEp,
      pi_lb = predict(res)$pi.lb, pi_ub = predict(res)$pi.ub)
  }
}

# one stage
all <- do.call(rbind, derived)
all$pid <- paste(all$study, all$therapist, all$patient)
all$tid <- paste(all$study, all$therapist)
# the response and every predictor but alliance_within centred on the
# study mean of its observed values (in place of study intercepts)
for (v in c("outcome_next", "alliance_patient", "alliance_therapist", "outcome", "session"))
  all[[v]] <- ave(all[[v]], all$study, FUN = function(z) z - mean(z, na.rm = TRUE))
one_formula <- outcome_next ~ alliance_within + alliance_patient + alliance_therapist + outcome + session + (0 + alliance_within | study) + (1 | tid) + (1 | pid)
one <- lmer(one_formula, data = all, REML = TRUE, control = ctrl)
ocf <- summary(one)$coefficients
vc <- as.data.frame(VarCorr(one))
one_stage <- list(r_call = paste0("lmer(", deparse1(one_formula), ", data = all, REML = TRUE, control = ctrl) after all[[v]] <- ave(all[[v]], all$study, FUN = function(z) z - mean(z, na.rm = TRUE)) for v in outcome_next, alliance_patient, alliance_therapist, outcome, session"),
  fixed = lapply(unname(terms), function(n) list(name = n, estimate = ocf[n, "Estimate"], se = ocf[n, "Std. Error"], df = ocf[n, "df"])),
  random = lapply(seq_len(nrow(vc)), function(i) list(group = vc$grp[i], variance = vc$vcov[i])),
  logLik = as.numeric(logLik(one)), nobs = nobs(one))

# multivariate: within and patient jointly
long <- do.call(rbind, lapply(studies, function(s) {
  x <- st1[st1$study == s & st1$term %in% c("within", "patient"), ]
  x[match(c("within", "patient"), x$term), ]
}))
long$term <- factor(long$term, levels = c("within", "patient"))
V <- bldiag(lapply(studies, function(s) vcovs[[s]]))
mvfit <- function(control) try(rma.mv(estimate, V, mods = ~ 0 + term, random = ~ term | study, struct = "UN", data = long,
                                      method = "REML", control = control), silent = TRUE)
mv <- mvfit(list(rel.tol = 1e-12, iter.max = 10000, eval.max = 20000))
if (inherits(mv, "try-error")) mv <- mvfit(list(rel.tol = 1e-10, iter.max = 10000, eval.max = 20000))
if (inherits(mv, "try-error")) mv <- mvfit(list(optimizer = "optim", optmethod = "BFGS", reltol = 1e-13, maxit = 10000))
multivariate <- list(r_call = "rma.mv(yi, V, mods = ~ 0 + term, random = ~ term | study, struct = \"UN\", data = long, method = \"REML\", control = list(rel.tol = 1e-12), falling back to 1e-10 and then optim BFGS reltol 1e-13 when nlminb does not converge); V <- bldiag(per-study vcov(lmer) of alliance_within, alliance_patient)",
  estimate = unname(mv$beta[, 1]), se = unname(mv$se), tau2 = unname(mv$tau2), rho = unname(mv$rho),
  logLik = as.numeric(logLik(mv)))

write_golden("ipd_sim6", list(
  call = "stage 1: lmerTest::lmer(outcome_next ~ alliance_within + alliance_patient + alliance_therapist + outcome + session + (1 | therapist/patient), REML = TRUE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6))) per study; stage 2: rma(yi, sei = se, method = 'REML', test = 'knha') and method = 'DL'; one stage and multivariate: see one_stage$r_call and multivariate$r_call (testdata/golden/R/ipd.R)",
  data = "ipd_sim6.csv", stage1 = stage1, pooled = pooled, one_stage = one_stage, multivariate = multivariate), pkgs)
