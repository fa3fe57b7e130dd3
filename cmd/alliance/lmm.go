package main

import (
	"errors"
	"io"
	"os"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots/textout"

	"github.com/spf13/cobra"
)

// lmmFlags are the flags of 'alliance lmm', bound to the workflow's
// options but for --ar1, a switch whose time column is --session.
type lmmFlags struct {
	read    readFlags
	opt     workflow.LMMOptions
	ar1     bool
	session string
	plot    string
	hints   map[string]string // option → flag (optionFlags)
	rcode   bool
}

const lmmDefaultDataset = "demo-sessions"

func newLmmCmd(e *env) *cobra.Command {
	lf := &lmmFlags{}
	cmd := &cobra.Command{
		Use:     "lmm [FILE] --formula \"y ~ x + (1 | g)\"",
		Short:   "Linear mixed model from an R-style formula (lme4's lmer, lmerTest's Satterthwaite df, nlme's AR(1))",
		Long:    helpText("lmm", "long"),
		Example: helpText("lmm", "example"),
		Args: func(cmd *cobra.Command, args []string) error {
			if n := len(args); lf.ar1 && n > 0 && !strings.ContainsAny(args[0], "./") {
				if _, err := os.Stat(args[0]); err != nil || n > 1 {
					return usagef("--ar1 is a switch: name the time column with --session (e.g. --ar1 --session %s)", args[0])
				}
			}
			return cobra.MaximumNArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if lf.opt.Formula == "" {
				if !lf.read.isExample(args) {
					return usagef("give the model with --formula, e.g. --formula \"outcome ~ alliance + (1 | patient)\"")
				}
				lf.opt.Formula = workflow.LMMExampleFormula
				e.infof("alliance: example model: --formula %q", lf.opt.Formula)
			}
			return runLmm(e, lf, args)
		},
	}
	f := cmd.Flags()
	lf.read.register(cmd, lmmDefaultDataset)
	f.StringVar(&lf.opt.Formula, "formula", "", "the model, lme4 syntax: response ~ fixed terms + (random | group)")
	f.BoolVar(&lf.opt.ML, "ml", false, "fit by maximum likelihood instead of REML")
	f.BoolVar(&lf.ar1, "ar1", false, "AR(1) residuals over the session column within the innermost group")
	f.StringVar(&lf.session, "session", "session", "the time `COLUMN` of --ar1 and --correlation: session numbers, or times for car1 and exp")
	aliases(cmd)
	f.StringVar(&lf.opt.Compare, "compare", "", "a second, nested formula: likelihood-ratio test of the two (refitted by ML, as lme4's anova)")
	f.IntVar(&lf.opt.Anova, "anova", 0, "F tests of the fixed-effect terms: `TYPE` 3 (type III), 2 (type II) or 1 (sequential), Satterthwaite df as lmerTest's anova(m, type = 3); with a residual structure nlme's anova(m, type = \"sequential\" / \"marginal\") for 1 / 3")
	f.StringVar(&lf.opt.EMMeans, "emmeans", "", "estimated marginal means of `TERM` (\"arm\", \"arm | site\"), as emmeans with Satterthwaite df (with a residual structure: emmeans' df for nlme fits)")
	f.StringArrayVar(&lf.opt.At, "at", nil, "fix a reference-grid variable for --emmeans: `VAR=V[,V…]` (repeatable; numeric covariates default to their means)")
	f.BoolVar(&lf.opt.Pairs, "pairs", false, "pairwise differences of the --emmeans means (Tukey-adjusted by default)")
	f.StringVar(&lf.opt.Adjust, "adjust", "", "p adjustment of --pairs: `METHOD` tukey (default), holm, bonferroni or none")
	f.BoolVar(&lf.opt.Ranef, "ranef", false, "list the BLUPs (conditional modes) with conditional SDs (text and Markdown; JSON always does)")
	f.StringArrayVar(&lf.opt.Ref, "ref", nil, "reference level of a factor, `VAR=LEVEL` (repeatable), as R's relevel(arm, ref = \"control\"); default: the first level in sorted order")
	enumVar(cmd, &lf.opt.Ranova, "ranova", "", "likelihood-ratio tests of the random-effects terms, as lmerTest's ranova: --ranova (each slope removed in turn, terms without slopes deleted) or --ranova=delete (each term deleted)", "reduce", "delete")
	f.Lookup("ranova").NoOptDefVal = "reduce"
	enumVar(cmd, &lf.opt.Contrasts, "contrasts", "treatment", "coding of factors: treatment, sum (R's contr.sum: coefficients arm1, arm2 …) or helmert; F tests and marginal means are the same under each", "treatment", "sum", "helmert")
	levelVar(cmd, &lf.opt.Level, "the fixed effects")
	figureVar(cmd, &lf.plot, "plot", "write a caterpillar plot of the first random effect's BLUPs to `FILE` (.png, .svg, .pdf)")
	enumVar(cmd, &lf.opt.DDF, "ddf", "satterthwaite", "df method of the t tests, --anova and --emmeans: satterthwaite (lmerTest's default) or kenward-roger (Kenward & Roger 1997: adjusted SEs and df, as pbkrtest; REML, no --ar1)", "satterthwaite", "kenward-roger")
	enumVar(cmd, &lf.opt.Correlation, "correlation", "", "residual correlation within the innermost group over --session (the time column), as nlme: ar1 (corAR1, session numbers, gaps respected), car1 (corCAR1, continuous times, uneven spacing respected), exp (corExp), cs (corCompSymm) or arma11 (corARMA(p = 1, q = 1)); df are then nlme's containment df", "ar1", "car1", "exp", "cs", "arma11")
	f.StringVar(&lf.opt.CorGroup, "cor-group", "", "for a formula without random effects (fitted as nlme's gls): the `COLUMN` within which --correlation applies (form = ~ time | COLUMN)")
	f.StringVar(&lf.opt.Weights, "weights", "", "residual variance function, as nlme: `varident:COLUMN` (one SD per level, varIdent(form = ~ 1 | COLUMN)) varpower:COLUMN (SD ∝ |COLUMN|^power, varPower(form = ~ COLUMN)) or varpower (SD ∝ |fitted|^power, nlme's default varPower())")
	enumVar(cmd, &lf.opt.Confint, "confint", "", "confidence intervals of the random-effect SDs and correlations, σ and the fixed effects, as lme4's confint: `METHOD` profile (profile likelihood), boot (parametric bootstrap, see --nsim, --seed) or wald (fixed effects only)", "profile", "boot", "wald")
	f.IntVar(&lf.opt.NSim, "nsim", 0, "`N` bootstrap samples for --confint boot (default 500, as lme4)")
	f.Uint64Var(&lf.opt.Seed, "seed", 1, "seed of --confint boot (the same seed gives the same intervals on any number of CPUs)")
	f.BoolVar(&lf.rcode, "r-code", false, "also print the equivalent lme4/lmerTest (or nlme) code, so a reviewer can check the numbers")
	lf.hints = optionFlags(cmd, map[string]string{"AR1": "--session", "Time": "--session"}, &lf.opt)
	return cmd
}

