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
	ro, err := r.studyRoles(cols)
	if err != nil {
		return nil, err
	}
	jl, jr, jn, jy, jv, js := ro.jl, ro.jr, ro.jn, ro.jy, ro.jv, ro.js
	k := t.NumRows()
	s := &Studies{Name: t.Name, Line: t.Lines(), req: cols, header: t.Header, frame: t.frame}
	s.Columns = StudyColumns{Label: nameOf(t, jl), R: nameOf(t, jr), N: nameOf(t, jn), Yi: nameOf(t, jy), Vi: nameOf(t, jv), Sei: nameOf(t, js)}
	if jl >= 0 {
		s.Label = t.Col(jl).Strings()
		for i, l := range s.Label {
			if invisible([]byte(l)) {
				r.probs.add(t.Line(i), t.Header[jl], []byte(l), invisibleMsg)
			}
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
	r.readCorrelations(s, ro, opt)
	r.readEffectSizes(s, ro)
	for k, j := range ro.jm {
		v := r.variable(j)
		v.Name = t.Header[j]
		s.Mods = append(s.Mods, v)
		s.Columns.Mods = append(s.Columns.Mods, t.Header[ro.jm[k]])
	}
	for _, j := range ro.jc {
		s.Cluster = append(s.Cluster, r.textVar(j, "every row needs a cluster id (fill it in or remove the row)"))
		s.Columns.Cluster = append(s.Columns.Cluster, t.Header[j])
	}
	if err := r.probs.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// studyRoles are the column indices (−1: absent) of a study table's roles:
// label, r, n, yi, vi, sei, and the moderator and cluster columns.
type studyRoles struct {
	jl, jr, jn, jy, jv, js int
	jm, jc                 []int
}

// studyRoles finds the role columns and checks that they give one family
// of effects: correlations with sample sizes, or effect sizes with
// variances or standard errors.
func (r *resolver) studyRoles(cols StudyColumns) (studyRoles, error) {
	t := r.t
	var ro studyRoles
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
	ro.jl = r.find(cols.Label, "study", DefaultLabel)
	ro.jr = r.find(cols.R, "r", defOr(!namedES || namedRN, DefaultR))
	ro.jn = r.find(cols.N, "n", defOr(!namedES || namedRN, DefaultN))
	ro.jy = r.find(cols.Yi, "yi", defOr(!namedRN || namedES, DefaultYi))
	ro.jv = r.find(cols.Vi, "vi", defOr(!namedRN || namedES, DefaultVi))
	ro.js = r.find(cols.Sei, "sei", defOr(!namedRN || namedES, DefaultSei))
	ro.jm = make([]int, len(cols.Mods))
	for k, m := range cols.Mods {
		ro.jm[k] = r.named(m, "mods")
	}
	ro.jc = make([]int, len(cols.Cluster))
	for k, c := range cols.Cluster {
		ro.jc[k] = r.named(c, "cluster")
	}
	if r.probs.total > 0 {
		return ro, r.probs.err()
	}
	haveRN := ro.jr >= 0 && ro.jn >= 0
	haveES := ro.jy >= 0 && (ro.jv >= 0 || ro.js >= 0)
	switch {
	case ro.jr >= 0 && ro.jn < 0 && !haveES:
		r.probs.advise("n", "name it in StudyColumns.N", "found correlations in column %q but no sample sizes (ni, n); columns are: %s", t.Header[ro.jr], t.columnList())
	case ro.jy >= 0 && ro.jv < 0 && ro.js < 0 && !haveRN:
		r.probs.advise("vi", "name one in StudyColumns.Vi or StudyColumns.Sei", "found effect sizes in column %q but no sampling variances (vi) or standard errors (sei); columns are: %s", t.Header[ro.jy], t.columnList())
	case !haveRN && !haveES:
		r.probs.advise("effects", effectsAdvice, "need correlations and sample sizes (columns ri/r and ni/n) or effect sizes with variances (yi with vi or sei); columns are: %s", t.columnList())
	}
	r.probs.otherSheets(t)
	if r.probs.total > 0 {
		return ro, r.probs.err()
	}

	return ro, nil
}

// readCorrelations reads the r and n columns: every r strictly inside
// (−1, 1), every n positive (and above 3 for Fisher z).
func (r *resolver) readCorrelations(s *Studies, ro studyRoles, opt StudyOptions) {
	t := r.t
	if ro.jr >= 0 {
		s.R = r.floats(ro.jr, "every study needs a correlation (fill it in or remove the row)")
		for i, v := range s.R {
			if !math.IsNaN(v) && (v <= -1 || v >= 1) {
				r.probs.add(t.Line(i), t.Header[ro.jr], t.cell(i, ro.jr), "is outside (-1, 1): a correlation must lie strictly between -1 and 1")
			}
		}
	}
	if ro.jn >= 0 {
		s.N = r.floats(ro.jn, "every study needs a sample size (fill it in or remove the row)")
		for i, v := range s.N {
			switch {
			case math.IsNaN(v):
			case v <= 0:
				r.probs.add(t.Line(i), t.Header[ro.jn], t.cell(i, ro.jn), "is not a positive sample size")
			case opt.FisherZ && v <= 3:
				r.probs.add(t.Line(i), t.Header[ro.jn], t.cell(i, ro.jn), "is too small: Fisher z needs n > 3 (its variance is 1/(n - 3)); remove the study or use raw correlations")
			}
		}
	}
}

// readEffectSizes reads the yi, vi and sei columns: variances and standard
// errors non-negative, and a study missing both is an error.
func (r *resolver) readEffectSizes(s *Studies, ro studyRoles) {
	t := r.t
	if ro.jy >= 0 {
		s.Yi = r.floats(ro.jy, "every study needs an effect size (fill it in or remove the row)")
	}
	need := "every study needs a sampling variance (fill it in or remove the row)"
	if ro.jv >= 0 {
		msg := need
		if ro.js >= 0 {
			msg = "" // checked jointly below
		}
		s.Vi = r.floats(ro.jv, msg)
		r.positive(s.Vi, ro.jv, "is negative: a sampling variance cannot be negative")
	}
	if ro.js >= 0 {
		msg := "every study needs a standard error (fill it in or remove the row)"
		if ro.jv >= 0 {
			msg = ""
		}
		s.Sei = r.floats(ro.js, msg)
		r.positive(s.Sei, ro.js, "is negative: a standard error cannot be negative")
	}
	if ro.jv >= 0 && ro.js >= 0 && ro.jy >= 0 {
		for i := range s.Vi {
			if math.IsNaN(s.Vi[i]) && math.IsNaN(s.Sei[i]) && t.na.isCode(t.cell(i, ro.jv)) {
				r.probs.add(t.Line(i), t.Header[ro.jv], t.cell(i, ro.jv), "missing value, and no standard error either; every study needs a sampling variance (fill it in or remove the row)")
			}
		}
	}
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
