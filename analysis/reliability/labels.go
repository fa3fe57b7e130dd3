package reliability

import (
	"math"
	"sort"
	"strconv"

	"github.com/alliance-research/alliance/analysis/errs"
)

// CodeLabels turns category labels (raters in columns, units in rows;
// "" missing) into the codes 1, 2, ... of the kappas and Krippendorff's
// alpha, as psych and irr accept any labels. With levels given, the codes
// follow their order (the order weighted kappa and the ordinal metric
// use) and a label not among them is an error naming the unit and
// rater; without, the levels are the labels found, in numeric order when
// every label is a number and alphabetical order otherwise (as R orders
// a factor's levels).
func CodeLabels(cols [][]string, levels []string) (codes [][]float64, used []string, err error) {
	if len(cols) == 0 {
		return nil, nil, errs.New(errs.InvalidOption, "reliability", "no rater columns")
	}
	n := len(cols[0])
	if levels == nil {
		seen := map[string]bool{}
		for _, c := range cols {
			for _, v := range c {
				if v != "" {
					seen[v] = true
				}
			}
		}
		for v := range seen {
			levels = append(levels, v)
		}
		numeric := true
		for _, v := range levels {
			if _, e := strconv.ParseFloat(v, 64); e != nil {
				numeric = false
			}
		}
		if numeric {
			sort.Slice(levels, func(i, j int) bool {
				a, _ := strconv.ParseFloat(levels[i], 64)
				b, _ := strconv.ParseFloat(levels[j], 64)
				return a < b
			})
		} else {
			sort.Strings(levels)
		}
	}
	idx := make(map[string]int, len(levels))
	for i, v := range levels {
		if _, dup := idx[v]; dup {
			return nil, nil, errs.New(errs.InvalidOption, "reliability", "level %q is listed twice", v)
		}
		idx[v] = i + 1
	}
	codes = make([][]float64, n)
	for u := 0; u < n; u++ {
		codes[u] = make([]float64, len(cols))
		for j, c := range cols {
			if len(c) != n {
				return nil, nil, errs.New(errs.InvalidOption, "reliability", "rater %d has %d ratings, rater 1 has %d", j+1, len(c), n)
			}
			v := c[u]
			if v == "" {
				codes[u][j] = math.NaN()
				continue
			}
			k, ok := idx[v]
			if !ok {
				return nil, nil, errs.Inputf("reliability", u+1, "unit %d, rater %d: %q is not one of the declared levels %v", u+1, j+1, v, levels)
			}
			codes[u][j] = float64(k)
		}
	}
	return codes, levels, nil
}
