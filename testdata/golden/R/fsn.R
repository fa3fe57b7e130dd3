# Orwin's fail-safe N, weighted (metafor >= 4.4's default when variances are
# given; weighted = TRUE in metafor 3.8-1) and unweighted, on the three
# datasets of metafor's tests/testthat/test_misc_fsn.r (expected there:
# weighted 4, 104, 65; unweighted 44, 186, 129).
# Run from the repository root: Rscript testdata/golden/R/fsn.R
suppressPackageStartupMessages({library(metafor); library(jsonlite)})
one <- function(name, yi, vi, target) {
  w <- fsn(yi, vi, type = "Orwin", target = target, weighted = TRUE)
  u <- fsn(yi, vi, type = "Orwin", target = target, weighted = FALSE)
  list(name = name, yi = yi, vi = vi, target = target, weighted = w$fsnum, unweighted = u$fsnum,
       r_call = sprintf("fsn(yi, vi, type = \"Orwin\", target = %g, weighted = TRUE / FALSE)", target))
}
dat <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = dat.mcdaniel1994)
out <- list(call = 'fsn(yi, vi, type = "Orwin", target = t, weighted = TRUE) and weighted = FALSE', `_provenance` = list(R = R.version.string), r_version = R.version.string, metafor = as.character(packageVersion("metafor")),
  cases = list(one("raudenbush1985", dat.raudenbush1985$yi, dat.raudenbush1985$vi, .05),
               one("hackshaw1998", dat.hackshaw1998$yi, dat.hackshaw1998$vi, .049),
               one("mcdaniel1994", as.numeric(dat$yi), as.numeric(dat$vi), .15)))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "testdata/golden/fsn_orwin.json")
