package workflow

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/mixed"
	"github.com/alliance-research/alliance/datasets"
)

// residual reports a residual structure (AR(1), a correlation or a
// variance function) or a formula without random effects.
func (opt LMMOptions) residual() bool {
	if opt.AR1 != "" || opt.Correlation != "" || opt.Weights != "" {
		return true
	}
	f, err := mixed.ParseGLSFormula(opt.Formula)
	return err == nil && len(f.Random) == 0
}

// residualOptions copies the residual structure into the fit's options:
// the time column only for a correlation that uses one (compound symmetry
// does not).
func (opt LMMOptions) residualOptions(mo *mixed.Options) {
	mo.Correlation, mo.Weights, mo.Group = opt.Correlation, opt.Weights, opt.CorGroup
	if mixed.CorrelationUsesTime(opt.Correlation) {
		mo.Time = opt.Time
	}
}

// residualData reads the columns of the residual structure that the
// formulas do not: the time column (numbers; a missing time is the fit's
// error, by line), the correlation group (text, every row needs one) and
// the variance function's column.
func (opt LMMOptions) residualData(t *datasets.Table, d *mixed.Data) error {
	var cols []string
	if mixed.CorrelationUsesTime(opt.Correlation) && opt.Time != "" {
		cols = append(cols, opt.Time)
	}
	if opt.CorGroup != "" {
		cols = append(cols, opt.CorGroup)
	}
	if _, col, ok := strings.Cut(opt.Weights, ":"); ok && strings.TrimSpace(col) != "" {
		cols = append(cols, strings.TrimSpace(col))
	}
	for _, name := range cols {
		if _, ok := d.Numeric[name]; ok {
			continue
		}
		if _, ok := d.Text[name]; ok {
			continue
		}
		if _, ok := d.Factors[name]; ok {
			continue
		}
		c, err := t.Column(name)
		if err != nil {
			return fmt.Errorf("%w (named for the residual structure)", err)
		}
		switch {
		case name == opt.CorGroup:
			v := c.Strings()
			for i, id := range v {
				if id == "" {
					return fmt.Errorf("%s: column %q: missing group id on line %d: every row needs its group (remove or complete those rows)", t.Name, name, t.Line(i))
				}
			}
			d.Text[name] = v
		case strings.HasPrefix(strings.ToLower(opt.Weights), "varident"):
			d.Text[name] = c.Strings()
		default:
			x, err := c.Floats()
			if err != nil {
				return err
			}
			d.Numeric[name] = x
		}
	}
	return nil
}

// residNotes are the random-effects table's notes on the residual
// structure: its parameters by nlme's names and the df used.
func residNotes(r *mixed.Result) []string {
	var out []string
	ps := func(s *mixed.ResidStructure) string {
		var parts []string
		for _, p := range s.Params {
			parts = append(parts, p.Name+" = "+num(p.Value, 4))
		}
		return strings.Join(parts, ", ")
	}
	if s := r.CorStruct; s != nil && r.AR1Phi == nil {
		out = append(out, fmt.Sprintf("Residual correlation %s(form = %s): %s.", s.Class, s.Form, ps(s)))
	}
	if s := r.VarFunction; s != nil {
		txt := fmt.Sprintf("Variance function %s(form = %s): %s", s.Class, s.Form, ps(s))
		if s.Reference != "" {
			txt += fmt.Sprintf(" (residual SD relative to stratum %s)", s.Reference)
		}
		out = append(out, txt+".")
		out = append(out, "The ICC and Nakagawa R² use the residual variance of the reference (variance-function weight 1); with unequal residual variances they describe that stratum or covariate value.")
	}
	if r.GLS {
		out = append(out, fmt.Sprintf("No random effects: generalised least squares (nlme's gls); fixed effects are tested with n − p = %d df, as nlme's summary.", r.NObs-len(r.Fixed)))
	} else if (r.CorStruct != nil || r.VarFunction != nil) && strings.HasPrefix(r.DFMethod, "containment") {
		out = append(out, "With a residual structure the fixed effects are tested with nlme's containment df (Pinheiro & Bates, 2000, section 2.4.2), as nlme's summary table, not Satterthwaite's (lmerTest has no residual structures).")
	}
	return out
}

