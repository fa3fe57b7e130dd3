package reliability

import (
	"fmt"
	"math"
	"sort"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Metric is the level of measurement for Krippendorff's alpha.
type Metric int

const (
	// Nominal: δ²(c, k) = 0 if c = k, else 1.
	Nominal Metric = iota
	// Ordinal: δ²(c, k) = (Σ_{g=c}^{k} n_g − (n_c + n_k)/2)², n_g the
	// number of pairable values equal to g.
	Ordinal
	// Interval: δ²(c, k) = (c − k)².
	Interval
	// Ratio: δ²(c, k) = ((c − k)/(c + k))².
	Ratio
)

func (m Metric) String() string {
	switch m {
	case Nominal:
		return "nominal"
	case Ordinal:
		return "ordinal"
	case Interval:
		return "interval"
	case Ratio:
		return "ratio"
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// KrippendorffResult is the output of Krippendorff.
type KrippendorffResult struct {
	Metric string `json:"metric"`
	// Alpha = 1 − Do/De.
	Alpha float64 `json:"alpha"`
	// Do is the observed and De the expected disagreement.
	Do float64 `json:"Do"`
	De float64 `json:"De"`
	// Units is the number of units with at least two values (pairable),
	// Pairable the number of values in them (n).
	Units    int `json:"units"`
	Pairable int `json:"pairable_values"`
	// Values are the distinct values, in increasing order.
	Values []float64 `json:"values"`
}

// Krippendorff computes Krippendorff's alpha for ratings (rows = units,
// columns = coders, NaN = not coded; note that Krippendorff's papers print
// the transpose). Units with fewer than two values are not pairable and
// are ignored. With the coincidence matrix
// o_ck = Σ_u (number of c–k pairs of values in unit u)/(m_u − 1), m_u the
// number of values in unit u, n_c = Σ_k o_ck and n = Σ_c n_c:
//
//	Do = Σ_c Σ_k o_ck δ²(c, k) / n
//	De = Σ_c Σ_k n_c n_k δ²(c, k) / (n(n − 1))
//	α  = 1 − Do/De
//
// Reference: Krippendorff, K. (2011). Computing Krippendorff's
// alpha-reliability. Annenberg School for Communication, University of
// Pennsylvania; Hayes & Krippendorff (2007). Data with a single distinct
// value (De = 0) or no pairable unit are errors. Ratio requires values > 0
// or at least a non-zero sum c + k for every pair.
func Krippendorff(ratings [][]float64, metric Metric) (KrippendorffResult, error) {
	var res KrippendorffResult
	if metric < Nominal || metric > Ratio {
		return res, errs.New(errs.InvalidOption, "reliability: Krippendorff", "unknown metric %d", int(metric))
	}
	res.Metric = metric.String()
	if _, _, err := checkRect(ratings, "Krippendorff's alpha"); err != nil {
		return res, err
	}
	res.Values = pairableValues(ratings)
	V := len(res.Values)
	if V == 0 {
		return res, errs.New(errs.TooFew, "reliability: Krippendorff", "no unit has two or more values; alpha needs pairable values")
	}
	o := coincidences(ratings, res.Values, &res)
	nc := make([]float64, V)
	var n float64
	for c := 0; c < V; c++ {
		for k := 0; k < V; k++ {
			nc[c] += o[c*V+k]
		}
		n += nc[c]
	}
	dm := newKrippDelta(metric, res.Values, nc)
	var do, de float64
	for c := 0; c < V; c++ {
		for k := 0; k < V; k++ {
			d, err := dm.delta(c, k)
			if err != nil {
				return res, err
			}
			do += o[c*V+k] * d
			de += nc[c] * nc[k] * d
		}
	}
	if de == 0 {
		return res, errs.New(errs.Singular, "reliability: Krippendorff", "all pairable values are equal (%v); expected disagreement is 0 and alpha is undefined", res.Values[0])
	}
	res.Do = do / n
	res.De = de / (n * (n - 1))
	res.Alpha = 1 - res.Do/res.De
	return res, nil
}

// pairable reports whether a unit (row) has at least two values.
func pairable(row []float64) (m int, ok bool) {
	for _, v := range row {
		if !math.IsNaN(v) {
			m++
		}
	}
	return m, m >= 2
}

// pairableValues returns the distinct values of the pairable units, sorted.
func pairableValues(ratings [][]float64) []float64 {
	at := map[float64]int{}
	var values []float64
	for _, row := range ratings {
		if _, ok := pairable(row); !ok {
			continue
		}
		for _, v := range row {
			if math.IsNaN(v) {
				continue
			}
			if i, ok := at[v]; ok {
				values[i] = v // the last spelling of ±0 wins, as a map key would
				continue
			}
			at[v] = len(values)
			values = append(values, v)
		}
	}
	sort.Float64s(values)
	return values
}

// coincidences returns the V × V coincidence matrix (row-major), o_ck =
// Σᵤ (number of c–k pairs of values in unit u) / (mᵤ − 1) over the pairable
// units u with mᵤ values, and counts the units and pairable values in res.
func coincidences(ratings [][]float64, values []float64, res *KrippendorffResult) []float64 {
	V := len(values)
	idx := make(map[float64]int, V)
	for i, v := range values {
		idx[v] = i
	}
	o := make([]float64, V*V)
	cnt := make([]float64, V)
	var touched []int
	for _, row := range ratings {
		m, ok := pairable(row)
		if !ok {
			continue
		}
		res.Units++
		res.Pairable += m
		touched = touched[:0]
		for _, v := range row {
			if math.IsNaN(v) {
				continue
			}
			c := idx[v]
			if cnt[c] == 0 {
				touched = append(touched, c)
			}
			cnt[c]++
		}
		w := 1 / float64(m-1)
		for _, c := range touched {
			for _, k := range touched {
				pairs := cnt[c] * cnt[k]
				if c == k {
					pairs = cnt[c] * (cnt[c] - 1)
				}
				o[c*V+k] += pairs * w
			}
		}
		for _, c := range touched {
			cnt[c] = 0
		}
	}
	return o
}

// krippDelta is the squared difference function δ²(c, k) of a metric over
// the sorted values, with the marginal counts nc the ordinal metric needs.
type krippDelta struct {
	metric Metric
	values []float64
	nc     []float64
	cum    []float64 // cumulative marginal counts (ordinal)
}

func newKrippDelta(metric Metric, values, nc []float64) krippDelta {
	cum := make([]float64, len(nc)+1)
	for c := range nc {
		cum[c+1] = cum[c] + nc[c]
	}
	return krippDelta{metric: metric, values: values, nc: nc, cum: cum}
}

// delta is δ²(c, k): nominal 1 for c ≠ k; ordinal (Σ_{g=c..k} n_g − (n_c +
// n_k)/2)²; interval (v_c − v_k)²; ratio ((v_c − v_k)/(v_c + v_k))².
func (m krippDelta) delta(c, k int) (float64, error) {
	if c == k {
		return 0, nil
	}
	switch m.metric {
	case Nominal:
		return 1, nil
	case Ordinal:
		lo, hi := c, k
		if lo > hi {
			lo, hi = hi, lo
		}
		d := m.cum[hi+1] - m.cum[lo] - (m.nc[lo]+m.nc[hi])/2
		return d * d, nil
	case Interval:
		d := m.values[c] - m.values[k]
		return d * d, nil
	default:
		s := m.values[c] + m.values[k]
		if s == 0 {
			return 0, errs.New(errs.Singular, "reliability: Krippendorff", "ratio metric undefined for values %v and %v (their sum is 0)", m.values[c], m.values[k])
		}
		d := (m.values[c] - m.values[k]) / s
		return d * d, nil
	}
}
