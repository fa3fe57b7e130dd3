# Goldens for GOSH, metafor's gosh() (Olkin, Dahabreh & Trikalinos 2012):
# every one of the 2^10 - 1 = 1,023 subsets of the first 10 studies of
# dat.molloy2014 (Fisher z), fitted with REML (rma.uni on each subset), DL
# and FE (gosh's closed-form paths for intercept-only DL and FE models).
# Rows are in gosh()'s order (by subset size, then expand.grid order);
# d_estimate and d_I2 are the flag rule's shifts per study. incl is each row's inclusion pattern as a bit mask, bit j-1 = study j.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R gosh
suppressPackageStartupMessages({ library(metafor); library(metadat) })

un <- function(x) unname(c(x))
ctrl <- list(threshold = 1e-10, maxiter = 1000)
d <- escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014[1:10, ])
rec <- function(method) {
  res <- rma(yi, vi, data = d, method = method, control = ctrl)
  g <- gosh(res, progbar = FALSE)
  ok <- g$fit
  # the flag rule's standardised shifts (analysis/meta/gosh.go), computed here
  # independently: (mean with study j - mean without)/sd over the fitted subsets
  dshift <- function(x) sapply(seq_len(ncol(g$incl)), function(j) {
    w <- g$incl[ok, j]; v <- x[ok]; (mean(v[w]) - mean(v[!w])) / sd(v) })
  mask <- as.vector(g$incl %*% 2^(0:(ncol(g$incl) - 1)))
  list(method = method,
       r_call = sprintf("gosh(rma(yi, vi, data = escalc(\"ZCOR\", ri = ri, ni = ni, data = dat.molloy2014[1:10, ]), method = \"%s\", control = list(threshold = 1e-10, maxiter = 1000)), progbar = FALSE)", method),
       yi = un(res$yi), vi = un(res$vi),
       incl = mask, k = un(g$res$k), QE = un(g$res$QE), I2 = un(g$res$I2), H2 = un(g$res$H2),
       tau2 = un(g$res$tau2), estimate = un(g$res$estimate), fit = un(g$fit),
       d_estimate = dshift(g$res$estimate), d_I2 = dshift(g$res$I2))
}
cases <- list(rec("REML"), rec("DL"), rec("FE"))
write_golden("gosh", list(call = "per case: r_call (testdata/golden/R/gosh.R)", metafor = as.character(packageVersion("metafor")), cases = cases), c("metafor", "metadat"))