// residMethods is the methods sentence's part on the residual structure.
func (r *LMMRun) residMethods() string {
	var m string
	if s := r.Result.CorStruct; s != nil && r.opt.AR1 == "" {
		m += fmt.Sprintf(", residuals correlated within groups as nlme's %s(form = %s)", s.Class, s.Form)
	}
	if s := r.Result.VarFunction; s != nil {
		m += fmt.Sprintf(", with variance function %s(form = %s)", s.Class, s.Form)
	}
	if r.Result.GLS {
		m += ", by generalised least squares without random effects (nlme's gls; Pinheiro & Bates, 2000)"
	}
	return m
}

// residArgs are the command-line options that reproduce the structure.
func (r *LMMRun) residArgs() []string {
	var a []string
	if c := r.opt.Correlation; c != "" {
		a = append(a, "--correlation", c)
		if mixed.CorrelationUsesTime(c) {
			a = append(a, "--session", shellQuote(r.opt.Time))
		}
	}
	if g := r.opt.CorGroup; g != "" {
		a = append(a, "--cor-group", shellQuote(g))
	}
	if w := r.opt.Weights; w != "" {
		a = append(a, "--weights", shellQuote(w))
	}
	return a
}

// nlmeResidCall writes the nlme::lme (or, without random effects,
// nlme::gls) call of the model with its corStruct and varFunc, and the
// numbers alliance reports, as JSON; with --ranova, each reduced model
// with the same structure and nlme's anova(reduced, full).
func (r *LMMRun) nlmeResidCall() string {
	opt := r.opt
	call, model, fittedNote, ok := r.nlmeModel(opt.Formula, opt.CorGroup)
	if !ok {
		return call
	}
	var b strings.Builder
	var call0, model0 string
	if opt.Compare != "" && r.Compare != nil {
		if call0, model0, _, ok = r.nlmeModel(opt.Compare, opt.CorGroup); !ok {
			call0 = ""
		}
	}
	b.WriteString("library(nlme)\n")
	b.WriteString(fittedNote)
	if model == "gls" || model0 == "gls" || len(r.Ranova) > 0 {
		b.WriteString(rGLSBest)
	}
	fmt.Fprintf(&b, "m <- %s\n", call)
	b.WriteString("summary(m)\n")
	level := opt.Level
	if level == 0 {
		level = 0.95
	}
	fmt.Fprintf(&b, `# the numbers alliance reports, as JSON: SEs from vcov(m) (summary's table
# rescales an lme ML fit's by sqrt(n/(n - p))), df of the summary table
# (containment for lme, n - p for gls), intervals with them.
local({
  tt <- summary(m)$tTable; se <- sqrt(diag(vcov(m)))
  df <- if (inherits(m, "lme")) tt[, "DF"] else rep(m$dims$N - m$dims$p, nrow(tt))
  q <- qt(1 - (1 - %s) / 2, df)
  par <- function(s) if (is.null(s)) NULL else { v <- coef(s, unconstrained = FALSE); data.frame(name = names(v), value = unname(v)) }
  ll <- logLik(m)
  cat(jsonlite::toJSON(list(model = %q,
    fixed = data.frame(name = rownames(tt), estimate = tt[, "Value"], se = unname(se), df = unname(df),
      ci_lb = tt[, "Value"] - q * se, ci_ub = tt[, "Value"] + q * se),
    residual_variance = sigma(m)^2,
    correlation_structure = par(m$modelStruct$corStruct), variance_function = par(m$modelStruct$varStruct),
    logLik = as.numeric(ll), AIC = AIC(m), npar = attr(ll, "df"), nobs = m$dims$N), digits = NA, auto_unbox = TRUE, dataframe = "rows"), "\n")
})
`, rNum(level), model)
	if r.opt.Anova == 1 || r.opt.Anova == 3 {
		kind := map[int]string{1: "sequential", 3: "marginal"}[r.opt.Anova]
		fmt.Fprintf(&b, `a <- anova(m, type = %q); a
local({
  den <- if (is.null(a$denDF)) rep(m$dims$N - m$dims$p, nrow(a)) else a$denDF   # gls: "Denom. DF" n - p
  cat(jsonlite::toJSON(list(anova = data.frame(term = rownames(a), num_df = a$numDF, den_df = den,
    F = a[["F-value"]], p = a[["p-value"]])), digits = NA, dataframe = "rows"), "\n")
})
`, kind)
	}
	if call0 != "" {
		fmt.Fprintf(&b, "m0 <- %s\n", call0)
		if r.Compare.Refit { // different fixed effects: REML likelihoods are not comparable
			b.WriteString("a <- anova(update(m0, method = \"ML\"), update(m, method = \"ML\")); a   # both refitted by ML, as alliance\n")
		} else {
			b.WriteString("a <- anova(m0, m); a\n")
		}
		b.WriteString(`cat(jsonlite::toJSON(list(compare = list(npar = a$df, AIC = a$AIC, BIC = a$BIC, logLik = a$logLik,
  Chisq = a$L.Ratio[2], Df = abs(diff(a$df)), p = a[["p-value"]][2])), digits = NA, auto_unbox = TRUE), "\n")
`)
	}
	r.nlmeRanovaCode(&b)
	r.emmRCode(&b)
	r.confintRCode(&b, true)
	return b.String()
}

