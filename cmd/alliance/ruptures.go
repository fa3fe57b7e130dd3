package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/spf13/cobra"
)

// rupturesFlags are the flags of 'alliance ruptures'.
type rupturesFlags struct {
	read                     readFlags
	sess                     sessionFlags
	preset                   string
	sensitivity              bool
	method, sdSource, ref    string
	k, threshold, percent    *float64
	reliability, lossCutoff  *float64
	rciSD                    float64
	maxGap                   int
	window, repairWindow     *int
	repairFraction           *float64
	ruptureItem, resolution  string
	ruptureMin, resolutionMn *float64
	measure                  string
	higher                   bool
	episodes, patients       string
	exportEffect, study      string
	plot, plotPatient        string
	preCol, postCol          string
	sessionModel             bool
	sessionModelSet          bool
	level                    float64
}

const rupturesDefaultDataset = "demo-sessions"

func newRupturesCmd(e *env) *cobra.Command {
	rf := &rupturesFlags{}
	cmd := &cobra.Command{
		Use:   "ruptures [FILE]",
		Short: "Rupture–repair episodes in session-by-session alliance ratings, patient classes, effects on outcome",
		Long: `Finds ruptures (drops) in each patient's alliance series and their repair
(recovery within --repair-window sessions), classifies patients as none (no
rupture), repaired (every rupture repaired), unrepaired (at least one rupture
not repaired although its whole repair window was observed) or censored (a
rupture's repair window runs past the last session and none was observed
unrepaired), and — when the data hold an outcome column — compares
the classes' pre–post outcome change (mean difference, Hedges' g, point-biserial
r and Fisher z with its variance, ready to pool with 'alliance meta').

Rules (published criteria differ; see --preset and --sensitivity):
  --method sd           drop ≥ k·SD (--k 2; --sd-source sample | within | max; the
                        default, the pooled within-patient SD, recovers the
                        planted episodes of simulated data best: see the
                        analysis/rupture documentation)
  --threshold X         drop ≥ X scale points
  --method percent      drop ≥ --percent P % of the reference
  --method rci          drop beyond 1.96·√2·s·√(1 − r) (--reliability r [--sd s])
  --method sudden-loss  Tang & DeRubeis criteria applied to alliance falls
  --method self-report  post-session rupture item ≥ --rupture-min (--rupture-item COL)
The reference is the previous session or the mean of --window preceding ones.

Without FILE the embedded, simulated demo-sessions data are analysed.`,
		Example: `  alliance ruptures                                  # embedded demo data
  alliance ruptures sessions.csv --preset larsson2018
  alliance ruptures sessions.csv --sensitivity
  alliance ruptures sessions.csv --method rci --reliability .9 --export-effect effect.csv --study "Site A"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rf.sessionModelSet = cmd.Flags().Changed("session-model")
			return runRuptures(e, rf, args)
		},
	}
	f := cmd.Flags()
	def := rupture.DefaultOptions()
	rf.read.register(cmd, rupturesDefaultDataset)
	rf.sess.registerLong(cmd)
	var presetNames []string
	for _, p := range rupture.Presets() {
		presetNames = append(presetNames, p.Name)
	}
	f.StringVar(&rf.preset, "preset", "", "a published criterion: "+strings.Join(presetNames, ", ")+" (each says what is verified and what is our reading)")
	f.BoolVar(&rf.sensitivity, "sensitivity", false, "apply every preset and tabulate episodes and classes side by side (Gumz et al. 2012)")
	f.StringVar(&rf.method, "method", "", "rupture rule: sd, threshold, percent, rci, sudden-loss, self-report (default "+string(def.Method)+")")
	numVar(cmd, &rf.k, "k", fmt.Sprintf("sd method: number of SDs a drop must reach (default %g)", def.K))
	f.StringVar(&rf.sdSource, "sd-source", "", "sd method: sample (pooled within-patient SD of the sample; the default), within (the patient's own SD), max (the larger)")
	f.StringVar(&rf.ref, "reference", "", "the level a session is compared with: previous (the default) or mean")
	intVar(cmd, &rf.window, "window", fmt.Sprintf("reference mean: number of preceding sessions (0 = all; default %d)", def.Window))
	numVar(cmd, &rf.threshold, "threshold", "a drop of at least X scale points (sets --method threshold)")
	numVar(cmd, &rf.percent, "percent", "percent method: drop in percent of the reference")
	numVar(cmd, &rf.reliability, "reliability", "rci method: reliability of the alliance measure")
	f.Float64Var(&rf.rciSD, "sd", 0, "rci method: the SD s (default: the SD of all observed scores)")
	f.StringVar(&rf.preCol, "pre", "", "outcome effects: column with each patient's pre-treatment score (default: the first session's outcome)")
	f.StringVar(&rf.postCol, "post", "", "outcome effects: column with each patient's post-treatment score (default: the last session's outcome)")
	f.BoolVar(&rf.sessionModel, "session-model", true, "also fit the session-level mixed model of outcome after repaired and unrepaired ruptures (by default up to 200,000 rows; given explicitly, whatever the size: it holds every row in memory)")
	numVar(cmd, &rf.lossCutoff, "loss-cutoff", "sudden-loss method: absolute criterion in scale points (default: off)")
	f.IntVar(&rf.maxGap, "max-gap", 0, "break a series where consecutive sessions are more than N apart (0 = never)")
	intVar(cmd, &rf.repairWindow, "repair-window", fmt.Sprintf("sessions after the rupture within which a repair must occur (default %d)", def.RepairWindow))
	numVar(cmd, &rf.repairFraction, "repair-fraction", fmt.Sprintf("part of the drop the score must regain to count as repaired (default %g)", def.RepairFraction))
	f.StringVar(&rf.ruptureItem, "rupture-item", "", "self-report method: post-session rupture item column")
	numVar(cmd, &rf.ruptureMin, "rupture-min", fmt.Sprintf("self-report: least rupture-item value marking a rupture (default %g)", def.RuptureMin))
	f.StringVar(&rf.resolution, "resolution-item", "", "self-report: resolution item column (optional)")
	numVar(cmd, &rf.resolutionMn, "resolution-min", fmt.Sprintf("self-report: least resolution-item value marking a repair (default %g)", def.ResolutionMin))
	f.StringVar(&rf.measure, "outcome-measure", "change", "effects on outcome: change (last − first session) or post (last session)")
	betterVar(cmd, &rf.higher, "outcome: which scores are better")
	f.StringVar(&rf.episodes, "episodes", "", "write every episode to `FILE` (.csv, .tsv or .parquet), written as the patients are read; JSON and text list the episodes only up to 1,000 patients, CSV output is the episode table")
	f.StringVar(&rf.exportEffect, "export-effect", "", "write the repaired-vs-unrepaired effect as a study row (study, ri, ni, yi, vi) for 'alliance meta' to `FILE`")
	f.StringVar(&rf.study, "study", "", "study label of the exported effect (default: the data file name)")
	figureVar(cmd, &rf.plot, "plot", "write a patient's rupture plot (alliance by session, ruptures and repairs marked) to `FILE` (.png, .svg, .pdf)")
	f.StringVar(&rf.plotPatient, "plot-patient", "", "the patient(s) of --plot, comma-separated (default: the first with a repaired rupture)")
	levelVar(cmd, &rf.level, "the effects' intervals")
	f.StringVar(&rf.patients, "patients", "", "write every patient's class and counts to `FILE` (.csv, .tsv or .parquet); JSON and text list the patients only up to 1,000 patients")
	_ = cmd.RegisterFlagCompletionFunc("preset", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return presetNames, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

var rupturesOptionFlags = map[string]string{"Preset": "--preset", "Method": "--method", "K": "--k", "SDSource": "--sd-source", "Reference": "--reference",
	"Window": "--window", "Threshold": "--threshold", "Percent": "--percent", "Reliability": "--reliability", "RCISD": "--sd", "LossCutoff": "--loss-cutoff",
	"MaxGap": "--max-gap", "RepairWindow": "--repair-window", "RepairFraction": "--repair-fraction", "RuptureItem": "--rupture-item",
	"RuptureMin": "--rupture-min", "ResolutionMin": "--resolution-min", "Measure": "--outcome-measure", "PlotPatients": "--plot-patient", "Export": "--export-effect"}

func runRuptures(e *env, rf *rupturesFlags, args []string) error {
	cols, _ := rf.sess.columns()
	o := workflow.RupturesOptions{Columns: cols, Preset: rf.preset, Sensitivity: rf.sensitivity,
		RuptureItem: rf.ruptureItem, ResolutionItem: rf.resolution, PreColumn: rf.preCol, PostColumn: rf.postCol,
		Measure: rf.measure, NoSessionModel: !rf.sessionModel, PlotPatients: splitList(rf.plotPatient), HigherBetter: rf.higher, Level: rf.level,
		Threshold: rf.threshold, Percent: rf.percent, Reliability: rf.reliability, LossCutoff: rf.lossCutoff,
		RCISD: rf.rciSD, MaxGap: rf.maxGap, Method: rf.method, SDSource: rf.sdSource, Reference: rf.ref, Window: rf.window,
		RepairWindow: rf.repairWindow, RepairFraction: rf.repairFraction, RuptureMin: rf.ruptureMin, ResolutionMin: rf.resolutionMn,
		SessionModelAlways: rf.sessionModel && rf.sessionModelSet}
	if rf.k != nil {
		o.K = *rf.k
	}
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
		if stream, path := rf.read.streamable(args); stream {
			ropt, err := rf.read.options()
			if err != nil {
				return nil, err
			}
			ropt.MaxBytes = e.maxBytes
			e.inputs = append(e.inputs, path)
			if err := e.checkOutputs(outs...); err != nil {
				return nil, err
			}
			return workflow.RupturesFile(path, ropt, o)
		}
		src, err := rf.read.source(e, args, rupturesDefaultDataset)
		if err != nil {
			return nil, err
		}
		if err := e.checkOutputs(outs...); err != nil {
			return nil, err
		}
		return workflow.Ruptures(src, o)
	}
	var run *workflow.RupturesRun
	var err error
	body := func(csvOut io.Writer) error {
		err := withTables(rf.episodes, rf.patients, func(epW, patW io.Writer) error {
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
		if err != nil {
			return withOptionFlag(err, rupturesOptionFlags)
		}
		return nil
	}
	if e.format == "csv" { // the episode table, written as the patients are read
		if err := e.emitStream(body); err != nil {
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
			return withOptionFlag(err, rupturesOptionFlags)
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
