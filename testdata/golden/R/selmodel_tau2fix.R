# Goldens for selection models with a user-specified τ² (kept fixed, as
# metafor's selmodel does for rma(..., tau2 = value)), with metafor's
# default optimiser (optim BFGS; nlminb fails here).
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R selmodel_tau2fix
suppressPackageStartupMessages({ library(metafor); library(metadat) })
un <- function(x) unname(c(x))
rec <- function(type, steps = NULL, ctl = list()) {
  res <- rma(yi, vi, data = dat.hackshaw1998, tau2 = 0.01)
  a <- list(res, type = type, control = ctl)
  if (!is.null(steps)) a$steps <- steps
  s <- do.call(selmodel, a)
  list(type = type, steps = steps, tau2_fixed = 0.01,
       r_call = sprintf("selmodel(rma(yi, vi, data = dat.hackshaw1998, tau2 = 0.01), type = \"%s\"%s, control = %s)", type,
                        if (is.null(steps)) "" else sprintf(", steps = c(%s)", paste(steps, collapse = ", ")), deparse(ctl)),
       yi = un(dat.hackshaw1998$yi), vi = un(dat.hackshaw1998$vi),
       estimate = un(s$beta), se = s$se, tau2 = s$tau2, delta = un(s$delta), se_delta = un(s$se.delta), ll = s$ll, ll0 = s$ll0, LRT = s$LRT)
}
cases <- list(rec("stepfun", c(0.025, 1)), rec("negexp", ctl = list(intCtrl = list(rel.tol = 1e-12, subdivisions = 1000L))))
write_golden("selmodel_tau2fix", list(call = "per case: r_call (testdata/golden/R/selmodel_tau2fix.R)", metafor = as.character(packageVersion("metafor")), cases = cases), c("metafor", "metadat"))
