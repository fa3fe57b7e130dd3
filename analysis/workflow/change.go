package workflow

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/datasets"
)

// ChangeOptions are every choice of a reliable-change and clinical
// significance analysis (clinicalsignificance's cs_distribution,
// cs_combined, cs_statistical, cs_percentage). The zero value, with a
// Reliability, is cs_distribution with the JT index on long data, each
// patient's first and last observed score, lower scores better.
type ChangeOptions struct {
	// Patient, Time, Score and Group are column names (empty: the first of
	// id, patient, subject; time, session, wave; outcome, score; no group).
	Patient, Time, Score, Group string
	// Wide: one row per patient, Pre and Post name the two columns. In long
	// data Pre and Post are the time values of the two measurements
	// (both empty: each patient's first and last observed score).
	Wide      bool
	Pre, Post string
	// WideColumns, when set, are the pre and post columns of wide data in
	// one list (it sets Wide, Pre and Post): exactly two names.
	WideColumns []string

	// Approach is distribution, combined, statistical or percentage
	// (default: combined when functional norms are given, else
	// distribution). Method is the RCI: JT (default), GLN, HLL, EN, NK, HA
	// or HLM (a growth model of every measurement of long data).
	Approach, Method string
	// HigherBetter: higher scores are improvement (default: lower).
	HigherBetter bool
	// Reliability of the measure (required but for the statistical and
	// percentage approaches); ReliabilityPost NK's post reliability;
	// ReliabilitySource says where the reliability comes from (shown in
	// the methods text).
	Reliability, ReliabilityPost *float64
	ReliabilitySource            string
	// Level is the confidence level of the reliable-change criterion
	// (default .95: |RCI| > 1.96), i.e. significance level 1 − Level.
	Level float64
	// Significance, when set, is the significance level instead: Level is
	// 1 − Significance (give one of the two).
	Significance *float64
	// CutoffType a (default), b or c; MFunctional and SDFunctional the
	// functional population; MClinical and SDClinical the clinical one
	// (default: the pre scores); BFunctionalSD cutoff b with the
	// functional SD as Jacobson & Truax (1991).
	CutoffType                string
	MFunctional, SDFunctional *float64
	MClinical, SDClinical     *float64
	BFunctionalSD             bool
	// PctImprovement and PctDeterioration (percentage approach; the
	// latter defaults to the former).
	PctImprovement, PctDeterioration *float64
	// Persons lists every patient in the section.
	Persons bool
	// Label names the score in sentences and figure axes (default: the
	// score column, or "score").
	Label string

	// PatientsTo, when set, receives the per-patient table (the columns of
	// Tidy) of ChangeFile, written as the file is read; the JSON and text
	// list the patients only up to ListLimit.
	PatientsTo io.Writer
	// Progress, when set, is called now and then with the rows read and
	// the patients done (ChangeFile).
	Progress func(rows, patients int)
	// KeepPersons keeps every patient's classification in memory when a
	// file is streamed (for the Jacobson–Truax figure and the CSV table);
	// by default ChangeFile keeps them only up to ListLimit patients.
	KeepPersons bool
	// ListAll lists every used patient in the output however many there
	// are. By default the output is bounded as those of gains and
	// ruptures: above ListLimit used patients the patient list is left out
	// (ListsOmitted, a note). ChangeFile always bounds its output.
	ListAll bool
}

// ChangeRun is a reliable-change analysis: its JSON is the output of
// 'alliance change' (the change.Result with the data name).
type ChangeRun struct {
	DataName string `json:"data"`
	*change.Result

	allPersons []change.PersonChange // every patient's, when kept (Tidy, the figure)

	sessionPart
	opt      ChangeOptions
	src      Source
	roles    map[string]string
	firstLst bool
	label    string

	// ListsOmitted says that the per-patient classification was left out
	// of a report's results.json (more than ListLimit patients; it is in
	// a table beside the page); nil when listed.
	ListsOmitted *ListsOmitted `json:"lists_omitted,omitempty"`
}

