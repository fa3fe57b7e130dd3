package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/jsonout"

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
	measure, better          string
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
	f.IntVar(&rf.repairWindow, "repair-window", def.RepairWindow, "sessions after the rupture within which a repair must occur")
	f.Float64Var(&rf.repairFraction, "repair-fraction", def.RepairFraction, "part of the drop the score must regain to count as repaired")
	f.StringVar(&rf.ruptureItem, "rupture-item", "", "self-report method: post-session rupture item column")
	f.Float64Var(&rf.ruptureMin, "rupture-min", def.RuptureMin, "self-report: least rupture-item value marking a rupture")
	f.StringVar(&rf.resolution, "resolution-item", "", "self-report: resolution item column (optional)")
	f.Float64Var(&rf.resolutionMn, "resolution-min", def.ResolutionMin, "self-report: least resolution-item value marking a repair")
	f.StringVar(&rf.measure, "outcome-measure", "change", "effects on outcome: change (last − first session) or post (last session)")
	f.StringVar(&rf.better, "better", "lower", "outcome: lower or higher scores are better")
	f.BoolVar(&rf.episodes, "episodes", false, "list every episode (text and Markdown; JSON always does, CSV is the episode list)")
	f.StringVar(&rf.exportEffect, "export-effect", "", "write the repaired-vs-unrepaired effect as a study row (study, ri, ni, yi, vi) for 'alliance meta' to `FILE`")
	f.StringVar(&rf.study, "study", "", "study label of the exported effect (default: the data file name)")
	f.StringVar(&rf.plot, "plot", "", "write a patient's rupture plot (alliance by session, ruptures and repairs marked) to `FILE` (.png, .svg, .pdf)")
	f.StringVar(&rf.plotPatient, "plot-patient", "", "the patient(s) of --plot, comma-separated (default: the first with a repaired rupture)")
	f.Float64Var(&rf.level, "level", 95, "confidence level of the effects' intervals, in percent")
	_ = cmd.RegisterFlagCompletionFunc("preset", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return presetNames, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

var rupturesOptionFlags = map[string]string{"Preset": "--preset", "Method": "--method", "Threshold": "--threshold", "Percent": "--percent",
	"Reliability": "--reliability", "RuptureItem": "--rupture-item", "SDSource": "--sd-source", "Reference": "--reference",
	"Measure": "--outcome-measure", "PlotPatients": "--plot-patient", "Level": "--level"}

func runRuptures(e *env, cmd *cobra.Command, rf *rupturesFlags, args []string) error {
	if err := checkFigurePath("--plot", rf.plot); err != nil {
		return err
	}
	opt, err := rupturesOptions(cmd, rf)
	if err != nil {
		return err
	}
	src, err := rf.read.load(e, args, rupturesDefaultDataset)
	if err != nil {
		return err
	}
	ws := e.describe(src)
	name := ws.Name
	src = source{} // the workflow keeps what it needs; let the parsed table go
	stop := e.busy("ruptures")
	run, err := workflow.Ruptures(ws, opt)
	stop()
	if err != nil {
		return withOptionFlag(err, rupturesOptionFlags)
	}
	if rf.plot != "" {
		if err := e.saveNamedFigure(run.Section(), "rupture-patient", rf.plot); err != nil {
			return fmt.Errorf("%w (name a patient with --plot-patient)", err)
		}
	}
	if rf.exportEffect != "" {
		if err := exportRuptureEffect(e, rf, run.RepairEffect(), name); err != nil {
			return err
		}
	}
	return e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, run)
		case "csv":
			return renderCSV(w, &workflow.Section{Blocks: []workflow.Block{run.Tidy()}}, "")
		}
		renderNotes(w, run.TopNotes())
		return renderSection(w, e.format, run.Section())
	})
}

