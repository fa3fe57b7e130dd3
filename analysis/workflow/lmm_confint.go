package workflow

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/mixed"
)

// LMMConfintOptions are the choices of the confidence intervals of the
// variance components (LMMOptions.ConfintOptions).
type LMMConfintOptions struct {
	// Confint adds confidence intervals of the random-effect SDs and
	// correlations, σ and the fixed effects, as lme4's confint.merMod:
	// "profile" (profile likelihood), "boot" (parametric bootstrap,
	// percentile intervals) or "wald" (fixed effects only); "" for none.
	Confint string
	// NSim is the number of bootstrap samples (default 500, lme4's nsim);
	// Seed seeds them (the same seed gives the same intervals).
	NSim int
	Seed uint64
	// ConfintProgress, if set, is called (never concurrently) with the
	// bootstrap refits done and their total.
	ConfintProgress func(done, total int) `json:"-"`
}

// LMMConfint are the intervals of LMMConfintOptions.Confint in the run's
// JSON: confint: [{parm, group, name, estimate, lower, upper, method}].
type LMMConfint struct {
	Confint      []mixed.CI `json:"confint,omitempty"`
	ConfintLevel float64    `json:"confint_level,omitempty"`
	// ConfintNSim, ConfintSeed and ConfintFailed describe a bootstrap.
	ConfintNSim   int      `json:"confint_nsim,omitempty"`
	ConfintSeed   uint64   `json:"confint_seed,omitempty"`
	ConfintFailed int      `json:"confint_failed,omitempty"`
	confintNotes  []string // the method's notes (ML refit, bounds, failed refits)
	confintMethod string
}

// confintMethods maps the option's values to confint.merMod's method names.
// "nlme" is nlme's intervals(m) of a model with a residual structure.
var confintMethods = map[string]string{"profile": "profile", "boot": "boot", "wald": "Wald", "nlme": "nlme"}

// checkConfint validates the interval options before the fit.
func checkConfint(opt LMMOptions) error {
	o := opt.LMMConfintOptions
	switch {
	case o.Confint == "":
		if o.NSim != 0 {
			return invalid("NSim", "the number of bootstrap samples applies to bootstrap intervals: ask for them")
		}
		return nil
	case confintMethods[o.Confint] == "":
		return invalid("Confint", "confidence-interval method %q: give profile, boot, wald or nlme", o.Confint)
	case o.Confint != "boot" && o.NSim != 0:
		return invalid("NSim", "the number of bootstrap samples applies to bootstrap intervals, not %s ones", o.Confint)
	case o.NSim < 0 || o.Confint == "boot" && o.NSim == 1:
		return invalid("NSim", "%d bootstrap samples: give at least 2 (lme4's default is 500)", o.NSim)
	case opt.AR1 != "" && o.Confint != "wald" && o.Confint != "nlme":
		return invalid("Confint", "%s intervals with AR(1) residuals are not available (lme4's profile and bootstrap cannot fit the model); use nlme's intervals (--confint nlme) or Wald intervals of the fixed effects", o.Confint)
	}
	return nil
}

// runConfint computes the intervals of model m.
func (r *LMMRun) runConfint(m *mixed.Model) error {
	o := r.opt.LMMConfintOptions
	if o.Confint == "" {
		return nil
	}
	res, err := m.Confint(mixed.ConfintOptions{Method: confintMethods[o.Confint], Level: r.opt.Level, NSim: o.NSim, Seed: o.Seed, Progress: o.ConfintProgress})
	if err != nil {
		if OptionOf(err) != "" {
			return invalid("Confint", "the confidence intervals: %v", err)
		}
		return fmt.Errorf("the confidence intervals: %w", err)
	}
	r.Confint, r.ConfintLevel, r.confintNotes, r.confintMethod = res.Intervals, res.Level, res.Notes, res.Method
	if res.Method == "boot" {
		r.ConfintNSim, r.ConfintSeed, r.ConfintFailed = res.NSim, res.Seed, res.Failed
	}
	return nil
}

