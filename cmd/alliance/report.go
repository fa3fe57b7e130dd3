package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots/report"
	"github.com/spf13/cobra"
)

// reportFlags are the flags of 'alliance report'.
type reportFlags struct {
	studies, sessions             string
	studiesDataset, sessionsData  string
	delimiter, decimal, sheet, na string

	r, n, yi, vi, sei, study  string
	cluster, esID, mods       string
	noThreeLevel              bool
	sess                      sessionFlags
	method, test              string
	centring                  string
	ar1                       bool
	maxLagGap                 int
	gainsCutoff               *float64
	noBias                    bool
	model, ipdStudy           string
	ruptureK                  float64
	level                     float64
	reliability               float64
	outcomeLabel, allianceLbl string
	higherBetter              bool
	rupturePreset             string
	title, author, omit, date string
	force, noPDF              bool
	dpi                       float64

	// uploads hold files sent to 'alliance serve', by role ("studies",
	// "sessions"): they are read from memory under the name given.
	uploads map[string][]byte
}

const (
	reportStudiesDataset  = "demo-studies"
	reportSessionsDataset = "demo-sessions"
)

func newReportCmd(e *env) *cobra.Command {
	cmd, _ := reportCommand(e)
	return cmd
}

// reportCommand returns the report command and the flags it fills.
func reportCommand(e *env) (*cobra.Command, *reportFlags) {
	rf := &reportFlags{}
	cmd := &cobra.Command{
		Use:   "report [--studies FILE] [--sessions FILE] --out DIR",
		Short: "A self-contained HTML report: meta-analysis, session analyses, methods, R code",
		Long: `Writes DIR/index.html — one self-contained page (figures and CSS inline, no
network, no JavaScript) — with the data read and dropped, the meta-analysis of
study-level alliance–outcome correlations (APA table, forest and funnel plots,
bias tests, influence, moderators, the three-level model when effects are
nested in studies, CR2 robust inference), the session analyses (trajectories,
the within/between alliance→outcome model, therapist effects, ruptures and
repairs, sudden gains, reliable change), a methods paragraph with references,
and the R code and command lines that reproduce every number. Beside it:
DIR/results.json (every number shown) and DIR/figures/ (SVG, PNG, PDF).

Without --studies and --sessions the embedded, SIMULATED demo-studies and
demo-sessions are analysed, and the report says so.

Study columns default to ri, ni (or yi with vi/sei) and study; the
moderators tested are exactly those named with --mods (the report suggests
candidates in a note). Session columns default to patient, therapist,
session, alliance and outcome; a role column the analyses need and cannot
find is an error (exit 2) — leave a section out with --omit, and the report
says so at the top.

DIR/manifest.json lists the files the report wrote: a later report into the
same DIR replaces those files and removes those it no longer writes, and
never touches any other file. A DIR that holds an input file is refused; a
non-empty DIR without a manifest is refused unless --force (which writes
beside its files, still replacing none of them). Each file is written to a
temporary file and renamed into place. The output is byte-for-byte the same
for the same input.`,
		Example: `  alliance report --out report                           # demo data (SIMULATED)
  alliance report --studies studies.csv --out report
  alliance report --studies studies.csv --sessions sessions.csv --reliability .84 --outcome-label PHQ-9 --out report
  alliance report --sessions sessions.xlsx --sheet Data --alliance wai --outcome phq9 --out report`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runReport(e, cmd, rf) },
	}
	f := cmd.Flags()
	f.StringVar(&rf.studies, "studies", "", "study-level `FILE` (CSV, TSV or XLSX; - for standard input): one row per effect size")
	f.StringVar(&rf.sessions, "sessions", "", "session-level `FILE`: one row per patient and session")
	f.StringVar(&rf.studiesDataset, "studies-dataset", "", "use the embedded dataset `NAME` as study data")
	f.StringVar(&rf.sessionsData, "sessions-dataset", "", "use the embedded dataset `NAME` as session data")
	f.StringVar(&rf.delimiter, "delimiter", "", "field delimiter of both files: , ; tab or any single character (default: detected)")
	f.StringVar(&rf.decimal, "decimal", "", "decimal separator: . or , (default: , for ;-separated files, else .)")
	f.StringVar(&rf.sheet, "sheet", "", "worksheet of .xlsx files (default: the first)")
	f.StringVar(&rf.na, "na", "", "extra missing-value codes, comma-separated (NA, empty and . always are)")
	f.StringVar(&rf.r, "r", "", "study data: correlation column (default: ri or r)")
	f.StringVar(&rf.n, "n", "", "study data: sample-size column (default: ni or n)")
	f.StringVar(&rf.yi, "yi", "", "study data: precomputed effect-size column, instead of --r/--n")
	f.StringVar(&rf.vi, "vi", "", "study data: sampling-variance column")
	f.StringVar(&rf.sei, "sei", "", "study data: standard-error column, instead of --vi")
	f.StringVar(&rf.study, "study", "", "study data: study-label column (default: label, study, author or authors)")
	f.StringVar(&rf.cluster, "cluster", "", "study data: column nesting effect sizes (the three-level model's outer level; default: the study label when it repeats)")
	f.StringVar(&rf.esID, "es-id", "", "study data: effect-size id column (the inner level; default es_id when present)")
	f.StringVar(&rf.mods, "mods", "", "study data: the moderator columns to test, comma-separated (default: none; candidates are suggested in a note)")
	f.BoolVar(&rf.noThreeLevel, "no-three-level", false, "study data: do not fit the three-level model even when effect sizes are nested in studies")
	rf.sess.registerLong(cmd) // the report reads long session data only
	f.StringVar(&rf.method, "method", "REML", "tau² estimator of the meta-analysis: FE, EE, DL, HE, HS, SJ, ML, REML, EB, PM")
	f.StringVar(&rf.test, "test", "z", "test of the meta-analysis coefficients: z, t or knha (Knapp–Hartung)")
	f.StringVar(&rf.centring, "centring", "", "session model: person (patient mean) or therapist (therapist mean, patient and session deviations; default with therapists)")
	f.BoolVar(&rf.ar1, "ar1", false, "session model: AR(1) residuals within patients over sessions (gaps respected)")
	f.IntVar(&rf.maxLagGap, "max-lag-gap", 1, "session model: largest session gap a lag may bridge")
	f.BoolVar(&rf.noBias, "no-bias", false, "study data: leave out the publication-bias analyses (Egger, rank correlation, trim-and-fill, fail-safe N)")
	f.StringVar(&rf.ipdStudy, "ipd-study", "", "study column of multi-study session data (default study): when the session file has it, the report adds an IPD meta-analysis across the studies")
	f.StringVar(&rf.model, "model", "", "session model: lagged (default; with the concurrent model beside it), reverse or concurrent")
	f.Float64Var(&rf.ruptureK, "rupture-k", 0, "rupture rule (the default sd rule): number of SDs a drop must reach (default: the rule's, or the preset's)")
	numVar(cmd, &rf.gainsCutoff, "gains-cutoff", "sudden gains: criterion 1 as a minimum drop in points (default: the reliable change value from --reliability)")
	f.Float64Var(&rf.level, "level", 95, "confidence level in percent")
	f.Float64Var(&rf.reliability, "reliability", 0.84, "reliability of the outcome measure for sudden gains and reliable change (default .84, the PHQ-9's test–retest reliability; an assumption: give yours)")
	f.StringVar(&rf.outcomeLabel, "outcome-label", "outcome", "name of the outcome measure in the text (e.g. PHQ-9)")
	f.StringVar(&rf.allianceLbl, "alliance-label", "alliance", "name of the alliance measure in the text (e.g. WAI-SR)")
	f.BoolVar(&rf.higherBetter, "higher-better", false, "higher outcome scores are better (default: lower, as symptom measures)")
	f.StringVar(&rf.rupturePreset, "rupture-preset", "", "rupture criterion preset (see 'alliance ruptures --help'; default: the default rule)")
	f.StringVar(&rf.title, "title", "", "title of the report (default \""+workflow.DefaultTitle+"\")")
	f.StringVar(&rf.author, "author", "", "author printed under the title")
	f.StringVar(&rf.omit, "omit", "", "sections to leave out, comma-separated: meta, sessions, panel, ipd, ruptures, gains, change (the report says so at the top)")
	f.StringVar(&rf.date, "date", "", "a date to print in the report (default: none, so that runs are byte-identical)")
	f.BoolVar(&rf.force, "force", false, "write into a non-empty --out DIR that holds no previous report (its files are kept, never replaced)")
	f.BoolVar(&rf.noPDF, "no-pdf", false, "skip the PDF versions of the figures")
	f.Float64Var(&rf.dpi, "dpi", 200, "resolution of the PNG figures")
	return cmd, rf
}

