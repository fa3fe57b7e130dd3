package workflow

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/measures"
	"github.com/alliance-research/alliance/datasets"
)

// ScoreOptions are the choices of scoring a questionnaire.
type ScoreOptions struct {
	// Items names the item columns in the key's order (a list, or a
	// prefix ending in *).
	Items string
	// ID names the respondent id column (default: id or patient when
	// present).
	ID string
	// MaxMissing and AllowIncomplete are measures.ScoreOptions'.
	MaxMissing      float64
	AllowIncomplete bool
}

// ScoreRun is a scored questionnaire and the part every front end renders.
type ScoreRun struct {
	DataName string       `json:"data"`
	Key      measures.Key `json:"key"`
	IDs      []string     `json:"ids,omitempty"`
	measures.ScoreResult

	src Source
	opt ScoreOptions
	sec *Section
	top []Note
}

// ScoringKey is the key a questionnaire is scored with: the built-in
// measure named measure (measures.Get) or the JSON or YAML key in the file
// keyFile (measures.LoadKey), exactly one of them. Each fault is an
// InvalidOption with hint Measure or Key.
func ScoringKey(measure, keyFile string) (measures.Key, error) {
	switch {
	case measure != "" && keyFile != "":
		return measures.Key{}, invalid("Key", "give a built-in measure or your own key, not both")
	case keyFile != "":
		f, err := os.Open(keyFile)
		if err != nil {
			return measures.Key{}, invalid("Key", "cannot read the key: %v", err)
		}
		defer f.Close()
		key, err := measures.LoadKey(f)
		if err != nil {
			return measures.Key{}, invalid("Key", "%s: %w", keyFile, err)
		}
		return key, nil
	case measure != "":
		key, err := measures.Get(measure)
		if err != nil {
			return measures.Key{}, invalid("Measure", "%w", err)
		}
		return key, nil
	}
	return measures.Key{}, invalid("Measure", "give the scoring key: a built-in measure or your own key file")
}

// Score scores the items of src with key.
func Score(src Source, key measures.Key, opt ScoreOptions) (*ScoreRun, error) {
	if opt.Items == "" {
		return nil, invalid("Items", "name the %d item columns of %s in order (a list, or a prefix ending in *)", key.Items, key.Name)
	}
	t := src.Table
	names, err := ItemColumns(t, opt.Items)
	if err != nil {
		return nil, err
	}
	if len(names) != key.Items {
		return nil, invalid("Items", "%s has %d items but %d columns are named (%s)", key.Name, key.Items, len(names), strings.Join(names, ", "))
	}
	rows, err := itemMatrix(t, names)
	if err != nil {
		return nil, err
	}
	if err = checkResponses(t, key, names, rows); err != nil {
		return nil, err
	}
	idCol := opt.ID
	if idCol == "" {
		for _, c := range []string{"id", "patient"} {
			if t.ColumnIndex(c) >= 0 {
				idCol = c
				break
			}
		}
	}
	var ids []string
	if idCol != "" {
		c, cerr := t.Column(idCol)
		if cerr != nil {
			return nil, cerr
		}
		ids = c.Strings()
	}
	res, err := measures.Score(key, rows, measures.ScoreOptions{MaxMissing: opt.MaxMissing, AllowIncomplete: opt.AllowIncomplete})
	if err != nil {
		var ve *measures.ValueError
		if errors.As(err, &ve) && ve.Row >= 1 && ve.Item >= 1 {
			return nil, inputErr(datasets.Problem{File: t.Name, Line: t.Line(ve.Row - 1), Column: names[ve.Item-1], Value: strconv.FormatFloat(ve.Value, 'g', -1, 64),
				Msg: fmt.Sprintf("is outside %s's range %g–%g (check the coding or the key)", key.Name, ve.Min, ve.Max)})
		}
		return nil, err
	}
	r := &ScoreRun{DataName: src.Label(), Key: key, IDs: ids, ScoreResult: res, src: src, opt: opt}
	r.compose()
	return r, nil
}

// checkResponses reports, all at once, the item answers that are outside
// the key's range Min–Max or not among its allowed responses Min,
// Min + Step, …, Max (a PHQ-9 answer 2.5), so that one run lists every bad
// cell (measures.Score stops at the first).
func checkResponses(t *datasets.Table, key measures.Key, names []string, rows [][]float64) error {
	var list []datasets.Problem
	total := 0
	for i, row := range rows {
		for j, x := range row {
			var msg string
			switch {
			case math.IsNaN(x):
				continue
			case x < key.Min || x > key.Max:
				msg = fmt.Sprintf("is outside %s's range %g–%g (check the coding or the key)", key.Name, key.Min, key.Max)
			case key.Step > 0 && math.Abs((x-key.Min)/key.Step-math.Round((x-key.Min)/key.Step)) > 1e-9:
				msg = fmt.Sprintf("is not one of %s's answers %s", key.Name, answers(key))
			default:
				continue
			}
			total++
			if len(list) < datasets.MaxProblems {
				list = append(list, datasets.Problem{File: t.Name, Line: t.Line(i), Column: names[j], Value: strconv.FormatFloat(x, 'g', -1, 64), Msg: msg})
			}
		}
	}
	if total == 0 {
		return nil
	}
	return &datasets.InputError{Problems: list, Total: total}
}

