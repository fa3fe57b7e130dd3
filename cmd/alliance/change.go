package main

import (
	"fmt"
	"github.com/alliance-research/alliance/analysis/jsonout"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/spf13/cobra"
)

// changeFlags are the flags of 'alliance change'.
type changeFlags struct {
	read                       readFlags
	pre, post                  string // wide: column names; long: time values
	id, time, score, group     string
	approach, method, better   string
	reliability, reliabilityPo float64
	level                      float64
	cutoffType                 string
	mFunc, sdFunc              float64
	mClin, sdClin              float64
	bFunctionalSD              bool
	pctImprove, pctDeteriorate float64
	persons                    bool
	plot                       string
}

const changeDefaultDataset = "claus2020"

func newChangeCmd(e *env) *cobra.Command {
	cf := &changeFlags{}
	cmd := &cobra.Command{
		Use:   "change [FILE]",
		Short: "Reliable change and clinically significant change (Jacobson & Truax; clinicalsignificance)",
		Long: `Classifies each patient's pre–post change as recovered, improved, unchanged,
deteriorated or harmed, as the R package clinicalsignificance does:

  --approach distribution   reliable change only (RCI methods JT, GLN, HLL, EN, NK, HA)
  --approach combined       reliable change and a clinical cutoff (a, b or c)
  --approach statistical    the cutoff only
  --approach percentage     a percentage change criterion

Data: long (one row per patient and time point: --id, --time, --score, with
--pre and --post naming the two time values; default first and last row of
each patient) or wide (one row per patient: --pre and --post name two
columns, give --wide).

Without FILE the embedded claus2020 data are analysed as clinicalsignificance's
documented example: cs_combined(claus_2020, id, time, hamd, pre = 1, post = 4,
reliability = 0.8, m_functional = 8, sd_functional = 8, cutoff_type = "c").`,
		Example: `  alliance change                                  # embedded example
  alliance change outcomes.csv --id patient --time session --score phq9 --pre 1 --post 12 --reliability .84 --approach combined --cutoff-type a
  alliance change prepost.csv --wide --pre bdi_pre --post bdi_post --reliability .9 --better lower`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runChange(e, cmd, cf, args)
		},
	}
	f := cmd.Flags()
	cf.read.register(cmd, changeDefaultDataset)
	f.StringVar(&cf.id, "id", "", "patient id column (default: id, patient or subject)")
	f.StringVar(&cf.time, "time", "", "long data: time column (default: time or session)")
	f.StringVar(&cf.score, "score", "", "long data: outcome column (default: outcome or score)")
	f.StringVar(&cf.pre, "pre", "", "long: the time value of the pre measurement; wide: the pre column")
	f.StringVar(&cf.post, "post", "", "long: the time value of the post measurement; wide: the post column")
	f.Bool("wide", false, "one row per patient with --pre and --post columns")
	f.StringVar(&cf.group, "group", "", "column with a group label (e.g. treatment) for group summaries")
	f.StringVar(&cf.approach, "approach", "", "distribution, combined, statistical or percentage (default: combined when functional norms are given, else distribution)")
	f.StringVar(&cf.method, "method", "JT", "reliable change index: JT, GLN, HLL, EN, NK or HA")
	f.StringVar(&cf.better, "better", "lower", "which direction is improvement: lower or higher scores")
	f.Float64Var(&cf.reliability, "reliability", math.NaN(), "reliability of the measure (test–retest or alpha), between 0 and 1")
	f.Float64Var(&cf.reliabilityPo, "reliability-post", 0, "NK: reliability of the post measurement (default: --reliability)")
	f.Float64Var(&cf.level, "significance", 0.05, "significance level of the reliable change criterion")
	f.StringVar(&cf.cutoffType, "cutoff-type", "a", "clinical cutoff: a (2 SD beyond the clinical mean), b (2 SD within the functional mean), c (between the two)")
	f.Float64Var(&cf.mFunc, "m-functional", math.NaN(), "mean of the functional (non-clinical) population")
	f.Float64Var(&cf.sdFunc, "sd-functional", math.NaN(), "SD of the functional population")
	f.Float64Var(&cf.mClin, "m-clinical", math.NaN(), "mean of the clinical population (default: the mean of the pre scores)")
	f.Float64Var(&cf.sdClin, "sd-clinical", math.NaN(), "SD of the clinical population (default: the SD of the pre scores)")
	f.BoolVar(&cf.bFunctionalSD, "b-functional-sd", false, "cutoff b with the functional SD, as Jacobson & Truax (1991) define it (clinicalsignificance uses the clinical SD)")
	f.Float64Var(&cf.pctImprove, "pct-improvement", math.NaN(), "percentage approach: proportion of change that counts as improvement (e.g. .5)")
	f.Float64Var(&cf.pctDeteriorate, "pct-deterioration", 0, "percentage approach: proportion that counts as deterioration (default: --pct-improvement)")
	f.StringVar(&cf.plot, "plot", "", "write the Jacobson–Truax plot (pre vs post, reliable-change band, cut-off) to `FILE` (.png, .svg, .pdf)")
	f.BoolVar(&cf.persons, "persons", false, "list every patient (text and Markdown; JSON and CSV always do)")
	return cmd
}

