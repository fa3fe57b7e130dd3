package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/jsonout"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// rupturesFlags are the flags of 'alliance ruptures'.
type rupturesFlags struct {
	read                     readFlags
	sess                     sessionFlags
	preset                   string
	sensitivity              bool
	method, sdSource, ref    string
	k, threshold, percent    float64
	reliability, rciSD       float64
	window, maxGap           int
	repairWindow             int
	repairFraction           float64
	ruptureItem, resolution  string
	ruptureMin, resolutionMn float64
	lossCutoff               float64
	measure, better          string
	episodes                 bool
	exportEffect, study      string
	plot, plotPatient        string
	preCol, postCol          string
	sessionModel             bool
}

const rupturesDefaultDataset = "demo-sessions"

func newRupturesCmd(e *env) *cobra.Command {
	rf := &rupturesFlags{}
	cmd := &cobra.Command{
		Use:   "ruptures [FILE]",
		Short: "Rupture–repair episodes in session-by-session alliance ratings, patient classes, effects on outcome",
		Long: `Finds ruptures (drops) in each patient's alliance series and their repair
(recovery within --repair-window sessions), classifies patients as no rupture,
repaired or unrepaired, and — when the data hold an outcome column — compares
the classes' pre–post outcome change (mean difference, Hedges' g, point-biserial
r and Fisher z with its variance, ready to pool with 'alliance meta').

Rules (published criteria differ; see --preset and --sensitivity):
  --method sd           drop ≥ k·SD (--k 2; --sd-source sample | within | max; the
                        default, the pooled within-patient SD, recovers the
                        planted episodes of simulated data best: see the
                        analysis/rupture documentation)
  --threshold X         drop ≥ X scale points
  --method percent      drop ≥ --percent P % of the reference
  --method rci          drop beyond 1.96·√2·s·√(1 − r) (--reliability r [--rci-sd s])
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
	f.Float64Var(&rf.threshold, "threshold", math.NaN(), "a drop of at least X scale points (sets --method threshold)")
	f.Float64Var(&rf.percent, "percent", math.NaN(), "percent method: drop in percent of the reference")
	f.Float64Var(&rf.reliability, "reliability", math.NaN(), "rci method: reliability of the alliance measure")
	f.Float64Var(&rf.rciSD, "sd", 0, "rci method: the SD s (default: the SD of all observed scores)")
	f.StringVar(&rf.preCol, "pre", "", "outcome effects: column with each patient's pre-treatment score (default: the first session's outcome)")
	f.StringVar(&rf.postCol, "post", "", "outcome effects: column with each patient's post-treatment score (default: the last session's outcome)")
	f.BoolVar(&rf.sessionModel, "session-model", true, "also fit the session-level mixed model of outcome after repaired and unrepaired ruptures")
	f.Float64Var(&rf.lossCutoff, "loss-cutoff", math.NaN(), "sudden-loss method: absolute criterion in scale points (default: off)")
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
	f.StringVar(&rf.plotPatient, "plot-patient", "", "the patient of --plot (default: the first with a repaired rupture)")
	_ = cmd.RegisterFlagCompletionFunc("preset", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return presetNames, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

type rupturesOutput struct {
	Data string `json:"data"`
	*rupture.Result
	Sensitivity []rupture.SensitivityRow `json:"sensitivity,omitempty"`
	EffectNotes []string                 `json:"effect_notes,omitempty"`
	// SessionModel is the session-level mixed model of the outcome after
	// repaired and unrepaired ruptures.
	SessionModel *rupture.SessionModelResult `json:"session_model,omitempty"`
}

func runRuptures(e *env, cmd *cobra.Command, rf *rupturesFlags, args []string) error {
	if err := checkFigurePath("--plot", rf.plot); err != nil {
		return err
	}
	src, err := rf.read.load(e, args, rupturesDefaultDataset)
	if err != nil {
		return err
	}
	sess, err := rf.sess.load(src.table, "alliance", datasets.SessionOptions{RequireAlliance: true})
	if err != nil {
		return err
	}
	series, outcomes, err := ruptureSeries(sess, rf)
	if err != nil {
		return err
	}
	name := sess.Name
	if src.embedded != nil {
		name = src.embedded.Name
	}
	out := rupturesOutput{Data: name}
	var res *rupture.Result
	switch {
	case rf.preset != "":
		for _, f := range []string{"method", "k", "sd-source", "reference", "window", "threshold", "percent", "reliability", "sd", "loss-cutoff", "max-gap", "repair-window", "repair-fraction", "rupture-min", "resolution-min"} {
			if cmd.Flags().Changed(f) {
				return usagef("--preset %s fixes the rupture rule; drop --%s, or give the rule's flags without --preset", rf.preset, f)
			}
		}
		res, err = rupture.AnalyzePreset(series, rf.preset)
	default:
		o, oerr := ruptureOptions(cmd, rf)
		if oerr != nil {
			return oerr
		}
		res, err = rupture.Analyze(series, o)
	}
	if err != nil {
		return usageError{err}
	}
	out.Result = res
	if outcomes != nil && (rf.preCol != "" || rf.postCol != "") {
		if err := prePostColumns(src, sess, rf, outcomes); err != nil {
			return err
		}
	}
	if outcomes != nil {
		eo := rupture.DefaultEffectOptions()
		eo.Measure = rupture.OutcomeMeasure(strings.ToLower(rf.measure))
		eo.Better = rupture.Better(strings.ToLower(rf.better))
		er, err := res.Estimate(outcomes, eo)
		if err != nil {
			return usageError{err}
		}
		out.EffectNotes = er.Notes
		if rf.sessionModel {
			rows := make([]rupture.SessionRow, sess.Len())
			for i := range rows {
				rows[i] = rupture.SessionRow{Patient: sess.Patient.Value(i), Session: sess.Session[i], Outcome: sess.Outcome[i]}
				if sess.Therapist.Codes != nil {
					rows[i].Therapist = sess.Therapist.Value(i)
				}
			}
			sm, err := rupture.SessionModel(res, rows, eo.Level)
			if err != nil {
				out.EffectNotes = append(out.EffectNotes, "session-level model not fitted: "+err.Error())
			} else {
				out.SessionModel = sm
			}
		}
	}
	if rf.sensitivity {
		rows, err := rupture.Sensitivity(series, nil)
		if err != nil {
			return usageError{err}
		}
		out.Sensitivity = rows
	}
	if rf.plot != "" {
		fig, err := ruptureFigure(series, res, rf.plotPatient)
		if err := e.saveFigure(fig, err, rf.plot); err != nil {
			return err
		}
	}
	if rf.exportEffect != "" {
		if err := exportRuptureEffect(e, rf, res, name); err != nil {
			return err
		}
	}
	return e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, out)
		case "csv":
			return episodeTable(res.Episodes).csv(w)
		}
		return renderRuptures(w, e.format, &out, rf.episodes)
	})
}

// ruptureSeries builds one alliance series per patient (and, when the data
// hold an outcome, the first and last observed outcome of each patient).
func ruptureSeries(sess *datasets.Sessions, rf *rupturesFlags) ([]rupture.Series, []rupture.Outcome, error) {
	var ritem, resitem []float64
	var err error
	if rf.ruptureItem != "" {
		if ritem, err = sessionScore(sess, rf.ruptureItem); err != nil {
			return nil, nil, err
		}
	}
	if rf.resolution != "" {
		if resitem, err = sessionScore(sess, rf.resolution); err != nil {
			return nil, nil, err
		}
	}
	var therapist []string
	if sess.Therapist.Codes != nil {
		therapist = sess.Therapist.Strings()
	}
	series, outcomes := rupture.SeriesFromRows(sess.Patient.Strings(), therapist, sess.Session, sess.Alliance, sess.Outcome)
	if ritem != nil || resitem != nil {
		// The post-session items, row by row in each patient's series.
		index := make(map[string]int, len(series))
		for k, s := range series {
			index[s.Patient] = k
		}
		for i := 0; i < sess.Len(); i++ {
			s := &series[index[sess.Patient.Value(i)]]
			if ritem != nil {
				s.Rupture = append(s.Rupture, ritem[i])
			}
			if resitem != nil {
				s.Resolution = append(s.Resolution, resitem[i])
			}
		}
	}
	return series, outcomes, nil
}

// ruptureOptions turns the flags into detection options.
func ruptureOptions(cmd *cobra.Command, rf *rupturesFlags) (rupture.Options, error) {
	o := rupture.DefaultOptions()
	m, err := rupture.ParseMethod(strings.ToLower(rf.method))
	if err != nil {
		return o, usageError{err}
	}
	if !math.IsNaN(rf.threshold) {
		if cmd.Flags().Changed("method") && m != rupture.MethodThreshold {
			return o, usagef("--threshold sets --method threshold; it cannot be combined with --method %s", m)
		}
		m, o.Threshold = rupture.MethodThreshold, rf.threshold
	}
	o.Method = m
	if !math.IsNaN(rf.percent) {
		if cmd.Flags().Changed("method") && m != rupture.MethodPercent {
			return o, usagef("--percent sets --method percent; it cannot be combined with --method %s", m)
		}
		o.Method, o.Percent = rupture.MethodPercent, rf.percent
		m = o.Method
	}
	if m == rupture.MethodRCI {
		if math.IsNaN(rf.reliability) {
			return o, usagef("--method rci needs --reliability (e.g. .9)")
		}
		o.Reliability, o.RCISD = rf.reliability, rf.rciSD
	}
	if m == rupture.MethodPercent && math.IsNaN(rf.percent) {
		return o, usagef("--method percent needs --percent P (e.g. 20)")
	}
	if m == rupture.MethodSelfReport && rf.ruptureItem == "" {
		return o, usagef("--method self-report needs --rupture-item COLUMN")
	}
	if m == rupture.MethodSuddenLoss && !math.IsNaN(rf.lossCutoff) {
		o.SuddenLoss.NoCutoff, o.SuddenLoss.Cutoff = false, math.Abs(rf.lossCutoff)
	}
	o.K = rf.k
	if o.SDSource, err = rupture.ParseSDSource(strings.ToLower(rf.sdSource)); err != nil {
		return o, usageError{err}
	}
	if o.Reference, err = rupture.ParseReference(strings.ToLower(rf.ref)); err != nil {
		return o, usageError{err}
	}
	o.Window, o.MaxGap = rf.window, rf.maxGap
	o.RepairWindow, o.RepairFraction = rf.repairWindow, rf.repairFraction
	o.RuptureMin, o.ResolutionMin = rf.ruptureMin, rf.resolutionMn
	return o, nil // validated by rupture.Analyze once the sample SDs are known
}

// prePostColumns replaces each patient's first/last-session outcome by the
// patient's values of the --pre and --post columns (the first non-missing
// value of the patient's rows).
func prePostColumns(src source, sess *datasets.Sessions, rf *rupturesFlags, outcomes []rupture.Outcome) error {
	tc := &tableColumns{t: src.table}
	var pre, post []float64
	if rf.preCol != "" {
		pre = tc.numeric(rf.preCol, "--pre")
	}
	if rf.postCol != "" {
		post = tc.numeric(rf.postCol, "--post")
	}
	if err := tc.err(); err != nil {
		return err
	}
	row := make(map[int]int, src.table.NumRows())
	for i, l := range src.table.Lines() {
		row[l] = i
	}
	index := make(map[string]int, len(outcomes))
	for k, o := range outcomes {
		index[o.Patient] = k
	}
	set := map[string]bool{}
	for i := 0; i < sess.Len(); i++ {
		k := index[sess.Patient.Value(i)]
		j, ok := row[sess.Line[i]]
		if !ok {
			return usagef("--pre/--post need long data (one row per session)")
		}
		if pre != nil && !set["pre"+outcomes[k].Patient] {
			outcomes[k].Pre = math.NaN()
		}
		if post != nil && !set["post"+outcomes[k].Patient] {
			outcomes[k].Post = math.NaN()
		}
		set["pre"+outcomes[k].Patient], set["post"+outcomes[k].Patient] = true, true
		if pre != nil && math.IsNaN(outcomes[k].Pre) {
			outcomes[k].Pre = pre[j]
		}
		if post != nil && math.IsNaN(outcomes[k].Post) {
			outcomes[k].Post = post[j]
		}
	}
	return nil
}

// exportRuptureEffect writes the repaired-vs-unrepaired contrast as a
// study row that 'alliance meta' reads (study, ri, ni, yi, vi): a new file
// with a header, or a row appended to an existing study table with that
// header, so that effects of several studies can be collected and pooled.
func exportRuptureEffect(e *env, rf *rupturesFlags, res *rupture.Result, name string) error {
	var eff *rupture.Effect
	for i := range res.Effects {
		if res.Effects[i].Group1 == rupture.ClassRepaired && res.Effects[i].Group2 == rupture.ClassUnrepaired {
			eff = &res.Effects[i]
		}
	}
	if eff == nil || eff.R.IsNA() {
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

func episodeTable(eps []rupture.Episode) *table {
	t := &table{
		Columns: []string{"patient", "therapist", "episode", "session", "reference", "score", "drop", "drop_sd", "depth", "threshold", "repaired", "repair_session"},
		Right:   []bool{false, false, true, true, true, true, true, true, true, true, false, true},
	}
	for _, ep := range eps {
		f := func(x rupture.Float) string { return fnum(float64(x)) }
		rs := ""
		if ep.RepairSession.Valid {
			rs = strconv.Itoa(ep.RepairSession.V)
		}
		t.Rows = append(t.Rows, []string{ep.Patient, ep.Therapist, strconv.Itoa(ep.Index), strconv.Itoa(ep.Session), f(ep.Reference), f(ep.Score), f(ep.Drop), f(ep.DropSD), f(ep.Depth), f(ep.Threshold), strconv.FormatBool(ep.Repaired), rs})
	}
	return t
}

func renderRuptures(w io.Writer, format string, o *rupturesOutput, listEpisodes bool) error {
	r := o.Result
	s := r.Summary
	rule := string(r.Options.Method)
	if r.Preset != "" {
		rule = "preset " + r.Preset
	}
	head := fmt.Sprintf("Rupture–repair episodes — %s (%s)", o.Data, rule)
	if format == "markdown" {
		fmt.Fprintf(w, "## %s\n\n", head)
	} else {
		fmt.Fprintf(w, "%s\n\n", head)
	}
	fmt.Fprintf(w, "%d of %d assessable patients (%s%%) had at least one rupture: %d episodes (%s per 100 sessions), %d repaired (%s%%), mean drop %s points.\n\n",
		s.WithRupture, s.Assessable, num(100*float64(s.RuptureRate), 1), s.Episodes, num(float64(s.EpisodesPer100), 2), s.Repaired, num(100*float64(s.RepairRate), 1), num(float64(s.MeanDrop), 2))
	t := &table{Title: "Patient classes", Columns: []string{"class", "n", "percent"}, Right: []bool{false, true, true}}
	for _, c := range s.Classes {
		p := ""
		if !c.Percent.IsNA() {
			p = num(float64(c.Percent), 1) + "%"
		}
		t.Rows = append(t.Rows, []string{string(c.Class), strconv.Itoa(c.N), p})
	}
	if err := t.render(w, format); err != nil {
		return err
	}
	if len(r.ClassOutcomes) > 0 {
		fmt.Fprintln(w)
		c := &table{Title: "Outcome by class", Columns: []string{"class", "n", "pre M (SD)", "post M (SD)", "change M (SD)"}, Right: []bool{false, true, true, true, true}}
		ms := func(m, sd rupture.Float) string {
			if m.IsNA() {
				return ""
			}
			return num(float64(m), 2) + " (" + num(float64(sd), 2) + ")"
		}
		for _, x := range r.ClassOutcomes {
			c.Rows = append(c.Rows, []string{string(x.Class), strconv.Itoa(x.N), ms(x.MeanPre, x.SDPre), ms(x.MeanPost, x.SDPost), ms(x.MeanChange, x.SDChange)})
		}
		if err := c.render(w, format); err != nil {
			return err
		}
	}
	if len(r.Effects) > 0 {
		fmt.Fprintln(w)
		t := &table{
			Title:   "Effects on outcome (positive = first group did better)",
			Columns: []string{"contrast", "n1", "n2", "difference", "p", "g [95% CI]", "r [95% CI]", "yi (z)", "vi"},
			Right:   []bool{false, true, true, true, true, false, false, true, true},
		}
		for _, x := range r.Effects {
			if x.G.IsNA() {
				t.Rows = append(t.Rows, []string{x.Contrast, strconv.Itoa(x.N1), strconv.Itoa(x.N2), "", "", x.Note, "", "", ""})
				continue
			}
			t.Rows = append(t.Rows, []string{x.Contrast, strconv.Itoa(x.N1), strconv.Itoa(x.N2), num(float64(x.Diff), 2), pcell(float64(x.P)),
				num(float64(x.G), 2) + " [" + num(float64(x.CILB), 2) + ", " + num(float64(x.CIUB), 2) + "]",
				apa.NoZero(float64(x.R), 2) + " [" + apa.NoZero(float64(x.RCILB), 2) + ", " + apa.NoZero(float64(x.RCIUB), 2) + "]",
				num(float64(x.YI), 4), num(float64(x.VI), 4)})
		}
		for _, n := range o.EffectNotes {
			t.Notes = append(t.Notes, "Note. "+n)
		}
		if err := t.render(w, format); err != nil {
			return err
		}
	}
	if sm := o.SessionModel; sm != nil {
		fmt.Fprintf(w, "\nSession-level model: %s\nReading: %s\n", sm.Formula, sm.Text)
	}
	if len(o.Sensitivity) > 0 {
		fmt.Fprintln(w)
		t := &table{
			Title:   "Sensitivity to the rupture criterion",
			Columns: []string{"preset", "method", "episodes", "repaired", "none", "repaired class", "unrepaired class", "rupture rate"},
			Right:   []bool{false, false, true, true, true, true, true, true},
		}
		for _, x := range o.Sensitivity {
			if x.Error != "" {
				t.Rows = append(t.Rows, []string{x.Preset, string(x.Method), "", "", "", "", "", x.Error})
				continue
			}
			t.Rows = append(t.Rows, []string{x.Preset, string(x.Method), strconv.Itoa(x.Episodes), strconv.Itoa(x.Repaired), strconv.Itoa(x.None), strconv.Itoa(x.RepairedClass), strconv.Itoa(x.Unrepaired), num(100*float64(x.RuptureRate), 1) + "%"})
		}
		if err := t.render(w, format); err != nil {
			return err
		}
	}
	if listEpisodes {
		fmt.Fprintln(w)
		t := episodeTable(r.Episodes)
		t.Title = "Episodes"
		if err := t.render(w, format); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nRupture criteria differ between studies and change the counts (Gumz et al. 2012); report the rule used and check --sensitivity.\n")
	return nil
}
