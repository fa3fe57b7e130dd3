package workflow

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/reliability"
	"github.com/alliance-research/alliance/datasets"
)

// ThreeRSOptions name the columns of a 3RS segment-code file (Eubanks,
// Muran & Safran's Rupture Resolution Rating System): one row per session
// segment and coder, marker counts and ratings.
type ThreeRSOptions struct {
	// Session, Segment, Coder columns (defaults session, segment, coder).
	Session, Segment, Coder string
	// Marker and rating columns: lists or prefixes ending in * (defaults
	// w_*, c_*, r_*, rating_*); a prefix that matches nothing means none.
	Withdrawal, Confrontation, Resolution, Ratings string
	// MinRating and MaxRating bound the ratings (defaults 1 and 5).
	MinRating, MaxRating float64
	// Level is the confidence level (default 0.95).
	Level float64
}

// threeRSDefaults are the columns and rating bounds of ThreeRSOptions
// left unset (and the defaults of ThreeRSFields).
var threeRSDefaults = ThreeRSOptions{Session: "session", Segment: "segment", Coder: "coder",
	Withdrawal: "w_*", Confrontation: "c_*", Resolution: "r_*", Ratings: "rating_*", MinRating: 1, MaxRating: 5}

func (o ThreeRSOptions) withDefaults() ThreeRSOptions {
	d := threeRSDefaults
	for _, x := range []struct {
		s *string
		d string
	}{{&o.Session, d.Session}, {&o.Segment, d.Segment}, {&o.Coder, d.Coder},
		{&o.Withdrawal, d.Withdrawal}, {&o.Confrontation, d.Confrontation}, {&o.Resolution, d.Resolution}, {&o.Ratings, d.Ratings}} {
		if *x.s == "" {
			*x.s = x.d
		}
	}
	if o.MinRating == 0 && o.MaxRating == 0 {
		o.MinRating, o.MaxRating = d.MinRating, d.MaxRating
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	return o
}

// ThreeRSRun is the session-level summary of 3RS codes, the inter-rater
// reliability per scale, and the part every front end renders.
type ThreeRSRun struct {
	DataName string `json:"data"`
	reliability.RRSResult

	src Source
	sec *Section
}

// optionalColumns resolves a list or prefix spec; a prefix that matches
// nothing gives no columns and no error.
func optionalColumns(t *datasets.Table, spec string) ([]string, error) {
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
	return ItemColumns(t, spec)
}

// ThreeRS reads the segment codes of src and summarises them.
func ThreeRS(src Source, opt ThreeRSOptions) (*ThreeRSRun, error) {
	o := opt.withDefaults()
	t := src.Table
	var problems []error
	text := func(name string) []string {
		c, err := t.Column(name)
		if err != nil {
			problems = append(problems, err)
			return nil
		}
		return c.Strings()
	}
	numeric := func(name string) []float64 {
		c, err := t.Column(name)
		if err == nil {
			var v []float64
			if v, err = c.Floats(); err == nil {
				return v
			}
		}
		problems = append(problems, err)
		return nil
	}
	sess, coder, seg := text(o.Session), text(o.Coder), numeric(o.Segment)
	kinds := []struct {
		spec string
		cols []string
		vals [][]float64
	}{{spec: o.Withdrawal}, {spec: o.Confrontation}, {spec: o.Resolution}, {spec: o.Ratings}}
	anyCol := false
	for i := range kinds {
		cols, err := optionalColumns(t, kinds[i].spec)
		if err != nil {
			return nil, err
		}
		kinds[i].cols = cols
		for _, c := range cols {
			kinds[i].vals = append(kinds[i].vals, numeric(c))
		}
		anyCol = anyCol || len(cols) > 0
	}
	if len(problems) > 0 {
		return nil, joinInput(problems)
	}
	if !anyCol {
		return nil, invalid("Withdrawal", "%s: no marker, strategy or rating columns (looked for %s, %s, %s, %s)", t.Name, o.Withdrawal, o.Confrontation, o.Resolution, o.Ratings)
	}
	segs := make([]reliability.RRSSegment, t.NumRows())
	for i := range segs {
		if math.IsNaN(seg[i]) || seg[i] != math.Trunc(seg[i]) {
			return nil, inputErr(datasets.Problem{File: t.Name, Line: t.Line(i), Column: o.Segment, Value: strconv.FormatFloat(seg[i], 'g', -1, 64), Msg: "is not a whole segment number"})
		}
		s := reliability.RRSSegment{Session: sess[i], Segment: int(seg[i]), Coder: coder[i]}
		var bad error
		counts := func(k int) map[string]int {
			m := map[string]int{}
			for j, c := range kinds[k].cols {
				v := kinds[k].vals[j][i]
				if math.IsNaN(v) {
					continue
				}
				if (v < 0 || v != math.Trunc(v)) && bad == nil {
					bad = inputErr(datasets.Problem{File: t.Name, Line: t.Line(i), Column: c, Value: strconv.FormatFloat(v, 'g', -1, 64), Msg: "is not a count (0, 1, 2, ...)"})
				}
				m[c] = int(v)
			}
			return m
		}
		s.Withdrawal, s.Confrontation, s.Resolution = counts(0), counts(1), counts(2)
		if bad != nil {
			return nil, bad
		}
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
	res, err := reliability.ThreeRS(segs, reliability.RRSOptions{MinRating: o.MinRating, MaxRating: o.MaxRating, Level: o.Level})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.Name, err)
	}
	r := &ThreeRSRun{DataName: src.Label(), RRSResult: res, src: src}
	r.compose(o.Level)
	return r, nil
}