// answers lists a key's allowed responses: "0, 1, 2, 3", or "1, 2, …, 7".
func answers(key measures.Key) string {
	n := int(math.Round((key.Max-key.Min)/key.Step)) + 1
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	if n > 5 {
		return f(key.Min) + ", " + f(key.Min+key.Step) + ", …, " + f(key.Max)
	}
	parts := make([]string, n)
	for i := range parts {
		parts[i] = f(key.Min + float64(i)*key.Step)
	}
	return strings.Join(parts, ", ")
}

func (r *ScoreRun) compose() {
	k := r.Key
	s := &Section{ID: "score", Title: fmt.Sprintf("%s scores — %s, %d respondents", k.Name, r.src.Label(), len(r.Rows))}
	r.sec = s
	if k.Description != "" {
		s.P(Plain, "Key: "+k.Description)
	}
	sum := &Table{Name: "summary", Title: "Scales", Columns: []string{"Scale", "Scored", "Prorated", "Missing"}, Right: []bool{false, true, true, true}}
	prorated := 0
	for _, x := range r.Summary {
		sum.Rows = append(sum.Rows, []string{x.Scale, strconv.Itoa(x.Scored), strconv.Itoa(x.Prorated), strconv.Itoa(x.Missing)})
		prorated += x.Prorated
	}
	if prorated > 0 {
		r.top = append(r.top, Note{Level: Info, Text: fmt.Sprintf("%d scale scores were prorated from incomplete items (at most %g of a scale's items missing)", prorated, r.opt.MaxMissing)})
	}
	t := &Table{Name: "scores", Title: "Scores"}
	if r.IDs != nil {
		t.Columns, t.Right = append(t.Columns, "id"), append(t.Right, false)
	}
	if len(r.Rows) > 0 {
		for _, sc := range r.Rows[0].Scales {
			t.Columns, t.Right = append(t.Columns, sc.Scale), append(t.Right, true)
		}
	}
	t.Columns = append(t.Columns, "band", "clinical", "prorated")
	t.Right = append(t.Right, false, false, false)
	for i, row := range r.Rows {
		var cells, pro []string
		if r.IDs != nil {
			cells = append(cells, r.IDs[i])
		}
		for _, sc := range row.Scales {
			if sc.Score == nil {
				cells = append(cells, "")
			} else {
				cells = append(cells, strconv.FormatFloat(*sc.Score, 'g', 10, 64))
			}
			if sc.Prorated {
				pro = append(pro, sc.Scale)
			}
		}
		clin := ""
		if row.Clinical != nil {
			clin = strconv.FormatBool(*row.Clinical)
		}
		t.Rows = append(t.Rows, append(cells, row.Band, clin, strings.Join(pro, " ")))
	}
	s.Add(sum, t)
}

// Output is the JSON result document.
func (r *ScoreRun) Output() any { return r }

// Section is the rendered body: the summary and the scores.
func (r *ScoreRun) Section() *Section { return r.sec }

// Methods is the methods text.
func (r *ScoreRun) Methods() string {
	return fmt.Sprintf("Questionnaires were scored with the %s key (%s).", r.Key.Name, r.Key.FullName)
}

// Cites lists no references (the key carries its source).
func (r *ScoreRun) Cites() []string { return nil }

// TopNotes are the notes to show first.
func (r *ScoreRun) TopNotes() []Note { return r.top }

// Steps reproduce the scoring.
func (r *ScoreRun) Steps() []Step {
	a := []string{"alliance", "score", shellQuote(r.src.Name), "--measure", shellQuote(r.Key.Name), "--items", shellQuote(r.opt.Items)}
	if r.src.Embedded {
		a[2] = "--dataset " + r.src.Name
	}
	return []Step{{Purpose: "the scores", Command: strings.Join(a, " ")}}
}

// Data accounts for the table.
func (r *ScoreRun) Data() *DataPart {
	return &DataPart{Kind: "items", Source: r.src, Roles: map[string]string{"items": r.opt.Items}, Counts: map[string]int{"respondents": len(r.Rows)}}
}

var _ Part = (*ScoreRun)(nil)

// ScoringKeys lists the built-in scoring keys (measures.Measures) and
// tabulates them: name, number of items, response range, scoring rule,
// subscales and full name.
func ScoringKeys() ([]measures.Key, *Table) {
	var keys []measures.Key
	t := &Table{Name: "keys", Title: "Built-in scoring keys", Columns: []string{"measure", "items", "range", "rule", "subscales", "name"}, Right: []bool{false, true, false, false, false, false}}
	for _, n := range measures.Measures() {
		k, err := measures.Get(n)
		if err != nil {
			continue
		}
		keys = append(keys, k)
		var subs []string
		for _, s := range k.Subscales {
			subs = append(subs, s.Name)
		}
		t.Rows = append(t.Rows, []string{k.Name, strconv.Itoa(k.Items), fmt.Sprintf("%g–%g", k.Min, k.Max), k.Rule, strings.Join(subs, ", "), k.FullName})
	}
	return keys, t
}