// rupturesOptions turns the flags into options: a rule parameter is set
// only when its flag is given, so that the defaults are the library's.
func rupturesOptions(cmd *cobra.Command, rf *rupturesFlags) (workflow.RupturesOptions, error) {
	ch := cmd.Flags().Changed
	cols, _ := rf.sess.columns()
	if rf.sess.wide != "" {
		return workflow.RupturesOptions{}, usagef("ruptures need long data (one row per session); --wide is not supported")
	}
	o := workflow.RupturesOptions{Columns: cols, Preset: rf.preset, Sensitivity: rf.sensitivity, Episodes: rf.episodes,
		RuptureItem: rf.ruptureItem, ResolutionItem: rf.resolution, PreColumn: rf.preCol, PostColumn: rf.postCol,
		Measure: rf.measure, NoSessionModel: !rf.sessionModel, PlotPatients: splitList(rf.plotPatient)}
	if rf.preset != "" {
		for _, f := range []string{"method", "k", "sd-source", "reference", "window", "threshold", "percent", "reliability", "sd", "loss-cutoff", "max-gap", "repair-window", "repair-fraction", "rupture-min", "resolution-min"} {
			if ch(f) {
				return o, usagef("--preset %s fixes the rupture rule; drop --%s, or give the rule's flags without --preset", rf.preset, f)
			}
		}
	}
	if ch("method") {
		o.Method = rf.method
	}
	if ch("k") {
		o.K = rf.k
	}
	if ch("sd-source") {
		o.SDSource = rf.sdSource
	}
	if ch("reference") {
		o.Reference = rf.ref
	}
	if ch("window") {
		o.Window = &rf.window
	}
	o.Threshold, o.Percent, o.Reliability, o.LossCutoff = rf.threshold.value(), rf.percent.value(), rf.reliability.value(), rf.lossCutoff.value()
	o.RCISD, o.MaxGap = rf.rciSD, rf.maxGap
	if ch("repair-window") {
		if rf.repairWindow < 1 {
			return o, usagef("--repair-window %d: give at least 1 session", rf.repairWindow)
		}
		o.RepairWindow = rf.repairWindow
	}
	if ch("repair-fraction") {
		if !(rf.repairFraction > 0) {
			return o, usagef("--repair-fraction %v: give a positive fraction of the drop (e.g. 1)", rf.repairFraction)
		}
		o.RepairFraction = rf.repairFraction
	}
	if ch("rupture-min") {
		o.RuptureMin = &rf.ruptureMin
	}
	if ch("resolution-min") {
		o.ResolutionMin = &rf.resolutionMn
	}
	better, err := change.ParseBetter(rf.better)
	if err != nil {
		return o, usagef("--better %q: give lower or higher", rf.better)
	}
	o.HigherBetter = better == change.Higher
	level, err := parseLevel(rf.level)
	if err != nil {
		return o, err
	}
	o.Level = level
	return o, nil
}

// exportRuptureEffect writes the repaired-vs-unrepaired contrast as a
// study row that 'alliance meta' reads (study, ri, ni, yi, vi): a new file
// with a header, or a row appended to an existing study table with that
// header, so that effects of several studies can be collected and pooled.
func exportRuptureEffect(e *env, rf *rupturesFlags, eff *rupture.Effect, name string) error {
	if eff == nil {
		return fmt.Errorf("no repaired-vs-unrepaired effect to export (needs an outcome column and at least two patients in each class)")
	}
	study := rf.study
	if study == "" {
		study = name
	}
	row := eff.StudyRow(study)
	header := []string{"study", "ri", "ni", "yi", "vi"}
	var b strings.Builder
	old, err := os.ReadFile(rf.exportEffect)
	appending := err == nil && len(old) > 0
	if appending {
		first, _, _ := strings.Cut(string(old), "\n")
		if strings.TrimSpace(strings.TrimPrefix(first, "\ufeff")) != strings.Join(header, ",") {
			return usagef("--export-effect %s exists but is not a study table with the header %s; give a new file name", rf.exportEffect, strings.Join(header, ","))
		}
		b.Write(old)
		if !strings.HasSuffix(string(old), "\n") {
			b.WriteByte('\n')
		}
	}
	w := csv.NewWriter(&b)
	if !appending {
		_ = w.Write(header)
	}
	_ = w.Write([]string{row.Study, fnum(row.R), strconv.Itoa(row.N), fnum(row.YI), fnum(row.VI)})
	w.Flush()
	if err := writeFileAtomic(rf.exportEffect, []byte(b.String())); err != nil {
		return err
	}
	verb := "wrote"
	if appending {
		verb = "appended"
	}
	e.infof("%s the repaired-vs-unrepaired effect (r = %.3f, n = %d) to %s", verb, row.R, row.N, rf.exportEffect)
	return nil
}