func (rf *reportFlags) readOptions() (datasets.ReadOptions, error) {
	r := readFlags{delimiter: rf.delimiter, decimal: rf.decimal, sheet: rf.sheet, na: rf.na}
	return r.options()
}

// readSource reads the report's input of a role (studies or sessions).
func (rf *reportFlags) readSource(e *env, role, file, dataset string, opt datasets.ReadOptions) (*workflow.Source, error) {
	opt.MaxBytes = e.maxBytes
	if file != "" && dataset != "" {
		return nil, usagef("give a file or an embedded dataset, not both")
	}
	s, err := e.readInput(file, dataset, rf.uploads[role], opt)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// reportOptionFlags names the flag of each workflow option, for hints.
var reportOptionFlags = map[string]string{
	"Level": "--level", "Method": "--method", "Mods": "--mods", "Cluster": "--cluster", "Omit": "--omit",
	"Preset": "--rupture-preset", "Reliability": "--reliability", "Test": "--test", "Model": "--model", "K": "--rupture-k", "Centring": "--centring", "MaxLagGap": "--max-lag-gap",
}

// options turns the flags into the report's options.
func (rf *reportFlags) options(cmd *cobra.Command, level float64) (workflow.ReportOptions, error) {
	var o workflow.ReportOptions
	mods := splitList(rf.mods)
	if len(mods) == 1 && strings.EqualFold(mods[0], "none") {
		mods = nil
	}
	o.Meta = workflow.MetaOptions{R: rf.r, N: rf.n, Yi: rf.yi, Vi: rf.vi, Sei: rf.sei, Study: rf.study,
		Method: strings.ToUpper(rf.method), Test: rf.test, Level: level, Mods: mods}
	switch {
	case rf.cluster != "" && rf.esID != "":
		o.Meta.Cluster = rf.cluster + "/" + rf.esID
	case rf.cluster != "":
		o.Meta.Cluster = rf.cluster
	case rf.esID != "":
		return o, usagef("--es-id %s: give the column it is nested in with --cluster", rf.esID)
	}
	o.NoThreeLevel, o.NoBias = rf.noThreeLevel, rf.noBias
	cols, _ := rf.sess.columns()
	o.Sessions = workflow.ReportSessionOptions{Columns: cols, AllianceLabel: rf.allianceLbl, OutcomeLabel: rf.outcomeLabel,
		Reliability: rf.reliability, HigherBetter: rf.higherBetter, RupturePreset: rf.rupturePreset, Level: level,
		Centring: rf.centring, AR1: rf.ar1, MaxLagGap: rf.maxLagGap, GainsCutoff: rf.gainsCutoff,
		Model: rf.model, RuptureK: rf.ruptureK, Study: rf.ipdStudy}
	if cmd.Flags().Changed("reliability") {
		o.Sessions.ReliabilitySource = "as given with --reliability"
	} else {
		o.Sessions.ReliabilitySource = "an assumed value: the test–retest reliability of the PHQ-9 (Kroenke, Spitzer & Williams, 2001); give your measure's with --reliability"
	}
	o.Compose = workflow.ComposeOptions{Title: rf.title, Author: rf.author, Date: rf.date, Version: version}
	o.Omit = splitList(rf.omit)
	return o, nil
}

func runReport(e *env, cmd *cobra.Command, rf *reportFlags) error {
	dir := e.out
	if dir == "" || dir == "-" {
		return usagef("give the output directory with --out DIR (e.g. --out report)")
	}
	save := report.SaveOptions{Inputs: []string{rf.studies, rf.sessions}, Force: rf.force}
	if err := checkReportOut(dir, save); err != nil {
		return err
	}
	if rf.studies == "" && rf.sessions == "" && rf.studiesDataset == "" && rf.sessionsData == "" {
		rf.studiesDataset, rf.sessionsData = reportStudiesDataset, reportSessionsDataset
		e.infof("alliance: no --studies or --sessions given: reporting on the embedded demo-studies and demo-sessions (SIMULATED data); see 'alliance datasets describe demo-studies'")
	}
	stop := e.busy("analysing")
	files, err := buildReport(context.Background(), e, cmd, rf, nil)
	stop()
	if err != nil {
		return err
	}
	saved, err := report.Save(dir, files, save)
	if err != nil {
		if errors.Is(err, report.ErrNotReport) || errors.Is(err, report.ErrHoldsInput) {
			return usageError{err}
		}
		return err
	}
	nfig := 0
	for _, f := range files {
		if strings.HasSuffix(f.Path, ".svg") {
			nfig++
		}
	}
	e.infof("wrote %s: index.html, results.json, %s and %d figures in figures/", dir, report.ManifestName, nfig)
	if len(saved.Replaced) > 0 {
		e.infof("replaced %d files of the previous report: %s", len(saved.Replaced), strings.Join(saved.Replaced, ", "))
	}
	if len(saved.Removed) > 0 {
		e.infof("removed %d files of the previous report that this one does not write: %s", len(saved.Removed), strings.Join(saved.Removed, ", "))
	}
	return nil
}

// parsed turns the flags into the report's options and the reading
// options.
func (rf *reportFlags) parsed(cmd *cobra.Command) (workflow.ReportOptions, datasets.ReadOptions, error) {
	level, err := parseLevel(rf.level)
	if err != nil {
		return workflow.ReportOptions{}, datasets.ReadOptions{}, err
	}
	ropt, err := rf.options(cmd, level)
	if err != nil {
		return ropt, datasets.ReadOptions{}, err
	}
	opt, err := rf.readOptions()
	return ropt, opt, err
}

// buildReport reads the data, runs the report's analyses and renders its
// files: the one path of 'alliance report' and of 'alliance serve'.
// progress (may be nil) is told each stage; ctx cancels between stages.
func buildReport(ctx context.Context, e *env, cmd *cobra.Command, rf *reportFlags, progress func(string)) ([]report.File, error) {
	if rf.studies == "-" && rf.sessions == "-" {
		return nil, usagef("only one of --studies and --sessions can read standard input")
	}
	if rf.studies == "" && rf.sessions == "" && rf.studiesDataset == "" && rf.sessionsData == "" {
		return nil, usagef("no data: give --studies FILE, --sessions FILE or an embedded dataset")
	}
	if !(rf.reliability > 0 && rf.reliability < 1) {
		return nil, usagef("--reliability %v: give the outcome measure's reliability between 0 and 1 (e.g. .84)", rf.reliability)
	}
	if !(rf.dpi > 0) {
		return nil, usagef("--dpi %v: give a positive resolution (e.g. 200)", rf.dpi)
	}
	ropt, opt, err := rf.parsed(cmd)
	if err != nil {
		return nil, err
	}
	if progress != nil {
		progress("reading the data")
	}
	var in workflow.ReportInput
	if rf.studies != "" || rf.studiesDataset != "" {
		if in.Studies, err = rf.readSource(e, "studies", rf.studies, rf.studiesDataset, opt); err != nil {
			return nil, err
		}
	}
	if rf.sessions != "" || rf.sessionsData != "" {
		if in.Sessions, err = rf.readSource(e, "sessions", rf.sessions, rf.sessionsData, opt); err != nil {
			return nil, err
		}
	}
	doc, parts, err := workflow.ReportContext(ctx, in, ropt, progress)
	if err != nil {
		return nil, withOptionFlag(err, reportOptionFlags)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if progress != nil {
		progress("drawing the figures")
	}
	return report.Render(doc, parts, report.Options{DPI: rf.dpi, NoPDF: rf.noPDF, Version: version, Date: rf.date})
}

// checkReportOut refuses early, before any work, an --out that Save would
// refuse.
func checkReportOut(dir string, opt report.SaveOptions) error {
	if _, err := os.Stat(dir); err != nil {
		if _, perr := os.Stat(filepath.Dir(filepath.Clean(dir))); perr != nil {
			return usagef("--out %s: the parent directory does not exist (create it first)", dir)
		}
		return nil
	}
	if _, err := report.Check(dir, opt); err != nil {
		if errors.Is(err, report.ErrNotReport) && !opt.Force {
			return usagef("--out %v (choose another --out, or give --force to write beside its files)", err)
		}
		return usagef("--out %v", err)
	}
	return nil
}