// changeResult is the JSON document of 'alliance change'.
type changeResult struct {
	Data string `json:"data"`
	*change.Result
}

func runChange(e *env, cmd *cobra.Command, cf *changeFlags, args []string) error {
	wide, _ := cmd.Flags().GetBool("wide")
	if err := checkFigurePath("--plot", cf.plot); err != nil {
		return err
	}
	if len(args) == 0 && cf.read.dataset == "" {
		// The documented example of clinicalsignificance on claus_2020.
		set := func(name, val string) {
			if !cmd.Flags().Changed(name) {
				_ = cmd.Flags().Set(name, val)
			}
		}
		set("score", "hamd")
		set("pre", "1")
		set("post", "4")
		set("reliability", "0.8")
		set("m-functional", "8")
		set("sd-functional", "8")
		set("cutoff-type", "c")
		e.infof("alliance: example settings: --score hamd --pre 1 --post 4 --reliability 0.8 --m-functional 8 --sd-functional 8 --cutoff-type c")
	}
	src, err := cf.read.load(e, args, changeDefaultDataset)
	if err != nil {
		return err
	}
	if strings.EqualFold(cf.method, "HLM") {
		return runChangeHLM(e, cmd, cf, src, wide)
	}
	pairs, err := changePairs(src, cf, wide)
	if err != nil {
		return err
	}
	better := change.Lower
	switch strings.ToLower(cf.better) {
	case "lower":
	case "higher":
		better = change.Higher
	default:
		return usagef("--better %q: give lower or higher", cf.better)
	}
	hasNorms := !math.IsNaN(cf.mFunc) || !math.IsNaN(cf.sdFunc)
	approach := strings.ToLower(cf.approach)
	if approach == "" {
		approach = "distribution"
		if hasNorms {
			approach = "combined"
		}
	}
	var res *change.Result
	if approach == "percentage" {
		if math.IsNaN(cf.pctImprove) {
			return usagef("--approach percentage needs --pct-improvement (e.g. .5)")
		}
		res, err = change.Percentage(pairs, cf.pctImprove, cf.pctDeteriorate, better)
	} else {
		if math.IsNaN(cf.reliability) && approach != "statistical" {
			return usagef("give the measure's --reliability (e.g. .8): the reliable change index needs it")
		}
		method, err := change.ParseRCIMethod(cf.method)
		if err != nil {
			return usageError{err}
		}
		o := change.RCIOptions{Method: method, Reliability: cf.reliability, ReliabilityPost: cf.reliabilityPo, Better: better, SignificanceLevel: cf.level}
		if math.IsNaN(o.Reliability) {
			o.Reliability = 0
		}
		n, err := cf.norms()
		if err != nil {
			return err
		}
		if !math.IsNaN(cf.mClin) || !math.IsNaN(cf.sdClin) {
			if math.IsNaN(cf.mClin) || math.IsNaN(cf.sdClin) {
				return usagef("give both --m-clinical and --sd-clinical, or neither (then the pre scores' mean and SD are used)")
			}
			n.ClinicalNorms, n.MClinical, n.SDClinical = true, cf.mClin, cf.sdClin
		}
		switch approach {
		case "distribution":
			res, err = change.Distribution(pairs, o)
		case "combined":
			res, err = change.Combined(pairs, o, n)
		case "statistical":
			res, err = change.Statistical(pairs, o, n)
		default:
			return usagef("--approach %q: give distribution, combined, statistical or percentage", cf.approach)
		}
		if err != nil {
			return usageError{err}
		}
	}
	if err != nil {
		return usageError{err}
	}
	name := src.table.Name
	if src.embedded != nil {
		name = src.embedded.Name
	}
	out := changeResult{Data: name, Result: res}
	if cf.plot != "" {
		label := cf.score
		if cf.pre != "" && wide {
			label = "Score"
		}
		fig, err := changeFigure(res, label)
		if err := e.saveFigure(fig, err, cf.plot); err != nil {
			return err
		}
	}
	return e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, out)
		case "csv":
			return changePersonsTable(res).csv(w)
		}
		return renderChange(w, e.format, &out, cf.persons)
	})
}