// nlmeRanovaCode writes the ranova rows' models, each keeping the residual
// structure (the last random term deleted: a gls with the correlation
// within the full model's finest groups), and nlme's anova(reduced, full)
// of each, as JSON.
func (r *LMMRun) nlmeRanovaCode(b *strings.Builder) {
	if len(r.Ranova) == 0 {
		return
	}
	f, err := mixed.ParseGLSFormula(r.opt.Formula)
	if err != nil {
		return
	}
	_, levels, _ := nlmeRandom(f)
	finest := ""
	if len(levels) > 0 {
		finest = levels[len(levels)-1]
	}
	b.WriteString("# ranova: each random term reduced or deleted, the residual structure kept, tested by nlme's anova(reduced, full)\n")
	var names []string
	for _, row := range r.Ranova {
		if row.LRT == nil {
			continue
		}
		call, _, _, ok := r.nlmeModel(row.Formula, finest)
		if !ok {
			b.WriteString(call)
			return
		}
		k := len(names) + 1
		names = append(names, row.Term)
		fmt.Fprintf(b, "m%d <- %s   # without %s\nanova(m%d, m)\n", k, call, row.Term, k)
	}
	fmt.Fprintf(b, `local({
  terms <- c(%s)
  rows <- lapply(seq_along(terms), function(k) { a <- anova(get(paste0("m", k)), m)
    data.frame(term = terms[k], npar = a$df[1], logLik = a$logLik[1], LRT = a$L.Ratio[2], Df = a$df[2] - a$df[1], p = a[["p-value"]][2]) })
  cat(jsonlite::toJSON(list(ranova = do.call(rbind, rows)), digits = NA, dataframe = "rows"), "\n")
})
`, rStrings(names))
}

// rGLSBest defines glsBest: nlme's gls fitted by each of its optimisers,
// the higher likelihood kept — optim can stop on a boundary (corCAR1's Phi
// at 1) and fails on corARMA and corAR1 ("Coefficient matrix not
// invertible"), nlminb stops short on other fits.
const rGLSBest = `glsBest <- function(...) {
  fits <- lapply(c("optim", "nlminb"), function(o) try(do.call("gls", c(list(...),
    list(control = glsControl(maxIter = 1000, msMaxIter = 1000, msTol = 1e-14, tolerance = 1e-12, opt = o)))), silent = TRUE))
  fits <- Filter(function(f) !inherits(f, "try-error"), fits)
  fits[[which.max(vapply(fits, function(f) as.numeric(logLik(f)), 0))]]
}
`

