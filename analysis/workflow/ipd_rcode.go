package workflow

import (
	"fmt"
	"strings"
)

// rCode writes R code (lme4, lmerTest, metafor) reproducing the two
// stages and the one-stage model for the designs whose columns are
// quick to derive in base R (no detrending, lags over consecutive
// sessions, no AR(1), no covariates); for the others it says which
// command exports the derived columns.
func (r *IPDRun) rCode() string {
	o := r.opt
	so := o.Sessions
	var b strings.Builder
	if r.Stage1Model == Stage1Panel {
		return r.panelRCode()
	}
	if so.Detrend || so.MaxLagGap != 1 || so.AR1 || len(so.Covariates) > 0 || r.formula == "" {
		fmt.Fprintf(&b, "# this design's derived columns are long to write in base R: export them per study with\n#   alliance sessions STUDY.csv --export derived.csv  (the options of %s)\n", r.commandLine())
		return b.String()
	}
	b.WriteString("library(lme4); library(lmerTest); library(metafor)\n")
	b.WriteString(rLmerControl) // every lmer to its optimum, as ours: lme4's default stopping rule leaves SEs ~1e-4 off
	r.rReadStudies(&b)
	c := so.Columns
	for _, rc := range [][2]string{{"patient", c.Patient}, {"therapist", c.Therapist}, {"session", c.Session}, {"alliance", c.Alliance}, {"outcome", c.Outcome}} {
		if rc[1] != "" && rc[1] != rc[0] {
			fmt.Fprintf(&b, "d$%s <- d[[%q]]\n", rc[0], rc[1])
		}
	}
	ther := strings.Contains(r.formula, "therapist")
	b.WriteString("derive <- function(d) {\n")
	if o.Standardize {
		b.WriteString("  z <- function(x) (x - mean(x, na.rm = TRUE)) / sd(x, na.rm = TRUE)\n  d$alliance <- z(d$alliance); d$outcome <- z(d$outcome)\n")
	}
	key := "d$patient"
	if ther {
		key = "paste(d$therapist, d$patient)"
	}
	fmt.Fprintf(&b, "  key <- %s\n  pm <- function(x) ave(x, key, FUN = function(z) mean(z, na.rm = TRUE))\n", key)
	for _, v := range []string{"alliance", "outcome"} {
		fmt.Fprintf(&b, "  d$%s_between <- pm(d$%s); d$%s_within <- d$%s - d$%s_between\n", v, v, v, v, v)
		if strings.Contains(r.formula, "_therapist") {
			fmt.Fprintf(&b, "  pl <- tapply(d$%s, key, mean, na.rm = TRUE); th <- tapply(d$therapist, key, function(z) z[1])\n", v)
			fmt.Fprintf(&b, "  tm <- tapply(pl, th, mean, na.rm = TRUE)\n  d$%s_therapist <- as.vector(tm[as.character(d$therapist)]); d$%s_patient <- d$%s_between - d$%s_therapist\n", v, v, v, v)
		}
	}
	b.WriteString("  nxt <- match(paste(key, d$session + 1), paste(key, d$session))\n")
	b.WriteString("  d$outcome_next <- d$outcome[nxt]; d$alliance_next <- d$alliance[nxt]\n  d\n}\n")
	fmt.Fprintf(&b, "d <- do.call(rbind, lapply(split(d, d$study), derive))\n")
	reml := map[bool]string{true: "FALSE", false: "TRUE"}[so.ML]
	var coefNames []string
	for _, t := range r.Terms {
		for _, s := range r.Stage1 {
			if s.Term == t && s.Name != "" {
				coefNames = append(coefNames, fmt.Sprintf("%s = %q", t, s.Name))
				break
			}
		}
	}
	fmt.Fprintf(&b, "terms <- c(%s)\n", strings.Join(coefNames, ", "))
	fmt.Fprintf(&b, "stage1 <- do.call(rbind, lapply(split(d, d$study), function(ds) {\n  cf <- summary(lmer(%s, data = ds, REML = %s, control = ctl))$coefficients\n", r.formula, reml)
	b.WriteString("  data.frame(study = ds$study[1], term = names(terms), yi = cf[terms, \"Estimate\"], sei = cf[terms, \"Std. Error\"], df = cf[terms, \"df\"])\n}))\nstage1\n")
	r.rStage2(&b, "terms")
	if mv := r.Multivariate; mv != nil {
		fmt.Fprintf(&b, "# the %s and %s terms pooled jointly: each study's two estimates with their stage-1 covariance\nmvt <- terms[c(%q, %q)]\n", mv.Terms[0], mv.Terms[1], mv.Terms[0], mv.Terms[1])
		fmt.Fprintf(&b, "mvs <- lapply(split(d, d$study), function(ds) {\n  m <- lmer(%s, data = ds, REML = %s, control = ctl)\n  list(yi = fixef(m)[mvt], V = as.matrix(vcov(m))[mvt, mvt])\n})\n", r.formula, reml)
		b.WriteString("long <- data.frame(study = rep(names(mvs), each = 2), term = rep(names(mvt), length(mvs)), yi = unlist(lapply(mvs, `[[`, \"yi\")))\n")
		b.WriteString("V <- bldiag(lapply(mvs, `[[`, \"V\"))\n")
		fmt.Fprintf(&b, "mv <- rma.mv(yi, V, mods = ~ 0 + term, random = ~ term | study, struct = \"UN\", data = long, method = \"REML\", level = %s, control = list(rel.tol = 1e-10, iter.max = 10000, eval.max = 20000))\nmv\n", rNum(100*o.Sessions.Level))
	}
	if r.OneStage != nil {
		pid := "paste(d$study, d$patient)"
		if ther {
			pid = "paste(d$study, d$therapist, d$patient)"
			b.WriteString("d$tid <- paste(d$study, d$therapist)\n")
		}
		fmt.Fprintf(&b, "d$pid <- %s\n", pid)
		b.WriteString("cs <- function(x) ave(x, d$study, FUN = function(z) z - mean(z, na.rm = TRUE))   # centre on the study mean\n")
		resp, rhs, _ := strings.Cut(r.formula, " ~ ")
		fx, _, _ := strings.Cut(rhs, " + (")
		for _, v := range append([]string{resp}, strings.Split(fx, " + ")...) {
			if v != r.withinName() {
				fmt.Fprintf(&b, "d$%s <- cs(d$%s)\n", v, v)
			}
		}
		f := strings.ReplaceAll(r.OneStage.Formula, "(1 | patient)", "(1 | pid)")
		f = strings.ReplaceAll(f, "(1 | therapist)", "(1 | tid)")
		fmt.Fprintf(&b, "one <- lmer(%s, data = d, REML = %s, control = ctl)\nsummary(one); logLik(one)\n", f, reml)
	}
	return b.String()
}

