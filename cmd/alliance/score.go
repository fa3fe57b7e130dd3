package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/jsonout"

	"github.com/alliance-research/alliance/analysis/measures"
	"github.com/spf13/cobra"
)

// scoreFlags are the flags of 'alliance score'.
type scoreFlags struct {
	read            readFlags
	measure, key    string
	items, id       string
	maxMissing      float64
	allowIncomplete bool
	list            bool
}

func newScoreCmd(e *env) *cobra.Command {
	sf := &scoreFlags{}
	cmd := &cobra.Command{
		Use:   "score FILE --measure NAME --items COLUMNS",
		Short: "Score questionnaire items into scale and subscale totals (WAI-SR, PHQ-9, ...)",
		Long: `Scores item responses with a scoring key: reversed items, subscales, sum or
mean, severity bands and clinical cut-offs. Built-in keys (no item texts,
only keys; each key says what in it is not verified): see --list. Your own
key: --key FILE.json or .yaml (fields as 'alliance score --list --format json').

Missing items: a scale is prorated when at most --max-missing of its items
are missing, and left missing otherwise; the summary says how many.
Responses outside the key's range are errors naming file, line and column.

--items gives the item columns in the key's order: a comma-separated list,
or a prefix ending in * (e.g. "wai*", columns in file order).`,
		Example: `  alliance score --list
  alliance score wai.csv --measure WAI-SR --items "wai*" --id patient --format csv --out scores.csv
  alliance score phq.csv --measure PHQ-9 --items "phq*" --max-missing .2`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runScore(e, sf, args) },
	}
	f := cmd.Flags()
	sf.read.register(cmd, "")
	f.StringVar(&sf.measure, "measure", "", "built-in key: "+strings.Join(measures.Measures(), ", "))
	f.StringVar(&sf.key, "key", "", "your own scoring key (JSON or YAML `FILE`) instead of --measure")
	f.StringVar(&sf.items, "items", "", "item columns in key order: a list, or a prefix ending in *")
	f.StringVar(&sf.id, "id", "", "id column to carry into the output (default: id or patient if present)")
	f.Float64Var(&sf.maxMissing, "max-missing", 0, "largest share of a scale's items that may be missing (prorated), e.g. .2")
	f.BoolVar(&sf.allowIncomplete, "allow-incomplete", false, "score with a key marked incomplete (unverified reversed items etc.)")
	f.BoolVar(&sf.list, "list", false, "list the built-in keys and exit")
	_ = cmd.RegisterFlagCompletionFunc("measure", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return measures.Measures(), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

type scoreOutput struct {
	Data string       `json:"data"`
	Key  measures.Key `json:"key"`
	IDs  []string     `json:"ids,omitempty"`
	measures.ScoreResult
}

func runScore(e *env, sf *scoreFlags, args []string) error {
	if sf.list {
		var keys []measures.Key
		for _, n := range measures.Measures() {
			k, _ := measures.Get(n)
			keys = append(keys, k)
		}
		return e.emit(func(w io.Writer) error {
			if e.format == "json" {
				return jsonout.Write(w, keys)
			}
			t := &table{Title: "Built-in scoring keys", Columns: []string{"measure", "items", "range", "rule", "subscales", "name"}, Right: []bool{false, true, false, false, false, false}}
			for _, k := range keys {
				var subs []string
				for _, s := range k.Subscales {
					subs = append(subs, s.Name)
				}
				t.Rows = append(t.Rows, []string{k.Name, strconv.Itoa(k.Items), fmt.Sprintf("%g–%g", k.Min, k.Max), k.Rule, strings.Join(subs, ", "), k.FullName})
			}
			return t.render(w, e.format)
		})
	}
	var key measures.Key
	var err error
	switch {
	case sf.key != "" && sf.measure != "":
		return usagef("give --measure or --key, not both")
	case sf.key != "":
		f, err := os.Open(sf.key)
		if err != nil {
			return usagef("cannot read the key: %v", err)
		}
		key, err = measures.LoadKey(f)
		f.Close()
		if err != nil {
			return usageError{fmt.Errorf("%s: %w", sf.key, err)}
		}
	case sf.measure != "":
		if key, err = measures.Get(sf.measure); err != nil {
			return usageError{err}
		}
	default:
		return usagef("give the scoring key: --measure NAME (see --list) or --key FILE")
	}
	if sf.items == "" {
		return usagef("name the %d item columns of %s in order with --items (a list, or a prefix ending in *)", key.Items, key.Name)
	}
	src, err := sf.read.load(e, args, "")
	if err != nil {
		return err
	}
	names, err := itemColumns(src.table, sf.items)
	if err != nil {
		return err
	}
	if len(names) != key.Items {
		return usagef("%s has %d items but --items names %d columns (%s)", key.Name, key.Items, len(names), strings.Join(names, ", "))
	}
	tc := &tableColumns{t: src.table}
	cols := make([][]float64, len(names))
	for j, n := range names {
		cols[j] = tc.numeric(n, "--items")
	}
	idCol := sf.id
	if idCol == "" {
		idCol = tc.firstOf("id", "patient")
	}
	var ids []string
	if idCol != "" {
		ids = tc.text(idCol, "--id")
	}
	if err := tc.err(); err != nil {
		return err
	}
	rows := make([][]float64, src.table.NumRows())
	for i := range rows {
		rows[i] = make([]float64, len(names))
		for j := range names {
			rows[i][j] = cols[j][i]
		}
	}
	res, err := measures.Score(key, rows, measures.ScoreOptions{MaxMissing: sf.maxMissing, AllowIncomplete: sf.allowIncomplete})
	if err != nil {
		var ve *measures.ValueError
		if errors.As(err, &ve) && ve.Row >= 1 && ve.Item >= 1 {
			return usagef("%s:%d: column %q: %v is outside %s's range %g–%g (check the coding or the key)",
				src.table.Name, src.table.Line(ve.Row-1), names[ve.Item-1], ve.Value, key.Name, ve.Min, ve.Max)
		}
		return usageError{err}
	}
	out := scoreOutput{Data: src.table.Name, Key: key, IDs: ids, ScoreResult: res}
	return e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, out)
		case "csv":
			return scoreTable(&out).csv(w)
		}
		return renderScore(w, e.format, &out)
	})
}

