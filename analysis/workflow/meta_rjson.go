package workflow

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/metamv"
)

// rRmaOut is R code defining rma_out(m): the numbers alliance reports for
// an rma fit, under alliance's JSON names: the coefficients, τ² with its
// SE and Q-profile interval (confint), I², H² and their intervals, the Q
// tests, the prediction interval (and its r scale for ZCOR), fit
// statistics, the typical within-study variance and, with moderators, R².
// I2_Q is Higgins & Thompson's I² from Q, 100 · max(0, (Q − df)/Q).
const rRmaOut = `rma_out <- function(m, zcor = FALSE) {
  o <- list(k = m$k, p = m$p, coefficients = data.frame(estimate = c(m$beta), se = m$se, statistic = m$zval,
    p = m$pval, ci_lb = m$ci.lb, ci_ub = m$ci.ub), tau2 = m$tau2, tau = sqrt(m$tau2), I2 = m$I2, H2 = m$H2,
    QE = m$QE, QE_df = m$k - m$p, QE_p = m$QEp, QM = m$QM, QM_df = m$QMdf[1], QM_p = m$QMp,
    I2_Q = 100 * max(0, (m$QE - (m$k - m$p)) / m$QE), vt = m$vt)
  if (m$test != "z") { o$coefficients$df <- m$ddf; o$QM_df2 <- m$QMdf[2] }   # t, knha, adhoc
  if (!is.null(m$R2)) o$R2 <- m$R2
  if (!(m$method %in% c("FE", "EE"))) o$se_tau2 <- m$se.tau2
  fs <- fitstats(m); o$fit <- list(logLik = fs[1, 1], deviance = fs[2, 1], AIC = fs[3, 1], BIC = fs[4, 1], AICc = fs[5, 1])
  if (!(m$method %in% c("FE", "EE")) && m$k > m$p && !isTRUE(m$tau2.fix)) {
    ci <- confint(m, control = list(tol = 1e-12))$random
    o$tau2_ci <- unname(ci[1, 2:3]); o$I2_ci <- unname(ci[3, 2:3]); o$H2_ci <- unname(ci[4, 2:3])
  }
  if (m$p == 1) {
    pr <- predict(m); o$pi_lb <- pr$pi.lb; o$pi_ub <- pr$pi.ub
    if (zcor) { z <- predict(m, transf = transf.ztor)
      o$r <- list(estimate = z$pred, ci_lb = z$ci.lb, ci_ub = z$ci.ub, pi_lb = z$pi.lb, pi_ub = z$pi.ub) }
  }
  o
}
`

