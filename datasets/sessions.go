package datasets

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Default column names of a session table, matched case-insensitively in
// this order (DESIGN.md).
var (
	DefaultPatient   = []string{"patient", "id"}
	DefaultTherapist = []string{"therapist"}
	DefaultSession   = []string{"session"}
	DefaultAlliance  = []string{"alliance"}
	DefaultOutcome   = []string{"outcome"}
)

// SessionColumns names the columns of a session table; an empty name means
// "use the default names", and a name given here must exist.
type SessionColumns struct {
	Patient   string   // patient id (default: patient, id); --patient
	Therapist string   // therapist id (default: therapist); --therapist
	Session   string   // session number (default: session); --session
	Alliance  string   // alliance score (default: alliance); --alliance
	Outcome   string   // outcome / symptom score (default: outcome); --outcome
	Extra     []string // other columns to keep; nil keeps every other column in long format and none in wide format; --extra
}

// WideSpec describes a wide table with one row per patient and one column
// per session, such as bdi_s0, bdi_s1, ..., bdi_s12. Give a Prefix (columns
// named prefix + integer, matched case-insensitively) or an explicit list of
// Columns; the session number is the trailing integer of each column name.
type WideSpec struct {
	Prefix  string   // e.g. "bdi_s"; --wide PREFIX
	Columns []string // e.g. bdi_s1, bdi_s2; --wide a,b,c
	Into    string   // role filled by the wide values: "outcome" (default) or "alliance"
}

// SessionOptions select the layout and the required columns.
type SessionOptions struct {
	Wide             WideSpec // zero value: long format (one row per patient and session)
	RequireTherapist bool     // fail when there is no therapist column
	RequireAlliance  bool     // fail when there is no alliance column
	RequireOutcome   bool     // fail when there is no outcome column
	// Labels names extra columns read as text labels whatever their cells
	// (Column.Strings: a missing cell is ""), never typed as numbers: a
	// group column "1", "01", "2" keeps its labels.
	Labels []string
}

// Sessions is a validated session-by-session table in long format: one row
// per patient and session, sessions strictly increasing within each patient
// in file order, no duplicate (patient, session) pairs.
type Sessions struct {
	Name      string         // file name used in messages
	Patient   Factor         // patient ids
	Therapist Factor         // therapist ids; Codes is nil when absent
	Session   []int          // session numbers
	Alliance  []float64      // alliance scores, NaN = missing; nil if absent
	Outcome   []float64      // outcome scores, NaN = missing; nil if absent
	Extra     []Var          // other columns (numeric or text), missing = NaN or ""
	Line      []int          // source line (or XLSX row) of each row
	Columns   SessionColumns // the header names used for each role ("" when absent)
}

// Len returns the number of rows.
func (s *Sessions) Len() int { return len(s.Session) }

