package datasets

import (
	"math"
	"strconv"
)

// Default column names of a study table, matched case-insensitively in this
// order (DESIGN.md).
var (
	DefaultLabel = []string{"label", "study", "author", "authors"}
	DefaultR     = []string{"ri", "r"}
	DefaultN     = []string{"ni", "n"}
	DefaultYi    = []string{"yi"}
	DefaultVi    = []string{"vi"}
	DefaultSei   = []string{"sei"}
)

// StudyColumns names the columns of a study table. An empty name means "use
// the default names"; a name given here must exist. If only the effect-size
// roles (Yi, Vi, Sei) are named, the r/n defaults are not looked for, and if
// R is named the yi/vi/sei defaults are not, so that an unused column cannot
// make the load fail. Naming N alone keeps every default: a sample-size
// column also serves precomputed effect sizes (e.g. the sample-size
// predictors of Egger's test). The comment of each field gives the flag
// of the alliance command that sets it.
type StudyColumns struct {
	Label   string   // study label (default: label, study, author, authors); --study
	R       string   // correlation (default: ri, r); --r
	N       string   // sample size (default: ni, n); --n
	Yi      string   // precomputed effect size (default: yi); --yi
	Vi      string   // its sampling variance (default: vi); --vi
	Sei     string   // or its standard error (default: sei); --sei
	Mods    []string // moderator columns (none by default); --mods
	Cluster []string // cluster id columns, outermost first (none by default); --cluster
}

// StudyOptions select the checks of a study table.
type StudyOptions struct {
	// FisherZ requires n > 3 in every study, as the Fisher z sampling
	// variance 1/(n - 3) needs (metafor escalc measure "ZCOR").
	FisherZ bool
}

// Studies is a validated study-level table: one row per effect size.
// Numeric role columns are nil when the table has no such column; rows are
// in file order.
type Studies struct {
	Name    string       // file name used in messages
	Label   []string     // study labels (row numbers 1, 2, ... when there is no label column)
	R       []float64    // correlations, each in (-1, 1); nil if absent
	N       []float64    // sample sizes, each > 0 (> 3 with FisherZ); nil if absent
	Yi      []float64    // effect sizes; nil if absent
	Vi      []float64    // sampling variances, each > 0; nil if absent
	Sei     []float64    // standard errors, each > 0; nil if absent
	Mods    []Var        // moderators, in the order named; may contain missing values
	Cluster []Var        // cluster ids (text), in the order named; never missing
	Line    []int        // source line of each row
	Columns StudyColumns // the header names used for each role ("" when absent)

	req    StudyColumns // the columns as named to Table.Studies (for EffectSizes)
	header []string     // the table's header (for messages)
	frame  bool         // read from a DataFrame: Line holds row numbers
}

// K returns the number of rows (effect sizes).
func (s *Studies) K() int { return len(s.Line) }