// Change classifies each patient's change as opt asks.
func Change(src Source, opt ChangeOptions) (*ChangeRun, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	run := &ChangeRun{DataName: src.Label(), opt: opt, src: src, roles: map[string]string{}}
	if opt.Method == string(change.HLM) {
		err = run.fitHLM()
	} else {
		err = run.fitPairs()
	}
	if err != nil {
		return nil, err
	}
	run.compose()
	run.release()
	run.src.Table = nil // keep only what the results and figures need
	return run, nil
}

func (o ChangeOptions) withDefaults() (ChangeOptions, error) {
	if o.WideColumns != nil {
		switch {
		case len(o.WideColumns) != 2:
			return o, invalid("WideColumns", "wide data: name the pre and the post column, two names (e.g. bdi_pre,bdi_post), not %q", strings.Join(o.WideColumns, ","))
		case o.Pre != "" || o.Post != "":
			return o, invalid("WideColumns", "wide data are named by their two columns; the pre and post time values are for long data")
		}
		o.Wide, o.Pre, o.Post, o.WideColumns = true, o.WideColumns[0], o.WideColumns[1], nil
	}
	if s := o.Significance; s != nil {
		if o.Level != 0 {
			return o, invalid("Significance", "give the confidence level or the significance level, not both")
		}
		if !(*s > 0 && *s < 1) {
			return o, invalid("Significance", "significance level %v: give a number between 0 and 1 (e.g. 0.05)", *s)
		}
		o.Level, o.Significance = 1-*s, nil
	}
	o.Method = strings.ToUpper(o.Method)
	if o.Method == "" {
		o.Method = string(change.JT)
	}
	if _, err := change.ParseRCIMethod(o.Method); err != nil {
		return o, invalid("Method", "RCI method %q: give JT, GLN, HLL, EN, NK, HA or HLM", o.Method)
	}
	if err := checkLevel(&o.Level); err != nil {
		return o, err
	}
	if err := checkReliability("Reliability", o.Reliability); err != nil {
		return o, err
	}
	if err := checkReliability("ReliabilityPost", o.ReliabilityPost); err != nil {
		return o, err
	}
	o.Approach = strings.ToLower(o.Approach)
	if o.Approach == "" {
		o.Approach = "distribution"
		if o.MFunctional != nil || o.SDFunctional != nil {
			o.Approach = "combined"
		}
	}
	switch o.Approach {
	case "distribution", "combined", "statistical", "percentage":
	default:
		return o, invalid("Approach", "approach %q: give distribution, combined, statistical or percentage", o.Approach)
	}
	o.CutoffType = strings.ToLower(o.CutoffType)
	if o.CutoffType == "" {
		o.CutoffType = "a"
	}
	if o.CutoffType != "a" && o.CutoffType != "b" && o.CutoffType != "c" {
		return o, invalid("CutoffType", "cutoff type %q: give a, b or c", o.CutoffType)
	}
	if (o.MClinical == nil) != (o.SDClinical == nil) {
		return o, invalid("MClinical", "give both the clinical mean and SD, or neither (then the pre scores' mean and SD are used)")
	}
	switch {
	case o.Method == string(change.HLM) && o.Wide:
		return o, invalid("Method", "the HLM method needs long data with every measurement (patient, time, score), not wide pre/post columns")
	case o.Method == string(change.HLM) && o.Approach != "distribution" && o.Approach != "combined":
		return o, invalid("Approach", "the HLM method works with the distribution or combined approach")
	case o.Approach == "percentage" && o.PctImprovement == nil:
		return o, invalid("PctImprovement", "the percentage approach needs the proportion of change that counts as improvement (e.g. .5)")
	case o.Approach != "percentage" && o.Approach != "statistical" && o.Method != string(change.HLM) && o.Reliability == nil:
		return o, invalid("Reliability", "give the measure's reliability (e.g. .8): the reliable change index needs it")
	case (o.Approach == "combined" || o.Approach == "statistical") && o.CutoffType != "a" && (o.MFunctional == nil || o.SDFunctional == nil):
		return o, invalid("SDFunctional", "cutoff %s needs the functional population's mean and SD", o.CutoffType)
	case o.Wide && (o.Pre == "" || o.Post == ""):
		return o, invalid("Pre", "wide data need the pre and the post column")
	case !o.Wide && (o.Pre == "") != (o.Post == ""):
		return o, invalid("Pre", "give both the pre and the post time value, or neither (each patient's first and last score)")
	}
	return o, nil
}

