# Reference values for analysis/sessions (the alliance -> outcome session
# workflow). Sourced by testdata/golden/make_golden.R:
#     Rscript testdata/golden/make_golden.R sessions
#
# The derived columns (patient / therapist centring, detrending, lags) are
# written out here in base R, independently of the Go code, and the models
# are fitted with lme4 + lmerTest (Satterthwaite df) and nlme (AR(1)).
# lmer: bobyqa with rhoend = 1e-12; lme: msTol = 1e-14, tolerance = 1e-12.
# Every golden embeds its input data, so Go tests need nothing else.
suppressPackageStartupMessages({ library(lme4); library(lmerTest); library(nlme) })

pkgs <- c("lme4", "lmerTest", "nlme", "Matrix")
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e6),
                    check.conv.singular = "ignore")
lctrl <- lmeControl(maxIter = 1000, msMaxIter = 1000, msMaxEval = 10000, msTol = 1e-14,
                    tolerance = 1e-12, niterEM = 0, opt = "nlminb")

# ---- derivation -------------------------------------------------------------
# d: data.frame with patient, session, outcome, optional therapist, alliance.
# Patients are the (therapist, patient) pairs when therapists are given.
# Returns d with, for v in alliance/outcome:
#   v_between   patient mean over observed values
#   v_within    v - patient mean, or the residual of the patient's lm(v ~ session)
#   v_trend     slope of that lm (detrend only; NA with < 2 observations)
#   v_therapist mean over the therapist's patients of their patient means
#   v_patient   patient mean - therapist mean
#   v_lag/next  value at the previous/next session of the patient if the gap <= gap
derive <- function(d, detrend = FALSE, gap = 1) {
  has_t <- !is.null(d$therapist)
  key <- if (has_t) paste(d$therapist, d$patient, sep = "\r") else as.character(d$patient)
  vars <- intersect(c("alliance", "outcome"), names(d))
  for (v in vars) {
    x <- d[[v]]
    pm <- tapply(x, key, function(z) if (all(is.na(z))) NA_real_ else mean(z, na.rm = TRUE))
    d[[paste0(v, "_between")]] <- unname(pm[key])
    w <- x - unname(pm[key])
    if (detrend) {
      tr <- rep(NA_real_, nrow(d))
      for (k in unique(key)) {
        rows <- which(key == k)
        ok <- rows[!is.na(x[rows])]
        if (length(ok) >= 2) {
          f <- lm(x[ok] ~ d$session[ok])
          w[ok] <- residuals(f)
          tr[rows] <- coef(f)[2]
        }
      }
      d[[paste0(v, "_trend")]] <- tr
    }
    d[[paste0(v, "_within")]] <- w
    if (has_t) {
      pth <- tapply(d$therapist, key, function(z) z[1])
      tm <- tapply(pm, pth[names(pm)], function(z) if (all(is.na(z))) NA_real_ else mean(z, na.rm = TRUE))
      d[[paste0(v, "_therapist")]] <- unname(tm[as.character(d$therapist)])
      d[[paste0(v, "_patient")]] <- d[[paste0(v, "_between")]] - d[[paste0(v, "_therapist")]]
    }
    # lags: look up the row of the same patient at the nearest earlier / later session
    lagv <- nextv <- rep(NA_real_, nrow(d))
    for (i in seq_len(nrow(d))) {
      same <- which(key == key[i])
      s <- d$session[same]
      before <- same[s < d$session[i]]
      after <- same[s > d$session[i]]
      if (length(before)) {
        j <- before[which.max(d$session[before])]
        if (d$session[i] - d$session[j] <= gap) lagv[i] <- x[j]
      }
      if (length(after)) {
        j <- after[which.min(d$session[after])]
        if (d$session[j] - d$session[i] <= gap) nextv[i] <- x[j]
      }
    }
    d[[paste0(v, "_lag")]] <- lagv
    d[[paste0(v, "_next")]] <- nextv
  }
  d
}

derived_cols <- function(d) {
  keep <- grep("_(between|within|trend|therapist|patient|lag|next)$", names(d), value = TRUE)
  lapply(d[keep], function(x) as.numeric(x))
}