func runLmm(e *env, lf *lmmFlags, args []string) error {
	src, err := lf.read.source(e, args, lmmDefaultDataset)
	if err != nil {
		return err
	}
	if err := e.checkOutputs(e.out, lf.plot); err != nil {
		return err
	}
	opt := lf.opt
	if lf.ar1 {
		opt.AR1 = lf.session
	}
	opt.Time = lf.session
	if lf.plot != "" {
		opt.Figures = []string{"caterpillar"}
	}
	var stop func()
	if opt.Confint == "boot" {
		opt.ConfintProgress, stop = e.lazyProgress("bootstrap refits")
	} else {
		stop = e.busy("fitting the mixed model")
	}
	run, fitErr := workflow.LMM(src, opt)
	stop()
	if fitErr != nil && !errors.Is(fitErr, errs.NoConvergence) {
		return withOptionFlag(fitErr, lf.hints)
	}
	if err := e.saveSectionFigures(run.Section(), func(string) string { return lf.plot }); err != nil {
		return err
	}
	rcode := func(w io.Writer) {
		if lf.rcode {
			textout.RCode(w, textout.Format(e.format), run.Steps())
		}
	}
	if err := e.emitRun(run, run.Output(), tidyCSV(run.Tidy(), "fixed"), rcode); err != nil {
		return err
	}
	return fitErr
}
