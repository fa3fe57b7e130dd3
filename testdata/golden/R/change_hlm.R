# Reference values for analysis/change's HLM reliable change
# (clinicalsignificance 3.0.0.9000, rci_method = "HLM"), recomputed here from
# the package's algorithm with lme4 (the package itself is not installed):
#
#   .prep_data(method = "HLM"): rows with a missing value dropped (na.omit);
#     per patient n = rows, pre = first and post = last outcome in row order;
#     patients with n >= 3 are used; the model data are all rows of those
#     patients (lmer then drops rows with missing values).
#   calc_rci.cs_hlm: lmer(outcome ~ time + (time | id), REML = TRUE);
#     eb = ranef(condVar = TRUE) conditional mode of the "time" term (the
#     patient's deviation from the fixed slope), sd = its conditional SD,
#     rci = eb / sd; improved = direction * rci > z, deteriorated =
#     direction * rci < -z, z = qnorm(1 - alpha / 2).
#   cs_combined: cutoff from m_clinical = mean(pre), sd_clinical = sd(pre) of
#     the used patients (.calc_cutoff_jt); clinical_pre = d * pre < d * cutoff,
#     functional_post = d * post > d * cutoff on the observed first/last scores;
#     recovered = clinical_pre & functional_post & improved, harmed =
#     !clinical_pre & !functional_post & deteriorated.
#
# The fits are made twice: with lmer's defaults (as the package) to reproduce
# the published snapshot counts, and with bobyqa at rhoend = 1e-12 for the
# per-patient values the Go tests compare.
# Sourced by testdata/golden/make_golden.R:  Rscript testdata/golden/make_golden.R change_hlm
suppressPackageStartupMessages(library(lme4))

tight <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e6),
                     check.conv.singular = "ignore")

hlm_prep <- function(d) {
  cc <- na.omit(d)
  ids <- unique(cc$id)
  w <- data.frame(id = ids,
    n = as.integer(sapply(ids, function(i) sum(cc$id == i))),
    pre = sapply(ids, function(i) cc$outcome[cc$id == i][1]),
    post = sapply(ids, function(i) { v <- cc$outcome[cc$id == i]; v[length(v)] }),
    stringsAsFactors = FALSE)
  used <- w[w$n >= 3, ]
  list(wide = w, used = used, model = d[d$id %in% used$id, ])
}

hlm_fit <- function(d, direction, control = lmerControl(), alpha = 0.05) {
  p <- hlm_prep(d)
  m <- lmer(outcome ~ time + (time | id), data = p$model, REML = TRUE, control = control)
  re <- ranef(m, condVar = TRUE)$id
  pv <- attr(re, "postVar")
  eb <- setNames(re[, "time"], rownames(re))
  sd <- setNames(sqrt(pv[2, 2, ]), rownames(re))
  z <- qnorm(1 - alpha / 2)
  u <- p$used
  u$eb <- unname(eb[u$id]); u$sd <- unname(sd[u$id]); u$rci <- u$eb / u$sd
  u$improved <- direction * u$rci > z
  u$deteriorated <- direction * u$rci < -z
  vc <- as.data.frame(VarCorr(m), order = "lower.tri")
  list(fit = m, prep = p, used = u, critical_value = z,
       model = list(fixef = unname(fixef(m)), fixef_names = names(fixef(m)),
                    theta = unname(getME(m, "theta")), sigma2 = sigma(m)^2,
                    vc = vc$vcov, vc_names = paste(vc$var1, vc$var2),
                    REML_criterion = unname(deviance(m, REML = TRUE)),
                    logLik = as.numeric(logLik(m)), nobs = nobs(m)))
}

cutoff_jt <- function(mc, sc, mf, sf, type, direction) {
  switch(type, a = mc + direction * 2 * sc, b = mf - direction * 2 * sc,
         c = (sc * mf + sf * mc) / (sc + sf))
}