func (o ChangeOptions) rciOptions() change.RCIOptions {
	r := change.RCIOptions{Method: change.RCIMethod(o.Method), SignificanceLevel: 1 - o.Level}
	if o.Reliability != nil {
		r.Reliability = *o.Reliability
	}
	if o.ReliabilityPost != nil {
		r.ReliabilityPost = *o.ReliabilityPost
	}
	if o.HigherBetter {
		r.Better = change.Higher
	}
	return r
}

func (o ChangeOptions) norms() change.Norms {
	n := change.Norms{Type: change.CutoffType(o.CutoffType[0]), MFunctional: optional(o.MFunctional), SDFunctional: optional(o.SDFunctional), BFunctionalSD: o.BFunctionalSD}
	if o.MClinical != nil {
		n.ClinicalNorms, n.MClinical, n.SDClinical = true, *o.MClinical, *o.SDClinical
	}
	return n
}

// changeRoles maps each role of the change analysis to its hint (the
// session role a front end names it with, errs.Problem.Hint) and the
// ChangeOptions field that names it.
var changeRoles = map[string]struct{ hint, field string }{
	"patient id": {"patient", "Patient"}, "time": {"session", "Time"}, "score": {"outcome", "Score"},
	"group": {"group", "Group"}, "pre": {"pre", "Pre"}, "post": {"post", "Post"},
}

// column resolves a role: the named column, or the first default present.
// A role it cannot find is an input error listing the columns, with the
// role as Hint and advice naming the ChangeOptions field.
func (r *ChangeRun) column(role, name string, defaults ...string) (string, error) {
	t := r.src.Table
	cr := changeRoles[role]
	p := datasets.Problem{File: t.Name, Hint: cr.hint, Advice: "name it in ChangeOptions." + cr.field}
	if name != "" {
		if t.ColumnIndex(name) < 0 {
			p.Column, p.Msg = name, fmt.Sprintf("no %s column %q; columns are: %s", role, name, t.ColumnList())
			return "", inputErr(p)
		}
		return t.Header[t.ColumnIndex(name)], nil
	}
	for _, d := range defaults {
		if j := t.ColumnIndex(d); j >= 0 {
			return t.Header[j], nil
		}
	}
	p.Msg = fmt.Sprintf("no %s column (%s); columns are: %s", role, strings.Join(defaults, ", "), t.ColumnList())
	return "", inputErr(p)
}

func (r *ChangeRun) numbers(col string) ([]float64, error) {
	c, err := r.src.Table.Column(col)
	if err != nil {
		return nil, err
	}
	return c.Floats()
}

func (r *ChangeRun) texts(col string) ([]string, error) {
	c, err := r.src.Table.Column(col)
	if err != nil {
		return nil, err
	}
	return c.Strings(), nil
}

// ids reads a patient-id column: a label that shows nothing (only NUL
// bytes, control or zero-width characters) is an input error at its line,
// as the loaders' label columns refuse it.
func (r *ChangeRun) ids(col string) ([]string, error) {
	v, err := r.texts(col)
	if err != nil {
		return nil, err
	}
	t := r.src.Table
	for i, s := range v {
		if datasets.Invisible(s) {
			return nil, inputErr(datasets.Problem{File: t.Name, Line: t.Line(i), Column: col, Value: strconv.QuoteToASCII(s), Msg: datasets.InvisibleMsg})
		}
	}
	return v, nil
}

// sessions reads the time column as whole numbers.
func (r *ChangeRun) sessions(col string) ([]int, error) {
	v, err := r.numbers(col)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(v))
	for i, x := range v {
		if x != math.Trunc(x) || math.IsInf(x, 0) {
			t := r.src.Table
			return nil, inputErr(datasets.Problem{File: t.Name, Line: t.Line(i), Column: col, Value: full(x), Msg: "time values must be whole numbers (or give wide data)"})
		}
		out[i] = int(x)
	}
	return out, nil
}