// Studies validates t as a study table: either r and n, or yi with vi or sei,
// must be present and complete (no missing values), with r in (-1, 1), n > 0
// (n > 3 with opt.FisherZ), and vi, sei > 0. Moderators may have missing
// values (NaN or ""), which the analysis drops with a message; cluster ids
// may not. All problems are returned together in an *InputError.
func (t *Table) Studies(cols StudyColumns, opt StudyOptions) (*Studies, error) {
	r := &resolver{t: t, probs: t.problems()}
	namedES := cols.Yi != "" || cols.Vi != "" || cols.Sei != ""
	// A named correlation column chooses the r/n family; a sample-size
	// column alone does not (it also serves effect sizes, e.g. for the
	// ni-based Egger predictors), so naming N keeps the yi/vi defaults.
	namedRN := cols.R != ""
	defOr := func(use bool, d []string) []string {
		if use {
			return d
		}
		return nil
	}
	jl := r.find(cols.Label, "study", DefaultLabel)
	jr := r.find(cols.R, "r", defOr(!namedES || namedRN, DefaultR))
	jn := r.find(cols.N, "n", defOr(!namedES || namedRN, DefaultN))
	jy := r.find(cols.Yi, "yi", defOr(!namedRN || namedES, DefaultYi))
	jv := r.find(cols.Vi, "vi", defOr(!namedRN || namedES, DefaultVi))
	js := r.find(cols.Sei, "sei", defOr(!namedRN || namedES, DefaultSei))
	jm := make([]int, len(cols.Mods))
	for k, m := range cols.Mods {
		jm[k] = r.named(m, "mods")
	}
	jc := make([]int, len(cols.Cluster))
	for k, c := range cols.Cluster {
		jc[k] = r.named(c, "cluster")
	}
	if r.probs.total > 0 {
		return nil, r.probs.err()
	}
	haveRN := jr >= 0 && jn >= 0
	haveES := jy >= 0 && (jv >= 0 || js >= 0)
	switch {
	case jr >= 0 && jn < 0 && !haveES:
		r.probs.addh(0, "", nil, "n", "found correlations in column %q but no sample sizes (ni, n); name the column in StudyColumns.N; columns are: %s", t.Header[jr], t.columnList())
	case jy >= 0 && jv < 0 && js < 0 && !haveRN:
		r.probs.addh(0, "", nil, "vi", "found effect sizes in column %q but no sampling variances (vi) or standard errors (sei); name one in StudyColumns.Vi or StudyColumns.Sei; columns are: %s", t.Header[jy], t.columnList())
	case !haveRN && !haveES:
		r.probs.addh(0, "", nil, "effects", "need correlations and sample sizes (columns ri/r and ni/n, or name them in StudyColumns.R and StudyColumns.N) or effect sizes with variances (yi with vi or sei, or name them in StudyColumns.Yi, Vi, Sei); columns are: %s", t.columnList())
	}
	if r.probs.total > 0 {
		return nil, r.probs.err()
	}

	k := t.NumRows()
	s := &Studies{Name: t.Name, Line: t.Lines(), req: cols, header: t.Header, frame: t.frame}
	s.Columns = StudyColumns{Label: nameOf(t, jl), R: nameOf(t, jr), N: nameOf(t, jn), Yi: nameOf(t, jy), Vi: nameOf(t, jv), Sei: nameOf(t, js)}
	if jl >= 0 {
		s.Label = t.Col(jl).Strings()
		for i, l := range s.Label {
			if l == "" {
				s.Label[i] = strconv.Itoa(i + 1)
			}
		}
	} else {
		s.Label = make([]string, k)
		for i := range s.Label {
			s.Label[i] = strconv.Itoa(i + 1)
		}
	}
	if jr >= 0 {
		s.R = r.floats(jr, "every study needs a correlation (fill it in or remove the row)")
		for i, v := range s.R {
			if !math.IsNaN(v) && (v <= -1 || v >= 1) {
				r.probs.add(t.Line(i), t.Header[jr], t.cell(i, jr), "is outside (-1, 1): a correlation must lie strictly between -1 and 1")
			}
		}
	}
	if jn >= 0 {
		s.N = r.floats(jn, "every study needs a sample size (fill it in or remove the row)")
		for i, v := range s.N {
			switch {
			case math.IsNaN(v):
			case v <= 0:
				r.probs.add(t.Line(i), t.Header[jn], t.cell(i, jn), "is not a positive sample size")
			case opt.FisherZ && v <= 3:
				r.probs.add(t.Line(i), t.Header[jn], t.cell(i, jn), "is too small: Fisher z needs n > 3 (its variance is 1/(n - 3)); remove the study or use raw correlations")
			}
		}
	}
	if jy >= 0 {
		s.Yi = r.floats(jy, "every study needs an effect size (fill it in or remove the row)")
	}
	need := "every study needs a sampling variance (fill it in or remove the row)"
	if jv >= 0 {
		msg := need
		if js >= 0 {
			msg = "" // checked jointly below
		}
		s.Vi = r.floats(jv, msg)
		r.positive(s.Vi, jv, "is negative: a sampling variance cannot be negative")
	}
	if js >= 0 {
		msg := "every study needs a standard error (fill it in or remove the row)"
		if jv >= 0 {
			msg = ""
		}
		s.Sei = r.floats(js, msg)
		r.positive(s.Sei, js, "is negative: a standard error cannot be negative")
	}
	if jv >= 0 && js >= 0 && jy >= 0 {
		for i := range s.Vi {
			if math.IsNaN(s.Vi[i]) && math.IsNaN(s.Sei[i]) && t.na.isCode(t.cell(i, jv)) {
				r.probs.add(t.Line(i), t.Header[jv], t.cell(i, jv), "missing value, and no standard error either; every study needs a sampling variance (fill it in or remove the row)")
			}
		}
	}
	for k, j := range jm {
		v := r.variable(j)
		v.Name = t.Header[j]
		s.Mods = append(s.Mods, v)
		s.Columns.Mods = append(s.Columns.Mods, t.Header[jm[k]])
	}
	for _, j := range jc {
		s.Cluster = append(s.Cluster, r.textVar(j, "every row needs a cluster id (fill it in or remove the row)"))
		s.Columns.Cluster = append(s.Columns.Cluster, t.Header[j])
	}
	if err := r.probs.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// positive reports negative values with msg and zeros as a study without
// sampling error, which no inverse-variance method can weight.
func (r *resolver) positive(v []float64, j int, msg string) {
	for i, x := range v {
		switch {
		case x < 0:
			r.probs.add(r.t.Line(i), r.t.Header[j], r.t.cell(i, j), msg)
		case x == 0:
			r.probs.add(r.t.Line(i), r.t.Header[j], r.t.cell(i, j), "is zero: a study without sampling error cannot be weighted (check the value, or remove the row)")
		}
	}
}
