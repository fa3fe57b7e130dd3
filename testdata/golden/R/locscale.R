# Goldens for location–scale meta-regression (analysis/meta FitLocationScale),
# from metafor 3.8-1's rma(yi, vi, mods = ~ x, scale = ~ z) with the log link.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R locscale
#
# Tight controls: nlminb (metafor's default optimizer for rma.ls) with
# rel.tol = 1e-12; SEs of the scale coefficients come from numDeriv's
# Hessian (metafor's default hessianCtrl = list(r = 8)). The LRT of the scale
# part is anova(res, res0) with res0 the same location model with scale = ~ 1.
# Each case carries its input data (yi, vi and the moderator columns).
suppressPackageStartupMessages({ library(metafor); library(metadat) })

un <- function(x) unname(c(x))
ls_ctrl <- list(rel.tol = 1e-12, eval.max = 10000, iter.max = 10000)
ls_ctrl_txt <- "list(rel.tol = 1e-12, eval.max = 10000, iter.max = 10000)"

col_json <- function(x) if (is.numeric(x)) list(numeric = un(x)) else list(text = as.character(x))

rec <- function(name, dname, d, mods, scale, method, test, newscale = NULL) {
  fm <- if (length(mods)) as.formula(paste("~", paste(mods, collapse = " + "))) else NULL
  fs <- as.formula(paste("~", paste(scale, collapse = " + ")))
  # the tightest control under which the optimizer reports convergence
  ctrls <- list(list(ctl = ls_ctrl, txt = ls_ctrl_txt, tight = TRUE),
                list(ctl = list(rel.tol = 1e-10, eval.max = 10000, iter.max = 10000), txt = "list(rel.tol = 1e-10, eval.max = 10000, iter.max = 10000)", tight = TRUE),
                list(ctl = list(optimizer = "BFGS", reltol = 1e-14, maxit = 10000), txt = "list(optimizer = \"BFGS\", reltol = 1e-14, maxit = 10000)", tight = TRUE),
                list(ctl = list(), txt = "list()", tight = FALSE))
  res <- NULL
  for (cc in ctrls) {
    args <- list(quote(yi), quote(vi), scale = fs, data = d, method = method, test = test, control = cc$ctl)
    if (!is.null(fm)) args$mods <- fm
    res <- tryCatch(do.call(rma, args), error = function(e) NULL)
    if (!is.null(res)) break
  }
  if (is.null(res)) { message(name, ": no fit"); return(NULL) }
  # The same model with the numeric location moderators centred (the REML
  # and ML profile likelihoods in alpha are unchanged): numDeriv's Hessian
  # is then better conditioned (year ~ 2000 uncentred costs it ~2e-4).
  dc <- d
  mc <- mods
  for (i in seq_along(mods)) if (is.numeric(d[[mods[i]]])) {
    mc[i] <- paste0(mods[i], "_centred")
    dc[[mc[i]]] <- d[[mods[i]]] - mean(d[[mods[i]]], na.rm = TRUE)
  }
  argsc <- args; argsc$data <- dc
  if (length(mods)) argsc$mods <- as.formula(paste("~", paste(mc, collapse = " + ")))
  resc <- do.call(rma, argsc)
  # the same location model with one tau^2 (rma.uni, Fisher scoring to 1e-12)
  a0 <- list(quote(yi), quote(vi), data = d, method = method, test = test, control = list(threshold = 1e-12, maxiter = 1000))
  if (!is.null(fm)) a0$mods <- fm
  a0$subset <- !apply(is.na(as.data.frame(d[unique(c(mods, scale))])), 1, any)
  res0 <- do.call(rma, a0)
  ll0 <- un(logLik(res0))
  lrt <- 2 * (un(logLik(res)) - ll0)
  call <- sprintf("rma(yi, vi, %sscale = ~ %s, data = %s, method = \"%s\", test = \"%s\", control = %s)",
                  if (length(mods)) sprintf("mods = ~ %s, ", paste(mods, collapse = " + ")) else "",
                  paste(scale, collapse = " + "), dname, method, test, cc$txt)
  fit <- fitstats(res)
  cols <- list()
  for (v in unique(c(mods, scale))) cols[[v]] <- col_json(d[[v]])
  out <- list(name = name, r_call = call, lrt_call = "2 * (logLik(res) - logLik(res0)), res0 <- rma(yi, vi, mods, data, method, test, subset = complete cases of mods and scale, control = list(threshold = 1e-12))", tight = cc$tight,
    method = method, test = test, mods = I(mods), scale = I(scale),
    yi = un(d$yi), vi = un(d$vi), columns = cols,
    k = res$k, p = res$p, q = res$q,
    names = I(rownames(res$beta)), estimate = un(res$beta), se = un(res$se), statistic = un(res$zval),
    pval = un(res$pval), ci_lb = un(res$ci.lb), ci_ub = un(res$ci.ub),
    scale_names = I(rownames(res$alpha)), alpha = un(res$alpha), se_alpha = un(res$se.alpha),
    statistic_alpha = un(res$zval.alpha), pval_alpha = un(res$pval.alpha),
    ci_lb_alpha = un(res$ci.lb.alpha), ci_ub_alpha = un(res$ci.ub.alpha),
    vcov_alpha = un(res$va), se_alpha_centred = un(resc$se.alpha), vcov_alpha_centred = un(resc$va),
    QE = res$QE, QE_p = res$QEp, QM = res$QM, QM_df = un(res$QMdf), QM_p = res$QMp,
    QS = res$QS, QS_df = un(res$QSdf), QS_p = res$QSp,
    tau2 = un(res$tau2),
    logLik = un(fit[1]), deviance = un(fit[2]), AIC = un(fit[3]), BIC = un(fit[4]), AICc = un(fit[5]),
    logLik0 = ll0, tau2_0 = res0$tau2, LRT = lrt, LRT_df = res$q - 1, LRT_p = pchisq(lrt, res$q - 1, lower.tail = FALSE))
  if (!is.null(newscale)) {
    pr <- predict(res, newscale = newscale$z)
    out$newscale <- list(values = newscale$values, pred = un(pr$pred), se = un(pr$se),
                         ci_lb = un(pr$ci.lb), ci_ub = un(pr$ci.ub))
  }
  out
}

