# Reference estimated marginal means and pairwise contrasts from emmeans 1.8.4-1
# on lmerTest 3.1-3 fits, Satterthwaite df (emmeans(m, spec, lmer.df = "satterthwaite")),
# and reference values of R's ptukey (the studentized range distribution).
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R mixed_emmeans
suppressPackageStartupMessages({ library(lme4); library(lmerTest); library(emmeans) })

pkgs <- c("lme4", "lmerTest", "emmeans", "Matrix")
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e6),
                    check.conv.singular = "ignore")

# One emmeans() call: spec (one-sided formula as text), optional at list;
# pairs() with each adjustment.
emm_case <- function(m, spec, at = NULL, at_text = NULL) {
  args <- list(m, as.formula(spec), lmer.df = "satterthwaite")
  if (!is.null(at)) args$at <- at
  e <- do.call(emmeans, args)
  s <- as.data.frame(summary(e))
  pri <- attr(summary(e), "pri.vars")
  by <- e@misc$by.vars
  vars <- c(pri, by)
  emms <- lapply(seq_len(nrow(s)), function(i) c(
    setNames(lapply(vars, function(v) as.character(s[[v]][i])), vars),
    list(emmean = s$emmean[i], se = s$SE[i], df = s$df[i], lower = s$lower.CL[i], upper = s$upper.CL[i])))
  call <- sprintf("emmeans(m, %s%s, lmer.df = \"satterthwaite\")", spec,
                  if (is.null(at_text)) "" else paste0(", at = ", at_text))
  contr <- list()
  for (adj in c("tukey", "none", "bonferroni", "holm")) {
    p <- as.data.frame(summary(pairs(e), adjust = adj))
    contr[[adj]] <- lapply(seq_len(nrow(p)), function(i) c(
      list(contrast = as.character(p$contrast[i])),
      setNames(lapply(by, function(v) as.character(p[[v]][i])), by),
      list(estimate = p$estimate[i], se = p$SE[i], df = p$df[i], t = p$t.ratio[i], p = p$p.value[i])))
  }
  list(spec = spec, at = at, call = call,
       pairs_call = sprintf("summary(pairs(%s), adjust = \"tukey\" / \"none\" / \"bonferroni\" / \"holm\")", call),
       vars = pri, by = by, emmeans = emms, contrasts = contr)
}

fit_case <- function(formula, data, data_name, specs) {
  m <- lmerTest::lmer(as.formula(formula), data = data, REML = TRUE, control = ctrl)
  list(formula = formula,
       call = sprintf("m <- lmerTest::lmer(%s, data = %s, REML = TRUE, control = lmerControl(optimizer = 'bobyqa', optCtrl = list(rhoend = 1e-12, maxfun = 1e6)))", formula, data_name),
       logLik = as.numeric(logLik(m)),
       cases = lapply(specs, function(s) do.call(emm_case, c(list(m), s))))
}

# --- the simulated 3-arm trial of mixed_anova_arm.json (same rows) ----------
g <- jsonlite::fromJSON(file.path(golden_dir, "mixed_anova_arm.json"))$data
sim <- as.data.frame(g, stringsAsFactors = FALSE)
fits <- list(
  fit_case("y ~ arm * time + (1 + time | patient)", sim, "sim", list(
    list(spec = "~ arm"),
    list(spec = "~ arm", at = list(time = 5), at_text = "list(time = 5)"),
    list(spec = "~ arm | time", at = list(time = c(0, 5)), at_text = "list(time = c(0, 5))"),
    list(spec = "~ arm * time", at = list(time = c(0, 5)), at_text = "list(time = c(0, 5))"),
    list(spec = "~ arm", at = list(arm = c("cbt", "ipt")), at_text = "list(arm = c(\"cbt\", \"ipt\"))"))),
  fit_case("y ~ arm * site + time + (1 + time | patient)", sim, "sim", list(
    list(spec = "~ arm"),
    list(spec = "~ arm | site"),
    list(spec = "~ arm * site"))),
  # transformed covariates: emmeans puts time (not log(time + 1) or I(time^2))
  # on the grid, at its mean or the given values, and transforms it there
  fit_case("y ~ arm * log(time + 1) + I(time^2) + (1 + time | patient)", sim, "sim", list(
    list(spec = "~ arm"),
    list(spec = "~ arm", at = list(time = 5), at_text = "list(time = 5)"),
    list(spec = "~ arm | time", at = list(time = c(0, 5)), at_text = "list(time = c(0, 5))"))),
  # poly(): emmeans evaluates the basis at the grid's time (predict.poly)
  fit_case("y ~ arm * poly(time, 2) + (1 + time | patient)", sim, "sim", list(
    list(spec = "~ arm"),
    list(spec = "~ arm | time", at = list(time = c(0, 5)), at_text = "list(time = c(0, 5))"))))
