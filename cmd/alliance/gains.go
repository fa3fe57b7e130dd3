package main

import (
	"io"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// gainsFlags are the flags of 'alliance gains', bound to the workflow's
// options.
type gainsFlags struct {
	read               readFlags
	opt                workflow.GainsOptions
	episodes, patients string
	plot               string
	hints              map[string]string // option → flag (optionFlags)
}

const gainsDefaultDataset = workflow.GainsExampleData

func newGainsCmd(e *env) *cobra.Command {
	gf := &gainsFlags{}
	cmd := &cobra.Command{
		Use:     "gains [FILE]",
		Short:   "Sudden gains and sudden losses (Tang & DeRubeis 1999; suddengains 0.7.2)",
		Long:    helpText("gains", "long"),
		Example: helpText("gains", "example"),
		Args:    cobra.MaximumNArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runGains(e, gf, args) },
	}
	gf.read.register(cmd, gainsDefaultDataset)
	bindOptions(cmd, &gf.opt, workflow.GainsFields()) // --outcome names the scores
	rolesVar(cmd, &gf.opt.Columns)
	wideVar(cmd, &gf.opt.Wide)
	figureVar(cmd, &gf.plot, "plot", "write the mean trajectory around the gains (suddengains' plot_sg) to `FILE` (.png, .svg, .pdf)")
	outputVar(cmd, &gf.episodes, "episodes", "write every gain (the bysg table) to `FILE` (.csv, .tsv or .parquet); JSON and text list the gains only up to 1,000 patients")
	outputVar(cmd, &gf.patients, "patients", "with --byperson: write every patient's row (the byperson table) to `FILE` (.csv, .tsv or .parquet)")
	gf.hints = optionFlags(cmd, map[string]string{"Cutoff": "--cutoff, --reliability r, or --no-cutoff", "First": "--first and --last", "PatientsTo": "--patients FILE needs --byperson"}, &gf.opt)
	return cmd
}

func runGains(e *env, gf *gainsFlags, args []string) error {
	opt := gf.opt
	if gf.read.isExample(args) {
		var note workflow.Note
		opt, note = workflow.GainsExample(opt)
		e.infof("alliance: %s", note.Text)
	}
	var outs []string
	for _, p := range []string{gf.episodes, gf.patients} {
		if p != "" {
			outs = append(outs, p)
		}
	}
	var run *workflow.GainsRun
	err := withTables(gf.episodes, gf.patients, func(epW, patW io.Writer) error {
		opt.EpisodesTo, opt.PatientsTo = epW, patW
		opt.KeepGains = gf.plot != "" || e.format == "csv" // the figure and the CSV table need every gain
		update, done := e.counter("sudden gains")
		opt.Progress = update
		defer done()
		var err error
		run, err = readAndRun(e, &gf.read, args, gainsDefaultDataset, outs,
			func(path string, ro datasets.ReadOptions) (*workflow.GainsRun, error) {
				return workflow.GainsFile(path, ro, opt)
			},
			func(src workflow.Source) (*workflow.GainsRun, error) { return workflow.Gains(src, opt) })
		return err
	})
	if err != nil {
		return withOptionFlag(err, gf.hints)
	}
	for _, p := range outs {
		e.infof("wrote %s", p)
	}
	if err := e.saveNamedFigure(run.Section(), "sudden-gains", gf.plot); err != nil {
		return err
	}
	return e.emitRun(run, run, tableCSV(run.Tidy()))
}
