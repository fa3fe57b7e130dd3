package workflow

import (
	"fmt"
	"strings"
)

// rCode writes lme4 + lmerTest code that derives the model's columns and
// fits it, with the Satterthwaite t intervals the tables report. Designs
// whose derivation is long in base R (detrending, lags over gaps, AR(1))
// read the columns alliance derives instead ('alliance sessions --export').
func (r *SessionsRun) rCode() string {
	res, o := r.Result, r.opt
	var b strings.Builder
	roles := map[string]string{}
	c := r.cols
	if r.ss != nil {
		c = r.ss.Columns
	}
	for role, col := range map[string]string{"patient": c.Patient, "therapist": c.Therapist, "session": c.Session, "alliance": c.Alliance, "outcome": c.Outcome} {
		if col != "" {
			roles[role] = col
		}
	}
	hasTher := r.hasTher
	formula := res.Formula
	if o.AR1 {
		b.WriteString("library(nlme)\n")
	} else {
		b.WriteString("library(lme4); library(lmerTest)   # lmerTest: Satterthwaite df\n")
	}
	if o.Detrend || o.MaxLagGap != 1 || o.AR1 || r.opt.Wide.Prefix != "" || len(r.opt.Wide.Columns) > 0 {
		fmt.Fprintf(&b, "# the derived columns as alliance computes them:\n#   %s --export derived.csv\n", r.commandLine())
		b.WriteString("d <- read.csv(\"derived.csv\")\n")
	} else {
		rReadSessions(&b, r.src, roles)
		key := "d$patient"
		if hasTher {
			key = "paste(d$therapist, d$patient)"
		}
		fmt.Fprintf(&b, "key <- %s\n", key)
		b.WriteString("pm <- function(x) ave(x, key, FUN = function(z) mean(z, na.rm = TRUE))\n")
		vars := []string{"outcome"}
		if r.hasAlliance {
			vars = []string{"alliance", "outcome"}
		}
		for _, v := range vars {
			fmt.Fprintf(&b, "d$%s_between <- pm(d$%s); d$%s_within <- d$%s - d$%s_between\n", v, v, v, v, v)
			if hasTher {
				// therapist mean: the mean of the therapist's patients' means
				fmt.Fprintf(&b, "pl <- tapply(d$%s, key, mean, na.rm = TRUE); th <- tapply(d$therapist, key, function(z) z[1])\n", v)
				fmt.Fprintf(&b, "tm <- tapply(pl, th, mean, na.rm = TRUE)\n")
				fmt.Fprintf(&b, "d$%s_therapist <- as.vector(tm[as.character(d$therapist)]); d$%s_patient <- d$%s_between - d$%s_therapist\n", v, v, v, v)
			}
		}
		b.WriteString("nxt <- match(paste(key, d$session + 1), paste(key, d$session))   # the next session, no gap\n")
		b.WriteString("prv <- match(paste(key, d$session - 1), paste(key, d$session))\n")
		for _, v := range vars {
			fmt.Fprintf(&b, "d$%s_next <- d$%s[nxt]; d$%s_lag <- d$%s[prv]\n", v, v, v, v)
		}
	}
	if o.AR1 {
		fixed, _, _ := strings.Cut(formula, " + (")
		grp := "patient"
		if hasTher && !o.IgnoreTherapist {
			grp = "therapist/patient"
		}
		random := "~ 1 | " + grp
		switch {
		case o.RandomSlope && grp == "patient":
			random = "~ 1 + session | patient"
		case o.RandomSlope:
			random = "list(therapist = ~ 1, patient = ~ 1 + session)"
		}
		fmt.Fprintf(&b, "m <- lme(%s, random = %s, correlation = corAR1(form = ~ session), data = d, na.action = na.omit, method = %q,\n         control = lmeControl(maxIter = 1000, msMaxIter = 1000, niterEM = 100, msTol = 1e-14, tolerance = 1e-12))\n", fixed, random, map[bool]string{true: "ML", false: "REML"}[o.ML])
		b.WriteString("summary(m)\n")
		rLmeNumbers(&b, "m", o.Level)
		return b.String()
	}
	// tight optimiser controls, so that lme4 stops at the optimum alliance
	// reaches (its defaults stop about 1e-6 short in the variances)
	b.WriteString(rLmerControl)
	fmt.Fprintf(&b, "m <- lmer(%s, data = d, REML = %s, control = ctl)\n", formula, map[bool]string{true: "FALSE", false: "TRUE"}[o.ML])
	b.WriteString("summary(m)   # Satterthwaite df\n")
	rLmerNumbers(&b, "m", o.Level)
	if r.ConcurrentModel != nil {
		fmt.Fprintf(&b, "m2 <- lmer(%s, data = d, REML = %s, control = ctl); summary(m2)\n", r.ConcurrentModel.Formula, map[bool]string{true: "FALSE", false: "TRUE"}[o.ML])
		rLmerNumbers(&b, "m2", o.Level)
	}
	return b.String()
}

// rLmerControl sets tight convergence controls for lmer (BOBYQA through
// nloptr, lme4's default optimiser).
const rLmerControl = "ctl <- lmerControl(optCtrl = list(ftol_abs = 1e-15, xtol_abs = 1e-12, ftol_rel = 1e-15, xtol_rel = 1e-12, maxeval = 1e5))\n"