# ---- fit records ------------------------------------------------------------
rec_lmer <- function(m, formula, opts) {
  s <- summary(m)
  cf <- s$coefficients
  vc <- as.data.frame(VarCorr(m), order = "lower.tri")
  ran <- vc[!is.na(vc$var1) & is.na(vc$var2) & vc$grp != "Residual", ]
  cor <- vc[!is.na(vc$var2), ]
  q <- qt(0.975, cf[, "df"])
  list(options = opts, formula = formula, REML = isREML(m),
       names = rownames(cf), estimate = unname(cf[, "Estimate"]), se = unname(cf[, "Std. Error"]),
       df = unname(cf[, "df"]), statistic = unname(cf[, "t value"]), p = unname(cf[, "Pr(>|t|)"]),
       ci_lb = unname(cf[, "Estimate"] - q * cf[, "Std. Error"]),
       ci_ub = unname(cf[, "Estimate"] + q * cf[, "Std. Error"]),
       vcov = unname(as.matrix(vcov(m))),
       random = list(group = ran$grp, name = ran$var1, variance = ran$vcov),
       correlations = if (nrow(cor)) list(group = cor$grp, corr = cor$sdcor) else NULL,
       residual_variance = sigma(m)^2,
       logLik = as.numeric(logLik(m)), AIC = AIC(m), BIC = BIC(m),
       nobs = nobs(m), ngroups = as.list(ngrps(m)), singular = isSingular(m))
}

fit_lmer <- function(formula, data, opts) {
  m <- lmerTest::lmer(as.formula(formula), data = data, REML = !isTRUE(opts$ml), control = ctrl)
  rec_lmer(m, formula, opts)
}

# nlme with corAR1 within the finest group; random is a one-sided formula.
fit_lme <- function(formula, fixed, random, cform, data, opts) {
  data <- data[complete.cases(data[all.vars(fixed)]), ]
  m <- lme(fixed, random = random, data = data, method = if (isTRUE(opts$ml)) "ML" else "REML",
           correlation = corAR1(form = cform), control = lctrl)
  tt <- summary(m)$tTable
  pm <- pdMatrix(m$modelStruct$reStruct)
  list(options = opts, formula = formula, REML = !isTRUE(opts$ml),
       names = rownames(tt), estimate = unname(tt[, "Value"]),
       vcov = unname(as.matrix(vcov(m))),
       re_cov = lapply(names(pm), function(g) list(group = g, cov = unname(pm[[g]] * m$sigma^2))),
       residual_variance = m$sigma^2,
       ar1_phi = unname(coef(m$modelStruct$corStruct, unconstrained = FALSE)),
       logLik = as.numeric(logLik(m)), nobs = nrow(data))
}

input <- function(d, cols) lapply(d[cols], function(x) if (is.factor(x)) as.character(x) else x)

# ---- demo-sessions (simulated, datasets/data/demo-sessions.csv) ------------
demo <- read.csv("datasets/data/demo-sessions.csv")
demo$patient <- as.character(demo$patient); demo$therapist <- as.character(demo$therapist)
dd <- derive(demo)
dt <- derive(demo, detrend = TRUE)
dg <- derive(demo, gap = 2)
dpat <- demo[c("patient", "session", "alliance", "outcome")]
dp <- derive(dpat)
dpg <- derive(dpat, gap = 2)
write_golden("sessions_demo", list(
  data = input(demo, c("patient", "therapist", "session", "alliance", "outcome")),
  derived = list(
    list(options = list(model = "lagged"), columns = derived_cols(dd)),
    list(options = list(detrend = TRUE), columns = derived_cols(dt)),
    list(options = list(max_lag_gap = 2), columns = derived_cols(dg))),
  fits = list(
    fit_lmer("outcome_next ~ alliance_within + alliance_patient + alliance_therapist + outcome + session + (1 | therapist/patient)",
             dd, list(model = "lagged")),
    fit_lmer("outcome_next ~ alliance_within + alliance_patient + alliance_therapist + outcome + session + (1 | therapist/patient)",
             dt, list(model = "lagged", detrend = TRUE)),
    fit_lmer("alliance_next ~ outcome_within + outcome_patient + outcome_therapist + alliance + session + (1 | therapist/patient)",
             dd, list(model = "reverse")),
    fit_lmer("outcome ~ alliance_within + alliance_between + session + (1 + session | patient)",
             dd, list(model = "concurrent", ignore_therapist = TRUE, random_slope = TRUE)),
    fit_lmer("outcome_next ~ alliance_within + alliance_patient + alliance_therapist + outcome + session + (1 + session | patient:therapist) + (1 | therapist)",
             dd, list(model = "lagged", random_slope = TRUE, ml = TRUE)),
    fit_lmer("outcome_next ~ alliance_within + alliance_between + outcome + session + (1 | patient)",
             dpg, list(model = "lagged", no_therapist_column = TRUE, max_lag_gap = 2, ml = TRUE)),
    fit_lmer("outcome_next ~ alliance_within + alliance_between + outcome + (1 | therapist/patient)",
             dd, list(model = "lagged", centring = "person", no_time = TRUE))),
  ar1 = list(
    fit_lme("outcome ~ alliance_within + alliance_between + session + (1 | patient)",
            outcome ~ alliance_within + alliance_between + session, ~ 1 | patient, ~ session | patient,
            dp, list(model = "concurrent", no_therapist_column = TRUE, ar1 = TRUE)),
    fit_lme("outcome ~ alliance_within + alliance_patient + alliance_therapist + session + (1 | therapist/patient)",
            outcome ~ alliance_within + alliance_patient + alliance_therapist + session, ~ 1 | therapist/patient,
            ~ session | therapist/patient, dd, list(model = "concurrent", ar1 = TRUE, ml = TRUE)))
), packages = pkgs)