b <- dat.bangertdrowns2004
b$ni100 <- b$ni / 100
b$gradef <- as.character(b$grade)
demo <- read.csv("datasets/data/demo-studies.csv")
dm <- escalc("ZCOR", ri = ri, ni = ni, data = demo)

cases <- Filter(Negate(is.null), list(
  rec("bd grade REML z", "dat.bangertdrowns2004", b, character(), "grade", "REML", "z",
      list(z = 1:4, values = lapply(1:4, function(g) list(grade = as.character(g))))),
  rec("bd grade ML z", "dat.bangertdrowns2004", b, character(), "grade", "ML", "z"),
  rec("bd length/meta ML t", "dat.bangertdrowns2004", b, "length", "meta", "ML", "t",
      list(z = c(0, 1), values = list(list(meta = "0"), list(meta = "1")))),
  rec("bd length/meta REML z", "dat.bangertdrowns2004", b, "length", "meta", "REML", "z"),
  rec("bd length/meta REML knha", "dat.bangertdrowns2004", b, "length", "meta", "REML", "knha"),
  rec("bd ni100/ni100 REML z", "dat.bangertdrowns2004", b, "ni100", "ni100", "REML", "z"),
  rec("bd ni100+meta/ni100+imag REML z", "dat.bangertdrowns2004", b, c("ni100", "meta"), c("ni100", "imag"), "REML", "z"),
  rec("bd ni100+meta/ni100+imag ML t", "dat.bangertdrowns2004", b, c("ni100", "meta"), c("ni100", "imag"), "ML", "t"),
  rec("bd factor(grade) REML z", "dat.bangertdrowns2004 (gradef = as.character(grade))", b, character(), "gradef", "REML", "z",
      list(z = rbind(c(0, 0, 0), c(1, 0, 0), c(0, 1, 0), c(0, 0, 1)), values = lapply(1:4, function(g) list(gradef = as.character(g))))),
  rec("demo rater REML z", "escalc(\"ZCOR\", ri = ri, ni = ni, data = demo-studies)", dm, character(), "alliance_rater", "REML", "z",
      list(z = rbind(c(0, 0), c(1, 0), c(0, 1)), values = list(list(alliance_rater = "observer"), list(alliance_rater = "patient"), list(alliance_rater = "therapist")))),
  rec("demo rater ML z", "escalc(\"ZCOR\", ri = ri, ni = ni, data = demo-studies)", dm, character(), "alliance_rater", "ML", "z"),
  rec("demo year/rater REML t", "escalc(\"ZCOR\", ri = ri, ni = ni, data = demo-studies)", dm, "year", "alliance_rater", "REML", "t"),
  rec("demo year/rater ML t", "escalc(\"ZCOR\", ri = ri, ni = ni, data = demo-studies)", dm, "year", "alliance_rater", "ML", "t"),
  rec("demo rater/rater+year ML z", "escalc(\"ZCOR\", ri = ri, ni = ni, data = demo-studies)", dm, "alliance_rater", c("alliance_rater", "year"), "ML", "z"))
)
write_golden("meta_locscale", list(call = "per case: r_call, LRT by lrt_call (testdata/golden/R/locscale.R)",
  metafor = as.character(packageVersion("metafor")), numDeriv = as.character(packageVersion("numDeriv")), cases = cases),
  c("metafor", "metadat", "numDeriv"))
