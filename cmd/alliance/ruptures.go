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
	k                        float64
	threshold, percent       optFloat
	reliability              optFloat
	rciSD                    float64
	window, maxGap           int
	repairWindow             int
	repairFraction           float64
	ruptureItem, resolution  string
	ruptureMin, resolutionMn float64
	lossCutoff               optFloat
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
		RunE: func(cmd *cobra.Command, args []string) error { return runRuptures(e, cmd, rf, args) },
	}
	f := cmd.Flags()
	def := rupture.DefaultOptions()
	rf.read.register(cmd, rupturesDefaultDataset)
	rf.sess.register(cmd)
	var presetNames []string
	for _, p := range rupture.Presets() {
		presetNames = append(presetNames, p.Name)
	}
	f.StringVar(&rf.preset, "preset", "", "a published criterion: "+strings.Join(presetNames, ", ")+" (each says what is verified and what is our reading)")
	f.BoolVar(&rf.sensitivity, "sensitivity", false, "apply every preset and tabulate episodes and classes side by side (Gumz et al. 2012)")
	f.StringVar(&rf.method, "method", string(def.Method), "rupture rule: sd, threshold, percent, rci, sudden-loss, self-report")
	f.Float64Var(&rf.k, "k", def.K, "sd method: number of SDs a drop must reach")
	f.StringVar(&rf.sdSource, "sd-source", string(def.SDSource), "sd method: sample (pooled within-patient SD of the sample), within (the patient's own SD), max (the larger)")
	f.StringVar(&rf.ref, "reference", string(def.Reference), "the level a session is compared with: previous or mean")
	f.IntVar(&rf.window, "window", def.Window, "reference mean: number of preceding sessions (0 = all)")
	f.Var(&rf.threshold, "threshold", "a drop of at least X scale points (sets --method threshold)")
	f.Var(&rf.percent, "percent", "percent method: drop in percent of the reference")
	f.Var(&rf.reliability, "reliability", "rci method: reliability of the alliance measure")
	f.Float64Var(&rf.rciSD, "sd", 0, "rci method: the SD s (default: the SD of all observed scores)")
	f.StringVar(&rf.preCol, "pre", "", "outcome effects: column with each patient's pre-treatment score (default: the first session's outcome)")
	f.StringVar(&rf.postCol, "post", "", "outcome effects: column with each patient's post-treatment score (default: the last session's outcome)")
	f.BoolVar(&rf.sessionModel, "session-model", true, "also fit the session-level mixed model of outcome after repaired and unrepaired ruptures")
	f.Var(&rf.lossCutoff, "loss-cutoff", "sudden-loss method: absolute criterion in scale points (default: off)")
	f.IntVar(&rf.maxGap, "max-gap", 0, "break a series where consecutive sessions are more than N apart (0 = never)")
	countVar(cmd, &rf.repairWindow, "repair-window", def.RepairWindow, 1, "sessions after the rupture within which a repair must occur")
	f.Float64Var(&rf.repairFraction, "repair-fraction", def.RepairFraction, "part of the drop the score must regain to count as repaired")
	f.StringVar(&rf.ruptureItem, "rupture-item", "", "self-report method: post-session rupture item column")
	f.Float64Var(&rf.ruptureMin, "rupture-min", def.RuptureMin, "self-report: least rupture-item value marking a rupture")
	f.StringVar(&rf.resolution, "resolution-item", "", "self-report: resolution item column (optional)")
	f.Float64Var(&rf.resolutionMn, "resolution-min", def.ResolutionMin, "self-report: least resolution-item value marking a repair")
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

func runRuptures(e *env, cmd *cobra.Command, rf *rupturesFlags, args []string) error {
	if err := rf.sess.long("ruptures"); err != nil {
		return err
	}
	cols, _ := rf.sess.columns()
	o := workflow.RupturesOptions{Columns: cols, Preset: rf.preset, Sensitivity: rf.sensitivity, Episodes: rf.episodes,
		RuptureItem: rf.ruptureItem, ResolutionItem: rf.resolution, PreColumn: rf.preCol, PostColumn: rf.postCol,
		Measure: rf.measure, NoSessionModel: !rf.sessionModel, PlotPatients: splitList(rf.plotPatient), HigherBetter: rf.higher, Level: rf.level,
		Threshold: rf.threshold.value(), Percent: rf.percent.value(), Reliability: rf.reliability.value(), LossCutoff: rf.lossCutoff.value(),
		RCISD: rf.rciSD, MaxGap: rf.maxGap}
	// a rule parameter is set only when its flag is given: the defaults are the library's
	given := cmd.Flags().Changed
	if given("method") {
		o.Method = rf.method
	}
	if given("k") {
		o.K = rf.k
	}
	if given("sd-source") {
		o.SDSource = rf.sdSource
	}
	if given("reference") {
		o.Reference = rf.ref
	}
	if given("window") {
		o.Window = &rf.window
	}
	if given("repair-window") {
		o.RepairWindow = &rf.repairWindow
	}
	if given("repair-fraction") {
		o.RepairFraction = &rf.repairFraction
	}
	if given("rupture-min") {
		o.RuptureMin = &rf.ruptureMin
	}
	if given("resolution-min") {
		o.ResolutionMin = &rf.resolutionMn
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