// Sessions validates t as a session table. In long format a patient and a
// session column are required; with opt.Wide the session number comes from
// the wide column names and each wide row becomes one row per session column
// (missing values are kept as NaN). Checks: patient and session present in
// every row, sessions whole numbers, no duplicate (patient, session), and
// sessions increasing within each patient in file order. Alliance and
// outcome may be missing in a row (NaN). All problems are returned together
// in an *InputError.
func (t *Table) Sessions(cols SessionColumns, opt SessionOptions) (*Sessions, error) {
	r := &resolver{t: t, probs: t.problems()}
	ro, err := r.sessionRoles(cols, opt)
	if err != nil {
		return nil, err
	}
	s := &Sessions{Name: t.Name}
	s.Columns = SessionColumns{Patient: nameOf(t, ro.jp), Therapist: nameOf(t, ro.jt), Session: nameOf(t, ro.js), Alliance: nameOf(t, ro.ja), Outcome: nameOf(t, ro.jo)}
	for _, j := range ro.jx {
		s.Columns.Extra = append(s.Columns.Extra, t.Header[j])
	}
	pf := r.ids(ro.jp, "every row needs a patient id (fill it in or remove the row)")
	var tf *Factor
	if ro.jt >= 0 {
		tf = r.ids(ro.jt, "every row needs a therapist id (fill it in or remove the row)")
	}
	var alliance, outcome []float64
	if ro.ja >= 0 {
		alliance = r.floats(ro.ja, "")
	}
	if ro.jo >= 0 {
		outcome = r.floats(ro.jo, "")
	}
	extras := make([]Var, len(ro.jx))
	for k, j := range ro.jx {
		if slices.ContainsFunc(opt.Labels, func(l string) bool { return strings.EqualFold(strings.TrimSpace(l), t.Header[j]) }) {
			extras[k] = Var{Name: t.Header[j], Text: t.Col(j).Strings()}
			continue
		}
		extras[k] = r.variable(j)
	}

	if !ro.wide {
		s.Session = r.sessionNumbers(ro.js)
		s.Patient = *pf
		if tf != nil {
			s.Therapist = *tf
		}
		s.Alliance, s.Outcome, s.Extra = alliance, outcome, extras
		s.Line = t.Lines()
	} else {
		r.widen(s, ro, pf, tf, alliance, outcome, extras)
		if ro.into == "alliance" {
			s.Columns.Alliance = wideName(opt.Wide)
		} else {
			s.Columns.Outcome = wideName(opt.Wide)
		}
	}
	if r.probs.total == 0 {
		if ro.wide {
			r.uniquePatients(pf, s.Columns.Patient)
		} else {
			r.checkOrder(s, s.Columns.Session)
		}
	}
	if err := r.probs.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// sessionRoles are the column indices (−1: absent) of a session table's
// roles, and for a wide layout its session columns and the role they fill.
type sessionRoles struct {
	jp, jt, js, ja, jo int
	jx                 []int // extra columns
	wide               bool
	into               string // "outcome" or "alliance" (wide)
	wideCols, wideSess []int  // the wide session columns and their session numbers
}

// sessionRoles finds the role columns; a missing required role is an error
// that lists the columns found. With no Extra named, a long table's unused
// columns are the extras.
func (r *resolver) sessionRoles(cols SessionColumns, opt SessionOptions) (sessionRoles, error) {
	t := r.t
	ro := sessionRoles{js: -1, ja: -1, jo: -1, wide: opt.Wide.Prefix != "" || len(opt.Wide.Columns) > 0}
	ro.jp = r.find(cols.Patient, "patient", DefaultPatient)
	ro.jt = r.find(cols.Therapist, "therapist", DefaultTherapist)
	ro.into = strings.ToLower(opt.Wide.Into)
	if ro.wide {
		if ro.into == "" {
			ro.into = "outcome"
		}
		if ro.into != "outcome" && ro.into != "alliance" {
			r.probs.addf(0, "", nil, "wide values can fill \"outcome\" or \"alliance\", not %q", opt.Wide.Into)
		}
		ro.wideCols, ro.wideSess = r.wideColumns(opt.Wide)
		if ro.into != "alliance" {
			ro.ja = r.find(cols.Alliance, "alliance", nil)
		}
		if ro.into != "outcome" {
			ro.jo = r.find(cols.Outcome, "outcome", nil)
		}
	} else {
		ro.js = r.find(cols.Session, "session", DefaultSession)
		ro.ja = r.find(cols.Alliance, "alliance", DefaultAlliance)
		ro.jo = r.find(cols.Outcome, "outcome", DefaultOutcome)
	}
	if cols.Extra != nil {
		for _, x := range cols.Extra {
			ro.jx = append(ro.jx, r.named(x, "extra"))
		}
	}
	if r.probs.total > 0 {
		return ro, r.probs.err()
	}
	if ro.jp < 0 {
		r.probs.advise("patient", "name it in SessionColumns.Patient", "no patient id column (patient, id); columns are: %s", t.columnList())
	}
	if !ro.wide && ro.js < 0 {
		r.probs.advise("session", "name it in SessionColumns.Session, or describe a wide layout (one row per patient) in SessionOptions.Wide", "no session column (session); columns are: %s", t.columnList())
	}
	if opt.RequireTherapist && ro.jt < 0 {
		r.probs.advise("therapist", "name it in SessionColumns.Therapist", "no therapist column (therapist); columns are: %s", t.columnList())
	}
	if opt.RequireAlliance && ro.ja < 0 && !(ro.wide && ro.into == "alliance") {
		r.probs.advise("alliance", "name it in SessionColumns.Alliance", "no alliance column (alliance); columns are: %s", t.columnList())
	}
	if opt.RequireOutcome && ro.jo < 0 && !(ro.wide && ro.into == "outcome") {
		r.probs.advise("outcome", "name it in SessionColumns.Outcome", "no outcome column (outcome); columns are: %s", t.columnList())
	}
	r.probs.otherSheets(t)
	if r.probs.total > 0 {
		return ro, r.probs.err()
	}
	if cols.Extra == nil && !ro.wide {
		used := map[int]bool{ro.jp: true, ro.jt: true, ro.js: true, ro.ja: true, ro.jo: true}
		for j := range t.Header {
			if !used[j] {
				ro.jx = append(ro.jx, j)
			}
		}
	}
	return ro, nil
}

// widen fills s from a wide table: row i, session column k becomes long
// row i·K + k, the patient's other columns repeated on each of its K rows
// and the session column's values in the role ro.into.
func (r *resolver) widen(s *Sessions, ro sessionRoles, pf, tf *Factor, alliance, outcome []float64, extras []Var) {
	t := r.t
	n := t.NumRows()
	K := len(ro.wideCols)
	m := n * K
	vals := make([][]float64, K)
	for k, j := range ro.wideCols {
		vals[k] = r.floats(j, "")
	}
	s.Session = make([]int, m)
	s.Line = make([]int, m)
	s.Patient = Factor{Codes: make([]int32, m), Levels: pf.Levels}
	if tf != nil {
		s.Therapist = Factor{Codes: make([]int32, m), Levels: tf.Levels}
	}
	long := make([]float64, m)
	var la, lo []float64
	if alliance != nil {
		la = make([]float64, m)
	}
	if outcome != nil {
		lo = make([]float64, m)
	}
	s.Extra = make([]Var, len(extras))
	for x, v := range extras {
		s.Extra[x] = Var{Name: v.Name, Numeric: v.Numeric}
		if v.Numeric {
			s.Extra[x].Num = make([]float64, m)
		} else {
			s.Extra[x].Text = make([]string, m)
		}
	}
	for i := range n {
		for k := range K {
			o := i*K + k
			s.Session[o] = ro.wideSess[k]
			s.Line[o] = t.Line(i)
			s.Patient.Codes[o] = pf.Codes[i]
			if tf != nil {
				s.Therapist.Codes[o] = tf.Codes[i]
			}
			long[o] = vals[k][i]
			if la != nil {
				la[o] = alliance[i]
			}
			if lo != nil {
				lo[o] = outcome[i]
			}
			for x, v := range extras {
				if v.Numeric {
					s.Extra[x].Num[o] = v.Num[i]
				} else {
					s.Extra[x].Text[o] = v.Text[i]
				}
			}
		}
	}
	s.Alliance, s.Outcome = la, lo
	if ro.into == "alliance" {
		s.Alliance = long
	} else {
		s.Outcome = long
	}
}

// wideName is the name given to the long column made from wide columns: the
// prefix without a trailing "_s" or "_" ("bdi_s" -> "bdi"), else the role.
func wideName(w WideSpec) string {
	if w.Prefix != "" {
		p := strings.TrimSuffix(w.Prefix, "_")
		if l := strings.ToLower(p); strings.HasSuffix(l, "_s") {
			p = p[:len(p)-2]
		}
		if p != "" {
			return p
		}
	}
	if strings.EqualFold(w.Into, "alliance") {
		return "alliance"
	}
	return "outcome"
}

// wideColumns finds the wide columns and their session numbers, sorted by
// session number.
func (r *resolver) wideColumns(w WideSpec) (cols, sess []int) {
	t := r.t
	type wc struct{ j, s int }
	var list []wc
	if len(w.Columns) > 0 {
		for _, name := range w.Columns {
			j := r.named(name, "wide")
			if j < 0 {
				continue
			}
			n, ok := trailingInt(t.Header[j])
			if !ok {
				r.probs.addh(0, t.Header[j], nil, "wide", "named in WideSpec.Columns does not end in a session number (e.g. bdi_s3)")
				continue
			}
			list = append(list, wc{j, n})
		}
	} else {
		p := strings.ToLower(w.Prefix)
		for j, h := range t.Header {
			if !strings.HasPrefix(strings.ToLower(h), p) {
				continue
			}
			rest := h[len(p):]
			if n, err := strconv.Atoi(rest); err == nil && rest != "" && rest[0] != '+' && rest[0] != '-' {
				list = append(list, wc{j, n})
			}
		}
		if len(list) == 0 && r.probs.total == 0 {
			r.probs.addf(0, "", nil, "no column is named %q followed by a session number (e.g. %s1); columns are: %s", w.Prefix, w.Prefix, t.columnList())
		}
	}
	slices.SortStableFunc(list, func(a, b wc) int { return a.s - b.s })
	for k := range list {
		if k > 0 && list[k].s == list[k-1].s {
			r.probs.addf(0, "", nil, "wide columns %q and %q both hold session %d", t.Header[list[k-1].j], t.Header[list[k].j], list[k].s)
		}
		cols = append(cols, list[k].j)
		sess = append(sess, list[k].s)
	}
	return cols, sess
}

// trailingInt returns the integer at the end of name ("bdi_s12" -> 12).
func trailingInt(name string) (int, bool) {
	k := len(name)
	for k > 0 && name[k-1] >= '0' && name[k-1] <= '9' {
		k--
	}
	if k == len(name) || len(name)-k > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(name[k:])
	return n, err == nil
}

// ids reads column j as a factor of ids; missing ids are problems.
func (r *resolver) ids(j int, need string) *Factor {
	t := r.t
	n := t.NumRows()
	fb := newFactorBuilder(n)
	name := t.Header[j]
	var prev []byte // the previous id and what it gave: ids repeat on consecutive rows
	prevCode, prevInvisible, havePrev := int32(0), false, false
	tc := t.typedCol(j)
	for i := range n {
		if tc != nil && havePrev && tc.same(i, i-1) { // a number's text shows nothing invisible
			fb.f.Codes = append(fb.f.Codes, prevCode)
			continue
		}
		b := t.cell(i, j)
		if havePrev && bytes.Equal(b, prev) {
			if prevInvisible {
				r.probs.add(t.Line(i), name, b, invisibleMsg)
			}
			fb.f.Codes = append(fb.f.Codes, prevCode)
			continue
		}
		if t.na.isCode(b) {
			r.missing(i, name, b, need)
			fb.f.Codes = append(fb.f.Codes, 0)
			havePrev = false
			continue
		}
		prevInvisible = invisible(b)
		if prevInvisible {
			r.probs.add(t.Line(i), name, b, invisibleMsg)
		}
		prev, prevCode, havePrev = b, fb.code(b), true
		fb.f.Codes = append(fb.f.Codes, prevCode)
	}
	if len(fb.f.Levels) == 0 {
		fb.f.Levels = []string{""}
	}
	return &fb.f
}

// sessionNumbers parses column j as whole session numbers.
func (r *resolver) sessionNumbers(j int) []int {
	t := r.t
	n := t.NumRows()
	out := make([]int, n)
	dec := byte(t.Decimal)
	name := t.Header[j]
	tc := t.typedCol(j)
	for i := range out {
		var v float64
		var err error
		var b []byte // the cell's text, read only when the number needs it
		typed := false
		if tc != nil {
			v, typed = tc.number(i, &t.na)
		}
		if !typed {
			b = t.cell(i, j)
			if t.na.isCode(b) {
				r.missing(i, name, b, "every row needs a session number (fill it in or remove the row)")
				continue
			}
			v, err = parseNumber(b, dec)
		}
		switch {
		case err != nil:
			r.probs.num(t.Line(i), name, b, err)
		case v != math.Trunc(v):
			r.probs.add(t.Line(i), name, t.cell(i, j), "is not a whole number: sessions are numbered 0, 1, 2, ...")
		case math.Abs(v) > 1e9:
			r.probs.add(t.Line(i), name, t.cell(i, j), "is not a plausible session number")
		default:
			out[i] = int(v)
		}
	}
	return out
}

// checkOrder reports sessions that do not increase within a patient (in file
// order) and duplicate (patient, session) pairs.
func (r *resolver) checkOrder(s *Sessions, col string) {
	np := len(s.Patient.Levels)
	last := make([]int, np)
	lastRow := make([]int32, np)
	for k := range lastRow {
		lastRow[k] = -1
	}
	dups := r.t.problems()
	outOfOrder := false
	for i, c := range s.Patient.Codes {
		sess := s.Session[i]
		if p := lastRow[c]; p >= 0 {
			switch {
			case sess == last[c]:
				dups.add(s.Line[i], col, nil, fmt.Sprintf("patient %q has session %d twice (%s); each (patient, session) must be unique", s.Patient.Levels[c], sess, r.t.where(s.Line[p], s.Line[i])))
			case sess < last[c]:
				outOfOrder = true
				r.probs.add(s.Line[i], col, nil, fmt.Sprintf("patient %q: session %d comes after session %d (%s); sessions must increase within a patient — sort the rows by patient and session", s.Patient.Levels[c], sess, last[c], r.t.where(s.Line[p])))
			}
		}
		last[c], lastRow[c] = sess, int32(i)
	}
	if outOfOrder {
		// Duplicates need not be adjacent: find them by sorting.
		dups = r.t.problems()
		idx := make([]int32, len(s.Session))
		for i := range idx {
			idx[i] = int32(i)
		}
		slices.SortStableFunc(idx, func(a, b int32) int {
			if d := int(s.Patient.Codes[a]) - int(s.Patient.Codes[b]); d != 0 {
				return d
			}
			return s.Session[a] - s.Session[b]
		})
		for k := 1; k < len(idx); k++ {
			a, b := idx[k-1], idx[k]
			if s.Patient.Codes[a] == s.Patient.Codes[b] && s.Session[a] == s.Session[b] {
				dups.add(s.Line[b], col, nil, fmt.Sprintf("patient %q has session %d twice (%s); each (patient, session) must be unique", s.Patient.Levels[s.Patient.Codes[a]], s.Session[a], r.t.where(s.Line[a], s.Line[b])))
			}
		}
	}
	for _, p := range dups.list {
		r.probs.keep(p)
	}
	r.probs.total += dups.total - len(dups.list)
}

// uniquePatients reports patients that have more than one row of a wide table.
func (r *resolver) uniquePatients(pf *Factor, col string) {
	first := make([]int, len(pf.Levels))
	for k := range first {
		first[k] = -1
	}
	for i, c := range pf.Codes {
		if f := first[c]; f >= 0 {
			r.probs.addf(r.t.Line(i), col, nil, "patient %q has two rows (%s); a wide table has one row per patient", pf.Levels[c], r.t.where(r.t.Line(f), r.t.Line(i)))
			continue
		}
		first[c] = i
	}
}