combined <- function(h, direction, type, mf = NA, sf = NA) {
  u <- h$used
  mc <- mean(u$pre); sc <- sd(u$pre)
  cut <- cutoff_jt(mc, sc, mf, sf, type, direction)
  cp <- direction * u$pre < direction * cut
  fp <- direction * u$post > direction * cut
  rec <- cp & fp & u$improved
  harm <- !cp & !fp & u$deteriorated
  list(type = type, m_functional = mf, sd_functional = sf, m_clinical = mc, sd_clinical = sc,
       cutoff = cut, clinical_pre = cp, functional_post = fp,
       counts = list(recovered = sum(rec), improved = sum(u$improved & !rec),
                     unchanged = sum(!u$improved & !u$deteriorated),
                     deteriorated = sum(u$deteriorated & !harm), harmed = sum(harm)))
}

counts3 <- function(u) list(improved = sum(u$improved), unchanged = sum(!u$improved & !u$deteriorated),
                            deteriorated = sum(u$deteriorated))

cl <- read.csv("analysis/change/testdata/claus_2020.csv")
cases <- list(
  list(name = "hamd", outcome = "hamd", better = "lower",
       cutoffs = list(list(type = "c", mf = 8, sf = 8), list(type = "a"), list(type = "b", mf = 8, sf = 8))),
  list(name = "bdi", outcome = "bdi", better = "lower",
       cutoffs = list(list(type = "c", mf = 7, sf = 6), list(type = "a"))),
  list(name = "who", outcome = "who", better = "higher",
       cutoffs = list(list(type = "c", mf = 17, sf = 4), list(type = "a")))
)

out <- list()
for (cs in cases) {
  d <- data.frame(id = as.character(cl$id), time = as.numeric(cl$time),
                  outcome = as.numeric(cl[[cs$outcome]]), stringsAsFactors = FALSE)
  direction <- if (cs$better == "lower") -1 else 1
  h0 <- hlm_fit(d, direction)               # the package's call (lmer defaults)
  h <- hlm_fit(d, direction, control = tight)
  stopifnot(identical(h0$used$improved, h$used$improved), identical(h0$used$deteriorated, h$used$deteriorated))
  comb <- lapply(cs$cutoffs, function(k) {
    a <- combined(h0, direction, k$type, if (is.null(k$mf)) NA else k$mf, if (is.null(k$sf)) NA else k$sf)
    b <- combined(h, direction, k$type, if (is.null(k$mf)) NA else k$mf, if (is.null(k$sf)) NA else k$sf)
    stopifnot(identical(a$counts, b$counts))
    b
  })
  u <- h$used
  out[[length(out) + 1]] <- list(
    name = cs$name, better = cs$better,
    data = list(id = d$id, time = d$time, score = d$outcome),
    n_original = nrow(h$prep$wide), n_used = nrow(u), critical_value = h$critical_value,
    model = h$model,
    max_abs_diff_default_vs_tight = list(eb = max(abs(h0$used$eb - u$eb)), sd = max(abs(h0$used$sd - u$sd))),
    persons = list(id = u$id, n = u$n, pre = u$pre, post = u$post, eb = u$eb, sd = u$sd, rci = u$rci,
                   improved = u$improved, deteriorated = u$deteriorated),
    distribution = counts3(u),
    combined = comb)
  message(cs$name, ": distribution ", paste(names(counts3(u)), unlist(counts3(u)), collapse = " "))
  for (k in comb) message("  cutoff ", k$type, " = ", format(k$cutoff, digits = 10), ": ",
                          paste(names(k$counts), unlist(k$counts), collapse = " "))
}

# The published snapshots (tests/testthat/_snaps/cs_distribution.md and
# cs_combined.md, HAM-D): this re-implementation must reproduce them.
hamd <- out[[1]]
stopifnot(identical(unlist(hamd$distribution), c(improved = 11L, unchanged = 20L, deteriorated = 9L)),
          identical(unlist(hamd$combined[[1]]$counts),
                    c(recovered = 10L, improved = 1L, unchanged = 20L, deteriorated = 9L, harmed = 0L)),
          hamd$n_used == 40)

write_golden("change_hlm", list(
  note = "clinicalsignificance rci_method = \"HLM\" recomputed from the package algorithm (see change_hlm.R); claus_2020 data",
  cases = out), packages = c("lme4", "Matrix"))
