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
// options but for the figure and the R code.
type lmmFlags struct {
	read  readFlags
	opt   workflow.LMMOptions
	plot  string
	hints map[string]string // option → flag (optionFlags)
	rcode bool
}

const lmmDefaultDataset = workflow.SessionsExampleData

func newLmmCmd(e *env) *cobra.Command {
	lf := &lmmFlags{}
	cmd := &cobra.Command{
		Use:     "lmm [FILE] --formula \"y ~ x + (1 | g)\"",
		Short:   "Linear mixed model from an R-style formula (lme4's lmer, lmerTest's Satterthwaite df, nlme's AR(1))",
		Long:    helpText("lmm", "long"),
		Example: helpText("lmm", "example"),
		Args: func(cmd *cobra.Command, args []string) error {
			// The old form --ar1 COL leaves COL among the arguments: any
			// of them that is no file and looks like no path (nor "-").
			for _, a := range args {
				if !lf.opt.TimeAR1 || a == "-" || strings.ContainsAny(a, "./") {
					continue
				}
				if _, err := os.Stat(a); err != nil || len(args) > 1 {
					return usagef("--ar1 is a switch: name the time column with --session (e.g. --ar1 --session %s)", a)
				}
			}
			return cobra.MaximumNArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if lf.opt.Formula == "" && lf.read.isExample(args) { // else refused by the workflow
				var note workflow.Note
				lf.opt, note = workflow.LMMExample(lf.opt)
				e.infof("alliance: %s", note.Text)
			}
			return runLmm(e, lf, args)
		},
	}
	f := cmd.Flags()
	lf.read.register(cmd, lmmDefaultDataset)
	bindOptions(cmd, &lf.opt, workflow.LMMFields())
	aliases(cmd, map[string]string{"pairwise": "pairs"}) // emmeans' word for them
	figureVar(cmd, &lf.plot, "plot", "write a caterpillar plot of the first random effect's BLUPs to `FILE` (.png, .svg, .pdf)")
	f.BoolVar(&lf.rcode, "r-code", false, "also print the equivalent lme4/lmerTest (or nlme) code, so a reviewer can check the numbers")
	lf.hints = optionFlags(cmd, map[string]string{"AR1": "--session", "NSim": "--confint boot, with --nsim", "EMMeans": "--emmeans TERM", "DDF": "--ddf satterthwaite, or leave out --ml / --ar1", "Group": "--cor-group"}, &lf.opt)
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