// rLmerNumbers writes R code that prints, as one line of JSON (jsonlite),
// every number alliance reports for the lmer fit m: the fixed effects
// with Satterthwaite df (lmerTest) and the t intervals of the table, their
// covariance, the variance components and correlations, the residual
// variance, log-likelihood, AIC, BIC, the counts, the ICCs (random
// intercepts only: τ²_k / (Σ τ² + σ²)), Nakagawa & Schielzeth's marginal and
// conditional R² (σ²_f the variance of Xβ̂, σ²_r the mean of z'Σz over rows,
// Johnson 2014) and the BLUPs with their conditional SDs.
func rLmerNumbers(b *strings.Builder, m string, level float64) {
	if level == 0 {
		level = 0.95
	}
	fmt.Fprintf(b, `# every number of alliance's tables, as JSON
local({
  m <- %s
  cs <- coef(summary(m)); q <- qt(1 - (1 - %s) / 2, cs[, "df"])
  vc <- as.data.frame(VarCorr(m)); S <- VarCorr(m); mm <- getME(m, "mmList")
  fx <- var(as.vector(model.matrix(m) %%*%% fixef(m)))
  vr <- sum(sapply(seq_along(mm), function(k) mean(rowSums((mm[[k]] %%*%% S[[k]]) * mm[[k]]))))
  tot <- fx + vr + sigma(m)^2
  ri <- vc[vc$grp != "Residual" & is.na(vc$var2), ]
  icc <- if (all(ri$var1 == "(Intercept)")) data.frame(group = ri$grp, icc = ri$vcov / (sum(ri$vcov) + sigma(m)^2))
  re <- ranef(m, condVar = TRUE)
  blup <- do.call(rbind, lapply(names(re), function(g) { x <- re[[g]]; pv <- attr(x, "postVar")
    # several terms on one factor ((1 | g) + (0 + t | g), (t || g)): a list of per-term arrays
    if (is.list(pv)) pv <- lapply(seq_along(x), function(j) { k <- 0; for (a in pv) { d <- dim(a)[1]
      if (j <= k + d) return(a[j - k, j - k, ]); k <- k + d } }) else pv <- lapply(seq_along(x), function(j) pv[j, j, ])
    do.call(rbind, lapply(seq_along(x), function(j) data.frame(group = g, level = rownames(x), name = names(x)[j],
      value = x[[j]], cond_sd = sqrt(pv[[j]])))) }))
  cr <- vc[vc$grp != "Residual" & !is.na(vc$var2), ]
  cat(jsonlite::toJSON(list(model = %q,
    fixed = data.frame(name = rownames(cs), estimate = cs[, "Estimate"], se = cs[, "Std. Error"], df = cs[, "df"],
      statistic = cs[, "t value"], p = cs[, "Pr(>|t|)"], ci_lb = cs[, "Estimate"] - q * cs[, "Std. Error"], ci_ub = cs[, "Estimate"] + q * cs[, "Std. Error"]),
    vcov = unname(as.matrix(vcov(m))),
    random = data.frame(group = ri$grp, name = ri$var1, variance = ri$vcov, sd = ri$sdcor),
    correlations = data.frame(group = cr$grp, name1 = cr$var1, name2 = cr$var2, corr = cr$sdcor),
    residual_variance = sigma(m)^2, logLik = as.numeric(logLik(m)), AIC = AIC(m), BIC = BIC(m), npar = attr(logLik(m), "df"),
    nobs = nobs(m), ngroups = as.list(ngrps(m)), icc = icc, r2_marginal = fx / tot, r2_conditional = (fx + vr) / tot,
    ranef = blup), digits = NA, auto_unbox = TRUE, dataframe = "rows"), "\n")
})
`, m, rNum(level), m)
}

// rLmeNumbers writes R code that prints, as one line of JSON, the numbers
// of an nlme fit m with AR(1) residuals that nlme reproduces: the fixed
// effects, their SEs from vcov(m) (summary's table rescales an ML fit's by
// n/(n−p)), the variance components, φ, the log-likelihood, AIC, and BIC
// as lme4 defines it (log n; nlme's REML BIC uses log(n − p)), and the df of
// the summary table: nlme's containment df, which alliance reports with a
// residual structure (mixed.Options.Correlation).
func rLmeNumbers(b *strings.Builder, m string, level float64) {
	fmt.Fprintf(b, `# the numbers nlme reproduces, as JSON; df are the summary table's (containment).
local({
  m <- %s
  re <- as.list(m$modelStruct$reStruct)   # innermost group first, as alliance
  ll <- logLik(m); np <- attr(ll, "df")
  cat(jsonlite::toJSON(list(model = %q,
    fixed = data.frame(name = names(fixef(m)), estimate = unname(fixef(m)), se = unname(sqrt(diag(vcov(m)))),
      df = unname(summary(m)$tTable[, "DF"])),
    random = do.call(rbind, lapply(names(re), function(g) { v <- as.matrix(re[[g]]) * sigma(m)^2
      data.frame(group = g, name = colnames(v), variance = diag(v), sd = sqrt(diag(v))) })),
    residual_variance = sigma(m)^2, ar1_phi = unname(coef(m$modelStruct$corStruct, unconstrained = FALSE)),
    logLik = as.numeric(ll), AIC = -2 * as.numeric(ll) + 2 * np, BIC = -2 * as.numeric(ll) + log(m$dims$N) * np,
    npar = np, nobs = m$dims$N), digits = NA, auto_unbox = TRUE, dataframe = "rows"), "\n")
})
`, m, m)
}