// norms reads the functional norms and the cutoff type from the flags.
func (cf *changeFlags) norms() (change.Norms, error) {
	n := change.Norms{MFunctional: cf.mFunc, SDFunctional: cf.sdFunc, BFunctionalSD: cf.bFunctionalSD}
	switch strings.ToLower(cf.cutoffType) {
	case "a":
		n.Type = change.CutoffA
	case "b":
		n.Type = change.CutoffB
	case "c":
		n.Type = change.CutoffC
	default:
		return n, usagef("--cutoff-type %q: give a, b or c", cf.cutoffType)
	}
	return n, nil
}

// runChangeHLM classifies change by the HLM method, which uses every wave of
// long data (clinicalsignificance's rci_method = "HLM").
func runChangeHLM(e *env, cmd *cobra.Command, cf *changeFlags, src source, wide bool) error {
	if wide {
		return usagef("--method HLM needs long data with every measurement (patient, time, score), not --wide pre/post columns")
	}
	tc := &tableColumns{t: src.table}
	idCol := cf.id
	if idCol == "" {
		idCol = tc.firstOf("id", "patient", "subject")
	}
	timeCol := cf.time
	if timeCol == "" {
		timeCol = tc.firstOf("time", "session", "wave")
	}
	scoreCol := cf.score
	if scoreCol == "" {
		scoreCol = tc.firstOf("outcome", "score")
	}
	if idCol == "" || timeCol == "" || scoreCol == "" {
		return usagef("%s: --method HLM needs the patient (--id), time (--time) and score (--score) columns", src.table.Name)
	}
	d := change.Long{Patient: tc.text(idCol, "--id"), Time: tc.numeric(timeCol, "--time"), Score: tc.numeric(scoreCol, "--score")}
	if cf.group != "" {
		d.Group = tc.text(cf.group, "--group")
	}
	if err := tc.err(); err != nil {
		return err
	}
	better := change.Lower
	if strings.EqualFold(cf.better, "higher") {
		better = change.Higher
	}
	o := change.RCIOptions{Method: change.HLM, Better: better, SignificanceLevel: cf.level}
	approach := strings.ToLower(cf.approach)
	hasNorms := !math.IsNaN(cf.mFunc) || !math.IsNaN(cf.sdFunc)
	var res *change.Result
	var err error
	switch {
	case approach == "combined" || (approach == "" && hasNorms):
		n, nerr := cf.norms()
		if nerr != nil {
			return nerr
		}
		res, err = change.HLMCombined(d, o, n)
	case approach == "" || approach == "distribution":
		res, err = change.HLMDistribution(d, o)
	default:
		return usagef("--method HLM works with --approach distribution or combined")
	}
	if err != nil {
		return analysisOrInput(err)
	}
	if cmd.Flags().Changed("pre") || cmd.Flags().Changed("post") {
		e.infof("alliance: --method HLM uses every measurement; --pre and --post are not used (pre and post are each patient's first and last complete score)")
	}
	name := src.table.Name
	if src.embedded != nil {
		name = src.embedded.Name
	}
	out := changeResult{Data: name, Result: res}
	return e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, out)
		case "csv":
			return changePersonsTable(res).csv(w)
		}
		return renderChange(w, e.format, &out, cf.persons)
	})
}

