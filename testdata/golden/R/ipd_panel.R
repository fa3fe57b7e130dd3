# Reference values for 'alliance ipd FILE --stage1 panel' (analysis/workflow TestIPDPanelGolden): the R
# code IPDRun.Steps prints for "alliance ipd analysis/workflow/testdata/ipd_panel.csv --stage1 panel"
# (5 simulated studies, 'alliance simulate sessions --studies 5 --patients 100 --min-sessions 6
# --max-sessions 6 --therapists 10 --study-sd 1 --seed 11'), with lavaan run to its optimum.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R ipd_panel
library(lavaan); library(metafor)
d <- read.csv("analysis/workflow/testdata/ipd_panel.csv")
d$study <- as.character(d[["study"]])
waves <- 1:6
T <- length(waves)
ri <- c(sprintf("RIx =~ %s", paste0("1*x", 1:T, collapse = " + ")), sprintf("RIy =~ %s", paste0("1*y", 1:T, collapse = " + ")),
        sprintf("wx%d =~ 1*x%d\nwy%d =~ 1*y%d", 1:T, 1:T, 1:T, 1:T),
        sprintf("wx%d ~ ax*wx%d + bxy*wy%d\nwy%d ~ ay*wy%d + byx*wx%d", 2:T, 1:(T-1), 1:(T-1), 2:T, 1:(T-1), 1:(T-1)),
        sprintf("wx%d ~~ wy%d\nwx%d ~~ wx%d\nwy%d ~~ wy%d", 1:T, 1:T, 1:T, 1:T, 1:T, 1:T),
        "RIx ~~ RIx\nRIy ~~ RIy\nRIx ~~ RIy", sprintf("x%d ~~ 0*x%d\ny%d ~~ 0*y%d", 1:T, 1:T, 1:T, 1:T))
model <- paste(ri, collapse = "\n")
labels <- c(crosslag = "byx", reverse = "bxy", ar_alliance = "ax", ar_outcome = "ay")
stage1 <- do.call(rbind, lapply(split(d, d$study), function(ds) {
  long <- ds[ds[["session"]] %in% waves, ]
  w <- reshape(long[, c("patient", "session", "alliance", "outcome")], idvar = "patient", timevar = "session", direction = "wide")
  dat <- data.frame(setNames(lapply(waves, function(s) w[[paste0("alliance", ".", s)]]), paste0("x", seq_along(waves))),
                    setNames(lapply(waves, function(s) w[[paste0("outcome", ".", s)]]), paste0("y", seq_along(waves))))
  # lavaan's nlminb stops about 1e-7 short of the optimum in logLik by default; with rel.tol = x.tol =
  # 1e-12 it mostly reaches it but then reports no convergence, so optim.force.converged = TRUE lets
  # lavaan compute the SEs there; where the tight run lands lower (it can wander off), the default stands.
  fit <- lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE)
  tight <- lavaan(model, data = dat, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE,
                  control = list(rel.tol = 1e-12, x.tol = 1e-12), optim.force.converged = TRUE)
  if (as.numeric(logLik(tight)) > as.numeric(logLik(fit))) fit <- tight
  pe <- parameterEstimates(fit); pe <- pe[match(labels, pe$label), ]
  data.frame(study = ds$study[1], term = names(labels), yi = pe$est, sei = pe$se, logLik = as.numeric(logLik(fit)))
}))
pooled <- lapply(names(labels), function(t) {
  res <- rma(yi, sei = sei, data = stage1[stage1$term == t, ], method = "REML", test = "knha", level = 95, control = list(threshold = 1e-12))
  list(term = t, estimate = as.vector(res$beta), se = res$se, t = res$zval, df = res$ddf, p = res$pval,
       ci_lb = res$ci.lb, ci_ub = res$ci.ub, tau2 = res$tau2, I2 = res$I2, QE = res$QE, pi_lb = predict(res)$pi.lb, pi_ub = predict(res)$pi.ub)
})
write_golden("ipd_panel", list(
  call = "per study: lavaan(model, data = dat, missing = 'ML', meanstructure = TRUE, int.ov.free = TRUE, and again with control = list(rel.tol = 1e-12, x.tol = 1e-12), optim.force.converged = TRUE, keeping the higher logLik, with the stationary RI-CLPM of Mulder & Hamaker (labels ax, ay, bxy, byx) over sessions 1:6; per path rma(yi, sei = sei, method = 'REML', test = 'knha', control = list(threshold = 1e-12)) (testdata/golden/R/ipd_panel.R)",
  stage1 = unname(lapply(seq_len(nrow(stage1)), function(i) as.list(stage1[i, ]))),
  pooled = pooled))
