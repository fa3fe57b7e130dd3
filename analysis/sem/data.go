package sem

import (
	"fmt"
	"math"
	"sort"
	"sync"
)

// pattern is the sufficient statistics of the cases sharing one
// missing-data pattern: the observed variables, the count, the mean and
// the ML covariance (divisor n) of those cases.
type pattern struct {
	obs  []int
	mis  []int // the variables not observed
	n    float64
	mean []float64
	cov  []float64 // len(obs)², row-major
	// x are the cases' observed values, n × len(obs) row-major (for
	// casewise scores).
	x []float64
}

// Data are the observed cases grouped by missing-data pattern.
type Data struct {
	P        int // variables
	N        int // cases with at least one observed value
	patterns []pattern
	// Dropped counts cases with no observed value (they carry no
	// information and are left out, as lavaan does).
	Dropped int

	// Listwise says that incomplete cases were dropped (then the MLR
	// robust indices are the complete-data ones).
	Listwise bool

	splitOnce sync.Once
	splitAt   int
}

// NewData groups the rows (cases × variables, NaN = missing) by pattern.
// With listwise set, only complete cases are kept.
func NewData(rows [][]float64, listwise bool) (*Data, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("sem: no cases")
	}
	p := len(rows[0])
	groups := map[string][]int{}
	var keys []string
	d := &Data{P: p, Listwise: listwise}
	for i, r := range rows {
		if len(r) != p {
			return nil, fmt.Errorf("sem: case %d has %d values, want %d", i+1, len(r), p)
		}
		key := make([]byte, p)
		any, all := false, true
		for j, v := range r {
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("sem: case %d, variable %d is infinite", i+1, j+1)
			}
			if math.IsNaN(v) {
				key[j] = '0'
				all = false
			} else {
				key[j] = '1'
				any = true
			}
		}
		if !any || (listwise && !all) {
			d.Dropped++
			continue
		}
		k := string(key)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var obs, mis []int
		for j := 0; j < p; j++ {
			if k[j] == '1' {
				obs = append(obs, j)
			} else {
				mis = append(mis, j)
			}
		}
		q := len(obs)
		pt := pattern{obs: obs, mis: mis, n: float64(len(groups[k])), mean: make([]float64, q), cov: make([]float64, q*q), x: make([]float64, 0, q*len(groups[k]))}
		for _, i := range groups[k] {
			for a, j := range obs {
				pt.mean[a] += rows[i][j]
				pt.x = append(pt.x, rows[i][j])
			}
		}
		for a := range pt.mean {
			pt.mean[a] /= pt.n
		}
		for _, i := range groups[k] {
			for a, ja := range obs {
				da := rows[i][ja] - pt.mean[a]
				for b := 0; b <= a; b++ {
					pt.cov[a*q+b] += da * (rows[i][obs[b]] - pt.mean[b])
				}
			}
		}
		for a := 0; a < q; a++ {
			for b := 0; b <= a; b++ {
				pt.cov[a*q+b] /= pt.n
				pt.cov[b*q+a] = pt.cov[a*q+b]
			}
		}
		d.patterns = append(d.patterns, pt)
		d.N += len(groups[k])
	}
	if d.N == 0 {
		return nil, fmt.Errorf("sem: no case with an observed value")
	}
	return d, nil
}

// Patterns is the number of missing-data patterns.
func (d *Data) Patterns() int { return len(d.patterns) }