// changePairs builds one (pre, post) pair per patient from wide or long data.
func changePairs(src source, cf *changeFlags, wide bool) ([]change.Pair, error) {
	tc := &tableColumns{t: src.table}
	idCol := cf.id
	if idCol == "" {
		idCol = tc.firstOf("id", "patient", "subject")
	}
	var ids, groups []string
	if idCol != "" {
		ids = tc.text(idCol, "--id")
	}
	if cf.group != "" {
		groups = tc.text(cf.group, "--group")
	}
	if wide {
		if cf.pre == "" || cf.post == "" {
			return nil, usagef("--wide needs --pre COLUMN and --post COLUMN")
		}
		pre := tc.numeric(cf.pre, "--pre")
		post := tc.numeric(cf.post, "--post")
		if err := tc.err(); err != nil {
			return nil, err
		}
		pairs := make([]change.Pair, len(pre))
		for i := range pre {
			id := strconv.Itoa(i + 1)
			if ids != nil {
				id = ids[i]
			}
			pairs[i] = change.Pair{ID: id, Pre: pre[i], Post: post[i]}
			if groups != nil {
				pairs[i].Group = groups[i]
			}
		}
		return pairs, nil
	}
	if idCol == "" {
		return nil, usagef("%s: no patient id column (id, patient or subject); name it with --id, or give --wide for one row per patient", src.table.Name)
	}
	timeCol := cf.time
	if timeCol == "" {
		timeCol = tc.firstOf("time", "session", "wave")
	}
	scoreCol := cf.score
	if scoreCol == "" {
		scoreCol = tc.firstOf("outcome", "score")
		if scoreCol == "" {
			return nil, usagef("%s: name the outcome column with --score", src.table.Name)
		}
	}
	scores := tc.numeric(scoreCol, "--score")
	var times []string
	if timeCol != "" {
		times = tc.text(timeCol, "--time")
	}
	if err := tc.err(); err != nil {
		return nil, err
	}
	if (cf.pre == "") != (cf.post == "") {
		return nil, usagef("give both --pre and --post time values, or neither (first and last row of each patient)")
	}
	if cf.pre != "" && times == nil {
		return nil, usagef("--pre/--post name time values, but there is no time column; name it with --time")
	}
	index := map[string]int{}
	var pairs []change.Pair
	rows := map[int][]int{} // without --pre/--post: each patient's rows
	for i, id := range ids {
		if id == "" {
			return nil, usagef("%s:%d: missing patient id", src.table.Name, src.table.Line(i))
		}
		k, ok := index[id]
		if !ok {
			k = len(pairs)
			index[id] = k
			pairs = append(pairs, change.Pair{ID: id, Pre: math.NaN(), Post: math.NaN()})
			if groups != nil {
				pairs[k].Group = groups[i]
			}
		}
		switch {
		case cf.pre != "" && times[i] == cf.pre:
			if !math.IsNaN(pairs[k].Pre) {
				return nil, usagef("%s:%d: patient %q has a second %s = %s row", src.table.Name, src.table.Line(i), id, timeCol, cf.pre)
			}
			pairs[k].Pre = scores[i]
		case cf.pre != "" && times[i] == cf.post:
			if !math.IsNaN(pairs[k].Post) {
				return nil, usagef("%s:%d: patient %q has a second %s = %s row", src.table.Name, src.table.Line(i), id, timeCol, cf.post)
			}
			pairs[k].Post = scores[i]
		case cf.pre == "":
			rows[k] = append(rows[k], i)
		}
	}
	if cf.pre == "" {
		// First and last observed score of each patient, in time order when
		// the time column is numeric (file order otherwise).
		var tnum []float64
		if times != nil {
			if c, err := src.table.Column(timeCol); err == nil && c.IsNumeric() {
				tnum, _ = c.Floats()
			}
		}
		for k, idx := range rows {
			if tnum != nil {
				sort.SliceStable(idx, func(a, b int) bool { return tnum[idx[a]] < tnum[idx[b]] })
			}
			var obs []int
			for _, i := range idx {
				if !math.IsNaN(scores[i]) {
					obs = append(obs, i)
				}
			}
			if len(obs) >= 1 {
				pairs[k].Pre = scores[obs[0]]
			}
			if len(obs) >= 2 {
				pairs[k].Post = scores[obs[len(obs)-1]]
			}
		}
	}
	return pairs, nil
}

