package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/cmd/internal/flagx"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots/report"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// reportFlags are the flags of 'alliance report' that are the command
// line's: the inputs and how the report is drawn and saved. The report's
// options are workflow.ReportFields, one flag each.
type reportFlags struct {
	studies, sessions            string
	studiesDataset, sessionsData string
	force, noPDF                 bool
	dpi                          float64

	// uploads hold files sent to 'alliance serve', by role ("studies",
	// "sessions"): they are read from memory under the name given.
	uploads map[string][]byte
}

func newReportCmd(e *env) *cobra.Command {
	cmd, _ := reportCommand(e)
	return cmd
}

// reportCommand returns the report command and the flags it fills.
func reportCommand(e *env) (*cobra.Command, *reportFlags) {
	rf := &reportFlags{}
	cmd := &cobra.Command{
		Use:     "report [--studies FILE] [--sessions FILE] --out DIR",
		Short:   "A self-contained HTML report: meta-analysis, session analyses, methods, R code",
		Long:    helpText("report", "long"),
		Example: helpText("report", "example"),
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, args []string) error { return runReport(e, cmd, rf) },
	}
	f := cmd.Flags()
	f.StringVar(&rf.studies, "studies", "", "study-level `FILE` (CSV, TSV or XLSX; - for standard input): one row per effect size")
	f.StringVar(&rf.sessions, "sessions", "", "session-level `FILE`: one row per patient and session")
	f.StringVar(&rf.studiesDataset, "studies-dataset", "", "use the embedded dataset `NAME` as study data")
	f.StringVar(&rf.sessionsData, "sessions-dataset", "", "use the embedded dataset `NAME` as session data")
	flagx.Fields(cmd, workflow.ReportFields())
	aliases(cmd)
	f.BoolVar(&rf.force, "force", false, "write into a non-empty --out DIR that holds no previous report (its files are kept, never replaced)")
	f.BoolVar(&rf.noPDF, "no-pdf", false, "skip the PDF versions of the figures")
	f.Float64Var(&rf.dpi, "dpi", report.DefaultDPI, "resolution of the PNG figures (dots per inch)")
	return cmd, rf
}

// inputs reads the report's inputs (studies and sessions), each a file,
// an upload or an embedded dataset.
func (rf *reportFlags) inputs(e *env, opt datasets.ReadOptions) (workflow.ReportInput, error) {
	opt.MaxBytes = e.maxBytes
	var in workflow.ReportInput
	for _, x := range []struct {
		role, file, dataset string
		to                  **workflow.Source
	}{{"studies", rf.studies, rf.studiesDataset, &in.Studies}, {"sessions", rf.sessions, rf.sessionsData, &in.Sessions}} {
		if x.file == "" && x.dataset == "" {
			continue
		}
		var s workflow.Source
		var err error
		if x.role == "sessions" { // a large file is read patient by patient by the report
			if x.dataset == "" && rf.uploads[x.role] == nil && x.file != "-" {
				e.inputs = append(e.inputs, x.file)
			}
			s, err = workflow.ReportSessionsSource(workflow.Input{File: x.file, Dataset: x.dataset, Upload: rf.uploads[x.role], Stdin: e.stdin}, opt)
		} else {
			s, err = e.readInput(x.file, x.dataset, rf.uploads[x.role], opt)
		}
		if err != nil {
			return in, err
		}
		*x.to = &s
	}
	return in, nil
}

// reportOptionFlags names the flag of each workflow option, for hints
// (the report's fields name themselves).
var reportOptionFlags = map[string]string{
	"Level": "--level", "Method": "--method", "Mods": "--mods", "Cluster": "--cluster", "Omit": "--omit",
	"Preset": "--rupture-preset", "Reliability": "--reliability", "Test": "--test", "Model": "--model", "K": "--rupture-k", "Centring": "--centring", "MaxLagGap": "--max-lag-gap",
	"Delimiter": "--delimiter", "Decimal": "--decimal",
	"Data": "--studies FILE, --sessions FILE or --studies-dataset / --sessions-dataset NAME",
}

// parsed turns the report's fields given on cmd into the report's options
// and the reading options (workflow.ParseReportFields).
func parsed(cmd *cobra.Command) (workflow.ReportOptions, datasets.ReadOptions, error) {
	fields := map[string]bool{}
	for _, f := range workflow.ReportFields() {
		fields[f.Name] = true
	}
	values := map[string]string{}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if fields[f.Name] {
			values[f.Name] = f.Value.String()
		}
	})
	o, read, err := workflow.ParseReportFields(values)
	o.Compose.Version = version
	if opt := workflow.OptionOf(err); fields[opt] { // a field is named as its flag
		return o, read, usagef("%v (--%s)", err, opt)
	}
	return o, read, withOptionFlag(err, reportOptionFlags)
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
		var note workflow.Note
		rf.studiesDataset, rf.sessionsData, note = workflow.ReportDemo()
		e.infof("alliance: %s", note.Text)
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

// buildReport reads the data, runs the report's analyses and renders its
// files: the one path of 'alliance report' and of 'alliance serve'.
// progress (may be nil) is told each stage; ctx cancels between stages.
func buildReport(ctx context.Context, e *env, cmd *cobra.Command, rf *reportFlags, progress func(string)) ([]report.File, error) {
	if rf.studies == "-" && rf.sessions == "-" {
		return nil, usagef("only one of --studies and --sessions can read standard input")
	}
	if err := (report.Options{DPI: rf.dpi}).Check(); err != nil {
		return nil, withOptionFlag(err, map[string]string{"DPI": "--dpi"})
	}
	ropt, opt, err := parsed(cmd)
	if err != nil {
		return nil, err
	}
	if progress != nil {
		progress("reading the data")
	}
	in, err := rf.inputs(e, opt)
	if err != nil {
		return nil, withOptionFlag(err, reportOptionFlags)
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
	return report.Render(doc, parts, report.Options{DPI: rf.dpi, NoPDF: rf.noPDF, Version: version, Date: ropt.Compose.Date})
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
