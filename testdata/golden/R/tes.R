# Goldens for the test of excess significance, metafor's tes(), with its
# defaults (two-sided α = .05 per study, one-sided test at .10, exact or χ²
# as metafor chooses). theta.lim is recomputed with uniroot to tol = 1e-12
# on metafor's own p-value function (metafor:::.tes.lim); tes() itself uses
# uniroot's default tolerance.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R tes
suppressPackageStartupMessages({ library(metafor); library(metadat) })

un <- function(x) unname(c(x))
ctrl <- list(threshold = 1e-12, maxiter = 1000, tol = 1e-12)
rec <- function(name, d, method) {
  res <- rma(yi, vi, data = d, method = method, control = ctrl)
  x <- tes(res, progbar = FALSE)
  lim <- NA
  if (!is.na(x$theta.lim)) {
    f <- function(th) metafor:::.tes.lim(th, yi = c(res$yi), vi = res$vi, H0 = 0, alternative = "two.sided", alpha = 0.05,
      tau2 = res$tau2, test = x$test, tes.alternative = "greater", progbar = FALSE, tes.alpha = 0.1, correct = FALSE,
      rel.tol = .Machine$double.eps^0.25, subdivisions = 100L, tau2.lb = 0)
    lim <- uniroot(f, interval = sort(c(x$theta.lim - 0.01, x$theta.lim + 0.01)), tol = 1e-12)$root
  }
  list(name = name, method = method, r_call = sprintf("tes(rma(yi, vi, data = %s, method = \"%s\"))", name, method),
       yi = un(res$yi), vi = un(res$vi), k = x$k, O = x$O, E = x$E, OEratio = x$OEratio, test = x$test, X2 = x$X2, p = x$pval,
       power = un(x$power), theta = x$theta, theta_lim_metafor = x$theta.lim, theta_lim = lim)
}
molloy <- escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014)
bcg <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
b <- dat.bangertdrowns2004
b <- b[!is.na(b$yi) & !is.na(b$vi), ]
cases <- list(
  rec("dat.hackshaw1998", dat.hackshaw1998, "REML"),
  rec("dat.hackshaw1998", dat.hackshaw1998, "FE"),
  rec("escalc(\"ZCOR\", ri, ni, data = dat.molloy2014)", molloy, "REML"),
  rec("escalc(\"RR\", tpos, tneg, cpos, cneg, data = dat.bcg)", bcg, "REML"),
  rec("dat.bangertdrowns2004", b, "REML")
)
write_golden("tes", list(call = "per case: r_call (testdata/golden/R/tes.R)", metafor = as.character(packageVersion("metafor")), cases = cases), c("metafor", "metadat"))
