package main

import (
	"errors"
	"io"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/analysis/workflow"

	"github.com/spf13/cobra"
)

// lmmFlags are the flags of 'alliance lmm'.
type lmmFlags struct {
	read    readFlags
	formula string
	ml      bool
	ar1     string
	compare string
	ranef   bool
	level   float64
	plot    string
}

const (
	lmmDefaultDataset = "demo-sessions"
	lmmDefaultFormula = "outcome ~ session + alliance + (1 | therapist/patient)"
)

func newLmmCmd(e *env) *cobra.Command {
	lf := &lmmFlags{}
	cmd := &cobra.Command{
		Use:   "lmm [FILE] --formula \"y ~ x + (1 | g)\"",
		Short: "Linear mixed model from an R-style formula (lme4's lmer, lmerTest's Satterthwaite df, nlme's AR(1))",
		Long: `Fits a linear mixed model by REML (default) or ML with the formula syntax of
lme4: fixed terms with + : * (text columns become factors, treatment coding
as R), random terms (1 | g), (1 + t | g), (0 + t | g), nested (1 | g1/g2).
Fixed effects are tested with Satterthwaite's degrees of freedom (lmerTest);
--ar1 session adds AR(1) residuals within the innermost group over an integer
time column, gaps respected (nlme's corAR1). Output: fixed effects, variance
components and correlations, logLik/AIC/BIC, ICC, Nakagawa R², BLUPs with
conditional SDs (--ranef), and a likelihood-ratio test (--compare).

Without FILE the embedded, simulated demo-sessions data are analysed with
` + lmmDefaultFormula + `.`,
		Example: `  alliance lmm                                               # embedded demo data
  alliance lmm sessions.csv --formula "outcome ~ session + (1 + session | patient)"
  alliance lmm sessions.csv --formula "outcome ~ alliance + (1 | therapist/patient)" --ar1 session
  alliance lmm sessions.csv --formula "outcome ~ alliance + (1 | patient)" --compare "outcome ~ 1 + (1 | patient)"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if lf.formula == "" {
				if len(args) > 0 || lf.read.dataset != "" {
					return usagef("give the model with --formula, e.g. --formula \"outcome ~ alliance + (1 | patient)\"")
				}
				lf.formula = lmmDefaultFormula
				e.infof("alliance: example model: --formula %q", lf.formula)
			}
			return runLmm(e, lf, args)
		},
	}
	f := cmd.Flags()
	lf.read.register(cmd, lmmDefaultDataset)
	f.StringVar(&lf.formula, "formula", "", "the model, lme4 syntax: response ~ fixed terms + (random | group)")
	f.BoolVar(&lf.ml, "ml", false, "fit by maximum likelihood instead of REML")
	f.StringVar(&lf.ar1, "ar1", "", "AR(1) residuals over this integer time `COLUMN` within the innermost group")
	f.StringVar(&lf.compare, "compare", "", "a second, nested formula: likelihood-ratio test of the two (refitted by ML, as lme4's anova)")
	f.BoolVar(&lf.ranef, "ranef", false, "list the BLUPs (conditional modes) with conditional SDs (text and Markdown; JSON always does)")
	f.Float64Var(&lf.level, "level", 95, "confidence level in percent")
	f.StringVar(&lf.plot, "plot", "", "write a caterpillar plot of the first random effect's BLUPs to `FILE` (.png, .svg, .pdf)")
	return cmd
}

func runLmm(e *env, lf *lmmFlags, args []string) error {
	level, err := parseLevel(lf.level)
	if err != nil {
		return err
	}
	if err = checkFigurePath("--plot", lf.plot); err != nil {
		return err
	}
	src, err := lf.read.source(e, args, lmmDefaultDataset)
	if err != nil {
		return err
	}
	if err := e.checkOutputs(e.out, lf.plot); err != nil {
		return err
	}
	opt := workflow.LMMOptions{Formula: lf.formula, Compare: lf.compare, ML: lf.ml, AR1: lf.ar1, Level: level, Ranef: lf.ranef}
	if lf.plot != "" {
		opt.Figures = []string{"caterpillar"}
	}
	stop := e.busy("fitting the mixed model")
	run, fitErr := workflow.LMM(src, opt)
	stop()
	if fitErr != nil && !errors.Is(fitErr, errs.NoConvergence) {
		return withOptionFlag(fitErr, map[string]string{"Formula": "--formula", "Compare": "--compare", "Level": "--level"})
	}
	if err := e.saveSectionFigures(run.Section(), func(string) string { return lf.plot }); err != nil {
		return err
	}
	if err := e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, run.Output())
		case "csv":
			return renderTidy(w, run.Tidy(), "fixed")
		}
		renderNotes(w, run.TopNotes())
		return renderSection(w, e.format, run.Section())
	}); err != nil {
		return err
	}
	return fitErr
}