func scoreTable(o *scoreOutput) *table {
	t := &table{}
	if o.IDs != nil {
		t.Columns = append(t.Columns, "id")
		t.Right = append(t.Right, false)
	}
	if len(o.Rows) > 0 {
		for _, s := range o.Rows[0].Scales {
			t.Columns = append(t.Columns, s.Scale)
			t.Right = append(t.Right, true)
		}
	}
	t.Columns = append(t.Columns, "band", "clinical", "prorated")
	t.Right = append(t.Right, false, false, false)
	for i, r := range o.Rows {
		var row []string
		if o.IDs != nil {
			row = append(row, o.IDs[i])
		}
		var pro []string
		for _, s := range r.Scales {
			if s.Score == nil {
				row = append(row, "")
			} else {
				row = append(row, strconv.FormatFloat(*s.Score, 'g', 10, 64))
			}
			if s.Prorated {
				pro = append(pro, s.Scale)
			}
		}
		clin := ""
		if r.Clinical != nil {
			clin = strconv.FormatBool(*r.Clinical)
		}
		row = append(row, r.Band, clin, strings.Join(pro, " "))
		t.Rows = append(t.Rows, row)
	}
	return t
}

func renderScore(w io.Writer, format string, o *scoreOutput) error {
	k := o.Key
	head := fmt.Sprintf("%s scores — %s, %d respondents", k.Name, o.Data, len(o.Rows))
	if format == "markdown" {
		fmt.Fprintf(w, "## %s\n\n", head)
	} else {
		fmt.Fprintf(w, "%s\n\n", head)
	}
	if k.Description != "" {
		fmt.Fprintf(w, "Key: %s\n\n", k.Description)
	}
	s := &table{Title: "Scales", Columns: []string{"scale", "scored", "prorated", "missing"}, Right: []bool{false, true, true, true}}
	for _, x := range o.Summary {
		s.Rows = append(s.Rows, []string{x.Scale, strconv.Itoa(x.Scored), strconv.Itoa(x.Prorated), strconv.Itoa(x.Missing)})
	}
	if err := s.render(w, format); err != nil {
		return err
	}
	fmt.Fprintln(w)
	t := scoreTable(o)
	t.Title = "Scores"
	return t.render(w, format)
}
