# Reference values for analysis/rupture effect estimates (Effects, TwoGroup,
# ANCOVA). The data are generated here and stored in the JSON, so the Go test
# is self-contained. Outcome = change (post - pre) of a symptom measure
# (lower = better), so every effect is computed on -(post - pre).
suppressPackageStartupMessages(library(metafor))

set.seed(20240607)
make <- function(cls, n, shift) {
  pre <- round(rnorm(n, 25, 6), 1)
  post <- round(pre - 8 - shift + rnorm(n, 0, 5) + 0.4 * (pre - 25), 1)
  data.frame(patient = paste0(cls, seq_len(n)), class = cls, pre = pre, post = post)
}
d <- rbind(make("none", 23, 0), make("repaired", 11, 4), make("unrepaired", 9, -3))
d$class <- factor(d$class, levels = c("none", "repaired", "unrepaired"))
d$y <- -(d$post - d$pre)   # oriented: positive = more improvement

contrast <- function(g1, g2) {
  y1 <- d$y[d$class == g1]; y2 <- d$y[d$class == g2]
  tt <- t.test(y1, y2, var.equal = TRUE)
  es <- escalc("SMD", m1i = mean(y1), sd1i = sd(y1), n1i = length(y1),
               m2i = mean(y2), sd2i = sd(y2), n2i = length(y2))
  sp <- sqrt(((length(y1) - 1) * var(y1) + (length(y2) - 1) * var(y2)) / (length(y1) + length(y2) - 2))
  grp <- c(rep(1, length(y1)), rep(0, length(y2)))
  r <- cor(grp, c(y1, y2))
  n <- length(y1) + length(y2)
  z <- escalc("ZCOR", ri = r, ni = n)
  sz <- summary(z)
  list(group1 = g1, group2 = g2, n1 = length(y1), n2 = length(y2),
       diff = unname(tt$estimate[1] - tt$estimate[2]), t = unname(tt$statistic),
       df = unname(tt$parameter), p = tt$p.value,
       diff_ci_lb = tt$conf.int[1], diff_ci_ub = tt$conf.int[2],
       d = (mean(y1) - mean(y2)) / sp,
       g = as.numeric(es$yi), vg = as.numeric(es$vi),
       ci_lb = as.numeric(summary(es)$ci.lb), ci_ub = as.numeric(summary(es)$ci.ub),
       r = r, yi = as.numeric(z$yi), vi = as.numeric(z$vi),
       r_ci_lb = tanh(sz$ci.lb), r_ci_ub = tanh(sz$ci.ub))
}
contrasts <- list(contrast("repaired", "unrepaired"), contrast("repaired", "none"),
                  contrast("unrepaired", "none"))

fit <- lm(post ~ class + pre, data = d)
cf <- summary(fit)$coefficients
ci <- confint(fit)
coefs <- lapply(seq_len(nrow(cf)), function(i)
  list(name = rownames(cf)[i], estimate = cf[i, 1], se = cf[i, 2], statistic = cf[i, 3],
       p = cf[i, 4], ci_lb = ci[i, 1], ci_ub = ci[i, 2]))
V <- vcov(fit); b <- coef(fit); dfr <- fit$df.residual
adj <- function(name, cvec) {
  est <- sum(cvec * b); se <- sqrt(drop(t(cvec) %*% V %*% cvec)); tq <- qt(0.975, dfr)
  list(name = name, estimate = est, se = se, statistic = est / se,
       p = 2 * pt(-abs(est / se), dfr), ci_lb = est - tq * se, ci_ub = est + tq * se)
}
adjusted <- list(adj("repaired - unrepaired", c(0, 1, -1, 0)),
                 adj("repaired - none", c(0, 1, 0, 0)),
                 adj("unrepaired - none", c(0, 0, 1, 0)))

means <- lapply(levels(d$class), function(cl) {
  s <- d[d$class == cl, ]
  list(class = cl, n = nrow(s), mean_pre = mean(s$pre), sd_pre = sd(s$pre),
       mean_post = mean(s$post), sd_post = sd(s$post),
       mean_change = mean(s$post - s$pre), sd_change = sd(s$post - s$pre))
})

write_golden("rupture_effects", list(
  call = "t.test(var.equal=TRUE); escalc('SMD'); cor(); escalc('ZCOR'); lm(post ~ class + pre)",
  data = list(patient = d$patient, class = as.character(d$class), pre = d$pre, post = d$post),
  class_outcomes = means, effects = contrasts,
  ancova = list(df = dfr, sigma = summary(fit)$sigma, r_squared = summary(fit)$r.squared,
                coefficients = coefs, contrasts = adjusted)),
  packages = c("metafor", "jsonlite"))
