package main

import (
	"errors"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots/textout"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// lmmFlags are the flags of 'alliance lmm', bound to the workflow's
// options but for the figure and the R code.
type lmmFlags struct {
	read  readFlags
	opt   workflow.LMMOptions
	plot  string
	hints map[string]string // option → flag (optionFlags)
	rcode bool
	// ar1Col is the time column of the older spelling --ar1=COL; args
	// the arguments without the one of --ar1 COL (set by ar1Column).
	ar1Col string
	args   []string
}

// ar1Value is the --ar1 switch, which also takes the older spelling
// --ar1=COL (AR(1) over column COL): a value that is not a truth value is
// the time column.
type ar1Value struct {
	pflag.Value
	col *string
}

func (v *ar1Value) Set(s string) error {
	if _, err := strconv.ParseBool(s); err == nil {
		return v.Value.Set(s)
	}
	*v.col = s
	return v.Value.Set("true")
}

// ar1Column applies the older spellings --ar1 COL and --ar1=COL of
// --ar1 --session COL (a hidden alias, as DESIGN.md keeps older spellings):
// with --ar1, an argument that is no file and looks like no path (nor "-")
// is the time column, and args without it are returned. Naming two time
// columns (--ar1 week --session day) is refused.
func (lf *lmmFlags) ar1Column(cmd *cobra.Command, args []string) ([]string, error) {
	if !lf.opt.TimeAR1 {
		return args, nil
	}
	col, rest := lf.ar1Col, args
	for k, a := range args {
		if a == "-" || strings.ContainsAny(a, "./") {
			continue
		}
		if _, err := os.Stat(a); err == nil && len(args) == 1 {
			continue // a file of that name
		}
		if col != "" && col != a {
			return nil, usagef("--ar1 names the time column %s, and %s is given too: name it once, with --session", col, a)
		}
		col, rest = a, append(append([]string{}, args[:k]...), args[k+1:]...)
		break
	}
	if col == "" {
		return args, nil
	}
	if cmd.Flags().Changed("session") && lf.opt.Time != col {
		return nil, usagef("--ar1 %s and --session %s name two time columns: give one (--ar1 --session COLUMN)", col, lf.opt.Time)
	}
	lf.opt.Time = col
	return rest, nil
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
			var err error
			if lf.args, err = lf.ar1Column(cmd, args); err != nil {
				return err
			}
			return cobra.MaximumNArgs(1)(cmd, lf.args)
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			// The arguments as Args left them (--ar1 COL's column taken out).
			args := lf.args
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
	if fl := f.Lookup("ar1"); fl != nil {
		fl.Value = &ar1Value{Value: fl.Value, col: &lf.ar1Col}
	}
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
