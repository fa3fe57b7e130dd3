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
	c := r.ss.Columns
	for role, col := range map[string]string{"patient": c.Patient, "therapist": c.Therapist, "session": c.Session, "alliance": c.Alliance, "outcome": c.Outcome} {
		if col != "" {
			roles[role] = col
		}
	}
	hasTher := r.d.Therapist != nil
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
		if r.d.Alliance != nil {
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
		fmt.Fprintf(&b, "m <- lme(%s, random = ~ 1 | %s, correlation = corAR1(form = ~ session), data = d, na.action = na.omit, method = %q)\n", fixed, grp, map[bool]string{true: "ML", false: "REML"}[o.ML])
		b.WriteString("summary(m)\n")
		return b.String()
	}
	fmt.Fprintf(&b, "m <- lmer(%s, data = d, REML = %s)\n", formula, map[bool]string{true: "FALSE", false: "TRUE"}[o.ML])
	b.WriteString("cf <- summary(m)$coefficients   # Satterthwaite df\n")
	fmt.Fprintf(&b, "q <- qt(1 - (1 - %s) / 2, cf[, \"df\"])\n", rNum(o.Level))
	b.WriteString("cbind(cf, lower = cf[, \"Estimate\"] - q * cf[, \"Std. Error\"], upper = cf[, \"Estimate\"] + q * cf[, \"Std. Error\"])\n")
	b.WriteString("VarCorr(m); logLik(m)\n")
	if r.ConcurrentModel != nil {
		fmt.Fprintf(&b, "m2 <- lmer(%s, data = d, REML = %s); summary(m2)\n", r.ConcurrentModel.Formula, map[bool]string{true: "FALSE", false: "TRUE"}[o.ML])
	}
	return b.String()
}
