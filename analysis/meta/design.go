package meta

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
)

// design holds the complete cases of a model: effect sizes, variances and
// the k×p model matrix (row-major), with R's column names.
type design struct {
	k, p   int
	y, v   []float64
	x      []float64 // k*p, row-major; column 0 is the intercept
	names  []string  // column names, "intrcpt" first
	labels []string  // study labels of the kept rows (nil if none given)
	rows   []int     // index of each kept row in the caller's input
	// the moderators after dropping, for RCode and permutations
	mods []Moderator
	// a are the user weights of the kept rows (nil: inverse-variance
	// weights; see weights.go).
	a []float64
}

// newDesign validates the input, drops incomplete rows and builds the model
// matrix with treatment-coded factors. Notes describe dropped rows.
func newDesign(yi, vi []float64, mods []Moderator, labels []string) (*design, []string, error) {
	if err := checkDesignInput(yi, vi, mods, labels); err != nil {
		return nil, nil, err
	}
	keep, notes, err := completeCases(yi, vi, mods)
	if err != nil {
		return nil, notes, err
	}
	k := len(keep)
	d := &design{k: k, y: make([]float64, k), v: make([]float64, k), rows: keep}
	for j, i := range keep {
		d.y[j], d.v[j] = yi[i], vi[i]
	}
	if labels != nil {
		d.labels = make([]string, k)
		for j, i := range keep {
			d.labels[j] = labels[i]
		}
	}
	d.modelMatrix(mods)
	if err := d.checkRank(); err != nil {
		return nil, notes, err
	}
	return d, notes, nil
}

// checkDesignInput refuses empty input, lengths that do not match and
// moderators without a name, given twice, or with no or two kinds of
// values.
func checkDesignInput(yi, vi []float64, mods []Moderator, labels []string) error {
	n := len(yi)
	if n == 0 {
		return errs.New(errs.TooFew, "meta", "no studies (yi is empty)")
	}
	if len(vi) != n {
		return errs.New(errs.InvalidOption, "meta", "yi has %d values but vi has %d; give one variance per effect size", n, len(vi))
	}
	if labels != nil && len(labels) != n {
		return errs.New(errs.InvalidOption, "meta", "%d labels for %d studies", len(labels), n)
	}
	seen := map[string]bool{}
	for _, m := range mods {
		if m.Name == "" {
			return errs.New(errs.InvalidOption, "meta", "a moderator has no name")
		}
		if seen[m.Name] {
			return errs.New(errs.InvalidOption, "meta", "moderator %q given twice", m.Name)
		}
		seen[m.Name] = true
		switch {
		case m.Numeric != nil && m.Text != nil:
			return errs.New(errs.InvalidOption, "meta", "moderator %q has both numeric and text values; give one", m.Name)
		case m.Numeric != nil && len(m.Numeric) != n:
			return errs.New(errs.InvalidOption, "meta", "moderator %q has %d values for %d studies", m.Name, len(m.Numeric), n)
		case m.Text != nil && len(m.Text) != n:
			return errs.New(errs.InvalidOption, "meta", "moderator %q has %d values for %d studies", m.Name, len(m.Text), n)
		case m.Numeric == nil && m.Text == nil:
			return errs.New(errs.InvalidOption, "meta", "moderator %q has no values", m.Name)
		}
	}
	return nil
}

// completeCases returns the rows with yi, vi and every moderator present
// (NaN or blank text is missing), with notes on the rows dropped; an
// infinite value or a non-positive variance is an input error.
func completeCases(yi, vi []float64, mods []Moderator) ([]int, []string, error) {
	n := len(yi)
	keep := make([]int, 0, n)
	var nMissY, nMissMod int
	for i := 0; i < n; i++ {
		if math.IsNaN(yi[i]) || math.IsNaN(vi[i]) {
			nMissY++
			continue
		}
		if math.IsInf(yi[i], 0) || math.IsInf(vi[i], 0) {
			return nil, nil, errs.Inputf("meta", 0, "study %d: yi = %g, vi = %g is not finite", i+1, yi[i], vi[i])
		}
		if vi[i] <= 0 {
			return nil, nil, errs.Inputf("meta", 0, "study %d: sampling variance vi = %g must be positive (check the variance column or n)", i+1, vi[i])
		}
		miss := false
		for _, m := range mods {
			if (m.Numeric != nil && (math.IsNaN(m.Numeric[i]) || math.IsInf(m.Numeric[i], 0))) ||
				(m.Text != nil && strings.TrimSpace(m.Text[i]) == "") {
				miss = true
				break
			}
		}
		if miss {
			nMissMod++
			continue
		}
		keep = append(keep, i)
	}
	var notes []string
	if nMissY > 0 {
		notes = append(notes, fmt.Sprintf("%d %s with missing yi or vi dropped", nMissY, plural(nMissY, "study", "studies")))
	}
	if nMissMod > 0 {
		notes = append(notes, fmt.Sprintf("%d %s with missing moderators dropped", nMissMod, plural(nMissMod, "study", "studies")))
	}
	if len(keep) == 0 {
		return nil, notes, errs.New(errs.TooFew, "meta", "no complete studies left (all rows have missing values)")
	}
	return keep, notes, nil
}