func changePersonsTable(r *change.Result) *table {
	t := &table{
		Columns: []string{"id", "group", "pre", "post", "change", "rci", "category"},
		Right:   []bool{false, false, true, true, true, true, false},
	}
	for _, p := range r.Persons {
		t.Rows = append(t.Rows, []string{p.ID, p.Group, fnum(float64(p.Pre)), fnum(float64(p.Post)), fnum(float64(p.Change)), fnum(float64(p.RCI)), string(p.Category)})
	}
	return t
}

// fnum formats a value for CSV/tables with full precision ("" for NaN).
func fnum(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func renderChange(w io.Writer, format string, o *changeResult, persons bool) error {
	r := o.Result
	md := format == "markdown"
	title := fmt.Sprintf("Clinically significant change — %s approach", r.Approach)
	if r.Method != "" {
		title += fmt.Sprintf(", RCI %s", r.Method)
	}
	if md {
		fmt.Fprintf(w, "## %s — %s\n\n", title, o.Data)
	} else {
		fmt.Fprintf(w, "%s — %s\n\n", title, o.Data)
	}
	fmt.Fprintf(w, "%d of %d patients have both scores; better is %s.", r.NUsed, r.NOriginal, r.Better)
	if !r.Reliability.IsNA() {
		fmt.Fprintf(w, " Reliability %s, critical value %s", num(float64(r.Reliability), 2), num(float64(r.CriticalValue), 3))
		if !r.SDiff.IsNA() {
			fmt.Fprintf(w, ", S_diff = %s (a change of at least %s points is reliable)", num(float64(r.SDiff), 3), num(float64(r.SDiff)*float64(r.CriticalValue), 2))
		}
		fmt.Fprint(w, ".")
	}
	if r.Cutoff != nil {
		fmt.Fprintf(w, " Cutoff %s = %s.", r.Cutoff.Type, num(float64(r.Cutoff.Value), 2))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w)
	t := &table{Title: "Categories", Columns: []string{"category", "n", "percent"}, Right: []bool{false, true, true}}
	for _, c := range r.Summary {
		t.Rows = append(t.Rows, []string{string(c.Category), strconv.Itoa(c.N), num(100*float64(c.Percent), 1) + "%"})
	}
	if err := t.render(w, format); err != nil {
		return err
	}
	if len(r.Groups) > 0 {
		fmt.Fprintln(w)
		g := &table{Title: "By group", Columns: []string{"group", "category", "n", "percent of group"}, Right: []bool{false, false, true, true}}
		for _, c := range r.Groups {
			g.Rows = append(g.Rows, []string{c.Group, string(c.Category), strconv.Itoa(c.N), num(100*float64(c.PercentByGroup), 1) + "%"})
		}
		if err := g.render(w, format); err != nil {
			return err
		}
	}
	if persons {
		fmt.Fprintln(w)
		p := changePersonsTable(r)
		p.Title = "Patients"
		if err := p.render(w, format); err != nil {
			return err
		}
	}
	if len(r.Summary) > 0 {
		best := r.Summary[0]
		for _, c := range r.Summary {
			if c.N > best.N {
				best = c
			}
		}
		fmt.Fprintf(w, "\n%s of the %d patients (%s%%) are classified as %s.\n", strconv.Itoa(best.N), r.NUsed, num(100*float64(best.Percent), 1), best.Category)
	}
	return nil
}
