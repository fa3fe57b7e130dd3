package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// rupturesFlags are the flags of 'alliance ruptures', bound to the
// workflow's options.
type rupturesFlags struct {
	read                readFlags
	opt                 workflow.RupturesOptions
	episodes, patients  string
	exportEffect, study string
	plot                string
	hints               map[string]string // option → flag (optionFlags)
}

const rupturesDefaultDataset = workflow.SessionsExampleData

func newRupturesCmd(e *env) *cobra.Command {
	rf := &rupturesFlags{}
	cmd := &cobra.Command{
		Use:     "ruptures [FILE]",
		Short:   "Rupture–repair episodes in session-by-session alliance ratings, patient classes, effects on outcome",
		Long:    helpText("ruptures", "long"),
		Example: helpText("ruptures", "example"),
		Args:    cobra.MaximumNArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runRuptures(e, rf, args) },
	}
	f := cmd.Flags()
	rf.read.register(cmd, rupturesDefaultDataset)
	rolesVar(cmd, &rf.opt.Columns)
	bindOptions(cmd, &rf.opt, workflow.RupturesFields())
	betterVar(cmd, &rf.opt.HigherBetter, "outcome: which scores are better")
	outputVar(cmd, &rf.episodes, "episodes", "write every episode to `FILE` (.csv, .tsv or .parquet), written as the patients are read; JSON and text list the episodes only up to 1,000 patients, CSV output is the episode table")
	outputVar(cmd, &rf.exportEffect, "export-effect", "write the repaired-vs-unrepaired effect as a study row (study, ri, ni, yi, vi) for 'alliance meta' to `FILE`")
	f.StringVar(&rf.study, "study", "", "study label of the exported effect (default: the data file name)")
	figureVar(cmd, &rf.plot, "plot", "write a patient's rupture plot (alliance by session, ruptures and repairs marked) to `FILE` (.png, .svg, .pdf)")
	outputVar(cmd, &rf.patients, "patients", "write every patient's class and counts to `FILE` (.csv, .tsv or .parquet); JSON and text list the patients only up to 1,000 patients")
	rf.hints = optionFlags(cmd, map[string]string{"Export": "--export-effect", "NoSessionModel": "--session-model", "SessionModelAlways": "--session-model"}, &rf.opt)
	return cmd
}

func runRuptures(e *env, rf *rupturesFlags, args []string) error {
	o := rf.opt
	var outs []string
	for _, p := range []string{rf.episodes, rf.patients} {
		if p != "" {
			outs = append(outs, p)
		}
	}
	// analyse runs the analysis, the episode and patient tables written to
	// epW and patW (nil: not asked for) as the patients are read.
	analyse := func(epW, patW io.Writer) (*workflow.RupturesRun, error) {
		o.EpisodesTo, o.PatientsTo = epW, patW
		update, done := e.counter("ruptures")
		o.Progress = update
		defer done()
		return readAndRun(e, &rf.read, args, rupturesDefaultDataset, outs,
			func(path string, ro datasets.ReadOptions) (*workflow.RupturesRun, error) {
				return workflow.RupturesFile(path, ro, o)
			},
			func(src workflow.Source) (*workflow.RupturesRun, error) { return workflow.Ruptures(src, o) })
	}
	var run *workflow.RupturesRun
	var err error
	body := func(csvOut io.Writer) error {
		werr := withTables(rf.episodes, rf.patients, func(epW, patW io.Writer) error {
			if csvOut != nil {
				if epW == nil {
					epW = csvOut
				} else {
					epW = io.MultiWriter(epW, csvOut)
				}
			}
			var aerr error
			run, aerr = analyse(epW, patW)
			return aerr
		})
		if werr != nil {
			return withOptionFlag(werr, rf.hints)
		}
		return nil
	}
	if e.format == "csv" { // the episode table, written as the patients are read
		if err = e.emitStream(body); err != nil {
			return err
		}
		for _, n := range run.TopNotes() {
			e.infof("alliance: %s", n.Text)
		}
	} else if err = body(nil); err != nil {
		return err
	}
	for _, p := range outs {
		e.infof("wrote %s", p)
	}
	if err := e.saveNamedFigure(run.Section(), "rupture-patient", rf.plot); errors.As(err, new(errNoFigure)) {
		return fmt.Errorf("%w (name a patient with --plot-patient)", err)
	} else if err != nil {
		return err
	}
	if rf.exportEffect != "" {
		old, _ := os.ReadFile(rf.exportEffect)
		b, row, appended, err := run.ExportEffect(old, rf.study)
		if err != nil {
			return withOptionFlag(err, rf.hints)
		}
		if err := writeFileAtomic(rf.exportEffect, b); err != nil {
			return err
		}
		verb := map[bool]string{false: "wrote", true: "appended"}[appended]
		e.infof("%s the repaired-vs-unrepaired effect (r = %.3f, n = %d) to %s", verb, row.R, row.N, rf.exportEffect)
	}
	if e.format == "csv" {
		return nil
	}
	return e.emitRun(run, run, tableCSV(run.Tidy()))
}

// withTables runs fn with writers of the tables named (atomically written
// files, CSV, TSV or Parquet by extension; nil for "").
func withTables(ep, pat string, fn func(epW, patW io.Writer) error) error {
	inner := func(epW io.Writer) error {
		if pat == "" {
			return fn(epW, nil)
		}
		return writeTable(pat, func(w io.Writer) error { return fn(epW, w) })
	}
	if ep == "" {
		return inner(nil)
	}
	return writeTable(ep, inner)
}
