# Goldens of analysis/sem and analysis/panel: lavaan fits of the RI-CLPM
# (Mulder & Hamaker 2021 syntax), its stationary version and the CLPM on a
# simulated panel with missing sessions (FIML).
# Run from the repository root: Rscript testdata/golden/R/panel.R
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
set.seed(20261203)
N <- 400; T <- 5
RIx <- rnorm(N, 0, 1); RIy <- 0.4 * RIx + rnorm(N, 0, 0.9)
wx <- matrix(0, N, T); wy <- matrix(0, N, T)
wx[, 1] <- rnorm(N); wy[, 1] <- 0.3 * wx[, 1] + rnorm(N)
for (t in 2:T) {
  ux <- rnorm(N, 0, 0.8); uy <- 0.2 * ux + rnorm(N, 0, 0.8)
  wx[, t] <- 0.3 * wx[, t - 1] + 0.1 * wy[, t - 1] + ux
  wy[, t] <- 0.4 * wy[, t - 1] - 0.25 * wx[, t - 1] + uy
}
x <- 5 + RIx + wx + matrix(seq(0, 0.4, length.out = T), N, T, byrow = TRUE)
y <- 10 + RIy + wy - matrix(seq(0, 0.8, length.out = T), N, T, byrow = TRUE)
dat <- data.frame(round(x, 4), round(y, 4)); names(dat) <- c(paste0("x", 1:T), paste0("y", 1:T))
miss <- matrix(runif(N * 2 * T) < 0.12, N, 2 * T); dat[miss] <- NA
write.csv(dat, "analysis/panel/testdata/panel_sim.csv", row.names = FALSE, na = "")
dat <- read.csv("analysis/panel/testdata/panel_sim.csv")

riclpm <- function(stationary) {
  lab <- function(l) if (stationary) paste0(l, "*") else ""
  m <- c(paste0("RIx =~ ", paste0("1*x", 1:T, collapse = " + ")),
         paste0("RIy =~ ", paste0("1*y", 1:T, collapse = " + ")),
         paste0("wx", 1:T, " =~ 1*x", 1:T), paste0("wy", 1:T, " =~ 1*y", 1:T))
  for (t in 2:T) {
    m <- c(m, sprintf("wx%d ~ %swx%d + %swy%d", t, lab("ax"), t - 1, lab("bxy"), t - 1),
              sprintf("wy%d ~ %swy%d + %swx%d", t, lab("ay"), t - 1, lab("byx"), t - 1))
  }
  m <- c(m, paste0("wx", 1:T, " ~~ wy", 1:T), paste0("wx", 1:T, " ~~ wx", 1:T), paste0("wy", 1:T, " ~~ wy", 1:T),
         "RIx ~~ RIx", "RIy ~~ RIy", "RIx ~~ RIy", paste0("x", 1:T, " ~~ 0*x", 1:T), paste0("y", 1:T, " ~~ 0*y", 1:T))
  paste(m, collapse = "\n")
}
clpm <- function() {
  m <- character(0)
  for (t in 2:T) m <- c(m, sprintf("x%d ~ x%d + y%d", t, t - 1, t - 1), sprintf("y%d ~ y%d + x%d", t, t - 1, t - 1))
  m <- c(m, "x1 ~~ y1", paste0("x", 2:T, " ~~ y", 2:T), paste0("x", 1:T, " ~~ x", 1:T), paste0("y", 1:T, " ~~ y", 1:T))
  paste(m, collapse = "\n")
}
one <- function(model, name) {
  fit <- lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE)
  pe <- parameterEstimates(fit, standardized = TRUE)
  fm <- fitMeasures(fit, c("logl", "unrestricted.logl", "npar", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df",
                           "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "aic", "bic", "ntotal"))
  list(name = name, model = model,
       r_call = sprintf("lavaan(model, data = dat, missing = \"ML\", meanstructure = TRUE, int.ov.free = TRUE)"),
       parameters = data.frame(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, est = pe$est, se = pe$se, std_all = pe$std.all),
       fit = as.list(fm))
}
out <- list(call = 'lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE)', `_provenance` = list(R = R.version.string), r_version = R.version.string, lavaan = as.character(packageVersion("lavaan")),
            data = "analysis/panel/testdata/panel_sim.csv (simulated above, seed 20261203)",
            cases = list(one(riclpm(FALSE), "riclpm"), one(riclpm(TRUE), "riclpm_stationary"), one(clpm(), "clpm")))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"), "testdata/golden/panel_lavaan.json")
