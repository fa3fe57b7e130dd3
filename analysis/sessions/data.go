package sessions

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Data is a session table in long format: one row per patient and session.
// All slices that are present have the same length, one entry per row; rows
// may come in any order.
//
//   - Patient holds patient ids (required, non-empty). With Therapist,
//     patients are identified by the pair (therapist, patient), as lme4's
//     (1 | therapist/patient) does: a patient id seen under two therapists
//     is two patients (Fit notes it).
//   - Therapist holds therapist ids; nil when the data have no therapists.
//   - Session holds integer session numbers (required); a (patient, session)
//     pair may occur once. Sessions need not be consecutive: a missing
//     session is an absent row, and lags respect the gap.
//   - Alliance and Outcome hold the scores; NaN marks a missing value.
//     Alliance may be nil for a growth model of the outcome alone.
//   - Covariates holds further numeric columns (NaN = missing) entered as
//     fixed effects in every model, in sorted name order; names must be
//     plain identifiers (letters, digits, '_' and '.') and must not clash
//     with a derived column.
type Data struct {
	Patient    []string
	Therapist  []string
	Session    []int
	Alliance   []float64
	Outcome    []float64
	Covariates map[string][]float64
}

// index holds the row order and grouping Derive works from.
type index struct {
	n          int
	order      []int // rows sorted by patient key, then session
	pstart     []int // patient k owns order[pstart[k]:pstart[k+1]]
	pat        []int // patient key per row
	ther       []int // therapist per row (nil without therapists)
	patTher    []int // therapist per patient key
	therLabels []string
	multiTher  []string // patient ids seen under more than one therapist
}

// validate checks d and builds its index.
func (d Data) validate() (*index, error) {
	if err := d.checkColumns(); err != nil {
		return nil, err
	}
	n := len(d.Session)
	ix := &index{n: n, pat: make([]int, n)}
	if err := ix.indexIDs(d); err != nil {
		return nil, err
	}
	if err := ix.sortByPatient(d); err != nil {
		return nil, err
	}
	return ix, nil
}

// checkColumns checks that every column has one entry per row, that scores
// and covariates are finite (NaN = missing) and that covariate names are
// plain identifiers not clashing with derived columns.
func (d Data) checkColumns() error {
	n := len(d.Session)
	if n == 0 {
		return errs.New(errs.TooFew, "sessions", "the data have no rows")
	}
	if len(d.Patient) != n {
		return errs.New(errs.InvalidOption, "sessions", "%d patient ids for %d sessions; Patient and Session must have one entry per row", len(d.Patient), n)
	}
	if d.Therapist != nil && len(d.Therapist) != n {
		return errs.New(errs.InvalidOption, "sessions", "%d therapist ids for %d rows; give one per row or none", len(d.Therapist), n)
	}
	for _, c := range []struct {
		name string
		v    []float64
	}{{"alliance", d.Alliance}, {"outcome", d.Outcome}} {
		if c.v == nil {
			continue
		}
		if len(c.v) != n {
			return errs.New(errs.InvalidOption, "sessions", "%d %s values for %d rows", len(c.v), c.name, n)
		}
		for i, x := range c.v {
			if math.IsInf(x, 0) {
				return errs.Inputf("sessions", 0, "row %d: %s is %g; scores must be finite (NaN marks a missing value)", i+1, c.name, x)
			}
		}
	}
	for _, name := range d.covariateNames() {
		if !isIdent(name) {
			return errs.New(errs.InvalidOption, "sessions", "covariate name %q is not a plain identifier (letters, digits, '_' and '.'); rename it", name)
		}
		if reserved[name] {
			return errs.New(errs.InvalidOption, "sessions", "covariate name %q clashes with a derived column; rename it", name)
		}
		v := d.Covariates[name]
		if len(v) != n {
			return errs.New(errs.InvalidOption, "sessions", "covariate %q has %d values for %d rows", name, len(v), n)
		}
		for i, x := range v {
			if math.IsInf(x, 0) {
				return errs.Inputf("sessions", 0, "row %d: covariate %q is %g; values must be finite (NaN marks a missing value)", i+1, name, x)
			}
		}
	}

	return nil
}

