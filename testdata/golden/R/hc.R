# Goldens for the Henmi–Copas CI, metafor's hc(), on four public datasets
# and a homogeneous case (τ²_DL = 0). uniroot to tol = 1e-12 (control);
# metafor's integrate keeps its default rel.tol.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R hc
suppressPackageStartupMessages({ library(metafor); library(metadat) })

un <- function(x) unname(c(x))
ctrl <- list(threshold = 1e-12, maxiter = 1000, tol = 1e-12)
rec <- function(name, d, method, level = 95) {
  res <- rma(yi, vi, data = d, method = method, level = level, control = ctrl)
  x <- hc(res, control = list(tol = 1e-12))
  list(name = name, method = method, level = level / 100,
       r_call = sprintf("hc(rma(yi, vi, data = %s, method = \"%s\", level = %g), control = list(tol = 1e-12))", name, method, level),
       yi = un(d$yi), vi = un(d$vi),
       estimate = x$beta, se = x$se, ci_lb = x$ci.lb, ci_ub = x$ci.ub, tau2 = x$tau2,
       estimate_rma = un(x$beta.rma), se_rma = x$se.rma, ci_lb_rma = x$ci.lb.rma, ci_ub_rma = x$ci.ub.rma, tau2_rma = x$tau2.rma)
}
molloy <- escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014)
bcg <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
b <- dat.bangertdrowns2004
b <- b[!is.na(b$yi) & !is.na(b$vi), ]
homog <- data.frame(yi = c(0.10, 0.12, 0.08, 0.11, 0.09, 0.13), vi = c(0.01, 0.02, 0.015, 0.01, 0.03, 0.02))
cases <- list(
  rec("dat.hackshaw1998", dat.hackshaw1998, "REML"),
  rec("dat.hackshaw1998", dat.hackshaw1998, "DL", level = 90),
  rec("escalc(\"ZCOR\", ri, ni, data = dat.molloy2014)", molloy, "REML"),
  rec("escalc(\"RR\", tpos, tneg, cpos, cneg, data = dat.bcg)", bcg, "REML"),
  rec("dat.bangertdrowns2004", b, "REML"),
  rec("homog", homog, "REML")
)
write_golden("hc", list(call = "per case: r_call (testdata/golden/R/hc.R)", metafor = as.character(packageVersion("metafor")), cases = cases), c("metafor", "metadat"))