# ---- claus2020 (real trial, datasets/data/claus2020.csv) -------------------
cl <- read.csv("datasets/data/claus2020.csv")
cl <- data.frame(patient = as.character(cl$id), session = cl$time, outcome = as.numeric(cl$bdi),
                 alliance = as.numeric(cl$who), age = as.numeric(cl$age))
cd <- derive(cl)
write_golden("sessions_claus2020", list(
  data = input(cl, c("patient", "session", "alliance", "outcome", "age")),
  derived = list(list(options = list(model = "lagged"), columns = derived_cols(cd))),
  fits = list(
    fit_lmer("outcome ~ session + age + (1 | patient)", cd, list(model = "growth", covariates = "age")),
    fit_lmer("outcome ~ alliance_within + alliance_between + session + (1 | patient)", cd,
             list(model = "concurrent", ml = TRUE))),
  ar1 = list(
    fit_lme("outcome ~ session + age + (1 | patient)", outcome ~ session + age, ~ 1 | patient,
            ~ session | patient, cd, list(model = "growth", covariates = "age", ar1 = TRUE)))
), packages = pkgs)

# ---- sgdata BDI, sessions 0..12 (suddengains example data) -----------------
sg <- read.csv("datasets/data/sgdata.csv")
sgl <- do.call(rbind, lapply(0:12, function(s)
  data.frame(patient = as.character(sg$id), session = s, outcome = as.numeric(sg[[paste0("bdi_s", s)]]))))
sgl <- sgl[order(as.numeric(sgl$patient), sgl$session), ]
sgd <- derive(sgl)
write_golden("sessions_sgdata", list(
  data = input(sgl, c("patient", "session", "outcome")),
  derived = list(list(options = list(model = "lagged"), columns = derived_cols(sgd))),
  fits = list(
    fit_lmer("outcome ~ session + (1 + session | patient)", sgd, list(model = "growth", random_slope = TRUE)),
    fit_lmer("outcome ~ session + (1 | patient)", sgd, list(model = "growth", ml = TRUE))),
  ar1 = list(
    fit_lme("outcome ~ session + (1 | patient)", outcome ~ session, ~ 1 | patient, ~ session | patient,
            sgd, list(model = "growth", ar1 = TRUE)))
), packages = pkgs)

# ---- BtheB (HSAUR3), BDI at months 2, 3, 5, 8 ------------------------------
bt <- read.csv("analysis/sessions/testdata/BtheB.csv")
bt$patient <- as.character(seq_len(nrow(bt)))
btl <- do.call(rbind, lapply(c(2, 3, 5, 8), function(mo)
  data.frame(patient = bt$patient, session = mo, outcome = as.numeric(bt[[paste0("bdi.", mo, "m")]]),
             bdi_pre = as.numeric(bt$bdi.pre), drug = as.numeric(bt$drug == "Yes"),
             length = as.numeric(bt$length == ">6m"), treatment = as.numeric(bt$treatment == "BtheB"))))
btd <- derive(btl)
write_golden("sessions_btheb", list(
  data = input(btl, c("patient", "session", "outcome", "bdi_pre", "drug", "length", "treatment")),
  derived = list(list(options = list(model = "lagged"), columns = derived_cols(btd)),
                 list(options = list(detrend = TRUE, max_lag_gap = 3), columns = derived_cols(derive(btl, TRUE, 3)))),
  fits = list(
    # HSAUR3's model: lmer(bdi ~ bdi.pre + time + treatment + drug + length + (1 | subject), REML = FALSE)
    fit_lmer("outcome ~ session + bdi_pre + drug + length + treatment + (1 | patient)", btd,
             list(model = "growth", ml = TRUE, covariates = c("bdi_pre", "drug", "length", "treatment"))),
    fit_lmer("outcome ~ session + bdi_pre + drug + length + treatment + (1 + session | patient)", btd,
             list(model = "growth", random_slope = TRUE, covariates = c("bdi_pre", "drug", "length", "treatment"))))
), packages = pkgs)