// indexIDs codes the patients (within therapist, when there are therapists:
// a patient seen by two therapists is two patients, listed in multiTher) and
// therapists in order of first appearance. Empty ids are input errors.
func (ix *index) indexIDs(d Data) error {
	n := ix.n
	pid := map[string]int{}
	patLabel := make([]int, n) // raw patient id code per row
	for i, p := range d.Patient {
		if p == "" {
			return errs.Inputf("sessions", 0, "row %d: empty patient id", i+1)
		}
		c, ok := pid[p]
		if !ok {
			c = len(pid)
			pid[p] = c
		}
		patLabel[i] = c
	}
	if d.Therapist == nil {
		copy(ix.pat, patLabel)
		ix.patTher = nil
	} else {
		tid := map[string]int{}
		ix.ther = make([]int, n)
		for i, t := range d.Therapist {
			if t == "" {
				return errs.Inputf("sessions", 0, "row %d: empty therapist id (patient %q)", i+1, d.Patient[i])
			}
			c, ok := tid[t]
			if !ok {
				c = len(tid)
				tid[t] = c
				ix.therLabels = append(ix.therLabels, t)
			}
			ix.ther[i] = c
		}
		key := map[[2]int]int{}
		firstTher := make([]int, len(pid))
		for i := range firstTher {
			firstTher[i] = -1
		}
		multi := map[int]bool{}
		for i := 0; i < n; i++ {
			k := [2]int{ix.ther[i], patLabel[i]}
			c, ok := key[k]
			if !ok {
				c = len(key)
				key[k] = c
				ix.patTher = append(ix.patTher, ix.ther[i])
			}
			ix.pat[i] = c
			if ft := firstTher[patLabel[i]]; ft < 0 {
				firstTher[patLabel[i]] = ix.ther[i]
			} else if ft != ix.ther[i] && !multi[patLabel[i]] {
				multi[patLabel[i]] = true
				ix.multiTher = append(ix.multiTher, d.Patient[i])
			}
		}
		sort.Strings(ix.multiTher)
	}
	return nil
}

// sortByPatient orders the rows by patient key (counting sort), then by
// session within patient (stable); a (patient, session) pair occurring twice
// is an input error.
func (ix *index) sortByPatient(d Data) error {
	n := ix.n
	np := 0
	for _, k := range ix.pat {
		np = max(np, k+1)
	}
	// Counting sort by patient key, then by session within patient.
	ix.pstart = make([]int, np+1)
	for _, k := range ix.pat {
		ix.pstart[k+1]++
	}
	for k := 0; k < np; k++ {
		ix.pstart[k+1] += ix.pstart[k]
	}
	ix.order = make([]int, n)
	fill := slices.Clone(ix.pstart[:np])
	for i, k := range ix.pat {
		ix.order[fill[k]] = i
		fill[k]++
	}
	for k := 0; k < np; k++ {
		seg := ix.order[ix.pstart[k]:ix.pstart[k+1]]
		if !slices.IsSortedFunc(seg, func(a, b int) int { return d.Session[a] - d.Session[b] }) {
			slices.SortStableFunc(seg, func(a, b int) int { return d.Session[a] - d.Session[b] })
		}
		for j := 1; j < len(seg); j++ {
			if d.Session[seg[j]] == d.Session[seg[j-1]] {
				who := fmt.Sprintf("patient %q", d.Patient[seg[j]])
				if d.Therapist != nil {
					who += fmt.Sprintf(" (therapist %q)", d.Therapist[seg[j]])
				}
				return errs.Inputf("sessions", 0, "rows %d and %d: %s has session %d twice; each (patient, session) pair may occur once", seg[j-1]+1, seg[j]+1, who, d.Session[seg[j]])
			}
		}
	}
	return nil
}

func (d Data) covariateNames() []string {
	names := make([]string, 0, len(d.Covariates))
	for k := range d.Covariates {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
		case r >= '0' && r <= '9':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}
