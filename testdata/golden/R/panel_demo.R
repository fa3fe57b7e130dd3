# Golden of the optimum check: the demo sessions' CLPM with equal residual
# variances over waves 2..12 (`alliance panel --model clpm --constrain resid`,
# 240 patients, 12 waves, 104 free parameters) fitted by lavaan 0.6-14 with
# its defaults and with ceq.simple = TRUE. lavaan's nlminb stops a little
# short of the maximum here (tighter rel.tol ends in "false convergence" at a
# lower logLik, so it is not used); the Go test (analysis/sem,
# TestOptimumBeyondLavaan) checks that our fit reaches a logLik at least
# lavaan's, that our analytic gradient vanishes at ours and not at lavaan's,
# and that the estimates agree to 5e-4 relative.
# Run from the repository root: Rscript testdata/golden/R/panel_demo.R
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
long <- read.csv("datasets/data/demo-sessions.csv")
T <- 12
long <- long[long$session %in% 1:T, ]
w <- reshape(long[, c("patient", "session", "alliance", "outcome")], idvar = "patient", timevar = "session", direction = "wide")
dat <- data.frame(setNames(lapply(1:T, function(t) w[[paste0("alliance.", t)]]), paste0("x", 1:T)),
                  setNames(lapply(1:T, function(t) w[[paste0("outcome.", t)]]), paste0("y", 1:T)))
m <- character(0)
for (t in 2:T) m <- c(m, sprintf("x%d ~ x%d + y%d", t, t - 1, t - 1), sprintf("y%d ~ y%d + x%d", t, t - 1, t - 1))
m <- c(m, sprintf("x%d ~~ y%d", 1:T, 1:T), "x1 ~~ x1", "y1 ~~ y1",
       sprintf("x%d ~~ vx*x%d", 2:T, 2:T), sprintf("y%d ~~ vy*y%d", 2:T, 2:T))
model <- paste(m, collapse = "\n")
one <- function(name, call, ...) {
  fit <- lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE, ...)
  pe <- parameterEstimates(fit)
  list(name = name, call = call, converged = lavInspect(fit, "converged"), iterations = lavInspect(fit, "iterations"),
       logl = fitMeasures(fit, "logl")[["logl"]], npar = fitMeasures(fit, "npar")[["npar"]],
       parameters = data.frame(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, label = pe$label, est = pe$est, se = pe$se))
}
if (!exists("write_golden")) {
  write_golden <- function(name, obj, packages = character()) {
    obj[["_provenance"]] <- list(R = R.version.string,
      packages = setNames(lapply(packages, function(p) as.character(packageVersion(p))), packages),
      script = "testdata/golden/R/panel_demo.R")
    writeLines(toJSON(obj, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null", null = "null"),
               file.path("testdata", "golden", paste0(name, ".json")))
  }
}
write_golden("panel_lavaan_demo_clpm", list(
  call = 'lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE) and the same with ceq.simple = TRUE (testdata/golden/R/panel_demo.R)',
  data = "datasets/data/demo-sessions.csv, sessions 1-12 as waves (x = alliance, y = outcome)",
  model = model,
  cases = list(
    one("default", 'lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE)'),
    one("ceq_simple", 'lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE, ceq.simple = TRUE)', ceq.simple = TRUE))),
  packages = c("lavaan"))
