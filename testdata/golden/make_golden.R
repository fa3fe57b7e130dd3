#!/usr/bin/env Rscript
# Regenerates every reference value in testdata/golden from the R reference
# implementations. Run from the repository root:
#
#     Rscript testdata/golden/make_golden.R            # all areas
#     Rscript testdata/golden/make_golden.R meta       # one area
#
# Each area lives in testdata/golden/R/<area>.R and writes <area>_*.json files
# through write_golden(), which records the R and package versions used.
# CI never runs this: tests read the committed JSON.
suppressPackageStartupMessages(library(jsonlite))

golden_dir <- "testdata/golden"
if (!file.exists(file.path(golden_dir, "make_golden.R")))
  stop("run from the repository root")

# write_golden(name, obj, packages): writes testdata/golden/<name>.json with
# obj plus a "_provenance" entry naming R and the package versions.
write_golden <- function(name, obj, packages = character()) {
  prov <- list(R = R.version.string,
               packages = setNames(lapply(packages, function(p) as.character(packageVersion(p))), packages),
               script = "testdata/golden/make_golden.R")
  obj[["_provenance"]] <- prov
  txt <- toJSON(obj, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE)
  writeLines(txt, file.path(golden_dir, paste0(name, ".json")))
  invisible(NULL)
}

args <- commandArgs(trailingOnly = TRUE)
areas <- if (length(args)) args else sub("\\.R$", "", list.files(file.path(golden_dir, "R"), pattern = "\\.R$"))
for (a in areas) {
  message("== ", a)
  source(file.path(golden_dir, "R", paste0(a, ".R")), local = new.env())
}
