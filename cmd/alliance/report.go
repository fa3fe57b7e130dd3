package main

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots/report"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// reportFlags are the flags of 'alliance report'.
type reportFlags struct {
	studies, sessions             string
	studiesDataset, sessionsData  string
	delimiter, decimal, sheet, na string

	r, n, yi, vi, sei, study  string
	cluster, esID, mods       string
	sess                      sessionFlags
	method                    string
	level                     float64
	reliability               float64
	outcomeLabel, allianceLbl string
	higherBetter              bool
	rupturePreset             string
	date                      string
	force, noPDF              bool
	dpi                       float64
}

const (
	reportStudiesDataset  = "demo-studies"
	reportSessionsDataset = "demo-sessions"
)

func newReportCmd(e *env) *cobra.Command {
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

Study columns default to ri, ni (or yi with vi/sei) and study; every other
column is analysed as a moderator (text: subgroups; numbers: meta-regression)
unless --mods names them. Session columns default to patient, therapist,
session, alliance and outcome.

The report is written to a temporary directory and renamed into place; an
existing DIR is replaced only if it is empty or holds a previous report
(or with --force). The output is byte-for-byte the same for the same input.`,
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
	f.StringVar(&rf.mods, "mods", "", "study data: moderator columns, comma-separated (default: every column without another role); \"none\" for none")
	rf.sess.register(cmd)
	f.StringVar(&rf.method, "method", "REML", "tau² estimator of the meta-analysis: FE, EE, DL, HE, HS, SJ, ML, REML, EB, PM")
	f.Float64Var(&rf.level, "level", 95, "confidence level in percent")
	f.Float64Var(&rf.reliability, "reliability", 0.84, "reliability of the outcome measure for sudden gains and reliable change (default .84, the PHQ-9's test–retest reliability; an assumption: give yours)")
	f.StringVar(&rf.outcomeLabel, "outcome-label", "outcome", "name of the outcome measure in the text (e.g. PHQ-9)")
	f.StringVar(&rf.allianceLbl, "alliance-label", "alliance", "name of the alliance measure in the text (e.g. WAI-SR)")
	f.BoolVar(&rf.higherBetter, "higher-better", false, "higher outcome scores are better (default: lower, as symptom measures)")
	f.StringVar(&rf.rupturePreset, "rupture-preset", "", "rupture criterion preset (see 'alliance ruptures --help'; default: the default rule)")
	f.StringVar(&rf.date, "date", "", "a date to print in the report (default: none, so that runs are byte-identical)")
	f.BoolVar(&rf.force, "force", false, "replace --out DIR even if it holds something other than a previous report")
	f.BoolVar(&rf.noPDF, "no-pdf", false, "skip the PDF versions of the figures")
	f.Float64Var(&rf.dpi, "dpi", 200, "resolution of the PNG figures")
	return cmd
}

func (rf *reportFlags) readOptions() (datasets.ReadOptions, error) {
	r := readFlags{delimiter: rf.delimiter, decimal: rf.decimal, sheet: rf.sheet, na: rf.na}
	return r.options()
}

// readTable reads a file, stdin or an embedded dataset.
func (rf *reportFlags) readTable(e *env, file, dataset string, opt datasets.ReadOptions) (*datasets.Table, report.Source, error) {
	var src report.Source
	if file != "" && dataset != "" {
		return nil, src, usagef("give a file or an embedded dataset, not both")
	}
	if dataset != "" {
		info, err := datasets.Lookup(dataset)
		if err != nil {
			return nil, src, usageError{err}
		}
		t, err := datasets.ReadEmbedded(info.Name, opt)
		if err != nil {
			return nil, src, err
		}
		src = report.Source{Name: info.Name, Embedded: true, Simulated: info.Simulated, Title: info.Title, Citation: info.Citation, Rows: t.NumRows(), Columns: t.Header}
		return t, src, nil
	}
	var t *datasets.Table
	var err error
	if file == "-" {
		t, err = datasets.Read("stdin", e.stdin, opt)
	} else {
		t, err = datasets.ReadFile(file, opt)
	}
	if err != nil {
		return nil, src, err
	}
	return t, report.Source{Name: file, Rows: t.NumRows(), Columns: t.Header}, nil
}

func runReport(e *env, cmd *cobra.Command, rf *reportFlags) error {
	dir := e.out
	if dir == "" || dir == "-" {
		return usagef("give the output directory with --out DIR (e.g. --out report)")
	}
	if rf.studies == "-" && rf.sessions == "-" {
		return usagef("only one of --studies and --sessions can read standard input")
	}
	if !(rf.reliability > 0 && rf.reliability < 1) {
		return usagef("--reliability %v: give the outcome measure's reliability between 0 and 1 (e.g. .84)", rf.reliability)
	}
	level, err := parseLevel(rf.level)
	if err != nil {
		return err
	}
	if err := checkReportOut(dir, rf.force); err != nil {
		return err
	}
	opt, err := rf.readOptions()
	if err != nil {
		return err
	}
	demo := rf.studies == "" && rf.sessions == "" && rf.studiesDataset == "" && rf.sessionsData == ""
	if demo {
		rf.studiesDataset, rf.sessionsData = reportStudiesDataset, reportSessionsDataset
		e.infof("alliance: no --studies or --sessions given: reporting on the embedded demo-studies and demo-sessions (SIMULATED data); see 'alliance datasets describe demo-studies'")
	}
	var in report.Input
	var cluster []string
	if rf.studies != "" || rf.studiesDataset != "" {
		t, src, err := rf.readTable(e, rf.studies, rf.studiesDataset, opt)
		if err != nil {
			return err
		}
		st, cl, err := rf.loadStudies(t, src)
		if err != nil {
			return err
		}
		in.Studies, in.StudiesSource, cluster = st, src, cl
	}
	if rf.sessions != "" || rf.sessionsData != "" {
		t, src, err := rf.readTable(e, rf.sessions, rf.sessionsData, opt)
		if err != nil {
			return err
		}
		ss, err := rf.sess.load(t, "outcome", datasets.SessionOptions{})
		if err != nil {
			return err
		}
		in.Sessions, in.SessionsSource = ss, src
	}
	ro := report.Options{
		Method: strings.ToUpper(rf.method), Level: level, Reliability: rf.reliability,
		OutcomeLabel: rf.outcomeLabel, AllianceLabel: rf.allianceLbl, OutcomeHigherBetter: rf.higherBetter,
		RupturePreset: rf.rupturePreset, Version: version, Date: rf.date, DPI: rf.dpi, NoPDF: rf.noPDF,
		Inner: rf.esID,
	}
	if len(cluster) > 0 {
		ro.Cluster = cluster[0]
	}
	if !cmd.Flags().Changed("reliability") {
		ro.ReliabilityNote = "an assumed value: the test–retest reliability of the PHQ-9 (Kroenke, Spitzer & Williams, 2001); give your measure's with --reliability"
	} else {
		ro.ReliabilityNote = "as given with --reliability"
	}
	rep, err := report.Build(in, ro)
	if err != nil {
		return analysisOrInput(err)
	}
	rep.SetCommands(rf.commands(cmd, dir, rep))
	files, err := rep.Files()
	if err != nil {
		return err
	}
	if err := report.Save(dir, files, rf.force); err != nil {
		if errors.Is(err, report.ErrNotReport) {
			return usageError{err}
		}
		return err
	}
	e.infof("wrote %s: index.html, results.json and %d figures in figures/", dir, len(rep.Figures))
	return nil
}

// checkReportOut refuses early, before any work, an --out that Save would
// refuse.
func checkReportOut(dir string, force bool) error {
	st, err := os.Stat(dir)
	if err != nil {
		if _, perr := os.Stat(filepath.Dir(filepath.Clean(dir))); perr != nil {
			return usagef("--out %s: the parent directory does not exist (create it first)", dir)
		}
		return nil
	}
	if !st.IsDir() {
		return usagef("--out %s: %v (it is a file; choose another --out)", dir, report.ErrNotReport)
	}
	if force || report.IsReportDir(dir) {
		return nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return usagef("--out %s: %v", dir, err)
	}
	if len(ents) > 0 {
		return usagef("--out %s: %v (choose another --out, or give --force to replace it)", dir, report.ErrNotReport)
	}
	return nil
}

// loadStudies validates the study table. Every column without a role is a
// moderator unless --mods names them; it returns the cluster columns used.
func (rf *reportFlags) loadStudies(t *datasets.Table, src report.Source) (*datasets.Studies, []string, error) {
	cols := datasets.StudyColumns{Label: rf.study, R: rf.r, N: rf.n, Yi: rf.yi, Vi: rf.vi, Sei: rf.sei}
	switch {
	case rf.cluster != "":
		cols.Cluster = []string{rf.cluster}
	case src.Embedded:
		if info, err := datasets.Lookup(src.Name); err == nil {
			cols.Cluster = info.StudyColumns.Cluster
		}
	}
	useES := rf.yi != "" || rf.vi != "" || rf.sei != ""
	sopt := datasets.StudyOptions{FisherZ: !useES}
	first, err := t.Studies(cols, sopt)
	if err != nil {
		return nil, nil, err
	}
	switch strings.ToLower(rf.mods) {
	case "none":
	case "":
		used := map[string]bool{}
		c := first.Columns
		for _, n := range []string{c.Label, c.R, c.N, c.Yi, c.Vi, c.Sei} {
			used[strings.ToLower(n)] = true
		}
		for _, n := range cols.Cluster {
			used[strings.ToLower(n)] = true
		}
		for _, h := range t.Header {
			if !used[strings.ToLower(h)] {
				cols.Mods = append(cols.Mods, h)
			}
		}
	default:
		cols.Mods = splitList(rf.mods)
		if rf.esID != "" {
			cols.Mods = append(cols.Mods, rf.esID)
		} else if t.ColumnIndex("es_id") >= 0 {
			cols.Mods = append(cols.Mods, "es_id")
		}
	}
	st, err := t.Studies(cols, sopt)
	if err != nil {
		return nil, nil, err
	}
	return st, cols.Cluster, nil
}

// commands lists the alliance command lines that reproduce the report's
// numbers; a flag is used only when this build of the command has it.
func (rf *reportFlags) commands(cmd *cobra.Command, dir string, rep *report.Report) []report.Command {
	root := cmd.Root()
	has := func(sub, flag string) bool {
		c, _, err := root.Find([]string{sub})
		if err != nil || c == nil || c.Name() != sub {
			return false
		}
		return flag == "" || c.Flags().Lookup(flag) != nil
	}
	q := shellQuote
	var out []report.Command
	self := []string{"alliance report"}
	readArgs := rf.readArgs()
	if rf.studies != "" {
		self = append(self, "--studies", q(rf.studies))
	} else if rf.studiesDataset != "" && rf.sessions+rf.sessionsData != "" && !(rf.studiesDataset == reportStudiesDataset && rf.sessionsData == reportSessionsDataset) {
		self = append(self, "--studies-dataset", q(rf.studiesDataset))
	}
	if rf.sessions != "" {
		self = append(self, "--sessions", q(rf.sessions))
	} else if rf.sessionsData != "" && !(rf.studiesDataset == reportStudiesDataset && rf.sessionsData == reportSessionsDataset) {
		self = append(self, "--sessions-dataset", q(rf.sessionsData))
	}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		switch f.Name {
		case "studies", "sessions", "studies-dataset", "sessions-dataset", "force", "delimiter", "decimal", "sheet", "na", "out", "quiet", "format":
			return
		}
		self = append(self, "--"+f.Name, q(f.Value.String()))
	})
	self = append(self, readArgs...)
	self = append(self, "--out", q(dir))
	out = append(out, report.Command{Purpose: "this report (index.html, results.json, figures/)", Line: strings.Join(self, " ")})

	res := rep.Results
	if m := res.Meta; m != nil {
		in := rf.inputArg(rf.studies, rf.studiesDataset)
		base := []string{"alliance meta", in}
		base = append(base, readArgs...)
		c := res.Data.Studies.Roles
		for _, x := range [][2]string{{"r", "r"}, {"n", "n"}, {"yi", "yi"}, {"vi", "vi"}, {"sei", "sei"}, {"label", "study"}} {
			if v := c[x[0]]; v != "" {
				base = append(base, "--"+x[1], q(v))
			}
		}
		if rf.method != "REML" {
			base = append(base, "--method", q(strings.ToUpper(rf.method)))
		}
		if rf.level != 95 {
			base = append(base, "--level", q(strconv.FormatFloat(rf.level, 'g', -1, 64)))
		}
		j := func(parts ...string) string {
			return strings.Join(append(append([]string(nil), base...), parts...), " ")
		}
		main := []string{"--r-code"}
		for _, fl := range []string{"bias", "influence", "leave1out"} {
			if has("meta", fl) {
				main = append(main, "--"+fl)
			}
		}
		for _, fl := range [][2]string{{"forest", "forest.svg"}, {"funnel", "funnel.svg"}, {"baujat", "baujat.svg"}} {
			if has("meta", fl[0]) {
				main = append(main, "--"+fl[0], fl[1])
			}
		}
		out = append(out, report.Command{Purpose: "pooled estimate, heterogeneity, bias tests, influence, metafor code", Line: j(main...)})
		for _, mod := range m.Moderators {
			if mod.Kind == "categorical" {
				out = append(out, report.Command{Purpose: "subgroups by " + mod.Name, Line: j("--subgroup", q(mod.Name))})
			} else {
				extra := []string{"--mods", q(mod.Name)}
				if has("meta", "bubble") {
					extra = append(extra, "--bubble", q("bubble-"+mod.Name+".svg"))
				}
				out = append(out, report.Command{Purpose: "meta-regression on " + mod.Name, Line: j(extra...)})
			}
		}
		if tl := m.ThreeLevel; tl != nil && has("meta", "cluster") {
			cl := c["cluster"]
			spec := cl
			if id := c["effect id"]; id != "" {
				spec += "/" + id
			}
			extra := []string{"--cluster", q(spec)}
			if has("meta", "robust") {
				extra = append(extra, "--robust", q(cl))
			}
			out = append(out, report.Command{Purpose: "three-level model with CR2 robust inference", Line: j(extra...)})
		}
	}
	if s := res.Sessions; s != nil {
		in := rf.inputArg(rf.sessions, rf.sessionsData)
		base := []string{in}
		base = append(base, readArgs...)
		for _, x := range []string{"patient", "therapist", "session", "alliance", "outcome"} {
			if v := res.Data.Sessions.Roles[x]; v != "" && v != x {
				base = append(base, "--"+x, q(v))
			}
		}
		j := func(sub string, parts ...string) string {
			return strings.Join(append(append([]string{"alliance " + sub}, base...), parts...), " ")
		}
		if s.Model != nil && has("sessions", "centring") {
			labels := []string{"--centring", "person"}
			if rf.outcomeLabel != "outcome" {
				labels = append(labels, "--outcome-label", q(rf.outcomeLabel))
			}
			if rf.allianceLbl != "alliance" {
				labels = append(labels, "--alliance-label", q(rf.allianceLbl))
			}
			out = append(out, report.Command{Purpose: "lagged within/between model", Line: j("sessions", append([]string{"--model", "lagged"}, labels...)...)})
			out = append(out, report.Command{Purpose: "concurrent within/between model", Line: j("sessions", append([]string{"--model", "concurrent"}, labels...)...)})
		}
		if s.Ruptures != nil && has("ruptures", "") {
			extra := []string{"--sensitivity"}
			if rf.rupturePreset != "" {
				extra = append(extra, "--preset", q(rf.rupturePreset))
			}
			if rf.higherBetter {
				extra = append(extra, "--better", "higher")
			}
			if p := s.Ruptures.PlotPatient; p != "" {
				extra = append(extra, "--plot", "rupture.svg", "--plot-patient", q(p))
			}
			out = append(out, report.Command{Purpose: "ruptures, repairs, classes, effects, sensitivity", Line: j("ruptures", extra...)})
		}
		rel := strconv.FormatFloat(rf.reliability, 'g', -1, 64)
		if s.Gains != nil && has("gains", "") {
			extra := []string{"--cutoff-from-rci", "--reliability", rel}
			if rf.higherBetter {
				extra = append(extra, "--direction", "losses")
			}
			out = append(out, report.Command{Purpose: "sudden gains", Line: j("gains", extra...)})
		}
		if s.Change != nil && has("change", "") {
			better := "lower"
			if rf.higherBetter {
				better = "higher"
			}
			c := res.Data.Sessions.Roles
			ch := []string{"alliance change", in}
			ch = append(ch, readArgs...)
			ch = append(ch, "--id", q(c["patient"]), "--time", q(c["session"]), "--score", q(c["outcome"]), "--reliability", rel, "--better", better, "--approach", "distribution")
			out = append(out, report.Command{Purpose: "reliable change, first vs last session", Line: strings.Join(ch, " ")})
		}
	}
	return out
}

func (rf *reportFlags) readArgs() []string {
	var a []string
	for _, x := range [][2]string{{"delimiter", rf.delimiter}, {"decimal", rf.decimal}, {"sheet", rf.sheet}, {"na", rf.na}} {
		if x[1] != "" {
			a = append(a, "--"+x[0], shellQuote(x[1]))
		}
	}
	return a
}

func (rf *reportFlags) inputArg(file, dataset string) string {
	if dataset != "" {
		return "--dataset " + shellQuote(dataset)
	}
	return shellQuote(file)
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r == ',' || r == ':' || r == '=' || r == '+' ||
			r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