# ---- simulated: known within / between / therapist effects ------------------
# 30 therapists x 8 patients (ids P1..P8 repeat across therapists), 1..14
# planned sessions with gaps, some missing scores, some one-session patients.
set.seed(20240611)
ntb <- 30; npp <- 8
rows <- list()
for (th in 1:ntb) {
  ut <- rnorm(1, 0, 0.3)
  for (pp in 1:npp) {
    ns <- if (runif(1) < 0.08) 1 else sample(4:14, 1)
    s <- sort(sample(1:(ns + 3), ns))
    up <- rnorm(1, 0, 0.5)
    e <- as.numeric(arima.sim(list(ar = 0.4), n = max(s)))[s] * 0.3
    al <- 3.5 + ut + up + e
    py <- rnorm(1, 0, 3)
    y <- numeric(ns)
    for (k in seq_len(ns)) {
      prev <- if (k > 1 && s[k] - s[k - 1] == 1) e[k - 1] else 0
      y[k] <- 16 + py - 0.3 * s[k] - 2 * ut - 3 * up - 1.5 * prev + rnorm(1, 0, 2)
    }
    rows[[length(rows) + 1]] <- data.frame(therapist = sprintf("T%02d", th), patient = paste0("P", pp),
                                           session = s, alliance = round(al, 3), outcome = round(y, 2),
                                           x = round(rnorm(ns), 3))
  }
}
sim <- do.call(rbind, rows)
sim$alliance[sample(nrow(sim), 25)] <- NA
sim$outcome[sample(nrow(sim), 25)] <- NA
sim <- sim[sample(nrow(sim)), ]   # rows out of order on purpose
sd1 <- derive(sim)
sdt <- derive(sim, detrend = TRUE, gap = 2)
sim_pk <- sim; sim_pk$patient <- paste(sim$patient, sim$therapist, sep = ":"); sim_pk$therapist <- NULL
spk <- derive(sim_pk)
write_golden("sessions_sim", list(
  truth = list(within_lag = -1.5, session = -0.3, note = "alliance_patient effect -3, therapist -2 (alliance-scale units)"),
  data = input(sim, c("patient", "therapist", "session", "alliance", "outcome", "x")),
  derived = list(list(options = list(model = "lagged"), columns = derived_cols(sd1)),
                 list(options = list(detrend = TRUE, max_lag_gap = 2), columns = derived_cols(sdt))),
  fits = list(
    fit_lmer("outcome_next ~ alliance_within + alliance_patient + alliance_therapist + outcome + session + x + (1 | therapist/patient)",
             sd1, list(model = "lagged", covariates = "x")),
    fit_lmer("outcome_next ~ alliance_within + alliance_patient + alliance_therapist + outcome + session + (1 | therapist/patient)",
             sdt, list(model = "lagged", detrend = TRUE, max_lag_gap = 2)),
    fit_lmer("alliance_next ~ outcome_within + outcome_patient + outcome_therapist + alliance + session + (1 | therapist/patient)",
             sd1, list(model = "reverse")),
    fit_lmer("outcome ~ alliance_within + alliance_between + session + (1 | patient)",
             spk, list(model = "concurrent", ignore_therapist = TRUE))),
  ar1 = list(
    fit_lme("outcome ~ alliance_within + alliance_between + session + (1 | patient)",
            outcome ~ alliance_within + alliance_between + session, ~ 1 | patient, ~ session | patient,
            spk, list(model = "concurrent", ignore_therapist = TRUE, ar1 = TRUE)))
), packages = pkgs)

# ---- edge cases -------------------------------------------------------------
# (a) no therapist variance and few therapists: the therapist variance is
#     estimated at zero (a singular fit);  (b) a single therapist: the
#     therapist level is dropped, leaving (1 | patient).
set.seed(5)
mk <- function(nth, npt, tsd) {
  do.call(rbind, lapply(1:nth, function(th) {
    ut <- rnorm(1, 0, tsd)
    do.call(rbind, lapply(1:npt, function(pp) {
      s <- 1:6; up <- rnorm(1, 0, 1)
      data.frame(therapist = paste0("T", th), patient = paste0("T", th, "P", pp), session = s,
                 alliance = round(3 + up * 0.3 + rnorm(6, 0, 0.3), 2),
                 outcome = round(12 + ut + up * 2 - 0.2 * s + rnorm(6, 0, 1.5), 1))
    }))
  }))
}
sing <- mk(3, 6, 0)
sgl1 <- derive(sing)
one <- mk(1, 10, 1)
oned <- derive(one[c("patient", "session", "alliance", "outcome")])
write_golden("sessions_edge", list(
  singular = list(data = input(sing, c("patient", "therapist", "session", "alliance", "outcome")),
                  fit = fit_lmer("outcome ~ alliance_within + alliance_between + session + (1 | therapist/patient)",
                                 sgl1, list(model = "concurrent", centring = "person"))),
  single_therapist = list(data = input(one, c("patient", "therapist", "session", "alliance", "outcome")),
                          fit = fit_lmer("outcome ~ alliance_within + alliance_between + session + (1 | patient)",
                                         oned, list(model = "concurrent")))
), packages = pkgs)