func (r *ThreeRSRun) compose(level float64) {
	res := &r.RRSResult
	s := &Section{ID: "threers", Title: fmt.Sprintf("3RS codes — %s: %d coders", r.src.Label(), len(res.Coders))}
	r.sec = s
	scales := map[string]bool{}
	for _, x := range res.Sessions {
		for k := range x.Ratings {
			scales[k] = true
		}
	}
	names := sortedKeys(scales)
	t := &Table{Name: "sessions", Title: "Session-level frequencies (segments with a marker) and mean ratings, per coder",
		Columns: append([]string{"session", "coder", "segments", "withdrawal", "confrontation", "resolution"}, names...),
		Right:   []bool{false, false, true, true, true, true}}
	for range names {
		t.Right = append(t.Right, true)
	}
	for _, x := range res.Sessions {
		row := []string{x.Session, x.Coder, strconv.Itoa(x.Segments), strconv.Itoa(x.WithdrawalSegments), strconv.Itoa(x.ConfrontationSegments), strconv.Itoa(x.ResolutionSegments)}
		for _, n := range names {
			if v, ok := x.Ratings[n]; ok {
				row = append(row, strconv.FormatFloat(v, 'g', 10, 64))
			} else {
				row = append(row, "")
			}
		}
		t.Rows = append(t.Rows, row)
	}
	rel := &Table{Name: "reliability", Title: "Inter-rater reliability", Columns: []string{"Scale", "Level", "Targets", "Coefficient", "Value", apa.Level(level) + " CI"}, Right: []bool{false, false, true, false, true, false}}
	for _, x := range res.Reliability {
		switch {
		case x.ICC != nil:
			for _, row := range x.ICC.Rows {
				if row.Type == "ICC2" || row.Type == "ICC3" {
					rel.Rows = append(rel.Rows, []string{x.Scale, x.Level, strconv.Itoa(x.NTargets), row.Type, num(row.ICC, 3), interval(row.Lower, row.Upper, 3, false)})
				}
			}
		case x.Kappa != nil:
			k := x.Kappa.Unweighted
			rel.Rows = append(rel.Rows, []string{x.Scale, x.Level, strconv.Itoa(x.NTargets), "Cohen's κ", num(k.Kappa, 3), interval(k.Lower, k.Upper, 3, false)})
		case x.Fleiss != nil:
			rel.Rows = append(rel.Rows, []string{x.Scale, x.Level, strconv.Itoa(x.NTargets), "Fleiss' κ", num(x.Fleiss.Kappa, 3), ""})
		default:
			rel.Rows = append(rel.Rows, []string{x.Scale, x.Level, strconv.Itoa(x.NTargets), "", "", x.Note})
		}
	}
	rel.Notes = append(rel.Notes, "ICC2: absolute agreement of coders drawn from a pool; ICC3: consistency of fixed coders (all six forms in the JSON output). Frequencies count segments with at least one marker — our reading of the 3RS manual, whose aggregation rules are not public in full.")
	s.Add(t, rel)
}

// Output is the JSON result document.
func (r *ThreeRSRun) Output() any { return r }

// Section is the rendered body.
func (r *ThreeRSRun) Section() *Section { return r.sec }

// Methods is the methods text.
func (r *ThreeRSRun) Methods() string {
	return "Rupture markers and resolution strategies were coded with the Rupture Resolution Rating System (3RS; Eubanks, Muran & Safran); inter-rater reliability is reported as ICCs (Shrout & Fleiss, 1979) and kappas."
}

// Cites lists the citation keys used.
func (r *ThreeRSRun) Cites() []string { return []string{"shrout1979"} }

// TopNotes are the notes to show first.
func (r *ThreeRSRun) TopNotes() []Note { return nil }

// Steps reproduce the summary.
func (r *ThreeRSRun) Steps() []Step {
	return []Step{{Purpose: "the 3RS summary", Command: "alliance reliability " + shellQuote(r.src.Name) + " --3rs"}}
}

// Data accounts for the table.
func (r *ThreeRSRun) Data() *DataPart {
	return &DataPart{Kind: "3RS codes", Source: r.src, Roles: map[string]string{}, Counts: map[string]int{"segments": r.src.Rows, "coders": len(r.Coders)}}
}

var _ Part = (*ThreeRSRun)(nil)
