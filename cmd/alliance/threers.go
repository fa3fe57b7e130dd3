package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/jsonout"

	"github.com/alliance-research/alliance/analysis/reliability"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// threeRSFlags select the columns of a 3RS segment-code file.
type threeRSFlags struct {
	on                                 bool
	session, segment, coder            string
	withdrawal, confrontation, resolve string
	ratings                            string
	minRating, maxRating               float64
}

func (x *threeRSFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&x.on, "3rs", false, "3RS coding: segment-level codes → session-level frequencies and ratings per coder, and inter-rater reliability per scale")
	f.StringVar(&x.session, "3rs-session", "session", "3RS: session column")
	f.StringVar(&x.segment, "3rs-segment", "segment", "3RS: segment number column (1, 2, ...)")
	f.StringVar(&x.coder, "3rs-coder", "coder", "3RS: coder column")
	f.StringVar(&x.withdrawal, "withdrawal", "w_*", "3RS: withdrawal marker columns (counts or 0/1), a list or a prefix ending in *")
	f.StringVar(&x.confrontation, "confrontation", "c_*", "3RS: confrontation marker columns")
	f.StringVar(&x.resolve, "resolution", "r_*", "3RS: resolution strategy columns")
	f.StringVar(&x.ratings, "ratings", "rating_*", "3RS: rating scale columns (e.g. 1–5 significance ratings)")
	f.Float64Var(&x.minRating, "rating-min", 1, "3RS: lowest rating")
	f.Float64Var(&x.maxRating, "rating-max", 5, "3RS: highest rating")
}

// optionalColumns resolves a list or prefix spec, returning no columns (and
// no error) when a prefix matches nothing.
func optionalColumns(t *datasets.Table, spec string) ([]string, error) {
	if spec == "" {
		return nil, nil
	}
	if strings.HasSuffix(spec, "*") && !strings.Contains(spec, ",") {
		var out []string
		prefix := strings.ToLower(strings.TrimSuffix(spec, "*"))
		for _, h := range t.Header {
			if strings.HasPrefix(strings.ToLower(h), prefix) {
				out = append(out, h)
			}
		}
		return out, nil
	}
	return itemColumns(t, spec)
}

// runThreeRS reads the segment codes and summarises them.
func runThreeRS(e *env, x *threeRSFlags, src source, level float64) error {
	t := src.table
	tc := &tableColumns{t: t}
	sess := tc.text(x.session, "--3rs-session")
	coder := tc.text(x.coder, "--3rs-coder")
	seg := tc.numeric(x.segment, "--3rs-segment")
	kinds := []struct {
		spec string
		cols []string
		vals [][]float64
	}{{spec: x.withdrawal}, {spec: x.confrontation}, {spec: x.resolve}, {spec: x.ratings}}
	any := false
	for i := range kinds {
		cols, err := optionalColumns(t, kinds[i].spec)
		if err != nil {
			return err
		}
		kinds[i].cols = cols
		for _, c := range cols {
			kinds[i].vals = append(kinds[i].vals, tc.numeric(c, "--3rs"))
		}
		any = any || len(cols) > 0
	}
	if err := tc.err(); err != nil {
		return err
	}
	if !any {
		return usagef("%s: no marker, strategy or rating columns (defaults: w_*, c_*, r_*, rating_*; name them with --withdrawal, --confrontation, --resolution, --ratings)", t.Name)
	}
	segs := make([]reliability.RRSSegment, t.NumRows())
	var bad error // the first cell that is not a count
	for i := range segs {
		if math.IsNaN(seg[i]) || seg[i] != math.Trunc(seg[i]) {
			return usagef("%s:%d: column %q: segment %v is not a whole number", t.Name, t.Line(i), x.segment, seg[i])
		}
		s := reliability.RRSSegment{Session: sess[i], Segment: int(seg[i]), Coder: coder[i]}
		counts := func(k int) map[string]int {
			m := map[string]int{}
			for j, c := range kinds[k].cols {
				v := kinds[k].vals[j][i]
				if math.IsNaN(v) {
					continue
				}
				if (v < 0 || v != math.Trunc(v)) && bad == nil {
					bad = usagef("%s:%d: column %q: %v is not a count (0, 1, 2, ...)", t.Name, t.Line(i), c, v)
				}
				m[c] = int(v)
			}
			return m
		}
		s.Withdrawal, s.Confrontation, s.Resolution = counts(0), counts(1), counts(2)
		if len(kinds[3].cols) > 0 {
			s.Ratings = map[string]float64{}
			for j, c := range kinds[3].cols {
				if v := kinds[3].vals[j][i]; !math.IsNaN(v) {
					s.Ratings[c] = v
				}
			}
		}
		segs[i] = s
	}
	if bad != nil {
		return bad
	}
	res, err := reliability.ThreeRS(segs, reliability.RRSOptions{MinRating: x.minRating, MaxRating: x.maxRating, Level: level})
	if err != nil {
		return usageError{fmt.Errorf("%s: %w", t.Name, err)}
	}
	name := t.Name
	if src.embedded != nil {
		name = src.embedded.Name
	}
	return e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, struct {
				Data string `json:"data"`
				reliability.RRSResult
			}{name, res})
		case "csv":
			return rrsSessionTable(&res).csv(w)
		}
		return renderThreeRS(w, e.format, name, &res)
	})
}

