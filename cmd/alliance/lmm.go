package main

import (
	"errors"
	"os"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/workflow"

	"github.com/spf13/cobra"
)

// lmmFlags are the flags of 'alliance lmm'.
type lmmFlags struct {
	read    readFlags
	formula string
	ml      bool
	ar1     bool
	session string
	compare string
	ranef   bool
	level   float64
	plot    string
	anova   int
	emm     workflow.LMMOptions // EMMeans, At, Pairs, Adjust
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
			if lf.formula == "" {
				if !lf.read.isExample(args) {
					return usagef("give the model with --formula, e.g. --formula \"outcome ~ alliance + (1 | patient)\"")
				}
				lf.formula = workflow.LMMExampleFormula
				e.infof("alliance: example model: --formula %q", lf.formula)
			}
			return runLmm(e, lf, args)
		},
	}
	f := cmd.Flags()
	lf.read.register(cmd, lmmDefaultDataset)
	f.StringVar(&lf.formula, "formula", "", "the model, lme4 syntax: response ~ fixed terms + (random | group)")
	f.BoolVar(&lf.ml, "ml", false, "fit by maximum likelihood instead of REML")
	f.BoolVar(&lf.ar1, "ar1", false, "AR(1) residuals over the session column within the innermost group")
	f.StringVar(&lf.session, "session", "session", "the integer time `COLUMN` of --ar1")
	aliases(cmd)
	f.StringVar(&lf.compare, "compare", "", "a second, nested formula: likelihood-ratio test of the two (refitted by ML, as lme4's anova)")
	f.IntVar(&lf.anova, "anova", 0, "F tests of the fixed-effect terms: `TYPE` 3 (type III), 2 (type II) or 1 (sequential), Satterthwaite df as lmerTest's anova(m, type = 3)")
	f.StringVar(&lf.emm.EMMeans, "emmeans", "", "estimated marginal means of `TERM` (\"arm\", \"arm | site\"), as emmeans with Satterthwaite df")
	f.StringArrayVar(&lf.emm.At, "at", nil, "fix a reference-grid variable for --emmeans: `VAR=V[,V…]` (repeatable; numeric covariates default to their means)")
	f.BoolVar(&lf.emm.Pairs, "pairs", false, "pairwise differences of the --emmeans means (Tukey-adjusted by default)")
	f.StringVar(&lf.emm.Adjust, "adjust", "", "p adjustment of --pairs: `METHOD` tukey (default), holm, bonferroni or none")
	f.BoolVar(&lf.ranef, "ranef", false, "list the BLUPs (conditional modes) with conditional SDs (text and Markdown; JSON always does)")
	levelVar(cmd, &lf.level, "the fixed effects")
	figureVar(cmd, &lf.plot, "plot", "write a caterpillar plot of the first random effect's BLUPs to `FILE` (.png, .svg, .pdf)")
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
	opt := workflow.LMMOptions{Formula: lf.formula, Compare: lf.compare, ML: lf.ml, Level: lf.level, Ranef: lf.ranef, Anova: lf.anova,
		EMMeans: lf.emm.EMMeans, At: lf.emm.At, Pairs: lf.emm.Pairs, Adjust: lf.emm.Adjust}
	if lf.ar1 {
		opt.AR1 = lf.session
	}
	if lf.plot != "" {
		opt.Figures = []string{"caterpillar"}
	}
	stop := e.busy("fitting the mixed model")
	run, fitErr := workflow.LMM(src, opt)
	stop()
	if fitErr != nil && !errors.Is(fitErr, errs.NoConvergence) {
		return withOptionFlag(fitErr, map[string]string{"Formula": "--formula", "Compare": "--compare", "Level": "--level", "AR1": "--session", "Anova": "--anova", "EMMeans": "--emmeans", "At": "--at", "Adjust": "--adjust"})
	}
	if err := e.saveSectionFigures(run.Section(), func(string) string { return lf.plot }); err != nil {
		return err
	}
	if err := e.emitRun(run, run.Output(), tidyCSV(run.Tidy(), "fixed")); err != nil {
		return err
	}
	return fitErr
}