// rUnivariateJSON writes the R code that prints every number of the
// univariate model and its extras as one line of JSON, under alliance's
// field names, from the objects the code before it made (res, by_g and
// common, inf and bj, l1o, cum, rg, rk, tf, f1–f3, rob).
func (r *MetaRun) rUnivariateJSON(b *strings.Builder) {
	b.WriteString("# every number of alliance's output, as JSON under its field names\n")
	b.WriteString(rRmaOut)
	fmt.Fprintf(b, "zcor <- %s   # the effect sizes are Fisher's z: the r scale too\n", map[bool]string{true: "TRUE", false: "FALSE"}[r.Model.Measure == "ZCOR"])
	b.WriteString("out <- rma_out(res, zcor)\n")
	if r.Model.UserWeights {
		b.WriteString("out$user_weights <- TRUE; out$weights <- unname(weights(res))   # user weights, percent\n")
	}
	if r.Subgroups != nil {
		b.WriteString("out$subgroups <- list(fits = unname(lapply(by_g, rma_out, zcor = zcor)), Q_between = common$QM, Q_between_df = common$QMdf[1], Q_between_p = common$QMp, common = rma_out(common))\n")
	}
	if r.influence != nil {
		b.WriteString(`i <- inf$inf; dfbs <- as.matrix(as.data.frame(inf$dfbs))
out$influence <- lapply(seq_len(nrow(dfbs)), function(j) list(rstudent = i$rstudent[j], dffits = i$dffits[j], cook_d = i$cook.d[j],
  cov_r = i$cov.r[j], tau2_del = i$tau2.del[j], QE_del = i$QE.del[j], hat = i$hat[j], weight = i$weight[j], dfbetas = I(unname(dfbs[j, ]))))
out$baujat <- data.frame(x = bj$x, y = bj$y)
`)
	}
	summ := func(name, obj string, k string) {
		b.WriteString("out$" + name + " <- data.frame(k = " + k + ", estimate = " + obj + "$estimate, se = " + obj + "$se, statistic = " + obj + "$zval, p = " + obj + "$pval,\n  ci_lb = " + obj + "$ci.lb, ci_ub = " + obj + "$ci.ub, QE = " + obj + "$Q, QE_p = " + obj + "$Qp, tau2 = " + obj + "$tau2, I2 = " + obj + "$I2, H2 = " + obj + "$H2)\n")
	}
	if len(r.Leave1out) > 0 {
		if r.opt.LeaveClusterOut != "" {
			summ("leave1out", "l1o", "l1o$k")
		} else {
			summ("leave1out", "l1o", "res$k - 1")
		}
	}
	if len(r.Cumulative) > 0 {
		summ("cumulative", "cum", "seq_len(res$k)")
	}
	if bi := r.Bias; bi != nil {
		b.WriteString("out$bias <- list()\n")
		if bi.Egger != nil {
			b.WriteString(`out$bias$egger <- list(statistic = rg$zval, p = rg$pval, slope = unname(coef(rg$fit))[2], estimate = rg$est,
  se = rg$fit$se[1], estimate_statistic = rg$fit$zval[1], estimate_p = rg$fit$pval[1], ci_lb = rg$ci.lb, ci_ub = rg$ci.ub)
if (!is.null(rg$dfs)) out$bias$egger$df <- rg$dfs
`)
		}
		if bi.Rank != nil {
			// ranktest keeps only tau and p: the normal statistic is
			// Kendall's test of the deviates from the fixed-effect mean
			// standardised by sqrt(vi − 1/Σw) (Begg & Mazumdar 1994), as
			// ranktest computes it
			b.WriteString(`wi <- 1 / dat$vi; th <- sum(wi * dat$yi) / sum(wi); ys <- (dat$yi - th) / sqrt(dat$vi - 1 / sum(wi))
out$bias$rank <- list(tau = unname(rk$tau), p = rk$pval,
  statistic = unname(suppressWarnings(cor.test(ys, dat$vi, method = "kendall", exact = FALSE))$statistic))
`)
		}
		if bi.TrimFill != nil {
			b.WriteString(`out$bias$trimfill <- list(k0 = tf$k0, se_k0 = tf$se.k0, k = tf$k, estimate = c(tf$beta), se = tf$se, ci_lb = tf$ci.lb,
  ci_ub = tf$ci.ub, p = tf$pval, tau2 = tf$tau2, QE = tf$QE, I2 = tf$I2, original_estimate = c(res$beta),
  filled = data.frame(yi = tf$yi[tf$fill], vi = tf$vi[tf$fill]))
`)
		}
		if bi.FSN != nil {
			b.WriteString(`out$bias$fsn <- list(rosenthal = f1$fsnum, rosenthal_p = f1$pval, orwin = f2$fsnum, orwin_mean = f2$meanes,
  orwin_target = f2$target, rosenberg = f3$fsnum, rosenberg_p = f3$pval, rosenberg_mean = f3$meanes, alpha = f1$alpha)
`)
		}
	}
	if rb := r.Robust; rb != nil {
		b.WriteString(`out$robust <- list(se = rob$se[1], df = rob$ddf[1], p = rob$pval[1], ci_lb = rob$ci.lb[1], ci_ub = rob$ci.ub[1], clusters = rob$n,
  coefficients = data.frame(estimate = c(rob$beta), se = rob$se, statistic = rob$zval, df = rob$ddf, p = rob$pval, ci_lb = rob$ci.lb, ci_ub = rob$ci.ub))
`)
		if rb.Type == "CR2" {
			// the HTZ Wald test of the coefficients tested (the intercept
			// alone without moderators), as clubSandwich computes it
			b.WriteString(`w <- clubSandwich::Wald_test(res, constraints = clubSandwich::constrain_zero(if (res$p == 1) 1 else res$btt), vcov = "CR2", cluster = cl, test = "HTZ")
out$robust$QM <- list(Fstat = w$Fstat, delta = w$delta, df_num = w$df_num, df_denom = w$df_denom, p = w$p_val)
`)
		} else {
			// CR1's F test is not scaled (delta = 1: no Hotelling T² correction)
			b.WriteString("out$robust$QM <- list(Fstat = rob$QM, delta = 1, df_num = rob$QMdf[1], df_denom = rob$QMdf[2], p = rob$QMp)\n")
		}
	}
	rPredictJSON(b, "", "res", "out", "zcor", r.Model.Predictions, r.Model.VcovNamed, r.Model.TermTests)
	r.rUniDiagJSON(b)
	rRobustTermsJSON(b, "", "res", "rob", "out", r.RobustTermTests, r.Model.VcovNamed)
	b.WriteString("cat(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, dataframe = \"rows\", na = \"null\"), \"\\n\")\n")
}