// modelMatrix sets d.x, d.p, d.names and d.mods from the moderators on the
// kept rows d.rows: the intercept, numeric moderators as they are, and text
// moderators treatment-coded (one 0/1 column per level after the first in
// sorted order, named moderator+level as R).
func (d *design) modelMatrix(mods []Moderator) {
	k, keep := d.k, d.rows
	type col struct {
		name string
		val  func(row int) float64
	}
	cols := []col{{"intrcpt", func(int) float64 { return 1 }}}
	for _, m := range mods {
		if m.Numeric != nil {
			vals := make([]float64, k)
			for j, i := range keep {
				vals[j] = m.Numeric[i]
			}
			d.mods = append(d.mods, Moderator{Name: m.Name, Numeric: vals})
			cols = append(cols, col{m.Name, func(r int) float64 { return vals[r] }})
			continue
		}
		vals := make([]string, k)
		for j, i := range keep {
			vals[j] = strings.TrimSpace(m.Text[i])
		}
		d.mods = append(d.mods, Moderator{Name: m.Name, Text: vals})
		for _, lv := range levels(vals)[1:] {
			cols = append(cols, col{m.Name + lv, func(r int) float64 {
				if vals[r] == lv {
					return 1
				}
				return 0
			}})
		}
	}
	d.p = len(cols)
	d.x = make([]float64, k*d.p)
	d.names = make([]string, d.p)
	for c, cl := range cols {
		d.names[c] = cl.name
		for r := 0; r < k; r++ {
			d.x[r*d.p+c] = cl.val(r)
		}
	}
}

// levels returns the sorted distinct values (byte order; for ASCII names
// this is R's sort order in the C locale).
func levels(vals []string) []string {
	set := map[string]bool{}
	for _, v := range vals {
		set[v] = true
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// checkRank reports design columns that are constant or linear combinations
// of earlier columns (modified Gram–Schmidt with re-orthogonalisation).
func (d *design) checkRank() error {
	k, p := d.k, d.p
	if p == 1 {
		return nil
	}
	q := make([]float64, k*p) // orthonormal columns, column-major
	for c := 0; c < p; c++ {
		qc := q[c*k : (c+1)*k]
		var norm0 float64
		for r := 0; r < k; r++ {
			qc[r] = d.x[r*p+c]
			norm0 += qc[r] * qc[r]
		}
		norm0 = math.Sqrt(norm0)
		var deps []string
		for pass := 0; pass < 2; pass++ {
			for j := 0; j < c; j++ {
				qj := q[j*k : (j+1)*k]
				var dot float64
				for r := range qc {
					dot += qj[r] * qc[r]
				}
				if pass == 0 && math.Abs(dot) > 1e-8*norm0 {
					deps = append(deps, d.names[j])
				}
				for r := range qc {
					qc[r] -= dot * qj[r]
				}
			}
		}
		var norm float64
		for _, x := range qc {
			norm += x * x
		}
		norm = math.Sqrt(norm)
		if norm0 == 0 || norm <= 1e-9*norm0 {
			if k <= c {
				return errs.New(errs.TooFew, "meta", "design column %q cannot be estimated: only %d complete studies for %d coefficients; use fewer moderators", d.names[c], k, p)
			}
			if len(deps) == 1 && deps[0] == "intrcpt" || norm0 == 0 {
				return errs.New(errs.Singular, "meta", "design column %q is constant across the %d complete studies (collinear with the intercept); drop it or check the moderator", d.names[c], k)
			}
			return errs.New(errs.Singular, "meta", "design column %q is collinear with %s; drop one of these moderators", d.names[c], strings.Join(deps, ", "))
		}
		for r := range qc {
			qc[r] /= norm
		}
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
