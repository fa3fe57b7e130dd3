package main

import (
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/spf13/cobra"
)

// panelFlags are the flags of 'alliance panel', bound to the workflow's
// options.
type panelFlags struct {
	read  readFlags
	opt   workflow.PanelOptions
	plot  string
	hints map[string]string // option → flag (optionFlags)
}

const panelDefaultDataset = workflow.SessionsExampleData

func newPanelCmd(e *env) *cobra.Command {
	pf := &panelFlags{}
	cmd := &cobra.Command{
		Use:     "panel [FILE]",
		Short:   "Dynamic panel models of session data: RI-CLPM, CLPM and the ML-SEM dynamic panel model (lavaan's numbers)",
		Long:    helpText("panel", "long"),
		Example: helpText("panel", "example"),
		Args:    cobra.MaximumNArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runPanel(e, pf, args) },
	}
	pf.read.register(cmd, panelDefaultDataset)
	rolesVar(cmd, &pf.opt.Columns)
	bindOptions(cmd, &pf.opt, workflow.PanelFields())
	figureVar(cmd, &pf.plot, "plot", "write the lagged effects with their CIs (by session, or one row per path with --stationary) to `FILE` (.png, .svg, .pdf)")
	aliases(cmd, map[string]string{"x": "alliance", "y": "outcome"}) // the SEM names of the two series, as in the issue and the lavaan code
	pf.hints = optionFlags(cmd, nil, &pf.opt)
	return cmd
}

func runPanel(e *env, pf *panelFlags, args []string) error {
	src, err := pf.read.source(e, args, panelDefaultDataset)
	if err != nil {
		return err
	}
	stop := e.busy("fitting the panel model")
	run, fitErr := workflow.Panel(src, pf.opt)
	stop()
	if run == nil {
		return withOptionFlag(fitErr, pf.hints)
	}
	if err := e.emitRun(run, run.Output(), tidyCSV(run.Tidy(), "")); err != nil {
		return err
	}
	if err := e.saveNamedFigure(run.Section(), "panel-lagged", pf.plot); err != nil {
		return err
	}
	return fitErr
}