// confintSection is the table of the intervals.
func (r *LMMRun) confintSection(s *Section) {
	if len(r.Confint) == 0 {
		return
	}
	title := map[string]string{"profile": "Profile-likelihood", "boot": "Parametric-bootstrap", "Wald": "Wald", "nlme": "nlme's (Wald, unconstrained scale)"}[r.confintMethod]
	t := &Table{Name: "confint", Title: title + " confidence intervals",
		Columns: []string{"Parameter", "Group", "Term", "Estimate", apa.Level(r.ConfintLevel) + " CI"},
		Right:   []bool{false, false, false, true, false}}
	for _, c := range r.Confint {
		t.Rows = append(t.Rows, []string{c.Parm, c.Group, c.Name, num(c.Estimate, 4), interval(c.Lower, c.Upper, 4, false)})
	}
	switch r.confintMethod {
	case "profile":
		t.Notes = append(t.Notes, "Limits where the signed root of the change in the ML deviance, each other parameter re-optimised, reaches the normal quantile, as lme4's confint(m, method = \"profile\"); sd_ are standard deviations, cor_ correlations of the random effects.")
	case "boot":
		t.Notes = append(t.Notes, fmt.Sprintf("Percentile intervals of %d parametric-bootstrap refits (seed %d), as lme4's confint(m, method = \"boot\", boot.type = \"perc\"); another seed moves the limits by Monte Carlo error.", r.ConfintNSim, r.ConfintSeed))
	}
	t.Notes = append(t.Notes, r.confintNotes...)
	s.Add(t)
}

// confintArgs are the command-line flags of the intervals.
func (r *LMMRun) confintArgs() []string {
	o := r.opt.LMMConfintOptions
	if o.Confint == "" {
		return nil
	}
	args := []string{"--confint", o.Confint}
	if o.Confint == "boot" {
		args = append(args, "--nsim", strconv.Itoa(r.ConfintNSim), "--seed", strconv.FormatUint(o.Seed, 10))
	}
	return args
}

// confintRCode is the matching confint() call on the lmer fit m, or, for
// an nlme fit (nlme true), nlme's intervals(m) and the z intervals of the
// fixed effects.
func (r *LMMRun) confintRCode(b *strings.Builder, nlme bool) {
	if r.opt.Confint == "" {
		return
	}
	level := rNum(r.ConfintLevel)
	switch {
	case nlme && r.confintMethod == "nlme":
		fmt.Fprintf(b, "ci <- intervals(m, level = %s); ci   # nlme's fdHess Hessian: variance limits within ~2%% of alliance's\n", level)
		return
	case nlme && r.confintMethod == "Wald":
		fmt.Fprintf(b, "z <- qnorm(1 - (1 - %s) / 2); se <- sqrt(diag(vcov(m)))\nci <- cbind(lower = fixef(m) - z * se, upper = fixef(m) + z * se); ci   # z intervals of the fixed effects\n", level)
	case r.confintMethod == "profile":
		fmt.Fprintf(b, "ci <- confint(m, method = \"profile\", level = %s); ci\n", level)
	case r.confintMethod == "Wald":
		fmt.Fprintf(b, "ci <- confint(m, method = \"Wald\", level = %s); ci\n", level)
	case r.confintMethod == "boot":
		fmt.Fprintf(b, "set.seed(%d)   # R's generator differs from ours: the limits agree within Monte Carlo error\n", r.ConfintSeed)
		fmt.Fprintf(b, "ci <- confint(m, method = \"boot\", nsim = %d, boot.type = \"perc\", level = %s); ci\n", r.ConfintNSim, level)
	}
	b.WriteString(`cat(jsonlite::toJSON(list(confint = data.frame(parm = rownames(ci), lower = ci[, 1], upper = ci[, 2])), digits = NA, dataframe = "rows"), "\n")
`)
}

// confintMethodsText is the methods sentence of the intervals.
func (r *LMMRun) confintMethodsText() string {
	switch r.confintMethod {
	case "profile":
		return " Confidence intervals of the variance components and fixed effects were computed from the profile of the ML deviance (Bates, Mächler, Bolker & Walker, 2015), as lme4's confint."
	case "boot":
		return fmt.Sprintf(" Confidence intervals of the variance components and fixed effects are percentile intervals of %d parametric-bootstrap refits, as lme4's bootMer.", r.ConfintNSim)
	case "Wald":
		return " Wald confidence intervals of the fixed effects use the normal quantile."
	case "nlme":
		return " Confidence intervals of the variance parameters are Wald intervals on nlme's unconstrained scale, and those of the fixed effects t intervals on nlme's df, as nlme's intervals (Pinheiro & Bates, 2000)."
	}
	return ""
}
