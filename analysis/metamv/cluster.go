package metamv

import (
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
)

// layout groups the rows of a model by outer cluster, in order of first
// appearance (R's unique()), keeping the input order within a cluster, and
// numbers the inner units within each cluster.
type layout struct {
	k           int
	order       []int    // row index (into the design) of each sorted position
	start       []int    // cluster c holds sorted positions start[c] : start[c+1]
	inner       []int    // local inner-unit index of each sorted position
	ninner      []int    // inner units per cluster
	names       []string // outer cluster labels
	uniqueInner bool     // every row is its own inner unit
	nInner      int      // total inner units
	maxn        int      // largest cluster
}

func (l *layout) nclust() int { return len(l.start) - 1 }

// newLayout builds the layout of rows (indices into outer/inner) from the
// cluster labels. inner may be nil (one inner unit per row). Labels are
// trimmed; an empty label is an error (missing cluster).
func newLayout(rows []int, outer, inner []string) (*layout, error) {
	k := len(rows)
	l := &layout{k: k, order: make([]int, k), inner: make([]int, k), uniqueInner: true}
	idx := map[string]int{}
	var members [][]int
	for j, i := range rows {
		o := strings.TrimSpace(outer[i])
		if o == "" {
			return nil, errs.Inputf("metamv", 0, "row %d: the outer cluster label is empty; every effect size needs a cluster", i+1)
		}
		c, ok := idx[o]
		if !ok {
			c = len(members)
			idx[o] = c
			members = append(members, nil)
			l.names = append(l.names, o)
		}
		members[c] = append(members[c], j)
	}
	l.start = make([]int, len(members)+1)
	l.ninner = make([]int, len(members))
	pos := 0
	for c, m := range members {
		l.start[c] = pos
		if len(m) > l.maxn {
			l.maxn = len(m)
		}
		loc := map[string]int{}
		for _, j := range m {
			l.order[pos] = j
			if inner == nil {
				l.inner[pos] = l.ninner[c]
				l.ninner[c]++
			} else {
				s := strings.TrimSpace(inner[rows[j]])
				if s == "" {
					return nil, errs.Inputf("metamv", 0, "row %d: the inner cluster label is empty; every effect size needs one", rows[j]+1)
				}
				g, ok := loc[s]
				if !ok {
					g = len(loc)
					loc[s] = g
				} else {
					l.uniqueInner = false
				}
				l.inner[pos] = g
				l.ninner[c] = len(loc)
			}
			pos++
		}
		l.nInner += l.ninner[c]
	}
	l.start[len(members)] = pos
	return l, nil
}