// fitPairs builds one (pre, post) pair per patient and classifies it.
func (r *ChangeRun) fitPairs() error {
	o := r.opt
	t := r.src.Table
	if t == nil {
		return invalid("Source", "no input table")
	}
	var pairs []change.Pair
	var groups []string
	var err error
	if o.Group != "" {
		g, gerr := r.column("group", o.Group)
		if gerr != nil {
			return gerr
		}
		r.roles["group"] = g
		groups, _ = r.texts(g)
	}
	idCol, idErr := r.column("patient id", o.Patient, "id", "patient", "subject")
	if o.Wide {
		if pairs, err = r.widePairs(idCol, idErr == nil, groups); err != nil {
			return err
		}
	} else {
		if pairs, err = r.longPairs(idCol, idErr, groups); err != nil {
			return err
		}
	}
	return r.classify(pairs)
}

// widePairs reads one pair per row from the pre and post columns.
func (r *ChangeRun) widePairs(idCol string, hasID bool, groups []string) ([]change.Pair, error) {
	o := r.opt
	pre, err := r.column("pre", o.Pre)
	if err != nil {
		return nil, err
	}
	post, err := r.column("post", o.Post)
	if err != nil {
		return nil, err
	}
	r.roles["pre"], r.roles["post"] = pre, post
	x, err := r.numbers(pre)
	if err != nil {
		return nil, err
	}
	y, err := r.numbers(post)
	if err != nil {
		return nil, err
	}
	var ids []string
	if hasID {
		r.roles["patient"] = idCol
		if ids, err = r.ids(idCol); err != nil {
			return nil, err
		}
	}
	pairs := make([]change.Pair, len(x))
	for i := range x {
		id := strconv.Itoa(i + 1)
		if ids != nil {
			id = ids[i]
		}
		pairs[i] = change.Pair{ID: id, Pre: x[i], Post: y[i]}
		if groups != nil {
			pairs[i].Group = groups[i]
		}
	}
	r.label = o.Label
	if r.label == "" {
		r.label = "score"
	}
	return pairs, nil
}

// longPairs builds one pair per patient of long data: the scores at the
// pre and post time values (change.PairsAt), or the first and last
// observed score (change.PairsFirstLast).
func (r *ChangeRun) longPairs(idCol string, idErr error, groups []string) ([]change.Pair, error) {
	o, t := r.opt, r.src.Table
	if idErr != nil {
		return nil, idErr
	}
	timeCol, err := r.column("time", o.Time, "time", "session", "wave")
	if err != nil {
		return nil, err
	}
	scoreCol, err := r.column("score", o.Score, "outcome", "score")
	if err != nil {
		return nil, err
	}
	r.roles["patient"], r.roles["session"], r.roles["outcome"] = idCol, timeCol, scoreCol
	ids, err := r.ids(idCol)
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		if id == "" {
			return nil, inputErr(datasets.Problem{File: t.Name, Line: t.Line(i), Column: idCol, Msg: "missing patient id"})
		}
	}
	sess, err := r.sessions(timeCol)
	if err != nil {
		return nil, err
	}
	score, err := r.numbers(scoreCol)
	if err != nil {
		return nil, err
	}
	var pairs []change.Pair
	if o.Pre != "" {
		pre, e1 := strconv.Atoi(o.Pre)
		post, e2 := strconv.Atoi(o.Post)
		if e1 != nil || e2 != nil {
			return nil, invalid("Pre", "pre %q and post %q must be time values (whole numbers) of the %s column", o.Pre, o.Post, timeCol)
		}
		pairs, err = change.PairsAt(ids, sess, score, pre, post)
	} else {
		r.firstLst = true
		pairs, err = change.PairsFirstLast(ids, sess, score)
	}
	if err != nil {
		if d := r.duplicate(err, idCol); d != nil {
			return nil, d
		}
		return nil, inputErr(datasets.Problem{File: t.Name, Msg: err.Error()})
	}
	if groups != nil {
		first := map[string]string{}
		for i, id := range ids {
			if _, ok := first[id]; !ok {
				first[id] = groups[i]
			}
		}
		for k := range pairs {
			pairs[k].Group = first[pairs[k].ID]
		}
	}
	r.label = o.Label
	if r.label == "" {
		r.label = scoreCol
	}
	return pairs, nil
}