func rrsSessionTable(r *reliability.RRSResult) *table {
	scales := map[string]bool{}
	for _, s := range r.Sessions {
		for k := range s.Ratings {
			scales[k] = true
		}
	}
	var names []string
	for k := range scales {
		names = append(names, k)
	}
	sort.Strings(names)
	t := &table{Columns: append([]string{"session", "coder", "segments", "withdrawal", "confrontation", "resolution"}, names...)}
	t.Right = []bool{false, false, true, true, true, true}
	for range names {
		t.Right = append(t.Right, true)
	}
	for _, s := range r.Sessions {
		row := []string{s.Session, s.Coder, strconv.Itoa(s.Segments), strconv.Itoa(s.WithdrawalSegments), strconv.Itoa(s.ConfrontationSegments), strconv.Itoa(s.ResolutionSegments)}
		for _, n := range names {
			if v, ok := s.Ratings[n]; ok {
				row = append(row, fnum(v))
			} else {
				row = append(row, "")
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func renderThreeRS(w io.Writer, format, name string, r *reliability.RRSResult) error {
	head := fmt.Sprintf("3RS codes — %s: %d coders", name, len(r.Coders))
	if format == "markdown" {
		fmt.Fprintf(w, "## %s\n\n", head)
	} else {
		fmt.Fprintf(w, "%s\n\n", head)
	}
	t := rrsSessionTable(r)
	t.Title = "Session-level frequencies (segments with a marker) and mean ratings, per coder"
	if err := t.render(w, format); err != nil {
		return err
	}
	fmt.Fprintln(w)
	rel := &table{Title: "Inter-rater reliability", Columns: []string{"scale", "level", "targets", "coefficient", "value", "95% CI"}, Right: []bool{false, false, true, false, true, false}}
	for _, x := range r.Reliability {
		switch {
		case x.ICC != nil:
			for _, row := range x.ICC.Rows {
				if row.Type == "ICC2" || row.Type == "ICC3" {
					rel.Rows = append(rel.Rows, []string{x.Scale, x.Level, strconv.Itoa(x.NTargets), row.Type, num(row.ICC, 3), "[" + num(row.Lower, 3) + ", " + num(row.Upper, 3) + "]"})
				}
			}
		case x.Kappa != nil:
			k := x.Kappa.Unweighted
			rel.Rows = append(rel.Rows, []string{x.Scale, x.Level, strconv.Itoa(x.NTargets), "Cohen's κ", num(k.Kappa, 3), "[" + num(k.Lower, 3) + ", " + num(k.Upper, 3) + "]"})
		case x.Fleiss != nil:
			rel.Rows = append(rel.Rows, []string{x.Scale, x.Level, strconv.Itoa(x.NTargets), "Fleiss' κ", num(x.Fleiss.Kappa, 3), ""})
		default:
			rel.Rows = append(rel.Rows, []string{x.Scale, x.Level, strconv.Itoa(x.NTargets), "", "", x.Note})
		}
	}
	rel.Notes = append(rel.Notes, "Note. ICC2: absolute agreement of coders drawn from a pool; ICC3: consistency of fixed coders (all six forms in --format json). Frequencies count segments with at least one marker — our reading of the 3RS manual, whose aggregation rules are not public in full.")
	return rel.render(w, format)
}