// rStrings writes strings as the arguments of R's c().
func rStrings(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// nlmeModel writes the nlme::lme (or, without random effects, nlme::gls)
// call of formula with the run's corStruct and varFunc, the correlation
// within corGroup for a gls; the model's class, a comment on varPower of
// the fitted values, and false (with a comment as the call) when lme has
// no form for the random effects.
func (r *LMMRun) nlmeModel(formula, corGroup string) (call, model, fittedNote string, ok bool) {
	opt := r.opt
	f, err := mixed.ParseGLSFormula(formula)
	if err != nil {
		return "# " + err.Error() + "\n", "", "", false
	}
	fixed := f.Response + " ~ " + nlmeTerms(f.Fixed, f.Intercept)
	var random, form string
	if len(f.Random) > 0 {
		var levels []string
		var nested bool
		random, levels, nested = nlmeRandom(f)
		if nested {
			form = strings.Join(levels, "/")
		} else if random, form, fittedNote, ok = nlmeCrossed(f, corGroup); !ok {
			return "# these random effects (crossed or interaction groups) have no nlme::lme form\n", "", "", false
		}
	} else {
		form = corGroup
	}
	corr := opt.Correlation
	if corr == "" && opt.AR1 != "" {
		corr = "ar1"
	}
	tm := opt.Time
	if opt.AR1 != "" {
		tm = opt.AR1
	}
	var args []string
	if corr != "" {
		lhs := "1"
		if mixed.CorrelationUsesTime(corr) {
			lhs = tm
		}
		cf := "~ " + lhs
		if form != "" {
			cf += " | " + form
		}
		switch corr {
		case "ar1":
			args = append(args, fmt.Sprintf("correlation = corAR1(form = %s)", cf))
		case "car1":
			args = append(args, fmt.Sprintf("correlation = corCAR1(form = %s)", cf))
		case "exp":
			args = append(args, fmt.Sprintf("correlation = corExp(form = %s)", cf))
		case "cs":
			args = append(args, fmt.Sprintf("correlation = corCompSymm(form = %s)", cf))
		case "arma11":
			args = append(args, fmt.Sprintf("correlation = corARMA(form = %s, p = 1, q = 1)", cf))
		}
	}
	if w := opt.Weights; w != "" {
		kind, col, _ := strings.Cut(w, ":")
		col = strings.TrimSpace(col)
		switch strings.ToLower(strings.TrimSpace(kind)) {
		case "varident":
			args = append(args, fmt.Sprintf("weights = varIdent(form = ~ 1 | %s)", col))
		case "varpower":
			if col == "" {
				args = append(args, "weights = varPower()")
				fittedNote += "# varPower() is the power of the fitted values (form = ~ fitted(.)): nlme refits until\n# the parameters settle; its loop can stop ~1e-5 (relative) short of the fixed point alliance reports.\n"
			} else {
				args = append(args, fmt.Sprintf("weights = varPower(form = ~ %s)", col))
			}
		}
	}
	method := map[bool]string{true: "ML", false: "REML"}[opt.ML]
	extra := ""
	if len(args) > 0 {
		extra = ",\n         " + strings.Join(args, ",\n         ")
	}
	if random == "" {
		return fmt.Sprintf("glsBest(%s%s,\n         data = dat, method = %q, na.action = na.omit)", fixed, extra, method), "gls", fittedNote, true
	}
	return fmt.Sprintf("lme(%s, %s%s,\n         data = dat, method = %q, na.action = na.omit,\n         control = lmeControl(maxIter = 1000, msMaxIter = 1000, msMaxEval = 10000, niterEM = 0, msTol = 1e-14, tolerance = 1e-12, opt = \"nlminb\"))", fixed, random, extra, method), "lme", fittedNote, true
}

// nlmeCrossed writes lme's random argument for crossed random intercepts
// such as (1 | patient) + (1 | rater) with residuals correlated within
// corGroup: one group holding all the data with a block-diagonal pdBlocked
// covariance, one pdIdent block per factor (Pinheiro & Bates 2000, section
// 4.2.2), the correlation form's group all/corGroup (all without a
// corGroup: a variance function only), and the line that makes the
// all-data group. false for other crossed terms (slopes, interaction
// groups) or a corGroup that is not one of them.
func nlmeCrossed(f mixed.Formula, corGroup string) (random, form, prep string, ok bool) {
	var blocks []string
	found := false
	for _, rt := range f.Random {
		if !rt.Intercept || len(rt.Slopes) > 0 || len(rt.Group) != 1 {
			return "", "", "", false
		}
		g := rt.Group[0]
		found = found || g == corGroup
		blocks = append(blocks, "pdIdent(~ 0 + factor("+g+"))")
	}
	form = "all"
	if corGroup != "" {
		if !found {
			return "", "", "", false
		}
		form += "/" + corGroup
	}
	prep = "dat$all <- factor(1)   # crossed factors: one group holding all the data (nlme's pdBlocked form)\n"
	return "random = list(all = pdBlocked(list(" + strings.Join(blocks, ", ") + ")))", form, prep, true
}

// nlmeTerms writes fixed or random terms as an R formula's right side.
func nlmeTerms(ts [][]string, icpt bool) string {
	var out []string
	for _, t := range ts {
		out = append(out, strings.Join(t, ":"))
	}
	if len(out) == 0 {
		return map[bool]string{true: "1", false: "0"}[icpt]
	}
	if !icpt {
		out = append([]string{"0"}, out...)
	}
	return strings.Join(out, " + ")
}

// nlmeRandom writes lme's random argument of nested random terms and the
// grouping levels, outermost first; false for crossed or interaction
// groups, which lme cannot express (and for no random term).
func nlmeRandom(f mixed.Formula) (string, []string, bool) {
	if len(f.Random) == 0 {
		return "", nil, false
	}
	rts := append([]mixed.RandomTerm(nil), f.Random...)
	sort.SliceStable(rts, func(i, j int) bool { return len(rts[i].Group) < len(rts[j].Group) })
	var levels []string
	for i, rt := range rts {
		if i == 0 {
			if len(rt.Group) != 1 {
				return "", nil, false
			}
			levels = append(levels, rt.Group[0])
			continue
		}
		in := map[string]bool{}
		for _, g := range rts[i-1].Group {
			in[g] = true
		}
		var extra []string
		for _, g := range rt.Group {
			if !in[g] {
				extra = append(extra, g)
			}
		}
		if len(rt.Group) != len(rts[i-1].Group)+1 || len(extra) != 1 {
			return "", nil, false
		}
		levels = append(levels, extra[0])
	}
	if len(rts) == 1 {
		return "random = ~ " + nlmeTerms(rts[0].Slopes, rts[0].Intercept) + " | " + levels[0], levels, true
	}
	var parts []string
	for i, rt := range rts {
		parts = append(parts, levels[i]+" = ~ "+nlmeTerms(rt.Slopes, rt.Intercept))
	}
	return "random = list(" + strings.Join(parts, ", ") + ")", levels, true
}

// glsLine is the counts line of a model without random effects.
func glsLine(r *mixed.Result, groups []string) string {
	if len(groups) == 0 {
		return fmt.Sprintf("%d observations; no random effects (generalised least squares)", r.NObs)
	}
	return fmt.Sprintf("%d observations; no random effects (generalised least squares); correlation groups: %s", r.NObs, strings.Join(groups, ", "))
}
