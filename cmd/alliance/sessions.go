package main

import (
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// sessionsFlags are the flags of 'alliance sessions'.
type sessionsFlags struct {
	read                   readFlags
	opt                    workflow.SessionsOptions
	export, plot, patients string
	hints                  map[string]string // option → flag (optionFlags)
}

const sessionsDefaultDataset = workflow.SessionsExampleData

func newSessionsCmd(e *env) *cobra.Command {
	sf := &sessionsFlags{}
	cmd := &cobra.Command{
		Use:     "sessions [FILE]",
		Short:   "Session-by-session alliance→outcome models: within/between effects, lags, therapists",
		Long:    helpText("sessions", "long"),
		Example: helpText("sessions", "example"),
		Args:    cobra.MaximumNArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runSessions(e, sf, args) },
	}
	sf.read.register(cmd, sessionsDefaultDataset)
	rolesVar(cmd, &sf.opt.Columns)
	wideVar(cmd, &sf.opt.Wide)
	bindOptions(cmd, &sf.opt, workflow.SessionsFields())
	outputVar(cmd, &sf.export, "export", "write the data with the derived columns (centred, lagged, next) as CSV to `FILE`")
	figureVar(cmd, &sf.plot, "plot", "write trajectories (each patient and the mean with 95% CI by session) to `FILE` (.png, .svg, .pdf)")
	outputVar(cmd, &sf.patients, "patients", "write every conditional mode (BLUP) of the patients and therapists to `FILE` (CSV, TSV or .parquet); the JSON lists them only up to 1000 and summarises them beyond")
	sf.hints = optionFlags(cmd, nil, &sf.opt)
	return cmd
}

func runSessions(e *env, sf *sessionsFlags, args []string) error {
	opt := sf.opt
	opt.KeepTable = sf.export != ""
	// a large file is read patient by patient; no output may replace it
	run, err := readAndRun(e, &sf.read, args, sessionsDefaultDataset, []string{sf.export, sf.patients},
		func(path string, ro datasets.ReadOptions) (*workflow.SessionsRun, error) {
			update, done := e.working("fitting the session model")
			defer done()
			opt.Progress = update
			return workflow.SessionsFile(path, ro, opt)
		},
		func(src workflow.Source) (*workflow.SessionsRun, error) {
			defer e.busy("fitting the session model")()
			return workflow.Sessions(src, opt)
		})
	if err != nil {
		return withOptionFlag(err, sf.hints)
	}
	if sf.export != "" {
		if err := writeTable(sf.export, run.Table.WriteCSV); err != nil {
			return err
		}
		e.infof("wrote the derived columns (%s) to %s", strings.Join(run.Columns, ", "), sf.export)
	}
	if sf.patients != "" {
		if err := writeTable(sf.patients, run.WriteRanef); err != nil {
			return err
		}
		e.infof("wrote the conditional modes (BLUPs) to %s", sf.patients)
	}
	if err := e.saveNamedFigure(run.Section(), "trajectory-outcome", sf.plot); err != nil {
		return err
	}
	if err := e.emitRun(run, run, tableCSV(run.Tidy())); err != nil {
		return err
	}
	return run.Failure()
}
