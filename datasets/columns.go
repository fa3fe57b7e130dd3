package datasets

import (
	"errors"
	"math"
)

// Var is a typed column that is not one of a table's fixed roles: a
// moderator, a cluster id or an extra session variable. It is numeric when
// every non-missing cell is a number, and text when few are; a column that is
// mostly numbers with some other cells is a load error (see Column.Numbers).
type Var struct {
	Name    string    `json:"name"`           // header name as spelled in the file
	Numeric bool      `json:"numeric"`        // Num is set when true, Text when false
	Num     []float64 `json:"num,omitempty"`  // numeric values; NaN = missing
	Text    []string  `json:"text,omitempty"` // text values; "" = missing
}

// Len returns the number of rows.
func (v *Var) Len() int {
	if v.Numeric {
		return len(v.Num)
	}
	return len(v.Text)
}

// Missing reports whether row i is missing.
func (v *Var) Missing(i int) bool {
	if v.Numeric {
		return math.IsNaN(v.Num[i])
	}
	return v.Text[i] == ""
}

// Levels returns the distinct non-missing values of a text Var in order of
// first appearance (nil for a numeric Var).
func (v *Var) Levels() []string {
	if v.Numeric {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range v.Text {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Factor is a column of group labels stored as integer codes: Levels[Codes[i]]
// is the label of row i. Levels are in order of first appearance.
type Factor struct {
	Codes  []int32  `json:"codes"`
	Levels []string `json:"levels"`
}

// Len returns the number of rows (0 for an absent factor).
func (f *Factor) Len() int { return len(f.Codes) }

// Value returns the label of row i.
func (f *Factor) Value(i int) string { return f.Levels[f.Codes[i]] }

// Strings returns the label of every row.
func (f *Factor) Strings() []string {
	out := make([]string, len(f.Codes))
	for i, c := range f.Codes {
		out[i] = f.Levels[c]
	}
	return out
}

// factorBuilder interns labels: each distinct label is allocated once.
type factorBuilder struct {
	m map[string]int32
	f Factor
}

func newFactorBuilder(n int) *factorBuilder {
	return &factorBuilder{m: make(map[string]int32), f: Factor{Codes: make([]int32, 0, n)}}
}

func (fb *factorBuilder) code(b []byte) int32 {
	if c, ok := fb.m[string(b)]; ok {
		return c
	}
	c := int32(len(fb.f.Levels))
	s := string(b)
	fb.m[s] = c
	fb.f.Levels = append(fb.f.Levels, s)
	return c
}

// resolver finds the columns that play each role, collecting problems.
type resolver struct {
	t     *Table
	probs *problems
}

// find returns the index of the column for a role: the column named
// explicitly (an error if absent), else the first of the default names
// present, else -1.
// roleField names the option field that names each role's column, for
// messages; the role itself is the Problem.Hint.
var roleField = map[string]string{
	"study": "StudyColumns.Label", "r": "StudyColumns.R", "n": "StudyColumns.N",
	"yi": "StudyColumns.Yi", "vi": "StudyColumns.Vi", "sei": "StudyColumns.Sei",
	"mods": "StudyColumns.Mods", "cluster": "StudyColumns.Cluster",
	"patient": "SessionColumns.Patient", "therapist": "SessionColumns.Therapist",
	"session": "SessionColumns.Session", "alliance": "SessionColumns.Alliance",
	"outcome": "SessionColumns.Outcome", "extra": "SessionColumns.Extra",
	"wide": "WideSpec.Columns",
}

func (r *resolver) find(explicit, role string, defaults []string) int {
	if explicit != "" {
		return r.named(explicit, role)
	}
	for _, d := range defaults {
		switch j := r.t.ColumnIndex(d); {
		case j >= 0:
			return j
		case j == -2:
			r.probs.advise(role, "name the one to use in "+roleField[role], "several columns are named %q (ignoring case)", d)
			return -1
		}
	}
	return -1
}

// named returns the index of a column named explicitly for role.
func (r *resolver) named(name, role string) int {
	switch j := r.t.ColumnIndex(name); j {
	case -1:
		r.probs.advise(role, "name an existing column in "+roleField[role], "column %q not found; columns are: %s", name, r.t.columnList())
		return -1
	case -2:
		r.probs.advise(role, "rename them, or name the one to use in "+roleField[role]+" exactly", "column %q is ambiguous: several columns match it ignoring case", name)
		return -1
	default:
		return j
	}
}

// floats parses column j as numbers. Missing cells become NaN; if need is
// not "", a missing cell is also a problem and need says why the value is
// required.
func (r *resolver) floats(j int, need string) []float64 {
	t := r.t
	c := t.Col(j)
	n := t.NumRows()
	out := make([]float64, n)
	dec := byte(t.Decimal)
	hasNum := len(t.na.nums) > 0
	tc := t.typedCol(j)
	for i := range out {
		if tc != nil {
			if v, ok := tc.number(i, &t.na); ok {
				out[i] = v
				continue
			}
		}
		b := t.cell(i, j)
		if t.na.isCode(b) {
			out[i] = math.NaN()
			if need != "" {
				r.missing(i, c.Name, b, need)
			}
			continue
		}
		v, err := parseNumber(b, dec)
		if err != nil {
			r.probs.num(t.Line(i), c.Name, b, err)
			out[i] = math.NaN()
			continue
		}
		if hasNum && t.na.isNum(v) {
			out[i] = math.NaN()
			if need != "" {
				r.missing(i, c.Name, b, need)
			}
			continue
		}
		out[i] = v
	}
	return out
}

func (r *resolver) missing(i int, col string, b []byte, need string) {
	msg := "missing value; " + need
	if len(b) > 0 {
		msg = "is a missing-value code; " + need
	}
	r.probs.add(r.t.Line(i), col, b, msg)
}

// variable types column j with Column.Numbers: numeric if every non-missing
// cell is a number, text if few are, and a problem for each cell that is not
// a number when most are (a typo such as "199 4" in a year column must not
// silently turn the column into a factor with one level per value).
func (r *resolver) variable(j int) Var {
	c := r.t.Col(j)
	v, numeric, err := c.Numbers()
	if err != nil {
		r.merge(err)
		// A placeholder of the right length: the load fails with the
		// merged problems, so its values are never seen.
		return Var{Name: c.Name, Numeric: true, Num: make([]float64, c.Len())}
	}
	if numeric {
		return Var{Name: c.Name, Numeric: true, Num: v}
	}
	return Var{Name: c.Name, Text: c.Strings()}
}

// merge adds the problems of an *InputError to r's, counting those it did
// not store.
func (r *resolver) merge(err error) {
	var ie *InputError
	if !errors.As(err, &ie) {
		r.probs.add(0, "", nil, err.Error())
		return
	}
	for _, p := range ie.Problems {
		r.probs.keep(p)
	}
	r.probs.total += ie.Total - len(ie.Problems)
}

// textVar reads column j as text ids; missing cells are problems when need
// is not "".
func (r *resolver) textVar(j int, need string) Var {
	c := r.t.Col(j)
	v := Var{Name: c.Name, Text: make([]string, c.Len())}
	for i := range v.Text {
		if c.Missing(i) {
			if need != "" {
				r.missing(i, c.Name, c.Bytes(i), need)
			}
			continue
		}
		v.Text[i] = c.String(i)
	}
	return v
}

func nameOf(t *Table, j int) string {
	if j < 0 {
		return ""
	}
	return t.Header[j]
}