// rThreeLevelJSON writes the R code that prints every number of the
// three-level model as one line of JSON under alliance's field names: the
// fit (rma.mv), σ² with profile intervals (confint), the likelihood-ratio
// tests against the two-level models (each σ² fixed at 0, anova), the
// distribution of the variance over the levels (Cheung 2014: the typical
// sampling variance ṽ = (k − 1) Σw / ((Σw)² − Σw²), w = 1/v, and each
// level's share of ṽ + σ²_outer + σ²_inner), and CR1/CR2 robust inference.
func (r *MetaRun) rThreeLevelJSON(b *strings.Builder) {
	res, o := r.ThreeLevel, r.opt
	b.WriteString("# every number of alliance's output for the three-level model, as JSON under its field names\n")
	fmt.Fprintf(b, `local({
  m <- res3
  o <- list(k = m$k, p = m$p, coefficients = data.frame(estimate = c(m$beta), se = m$se, statistic = m$zval,
    p = m$pval, ci_lb = m$ci.lb, ci_ub = m$ci.ub), sigma2 = m$sigma2, s_nlevels = m$s.nlevels,
    QE = m$QE, QE_df = m$k - m$p, QE_p = m$QEp, QM = m$QM, QM_df = m$QMdf[1], QM_p = m$QMp)
  if (m$test == "t") { o$coefficients$df <- m$ddf; o$QM_df2 <- m$QMdf[2] }
  fs <- fitstats(m); o$fit <- list(logLik = fs[1, 1], deviance = fs[2, 1], AIC = fs[3, 1], BIC = fs[4, 1], AICc = fs[5, 1])
  if (m$p == 1) {
    pr <- predict(m); o$pi_lb <- pr$pi.lb; o$pi_ub <- pr$pi.ub
    if (%s) { z <- predict(m, transf = transf.ztor)
      o$r <- list(estimate = z$pred, ci_lb = z$ci.lb, ci_ub = z$ci.ub, pi_lb = z$pi.lb, pi_ub = z$pi.ub) }
  }
`, map[bool]string{true: "TRUE", false: "FALSE"}[res.Measure == "ZCOR"])
	if !o.NoProfile {
		b.WriteString("  o$sigma2_ci <- lapply(1:2, function(j) unname(ci3[[j]]$random[1, 2:3]))\n")
	}
	if len(res.LRT) > 0 {
		b.WriteString(`  o$lrt <- lapply(1:2, function(j) { s <- c(NA, NA); s[j] <- 0
    a <- anova(m, update(m, sigma2 = s))
    list(component = j - 1, logLik_full = unname(a$fit.stats.f["ll"]), logLik_reduced = unname(a$fit.stats.r["ll"]),
      AIC_full = unname(a$fit.stats.f["AIC"]), AIC_reduced = unname(a$fit.stats.r["AIC"]),
      BIC_full = unname(a$fit.stats.f["BIC"]), BIC_reduced = unname(a$fit.stats.r["BIC"]), LRT = a$LRT, df = a$parms.f - a$parms.r, p = a$pval) })
`)
	}
	{
		b.WriteString(`  w <- 1 / dat3$vi; v <- (m$k - 1) * sum(w) / (sum(w)^2 - sum(w^2)); tot <- v + sum(m$sigma2)
  o$variance_distribution <- list(typical_v = v, I2_level1 = 100 * v / tot, I2_level2 = 100 * m$sigma2[2] / tot,
    I2_level3 = 100 * m$sigma2[1] / tot, I2_total = 100 * sum(m$sigma2) / tot)
`)
	}
	if rb := res.Robust; rb != nil {
		b.WriteString(`  o$robust <- list(se = rob3$se[1], df = rob3$ddf[1], p = rob3$pval[1], ci_lb = rob3$ci.lb[1], ci_ub = rob3$ci.ub[1], clusters = rob3$n,
    coefficients = data.frame(estimate = c(rob3$beta), se = rob3$se, statistic = rob3$zval, df = rob3$ddf, p = rob3$pval, ci_lb = rob3$ci.lb, ci_ub = rob3$ci.ub))
`)
		if rb.Type == metamv.CR2 {
			b.WriteString(`  w <- clubSandwich::Wald_test(m, constraints = clubSandwich::constrain_zero(if (m$p == 1) 1 else m$btt), vcov = "CR2", cluster = cl, test = "HTZ")
  o$robust$QM <- list(Fstat = w$Fstat, delta = w$delta, df_num = w$df_num, df_denom = w$df_denom, p = w$p_val)
`)
		} else {
			b.WriteString("  o$robust$QM <- list(Fstat = rob3$QM, delta = 1, df_num = rob3$QMdf[1], df_denom = rob3$QMdf[2], p = rob3$QMp)\n")
		}
	}
	r.rThreeLevelBiasJSON(b)
	r.rThreeLevelInfluenceJSON(b)
	rPredictJSON(b, "  ", "m", "o", map[bool]string{true: "TRUE", false: "FALSE"}[res.Measure == "ZCOR"], res.Predictions, res.VcovNamed, res.TermTests)
	rRobustTermsJSON(b, "  ", "m", "rob3", "o", res.RobustTermTests, res.VcovNamed)
	b.WriteString("  cat(jsonlite::toJSON(o, digits = NA, auto_unbox = TRUE, dataframe = \"rows\", na = \"null\"), \"\\n\")\n})\n")
}