// classify runs the approach on the pairs.
func (r *ChangeRun) classify(pairs []change.Pair) error {
	o := r.opt
	var err error
	var res *change.Result
	ro := r.opt.rciOptions()
	switch o.Approach {
	case "percentage":
		better := ro.Better
		res, err = change.Percentage(pairs, *o.PctImprovement, o.spec().PctDeterioration, better)
	case "distribution":
		res, err = change.Distribution(pairs, ro)
	case "combined":
		res, err = change.Combined(pairs, ro, o.norms())
	case "statistical":
		res, err = change.Statistical(pairs, ro, o.norms())
	}
	if err != nil {
		if d := r.duplicate(err, r.roles["patient"]); d != nil {
			return d
		}
		return invalid("Approach", "%v", err)
	}
	r.Result = res
	return nil
}

// duplicate turns a change.DuplicateError about rows of the input table
// into an input error at the file line of the second row that names the
// lines of both; nil when err is not one.
func (r *ChangeRun) duplicate(err error, idCol string) error {
	var d *change.DuplicateError
	t := r.src.Table
	if t == nil || !errors.As(err, &d) || d.Rows[1] >= t.NumRows() {
		return nil
	}
	a, b := t.Line(d.Rows[0]), t.Line(d.Rows[1])
	return inputErr(datasets.Problem{File: t.Name, Line: b, Column: idCol,
		Msg: fmt.Sprintf("%s (lines %d and %d): %s", d.What(), a, b, d.Fix())})
}

// fitHLM classifies change by the HLM method from every measurement.
func (r *ChangeRun) fitHLM() error {
	o := r.opt
	if r.src.Table == nil {
		return invalid("Source", "no input table")
	}
	idCol, err := r.column("patient id", o.Patient, "id", "patient", "subject")
	if err != nil {
		return err
	}
	timeCol, err := r.column("time", o.Time, "time", "session", "wave")
	if err != nil {
		return err
	}
	scoreCol, err := r.column("score", o.Score, "outcome", "score")
	if err != nil {
		return err
	}
	r.roles["patient"], r.roles["session"], r.roles["outcome"] = idCol, timeCol, scoreCol
	var d change.Long
	if d.Patient, err = r.ids(idCol); err != nil {
		return err
	}
	if d.Time, err = r.numbers(timeCol); err != nil {
		return err
	}
	if d.Score, err = r.numbers(scoreCol); err != nil {
		return err
	}
	if o.Group != "" {
		g, gerr := r.column("group", o.Group)
		if gerr != nil {
			return gerr
		}
		r.roles["group"] = g
		d.Group, _ = r.texts(g)
	}
	r.label = o.Label
	if r.label == "" {
		r.label = scoreCol
	}
	var res *change.Result
	if o.Approach == "combined" {
		res, err = change.HLMCombined(d, o.rciOptions(), o.norms())
	} else {
		res, err = change.HLMDistribution(d, o.rciOptions())
	}
	if err != nil {
		if d := r.duplicate(err, idCol); d != nil {
			return d
		}
		return err
	}
	r.Result = res
	return nil
}

// Label is the name of the score (figure axes).
func (r *ChangeRun) Label() string { return r.label }

// Tidy is the one tidy table of the analysis (CSV output): one row per
// patient with full-precision numbers.
func (r *ChangeRun) Tidy() *Table {
	t := &Table{Name: "persons", Columns: changeColumns,
		Right: []bool{false, false, true, true, true, true, false}}
	for _, p := range r.allPersons {
		t.Rows = append(t.Rows, personChangeRow(p))
	}
	return t
}
