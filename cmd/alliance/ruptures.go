package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// rupturesFlags are the flags of 'alliance ruptures', bound to the
// workflow's options.
type rupturesFlags struct {
	read                readFlags
	opt                 workflow.RupturesOptions
	sessionModel        bool
	episodes, patients  string
	exportEffect, study string
	plot                string
	hints               map[string]string // option → flag (optionFlags)
}

const rupturesDefaultDataset = "demo-sessions"

func newRupturesCmd(e *env) *cobra.Command {
	rf := &rupturesFlags{}
	cmd := &cobra.Command{
		Use:     "ruptures [FILE]",
		Short:   "Rupture–repair episodes in session-by-session alliance ratings, patient classes, effects on outcome",
		Long:    helpText("ruptures", "long"),
		Example: helpText("ruptures", "example"),
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rf.opt.SessionModelAlways = rf.sessionModel && cmd.Flags().Changed("session-model")
			rf.opt.NoSessionModel = !rf.sessionModel
			return runRuptures(e, rf, args)
		},
	}
	f := cmd.Flags()
	def := rupture.DefaultOptions()
	rf.read.register(cmd, rupturesDefaultDataset)
	rolesVar(cmd, &rf.opt.Columns)
	var presetNames []string
	for _, p := range rupture.Presets() {
		presetNames = append(presetNames, p.Name)
	}
	f.StringVar(&rf.opt.Preset, "preset", "", "a published criterion: "+strings.Join(presetNames, ", ")+" (each says what is verified and what is our reading)")
	f.BoolVar(&rf.opt.Sensitivity, "sensitivity", false, "apply every preset and tabulate episodes and classes side by side (Gumz et al. 2012)")
	f.StringVar(&rf.opt.Method, "method", "", "rupture rule: sd, threshold, percent, rci, sudden-loss, self-report (default "+string(def.Method)+")")
	numVar(cmd, &rf.opt.K, "k", fmt.Sprintf("sd method: number of SDs a drop must reach (default %g)", def.K))
	f.StringVar(&rf.opt.SDSource, "sd-source", "", "sd method: sample (pooled within-patient SD of the sample; the default), within (the patient's own SD), max (the larger)")
	f.StringVar(&rf.opt.Reference, "reference", "", "the level a session is compared with: previous (the default) or mean")
	intVar(cmd, &rf.opt.Window, "window", fmt.Sprintf("reference mean: number of preceding sessions (0 = all; default %d)", def.Window))
	numVar(cmd, &rf.opt.Threshold, "threshold", "a drop of at least X scale points (sets --method threshold)")
	numVar(cmd, &rf.opt.Percent, "percent", "percent method: drop in percent of the reference")
	numVar(cmd, &rf.opt.Reliability, "reliability", "rci method: reliability of the alliance measure")
	f.Float64Var(&rf.opt.RCISD, "sd", 0, "rci method: the SD s (default: the SD of all observed scores)")
	f.StringVar(&rf.opt.PreColumn, "pre", "", "outcome effects: column with each patient's pre-treatment score (default: the first session's outcome)")
	f.StringVar(&rf.opt.PostColumn, "post", "", "outcome effects: column with each patient's post-treatment score (default: the last session's outcome)")
	f.BoolVar(&rf.sessionModel, "session-model", true, "also fit the session-level mixed model of outcome after repaired and unrepaired ruptures (by default up to 200,000 rows; given explicitly, whatever the size: it holds every row in memory)")
	numVar(cmd, &rf.opt.LossCutoff, "loss-cutoff", "sudden-loss method: absolute criterion in scale points (default: off)")
	f.IntVar(&rf.opt.MaxGap, "max-gap", 0, "break a series where consecutive sessions are more than N apart (0 = never)")
	intVar(cmd, &rf.opt.RepairWindow, "repair-window", fmt.Sprintf("sessions after the rupture within which a repair must occur (default %d)", def.RepairWindow))
	numVar(cmd, &rf.opt.RepairFraction, "repair-fraction", fmt.Sprintf("part of the drop the score must regain to count as repaired (default %g)", def.RepairFraction))
	f.StringVar(&rf.opt.RuptureItem, "rupture-item", "", "self-report method: post-session rupture item column")
	numVar(cmd, &rf.opt.RuptureMin, "rupture-min", fmt.Sprintf("self-report: least rupture-item value marking a rupture (default %g)", def.RuptureMin))
	f.StringVar(&rf.opt.ResolutionItem, "resolution-item", "", "self-report: resolution item column (optional)")
	numVar(cmd, &rf.opt.ResolutionMin, "resolution-min", fmt.Sprintf("self-report: least resolution-item value marking a repair (default %g)", def.ResolutionMin))
	f.StringVar(&rf.opt.Measure, "outcome-measure", "change", "effects on outcome: change (last − first session) or post (last session)")
	betterVar(cmd, &rf.opt.HigherBetter, "outcome: which scores are better")
	f.StringVar(&rf.episodes, "episodes", "", "write every episode to `FILE` (.csv, .tsv or .parquet), written as the patients are read; JSON and text list the episodes only up to 1,000 patients, CSV output is the episode table")
	f.StringVar(&rf.exportEffect, "export-effect", "", "write the repaired-vs-unrepaired effect as a study row (study, ri, ni, yi, vi) for 'alliance meta' to `FILE`")
	f.StringVar(&rf.study, "study", "", "study label of the exported effect (default: the data file name)")
	figureVar(cmd, &rf.plot, "plot", "write a patient's rupture plot (alliance by session, ruptures and repairs marked) to `FILE` (.png, .svg, .pdf)")
	listVar(cmd, &rf.opt.PlotPatients, "plot-patient", "the patient(s) of --plot, comma-separated (default: the first with a repaired rupture)")
	levelVar(cmd, &rf.opt.Level, "the effects' intervals")
	f.StringVar(&rf.patients, "patients", "", "write every patient's class and counts to `FILE` (.csv, .tsv or .parquet); JSON and text list the patients only up to 1,000 patients")
	_ = cmd.RegisterFlagCompletionFunc("preset", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return presetNames, cobra.ShellCompDirectiveNoFileComp
	})
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
	if err := e.saveNamedFigure(run.Section(), "rupture-patient", rf.plot); err != nil {
		return fmt.Errorf("%w (name a patient with --plot-patient)", err)
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
