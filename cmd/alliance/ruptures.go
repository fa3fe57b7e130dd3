package main

import (
	"fmt"
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
	episodes                 bool
	exportEffect, study      string
	plot, plotPatient        string
	preCol, postCol          string
	sessionModel             bool
	level                    float64
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
		RunE:    func(cmd *cobra.Command, args []string) error { return runRuptures(e, rf, args) },
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
	f.BoolVar(&rf.sessionModel, "session-model", true, "also fit the session-level mixed model of outcome after repaired and unrepaired ruptures")
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
	f.BoolVar(&rf.episodes, "episodes", false, "list every episode (text and Markdown; JSON always does, CSV is the episode list)")
	f.StringVar(&rf.exportEffect, "export-effect", "", "write the repaired-vs-unrepaired effect as a study row (study, ri, ni, yi, vi) for 'alliance meta' to `FILE`")
	f.StringVar(&rf.study, "study", "", "study label of the exported effect (default: the data file name)")
	figureVar(cmd, &rf.plot, "plot", "write a patient's rupture plot (alliance by session, ruptures and repairs marked) to `FILE` (.png, .svg, .pdf)")
	f.StringVar(&rf.plotPatient, "plot-patient", "", "the patient(s) of --plot, comma-separated (default: the first with a repaired rupture)")
	levelVar(cmd, &rf.level, "the effects' intervals")
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
	o := workflow.RupturesOptions{Columns: cols, Preset: rf.preset, Sensitivity: rf.sensitivity, Episodes: rf.episodes,
		RuptureItem: rf.ruptureItem, ResolutionItem: rf.resolution, PreColumn: rf.preCol, PostColumn: rf.postCol,
		Measure: rf.measure, NoSessionModel: !rf.sessionModel, PlotPatients: splitList(rf.plotPatient), HigherBetter: rf.higher, Level: rf.level,
		Threshold: rf.threshold, Percent: rf.percent, Reliability: rf.reliability, LossCutoff: rf.lossCutoff,
		RCISD: rf.rciSD, MaxGap: rf.maxGap, Method: rf.method, SDSource: rf.sdSource, Reference: rf.ref, Window: rf.window,
		RepairWindow: rf.repairWindow, RepairFraction: rf.repairFraction, RuptureMin: rf.ruptureMin, ResolutionMin: rf.resolutionMn}
	if rf.k != nil {
		o.K = *rf.k
	}
	src, err := rf.read.source(e, args, rupturesDefaultDataset)
	if err != nil {
		return err
	}
	stop := e.busy("ruptures")
	run, err := workflow.Ruptures(src, o)
	stop()
	if err != nil {
		return withOptionFlag(err, rupturesOptionFlags)
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
	return e.emitRun(run, run, tableCSV(run.Tidy()))
}
