# Reference values for meta-regression predictions (analysis/meta/predict.go,
# analysis/metamv/predict.go): metafor 3.8-1 predict(res, newmods = X),
# predict(res, newmods = X, transf = tanh), vcov(res) and anova(res, btt = …).
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R predict
suppressPackageStartupMessages({ library(metafor); library(metadat) })

ctl <- list(threshold = 1e-12)
bcg <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
bcg$alloc <- factor(bcg$alloc)
# newmods: the model-matrix columns ablat, year, allocrandom, allocsystematic
nm_vals <- list(list(ablat = "20", year = "1970", alloc = "random"),
                list(ablat = "40", year = "1960", alloc = "alternate"),
                list(ablat = "55", year = "1980", alloc = "systematic"))
nm <- rbind(c(20, 1970, 1, 0), c(40, 1960, 0, 0), c(55, 1980, 0, 1))

pred_list <- function(p, vals) {
  lapply(seq_along(vals), function(i) list(values = vals[[i]],
    pred = unname(p$pred[i]), se = unname(p$se[i]), ci_lb = unname(p$ci.lb[i]), ci_ub = unname(p$ci.ub[i]),
    pi_lb = unname(p$pi.lb[i]), pi_ub = unname(p$pi.ub[i])))
}
tanh_list <- function(p) {
  lapply(seq_along(p$pred), function(i) list(estimate = unname(p$pred[i]), ci_lb = unname(p$ci.lb[i]),
    ci_ub = unname(p$ci.ub[i]), pi_lb = unname(p$pi.lb[i]), pi_ub = unname(p$pi.ub[i])))
}
term_test <- function(res, btt, terms) {
  a <- anova(res, btt = btt)
  list(terms = terms, coefs = rownames(res$beta)[btt], QM = unname(a$QM), df = unname(a$QMdf[1]),
       df2 = if (is.na(a$QMdf[2])) NULL else unname(a$QMdf[2]), p = unname(a$QMp))
}
fit_rec <- function(res, call, vals, X, tests, zcor = FALSE) {
  p <- predict(res, newmods = X)
  out <- list(r_call = call, method = res$method, test = res$test, tau2 = res$tau2,
    names = rownames(res$beta), beta = as.vector(res$beta), vcov = unname(vcov(res)),
    predictions = pred_list(p, vals), term_tests = tests)
  if (zcor) out$r <- tanh_list(predict(res, newmods = X, transf = tanh))
  out
}

uni <- list()
for (cs in list(list(method = "REML", test = "z"), list(method = "REML", test = "knha"),
                list(method = "DL", test = "t"), list(method = "FE", test = "z"))) {
  res <- rma(yi, vi, mods = ~ ablat + year + alloc, data = bcg, method = cs$method, test = cs$test, control = ctl)
  call <- sprintf("res <- rma(yi, vi, mods = ~ ablat + year + alloc, data = bcg, method = '%s', test = '%s', control = list(threshold = 1e-12)); predict(res, newmods = rbind(c(20, 1970, 1, 0), c(40, 1960, 0, 0), c(55, 1980, 0, 1))); vcov(res); anova(res, btt = 4:5); anova(res, btt = 2:3)", cs$method, cs$test)
  uni[[length(uni) + 1]] <- fit_rec(res, call, nm_vals, nm,
    list(term_test(res, 4:5, "alloc"), term_test(res, 2:3, c("ablat", "year"))), zcor = cs$method == "REML")
}

kon <- dat.konstantopoulos2011
kvals <- list(list(year = "1980"), list(year = "1995"), list(year = "2005"))
kX <- matrix(c(1980, 1995, 2005), ncol = 1)
mv <- list()
for (tst in c("z", "t")) {
  res <- rma.mv(yi, vi, mods = ~ year, random = ~ 1 | district/school, data = kon, test = tst,
                control = list(rel.tol = 1e-11, iter.max = 1000, eval.max = 2000))
  call <- sprintf("res <- rma.mv(yi, vi, mods = ~ year, random = ~ 1 | district/school, data = dat.konstantopoulos2011, test = '%s', control = list(rel.tol = 1e-11)); predict(res, newmods = c(1980, 1995, 2005)); vcov(res); anova(res, btt = 2)", tst)
  rec <- fit_rec(res, call, kvals, kX, list(term_test(res, 2, "year")))
  rec$sigma2 <- res$sigma2
  mv[[length(mv) + 1]] <- rec
}

write_golden("meta_predict", list(
  call = "rma(yi, vi, mods = ~ ablat + year + alloc, data = escalc('RR', ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)) for (REML, z), (REML, knha), (DL, t), (FE, z); rma.mv(yi, vi, mods = ~ year, random = ~ 1 | district/school, data = dat.konstantopoulos2011, test = 'z' / 't'); predict(res, newmods = X) (and transf = tanh), vcov(res), anova(res, btt = ...) — each fit records its r_call (testdata/golden/R/predict.R)",
  bcg = list(yi = as.vector(bcg$yi), vi = as.vector(bcg$vi), ablat = bcg$ablat, year = bcg$year, alloc = as.character(bcg$alloc)),
  konstantopoulos = list(yi = kon$yi, vi = kon$vi, year = kon$year, district = as.character(kon$district), school = as.character(kon$school)),
  uni = uni, mv = mv), packages = c("metafor", "metadat"))