write_golden("mixed_emmeans_arm", list(
  call = "emmeans(lmerTest::lmer(f, data = sim), spec, lmer.df = 'satterthwaite') and summary(pairs(.), adjust = a) on the simulated 3-arm trial of mixed_anova_arm.json (see fits[].call, fits[].cases[].call)",
  data = g, fits = fits), packages = pkgs)

# --- sleepstudy with factor(Days); Orthodont with Sex ------------------------
ss <- lme4::sleepstudy
ssd <- list(Reaction = ss$Reaction, Days = ss$Days, Subject = as.character(ss$Subject))
od <- nlme::Orthodont
odd <- list(distance = od$distance, age = od$age, Subject = as.character(od$Subject), Sex = as.character(od$Sex))
odf <- as.data.frame(odd, stringsAsFactors = FALSE)
write_golden("mixed_emmeans_public", list(
  call = "emmeans(lmerTest::lmer(f, data = d), spec, lmer.df = 'satterthwaite') and summary(pairs(.), adjust = a) on lme4::sleepstudy (factor(Days)) and nlme::Orthodont (Sex as text, Subject as text) (see fits[].call, fits[].cases[].call)",
  sleepstudy = ssd, orthodont = odd,
  fits = list(
    c(list(data = "sleepstudy"), fit_case("Reaction ~ factor(Days) + (1 | Subject)", as.data.frame(ssd), "sleepstudy", list(
      list(spec = "~ Days")))),
    c(list(data = "orthodont"), fit_case("distance ~ age * Sex + (1 | Subject)", odf, "orthodont", list(
      list(spec = "~ Sex"),
      list(spec = "~ Sex | age", at = list(age = c(8, 14)), at_text = "list(age = c(8, 14))")))))),
  packages = pkgs)

# --- ptukey --------------------------------------------------------------
# R's ptukey is accurate to about 1e-7 relative (and 5e-13 absolute), so the
# "exact" entries are the defining integrals by integrate() at rel.tol 1e-13:
# P(Q <= q) = int_0^Inf f_S(s) k int phi(z) [Phi(z + q s) - Phi(z)]^(k-1) dz ds.
grid <- expand.grid(q = c(0.5, 2, 3.5, 6, 12), nmeans = c(2, 3, 6, 10, 20),
                    df = c(2, 5, 41.57696, 153, Inf))
grid$p_lower <- ptukey(grid$q, grid$nmeans, grid$df)
grid$p_upper <- ptukey(grid$q, grid$nmeans, grid$df, lower.tail = FALSE)
prange <- function(w, k) integrate(function(z) k * dnorm(z) * (pnorm(z + w) - pnorm(z))^(k - 1),
                                   -Inf, Inf, rel.tol = 1e-13, subdivisions = 2000L)$value
exact_lower <- function(q, k, df) {
  if (is.infinite(df)) return(prange(q, k))
  fs <- function(s) ifelse(s > 0, exp(log(2) + df / 2 * log(df / 2) - lgamma(df / 2) + (df - 1) * log(s) - df * s^2 / 2), 0)
  integrate(function(s) sapply(s, function(si) fs(si) * prange(q * si, k)), 0, Inf,
            rel.tol = 1e-12, subdivisions = 2000L)$value
}
ex <- data.frame(q = c(2, 3.5, 3.5, 4.5, 1, 3), nmeans = c(20, 20, 3, 6, 4, 10), df = c(Inf, Inf, 10, 41.57696, 5, 153))
ex$p_lower <- mapply(exact_lower, ex$q, ex$nmeans, ex$df)
write_golden("ptukey", list(
  call = "ptukey(q, nmeans, df) and ptukey(q, nmeans, df, lower.tail = FALSE) on expand.grid(q, nmeans, df); exact: the defining double integral by integrate(rel.tol = 1e-13) (testdata/golden/R/mixed_emmeans.R)",
  values = lapply(seq_len(nrow(grid)), function(i) as.list(grid[i, ])),
  exact = lapply(seq_len(nrow(ex)), function(i) as.list(ex[i, ]))), packages = character())
