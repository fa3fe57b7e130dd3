# Goldens for the step-function selection model with several steps (and the
# continuous selection functions), from metafor's selmodel().
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R selmodel
suppressPackageStartupMessages({ library(metafor); library(metadat) })

ctrl <- list(threshold = 1e-12, maxiter = 1000, tol = 1e-12)
un <- function(x) unname(c(x))
tight <- list(optimizer = "nlminb", rel.tol = 1e-13, eval.max = 10000, iter.max = 10000)

rec <- function(name, d, method, type, steps = NULL) {
  res <- rma(yi, vi, data = d, method = method, control = ctrl)
  fit <- function(control) if (is.null(steps)) selmodel(res, type = type, control = control) else
    selmodel(res, type = type, steps = steps, control = control)
  # nlminb to a tight tolerance where it converges, else metafor's default (optim BFGS).
  sm <- tryCatch(fit(tight), error = function(e) NULL)
  ctl <- "list(optimizer = \"nlminb\", rel.tol = 1e-13)"
  if (is.null(sm)) {
    ctl <- "list()"
    sm <- tryCatch(fit(list()), error = function(e) conditionMessage(e))
    if (is.character(sm)) return(list(name = name, method = method, type = type, steps = steps, yi = un(d$yi), vi = un(d$vi), error = sm))
  }
  call <- sprintf("selmodel(rma(yi, vi, data = %s, method = \"%s\"), type = \"%s\"%s, control = %s)",
                  name, method, type, if (is.null(steps)) "" else sprintf(", steps = c(%s)", paste(steps, collapse = ", ")), ctl)
  list(name = name, method = method, type = type, steps = if (is.null(steps)) NULL else un(sm$steps), precis = un(sm$precis), r_call = call, tight = ctl != "list()",
       yi = un(d$yi), vi = un(d$vi),
       estimate = un(sm$beta), se = un(sm$se), ci_lb = un(sm$ci.lb), ci_ub = un(sm$ci.ub), p = un(sm$pval),
       tau2 = sm$tau2, se_tau2 = sm$se.tau2,
       delta = un(sm$delta), se_delta = un(sm$se.delta), ci_lb_delta = un(sm$ci.lb.delta), ci_ub_delta = un(sm$ci.ub.delta),
       ll = sm$ll, ll0 = sm$ll0, LRT = sm$LRT, LRT_df = sm$LRTdf, LRT_p = sm$LRTp,
       ptable = if (is.data.frame(sm$ptable)) un(sm$ptable$k) else NULL, pval_delta = un(sm$pval.delta))
}

h <- dat.hackshaw1998
b <- dat.bangertdrowns2004
b <- b[!is.na(b$yi) & !is.na(b$vi), ]
cases <- list(
  rec("dat.hackshaw1998", h, "ML", "stepfun", c(0.025, 0.10, 0.50, 1)),
  rec("dat.hackshaw1998", h, "ML", "stepfun", c(0.025, 0.05, 0.50, 1)),
  rec("dat.hackshaw1998", h, "EE", "stepfun", c(0.025, 0.50, 1)),
  rec("dat.bangertdrowns2004", b, "ML", "stepfun", c(0.05, 0.10, 0.50, 1)),
  rec("dat.bangertdrowns2004", b, "ML", "stepfun", c(0.025, 0.5, 1)),
  rec("dat.hackshaw1998", h, "ML", "halfnorm"),
  rec("dat.hackshaw1998", h, "ML", "negexp"),
  rec("dat.hackshaw1998", h, "ML", "logistic"),
  rec("dat.hackshaw1998", h, "ML", "power"),
  rec("dat.bangertdrowns2004", b, "ML", "halfnorm"),
  rec("dat.bangertdrowns2004", b, "ML", "negexp")
)
write_golden("selmodel_steps", list(call = "per case: r_call (testdata/golden/R/selmodel.R)", metafor = as.character(packageVersion("metafor")), cases = cases), c("metafor", "metadat"))