// withinName is the stage-1 coefficient of the within term.
func (r *IPDRun) withinName() string {
	for _, s := range r.Stage1 {
		if s.Term == "within" && s.Name != "" {
			return s.Name
		}
	}
	return ""
}

// rStage2 writes the stage-2 R code: rma of each term of the named R
// vector of terms on the stage1 data frame (yi, sei), with the
// study-level moderators and the CR2 test when a robust cluster is set.
func (r *IPDRun) rStage2(b *strings.Builder, termsVar string) {
	o := r.opt
	method := strings.ToUpper(o.Method)
	if method == "" {
		method = "REML"
	}
	level := rNum(100 * o.Sessions.Level)
	mods := ""
	if len(r.Mods) > 0 {
		mods = ", mods = ~ " + strings.Join(r.Mods, " + ")
		fmt.Fprintf(b, "sl <- d[!duplicated(d$study), c(\"study\", %s)]\nstage1 <- merge(stage1, sl, by = \"study\")\n", rStrs(r.Mods))
	}
	if r.robustCol == "" {
		fmt.Fprintf(b, "for (t in names(%s)) print(rma(yi, sei = sei%s, data = stage1[stage1$term == t, ], method = %q, test = %q, level = %s))\n", termsVar, mods, method, o.Test, level)
		return
	}
	fmt.Fprintf(b, "cl <- d[!duplicated(d$study), c(\"study\", %q)]\nstage1 <- merge(stage1, cl, by = \"study\")\n", r.robustCol)
	fmt.Fprintf(b, "for (t in names(%s)) {\n  s2 <- stage1[stage1$term == t, ]\n  res <- rma(yi, sei = sei%s, data = s2, method = %q, test = %q, level = %s)\n", termsVar, mods, method, o.Test, level)
	fmt.Fprintf(b, "  print(res)\n  print(clubSandwich::coef_test(res, vcov = \"CR2\", cluster = s2$%s, test = \"Satterthwaite\"))   # several samples per cluster\n}\n", r.robustCol)
}

// rReadStudies writes the R code reading the studies into d with a
// character study column: the one file with its study column, or the
// files bound together, each named by its study.
func (r *IPDRun) rReadStudies(b *strings.Builder) {
	names := strings.Split(r.src.Name, ", ")
	if r.studyCol != "" {
		fmt.Fprintf(b, "d <- read.csv(%q)\nd$study <- as.character(d[[%q]])\n", names[0], r.studyCol)
		return
	}
	var parts []string
	for i, n := range names {
		st := n
		if i < len(r.studyOrder) {
			st = r.studyOrder[i]
		}
		parts = append(parts, fmt.Sprintf("cbind(study = %q, read.csv(%q))", st, n))
	}
	fmt.Fprintf(b, "d <- rbind(%s)\n", strings.Join(parts, ",\n  "))
}
