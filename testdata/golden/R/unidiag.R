# Reference values for the per-study diagnostics, the profile likelihood of
# tau^2 and the likelihood-ratio comparison of univariate models
# (analysis/meta/studies.go, profile.go, compare.go): metafor 3.8-1
# fitted(res), blup(res), rstandard(res), rstudent(res),
# confint(res, type = "PL"), profile(res) and anova(m1, m2, refit = TRUE).
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R unidiag
suppressPackageStartupMessages({ library(metafor); library(metadat) })

ctl <- list(threshold = 1e-12, maxiter = 1000)
bcg <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
mol <- escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014)
bd <- dat.bangertdrowns2004
bdc <- bd[complete.cases(bd[, c("yi", "vi", "length", "imag", "meta")]), ]  # the rows both compared models use

data_rec <- function(d, mods) {
  out <- list(yi = as.vector(d$yi), vi = as.vector(d$vi))
  for (m in mods) out[[m]] <- if (is.numeric(d[[m]])) as.vector(d[[m]]) else as.character(d[[m]])
  out
}

diag_rec <- function(res, call, profile_tau2 = NULL) {
  b <- blup(res); rs <- rstandard(res); rt <- rstudent(res)
  out <- list(r_call = call, method = res$method, test = res$test, tau2 = res$tau2,
    logLik = as.numeric(logLik(res)),
    fitted = unname(as.vector(fitted(res))),
    blup = list(pred = unname(b$pred), se = unname(b$se), pi_lb = unname(b$pi.lb), pi_ub = unname(b$pi.ub)),
    rstandard = list(resid = unname(rs$resid), se = unname(rs$se), z = unname(rs$z)),
    rstudent = list(resid = unname(rt$resid), se = unname(rt$se), z = unname(rt$z)))
  if (is.element(res$method, c("ML", "REML"))) {
    pl <- confint(res, type = "PL", control = list(tol = 1e-12))
    qp <- confint(res, control = list(tol = 1e-12))
    out$pl <- list(ci_lb = pl$random[1, 2], ci_ub = pl$random[1, 3])
    out$qp <- list(ci_lb = qp$random[1, 2], ci_ub = qp$random[1, 3])
    if (!is.null(profile_tau2)) {
      pr <- profile(res, xlim = range(profile_tau2), steps = length(profile_tau2), plot = FALSE, progbar = FALSE)
      out$profile <- list(tau2 = pr$tau2, ll = pr$ll)
    }
  }
  out
}

# anova(m1, m2, refit = TRUE) refits both models by ML; done here directly
# (update() inside anova fails on a data set with missing moderators).
cmp_rec <- function(full, red, call) {
  if (!is.element(full$method, c("FE", "EE"))) {
    full <- update(full, method = "ML"); red <- update(red, method = "ML")
  }
  a <- anova(full, red)
  side <- function(fs, parms, QE, tau2) list(parms = parms, logLik = unname(fs["ll"]), deviance = unname(fs["dev"]),
    AIC = unname(fs["AIC"]), BIC = unname(fs["BIC"]), AICc = unname(fs["AICc"]), QE = QE, tau2 = tau2)
  list(r_call = call, method = a$method, LRT = a$LRT, df = a$parms.f - a$parms.r, p = a$pval,
    R2 = if (is.na(a$R2)) NULL else a$R2,
    full = side(a$fit.stats.f, a$parms.f, a$QE.f, a$tau2.f),
    reduced = side(a$fit.stats.r, a$parms.r, a$QE.r, a$tau2.r))
}

fits <- list()
add <- function(name, res, call, ...) fits[[length(fits) + 1]] <<- c(list(name = name), diag_rec(res, call, ...))

# dat.bcg, log risk ratios
res <- rma(yi, vi, data = bcg, control = ctl)
add("bcg", res, "res <- rma(yi, vi, data = escalc('RR', ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg), control = list(threshold = 1e-12)); fitted(res); blup(res); rstandard(res); rstudent(res); confint(res, type = 'PL', control = list(tol = 1e-12)); profile(res, xlim = c(0, 1.2), steps = 7)",
    profile_tau2 = seq(0, 1.2, length.out = 7))
res <- rma(yi, vi, mods = ~ ablat, data = bcg, control = ctl)
add("bcg_ablat", res, "res <- rma(yi, vi, mods = ~ ablat, data = bcg, control = list(threshold = 1e-12)); fitted(res); blup(res); rstandard(res); rstudent(res); confint(res, type = 'PL', control = list(tol = 1e-12)); profile(res, xlim = c(0, 0.4), steps = 5)",
    profile_tau2 = seq(0, 0.4, length.out = 5))
