package main

import (
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/spf13/cobra"
)

// panelFlags are the flags of 'alliance panel'.
type panelFlags struct {
	read       readFlags
	sess       sessionFlags
	model      string
	waves      string
	stationary bool
	missing    string
	level      float64
	plot       string
}

const panelDefaultDataset = "demo-sessions"

func newPanelCmd(e *env) *cobra.Command {
	pf := &panelFlags{}
	cmd := &cobra.Command{
		Use:   "panel [FILE]",
		Short: "Dynamic panel models of session data: RI-CLPM and CLPM (lavaan's numbers)",
		Long: `Fits the random-intercept cross-lagged panel model (Hamaker, Kuiper &
Grasman 2015; Mulder & Hamaker 2021) of alliance (x) and outcome (y) over
sessions, by full-information maximum likelihood over missing sessions, as
lavaan(model, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE). Its
cross-lagged paths are within-person effects, free of the dynamic-panel bias
of the lagged multilevel model ('alliance sessions --model lagged'). --model
clpm fits the classic cross-lagged panel model for comparison.

Long session data (one row per patient and session) become one row per
patient with one column per wave; --waves chooses the sessions (default: the
sessions observed for at least half of the patients, at most 12).

Without FILE the embedded, simulated demo-sessions are analysed.`,
		Example: `  alliance panel                                 # embedded demo data
  alliance panel sessions.csv --waves 1:8 --stationary
  alliance panel sessions.csv --model clpm --format json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runPanel(e, pf, args) },
	}
	pf.read.register(cmd, panelDefaultDataset)
	pf.sess.registerLong(cmd)
	f := cmd.Flags()
	enumVar(cmd, &pf.model, "model", "riclpm", "panel model: riclpm or clpm", "riclpm", "clpm")
	f.StringVar(&pf.waves, "waves", "", "the sessions used as waves: a range 1:8 or a list 1,2,3,5 (default: those observed for at least half of the patients)")
	f.BoolVar(&pf.stationary, "stationary", false, "constrain the autoregressive and cross-lagged paths to be equal over waves")
	enumVar(cmd, &pf.missing, "missing", "fiml", "missing sessions: fiml (full-information ML) or listwise", "fiml", "listwise")
	levelVar(cmd, &pf.level, "the paths")
	figureVar(cmd, &pf.plot, "plot", "write the lagged effects with their CIs (by session, or one row per path with --stationary) to `FILE` (.png, .svg, .pdf)")
	return cmd
}

func runPanel(e *env, pf *panelFlags, args []string) error {
	waves, err := workflow.ParseWaves(pf.waves)
	if err != nil {
		return withOptionFlag(err, map[string]string{"Waves": "--waves"})
	}
	src, err := pf.read.source(e, args, panelDefaultDataset)
	if err != nil {
		return err
	}
	cols, _ := pf.sess.columns()
	stop := e.busy("fitting the panel model")
	run, fitErr := workflow.Panel(src, workflow.PanelOptions{Columns: cols, Model: pf.model, Waves: waves, Stationary: pf.stationary, Listwise: pf.missing == "listwise", Level: pf.level})
	stop()
	if run == nil {
		return withOptionFlag(fitErr, map[string]string{"Model": "--model", "Level": "--level", "Waves": "--waves"})
	}
	if err := e.emitRun(run, run.Output(), tidyCSV(run.Tidy(), "")); err != nil {
		return err
	}
	if err := e.saveNamedFigure(run.Section(), "panel-lagged", pf.plot); err != nil {
		return err
	}
	return fitErr
}
