package panel

import (
	"fmt"
	"math"
	"sort"
)

// Wide turns long session rows into one row per patient: X at each wave,
// then Y at each wave, NaN where a session is missing (FIML uses what is
// there). Rows of sessions that are not waves are ignored. It returns the
// rows and the patient of each.
func Wide(patient []string, session []int, x, y []float64, waves []int) ([][]float64, []string, error) {
	if len(session) != len(patient) || len(x) != len(patient) || len(y) != len(patient) {
		return nil, nil, fmt.Errorf("panel: columns of different lengths")
	}
	T := len(waves)
	col := make(map[int]int, T)
	for t, w := range waves {
		col[w] = t
	}
	index := map[string]int{}
	var rows [][]float64
	var ids []string
	for i, p := range patient {
		t, ok := col[session[i]]
		if !ok {
			continue
		}
		k, seen := index[p]
		if !seen {
			k = len(rows)
			index[p] = k
			r := make([]float64, 2*T)
			for j := range r {
				r[j] = math.NaN()
			}
			rows = append(rows, r)
			ids = append(ids, p)
		}
		rows[k][t], rows[k][T+t] = x[i], y[i]
	}
	return rows, ids, nil
}

// DefaultWaves are the session numbers observed (with both scores) for at
// least half of the patients, in order, at most max of them.
func DefaultWaves(patient []string, session []int, x, y []float64, max int) []int {
	per := map[int]map[string]bool{}
	all := map[string]bool{}
	for i, p := range patient {
		all[p] = true
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) {
			continue
		}
		if per[session[i]] == nil {
			per[session[i]] = map[string]bool{}
		}
		per[session[i]][p] = true
	}
	var out []int
	for s, ps := range per {
		if 2*len(ps) >= len(all) {
			out = append(out, s)
		}
	}
	sort.Ints(out)
	if len(out) > max {
		out = out[:max]
	}
	return out
}