res <- rma(yi, vi, mods = ~ ablat, data = bcg, test = "knha", control = ctl)
add("bcg_ablat_knha", res, "rma(yi, vi, mods = ~ ablat, data = bcg, test = 'knha', control = list(threshold = 1e-12)); fitted, blup, rstandard, rstudent, confint(type = 'PL')")
res <- rma(yi, vi, mods = ~ ablat, data = bcg, method = "ML", control = ctl)
add("bcg_ablat_ml", res, "rma(yi, vi, mods = ~ ablat, data = bcg, method = 'ML', control = list(threshold = 1e-12)); fitted, blup, rstandard, rstudent, confint(type = 'PL')")
res <- rma(yi, vi, mods = ~ ablat, data = bcg, method = "FE")
add("bcg_ablat_fe", res, "rma(yi, vi, mods = ~ ablat, data = bcg, method = 'FE'); fitted, blup, rstandard, rstudent")
res <- rma(yi, vi, mods = ~ ablat, data = bcg, method = "DL")
add("bcg_ablat_dl", res, "rma(yi, vi, mods = ~ ablat, data = bcg, method = 'DL'); fitted, blup, rstandard, rstudent")
# dat.molloy2014, Fisher z
res <- rma(yi, vi, data = mol, control = ctl)
add("molloy", res, "res <- rma(yi, vi, data = escalc('ZCOR', ri = ri, ni = ni, data = dat.molloy2014), control = list(threshold = 1e-12)); fitted, blup, rstandard, rstudent, confint(type = 'PL'); profile(res, xlim = c(0, 0.05), steps = 6)",
    profile_tau2 = seq(0, 0.05, length.out = 6))
res <- rma(yi, vi, mods = ~ meanage + a_measure, data = mol, control = ctl)
add("molloy_mods", res, "rma(yi, vi, mods = ~ meanage + a_measure, data = mol, control = list(threshold = 1e-12)); fitted, blup, rstandard, rstudent, confint(type = 'PL')")
# dat.bangertdrowns2004 (yi, vi given)
res <- rma(yi, vi, mods = ~ length, data = bd, control = ctl)
add("bangert_length", res, "rma(yi, vi, mods = ~ length, data = dat.bangertdrowns2004, control = list(threshold = 1e-12)); fitted, blup, rstandard, rstudent, confint(type = 'PL')")

cmps <- list()
addc <- function(name, mods_full, mods_red, ...) cmps[[length(cmps) + 1]] <<- c(list(name = name, mods_full = mods_full, mods_red = mods_red), cmp_rec(...))
addc("bcg_ablat_vs_1", "ablat", character(), rma(yi, vi, mods = ~ ablat, data = bcg, control = ctl), rma(yi, vi, data = bcg, control = ctl),
     "anova(rma(yi, vi, mods = ~ ablat, data = bcg), rma(yi, vi, data = bcg), refit = TRUE)")
addc("bcg_ablat_year_vs_ablat", c("ablat", "year"), "ablat", rma(yi, vi, mods = ~ ablat + year, data = bcg, control = ctl), rma(yi, vi, mods = ~ ablat, data = bcg, control = ctl),
     "anova(rma(yi, vi, mods = ~ ablat + year, data = bcg), rma(yi, vi, mods = ~ ablat, data = bcg), refit = TRUE)")
addc("bcg_fe", "ablat", character(), rma(yi, vi, mods = ~ ablat, data = bcg, method = "FE"), rma(yi, vi, data = bcg, method = "FE"),
     "anova(rma(yi, vi, mods = ~ ablat, data = bcg, method = 'FE'), rma(yi, vi, data = bcg, method = 'FE'))")
addc("molloy_measure", c("meanage", "a_measure"), "meanage", rma(yi, vi, mods = ~ meanage + a_measure, data = mol, control = ctl), rma(yi, vi, mods = ~ meanage, data = mol, control = ctl),
     "anova(rma(yi, vi, mods = ~ meanage + a_measure, data = mol), rma(yi, vi, mods = ~ meanage, data = mol), refit = TRUE)")
addc("bangert", c("length", "imag", "meta"), "length", rma(yi, vi, mods = ~ length + imag + meta, data = bdc, control = ctl), rma(yi, vi, mods = ~ length, data = bdc, control = ctl),
     "bdc <- dat.bangertdrowns2004[complete.cases(yi, vi, length, imag, meta), ]; anova(rma(yi, vi, mods = ~ length + imag + meta, data = bdc, method = 'ML'), rma(yi, vi, mods = ~ length, data = bdc, method = 'ML'))")

write_golden("meta_unidiag", list(
  call = "fitted(res), blup(res), rstandard(res), rstudent(res), confint(res, type = 'PL', control = list(tol = 1e-12)), profile(res, xlim, steps) and anova(m1, m2, refit = TRUE) for rma(yi, vi, mods, data, method, test, control = list(threshold = 1e-12)) on escalc('RR', ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg), escalc('ZCOR', ri = ri, ni = ni, data = dat.molloy2014) and dat.bangertdrowns2004 — each fit records its r_call (testdata/golden/R/unidiag.R)",
  data = list(bcg = data_rec(bcg, c("ablat", "year")), molloy = data_rec(mol, c("meanage", "a_measure")),
              bangert = data_rec(bd, c("length", "imag", "meta"))),
  fits = fits, compare = cmps), packages = c("metafor", "metadat"))
