# Shared by mixed_crossed.R and mixed_kr_crossed.R: an lmer fit whose θ sits
# at the optimum of lme4's profiled deviance.
#
# polished_lmer(formula, data, REML) fits by bobyqa (rhoend = 1e-12), then
# takes up to 8 Newton steps on the profiled deviance (numDeriv gradient and
# Hessian, θ kept within lme4's bounds), keeping the θ of least |gradient|,
# and evaluates lmerTest's lmer there without optimising (optimizer = NULL),
# so that summary(), anova() and pbkrtest work from the optimum.
# Returns list(m = the lmerModLmerTest fit, grad = the deviance gradient at θ).
polished_lmer <- function(formula, data, REML = TRUE) {
  lmod <- lFormula(as.formula(formula), data, REML = REML,
                   control = lmerControl(check.conv.singular = "ignore"))
  devfun <- do.call(mkLmerDevfun, lmod)
  opt <- optimizeLmer(devfun, optimizer = "bobyqa", control = list(rhoend = 1e-12, maxfun = 1e6))
  gr <- function(th) numDeriv::grad(devfun, th, method.args = list(r = 6))
  th <- opt$par; best <- th; gbest <- gr(th)
  for (i in 1:8) {
    H <- numDeriv::hessian(devfun, th)
    st <- tryCatch(solve(H, gr(th)), error = function(e) NULL)
    if (is.null(st)) break
    cand <- pmax(th - st, lmod$reTrms$lower)
    g <- gr(cand)
    th <- cand
    if (max(abs(g)) < max(abs(gbest))) { best <- th; gbest <- g }
  }
  m <- lmerTest::lmer(as.formula(formula), data = data, REML = REML, start = list(theta = best),
                      control = lmerControl(optimizer = NULL, check.conv.singular = "ignore"))
  crit <- if (REML) REMLcrit(m) else deviance(m, REML = FALSE)
  stopifnot(abs(crit - devfun(best)) < 1e-9 * abs(devfun(best)))
  list(m = m, grad = gbest)
}
