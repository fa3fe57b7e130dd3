# Exact permutation tests for meta-regression models: metafor's
# permutest.rma.uni enumerates every unique permutation of the model-matrix
# rows when exact = TRUE, or by itself when iter is at least their number.
# Exact p-values are counts over all permutations, so Go must match exactly.
suppressPackageStartupMessages(library(metafor))
pkgs <- c("metafor")
# tol: uniroot tolerance of the PM estimator (default .Machine$double.eps^0.25).
ctrl <- list(threshold = 1e-12, maxiter = 1000, tol = 1e-12)

# Moderators are stored in formula order as {name, numeric | text}.
# run(): one permutest call; records whether metafor itself announced an
# exact or an approximate test, the iteration count it used and the p-values.
run <- function(res, method, test, exact, iter) {
  msg <- capture.output(pt <- permutest(res, exact = exact, iter = iter, progbar = TRUE, retpermdist = TRUE),
                        type = "output")
  msg <- paste(msg, collapse = " ")
  kind <- if (grepl("for an exact permutation", msg)) "exact" else if (grepl("approximate", msg)) "approximate" else stop(msg)
  out <- list(method = method, test = test, exact_arg = exact, iter_arg = iter, kind = kind,
              iterations = as.numeric(sub(".*Running ([0-9]+) iterations.*", "\\1", msg)),
              exact_iter = pt$exact.iter, names = rownames(res$beta),
              zval = unname(res$zval), QM = res$QM,
              n_failed = sum(is.na(pt$QM.perm)))
  if (kind == "exact") {
    out$p <- unname(pt$pval)
    out$QM_p <- pt$QMp
  }
  out
}

fitrun <- function(yi, vi, mods, method, test, exact, iter) {
  res <- rma(yi, vi, mods = mods, method = method, test = test, control = ctrl)
  run(res, method, test, exact, iter)
}

# k = 6, one numeric moderator, all values distinct: 6! = 720 permutations.
set.seed(2024)
k <- 6
x <- round(runif(k, 0, 10), 2)
vi <- round(runif(k, 0.01, 0.05), 4)
yi <- round(0.2 + 0.03 * x + rnorm(k, 0, 0.35), 4)
runs <- list()
for (m in c("REML", "DL", "FE")) for (tst in c("z", "knha"))
  runs[[length(runs) + 1]] <- fitrun(yi, vi, ~ x, m, tst, TRUE, 1000)
runs[[length(runs) + 1]] <- fitrun(yi, vi, ~ x, "REML", "z", FALSE, 720)   # automatic: 720 <= 720
runs[[length(runs) + 1]] <- fitrun(yi, vi, ~ x, "REML", "knha", FALSE, 719) # approximate: 720 > 719
write_golden("permute_k6", list(yi = yi, vi = vi, mods = list(list(name = "x", numeric = x)), runs = runs), pkgs)

# k = 7, one numeric moderator: 7! = 5040 permutations.
set.seed(77)
k <- 7
x <- round(rnorm(k, 5, 2), 2)
vi <- round(runif(k, 0.005, 0.04), 4)
yi <- round(0.1 - 0.04 * x + rnorm(k, 0, 0.3), 4)
runs <- list()
for (tst in c("z", "knha"))
  runs[[length(runs) + 1]] <- fitrun(yi, vi, ~ x, "REML", tst, TRUE, 1000)
runs[[length(runs) + 1]] <- fitrun(yi, vi, ~ x, "PM", "knha", FALSE, 6000) # automatic
write_golden("permute_k7", list(yi = yi, vi = vi, mods = list(list(name = "x", numeric = x)), runs = runs), pkgs)

# k = 8, a two-level factor (3 vs 5): ties leave 8!/(3!5!) = 56 permutations.
set.seed(5)
k <- 8
g <- c("ctrl", "tau", "tau", "ctrl", "tau", "tau", "ctrl", "tau")
vi <- round(runif(k, 0.01, 0.05), 4)
yi <- round(0.3 + 0.2 * (g == "tau") + rnorm(k, 0, 0.35), 4)
runs <- list()
for (m in c("REML", "DL")) for (tst in c("z", "knha"))
  runs[[length(runs) + 1]] <- fitrun(yi, vi, ~ g, m, tst, FALSE, 1000) # automatic
runs[[length(runs) + 1]] <- fitrun(yi, vi, ~ g, "REML", "z", TRUE, 10)
write_golden("permute_factor", list(yi = yi, vi = vi, mods = list(list(name = "g", text = g)), runs = runs), pkgs)

# k = 8, a numeric moderator with ties and a three-level factor: rows tie only
# when both agree ((1, a) twice, (5, c) twice), 8!/(2!2!) = 10080 permutations.
set.seed(99)
k <- 8
x <- c(1, 1, 2, 2, 3, 4, 5, 5)
g <- c("a", "a", "b", "a", "c", "b", "c", "c")
vi <- round(runif(k, 0.01, 0.04), 4)
yi <- round(0.2 + 0.05 * x + 0.1 * (g == "c") + rnorm(k, 0, 0.3), 4)
runs <- list()
runs[[length(runs) + 1]] <- fitrun(yi, vi, ~ x + g, "DL", "knha", TRUE, 1000)
runs[[length(runs) + 1]] <- fitrun(yi, vi, ~ x + g, "REML", "z", TRUE, 1000)
write_golden("permute_ties", list(yi = yi, vi = vi, mods = list(list(name = "x", numeric = x), list(name = "g", text = g)), runs = runs), pkgs)
