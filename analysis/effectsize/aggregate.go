package effectsize

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
)

// AggRow is one cluster after within-cluster aggregation.
type AggRow struct {
	Cluster string  `json:"cluster"`
	Yi      float64 `json:"yi"` // aggregated effect size (r for the MAc composite)
	Vi      float64 `json:"vi"` // its sampling variance (NaN for the MAc composite, which gives none)
	N       float64 `json:"n"`  // mean sample size (NaN when no n was given)
	K       int     `json:"k"`  // effect sizes aggregated
}

// AggTable is the aggregated data set, one row per cluster in order of
// first appearance.
type AggTable struct {
	Method string   `json:"method"` // "CS" or "MAc"
	Rho    float64  `json:"rho"`
	Rows   []AggRow `json:"rows"`
}

// AggregateCS aggregates dependent effect sizes within clusters assuming
// compound symmetry of the sampling errors, metafor's
// aggregate.escalc(struct = "CS", rho, weighted = TRUE): for cluster c with
// V_c = S((1 − ρ)I + ρ11')S, S = diag(√vᵢ),
//
//	ȳ_c = 1'V_c⁻¹y_c / 1'V_c⁻¹1,   v̄_c = 1 / 1'V_c⁻¹1,
//
// the GLS mean of the cluster (Sherman–Morrison, O(n) per cluster). n, if
// not nil, is averaged per cluster (aggregate's mean of numeric columns).
func AggregateCS(yi, vi, n []float64, cluster []string, rho float64) (*AggTable, error) {
	k := len(yi)
	if len(vi) != k || len(cluster) != k || (n != nil && len(n) != k) {
		return nil, errs.New(errs.InvalidOption, "effectsize: aggregate", "yi, vi, n and cluster must have the same length (got %d, %d, %d, %d)", k, len(vi), len(n), len(cluster))
	}
	if !(rho >= -1 && rho <= 1) {
		return nil, errs.New(errs.InvalidOption, "effectsize: aggregate", "rho = %g must lie in [−1, 1]", rho)
	}
	groups, names, err := groupRows(cluster)
	if err != nil {
		return nil, err
	}
	t := &AggTable{Method: "CS", Rho: rho, Rows: make([]AggRow, len(groups))}
	for g, rows := range groups {
		for _, i := range rows {
			if math.IsNaN(yi[i]) || !(vi[i] > 0) || math.IsInf(yi[i], 0) || math.IsInf(vi[i], 0) {
				return nil, errs.Inputf("effectsize: aggregate", 0, "row %d: yi = %g, vi = %g; need a finite yi and a positive vi", i+1, yi[i], vi[i])
			}
		}
		m := len(rows)
		row := AggRow{Cluster: names[g], K: m, N: math.NaN()}
		if m == 1 {
			row.Yi, row.Vi = yi[rows[0]], vi[rows[0]]
		} else {
			if rho == 1 || rho <= -1/float64(m-1) {
				return nil, errs.New(errs.Singular, "effectsize: aggregate", "cluster %q: with rho = %g the %d×%d sampling covariance is not positive definite", names[g], rho, m, m)
			}
			// V⁻¹ = D⁻¹ − ρD⁻¹ss'D⁻¹/(1 + ρ s'D⁻¹s), D = (1 − ρ)diag(v).
			var s1, sy, s1s, sys float64 // 1'D⁻¹1, 1'D⁻¹y, 1'D⁻¹s, s'D⁻¹y
			for _, i := range rows {
				d := (1 - rho) * vi[i]
				s := math.Sqrt(vi[i])
				s1 += 1 / d
				sy += yi[i] / d
				s1s += s / d
				sys += s * yi[i] / d
			}
			den := 1 + rho*float64(m)/(1-rho)
			w11 := s1 - rho*s1s*s1s/den
			w1y := sy - rho*s1s*sys/den
			row.Yi, row.Vi = w1y/w11, 1/w11
		}
		if n != nil {
			var sn float64
			for _, i := range rows {
				sn += n[i]
			}
			row.N = sn / float64(m)
		}
		t.Rows[g] = row
	}
	return t, nil
}

// AggregateMAc is the MAc package's composite of correlations within a
// study (MAc::agg, Hunter & Schmidt 2004; verified against MAc's source):
//
//	r̄ = Σrᵢ / √(m + m(m − 1)ρ),   n̄ = round(mean(nᵢ)),
//
// with ρ the assumed correlation among the m measures (MAc's default .50)
// and R's round-half-to-even. Vi is NaN: MAc gives no variance; compute
// one from r̄ and n̄ (e.g. Fisher z) before meta-analysis.
func AggregateMAc(r, n []float64, cluster []string, rho float64) (*AggTable, error) {
	k := len(r)
	if len(n) != k || len(cluster) != k {
		return nil, errs.New(errs.InvalidOption, "effectsize: MAc composite", "r, n and cluster must have the same length (got %d, %d, %d)", k, len(n), len(cluster))
	}
	if !(rho >= -1 && rho <= 1) {
		return nil, errs.New(errs.InvalidOption, "effectsize: MAc composite", "rho = %g must lie in [−1, 1]", rho)
	}
	groups, names, err := groupRows(cluster)
	if err != nil {
		return nil, err
	}
	t := &AggTable{Method: "MAc", Rho: rho, Rows: make([]AggRow, len(groups))}
	for g, rows := range groups {
		var sr, sn float64
		for _, i := range rows {
			if !(r[i] > -1 && r[i] < 1) {
				return nil, errs.Inputf("effectsize: MAc composite", 0, "row %d: r = %g must lie in (−1, 1)", i+1, r[i])
			}
			if !(n[i] > 0) {
				return nil, errs.Inputf("effectsize: MAc composite", 0, "row %d: n = %g must be positive", i+1, n[i])
			}
			sr += r[i]
			sn += n[i]
		}
		m := float64(len(rows))
		den := m + m*(m-1)*rho
		if !(den > 0) {
			return nil, errs.New(errs.Singular, "effectsize: MAc composite", "cluster %q: m + m(m−1)ρ = %g is not positive", names[g], den)
		}
		t.Rows[g] = AggRow{Cluster: names[g], Yi: sr / math.Sqrt(den), Vi: math.NaN(), N: math.RoundToEven(sn / m), K: len(rows)}
	}
	return t, nil
}

func groupRows(cluster []string) ([][]int, []string, error) {
	idx := map[string]int{}
	var groups [][]int
	var names []string
	for i, c := range cluster {
		c = strings.TrimSpace(c)
		if c == "" {
			return nil, nil, errs.Inputf("effectsize: aggregate", 0, "row %d has an empty cluster label", i+1)
		}
		g, ok := idx[c]
		if !ok {
			g = len(groups)
			idx[c] = g
			groups = append(groups, nil)
			names = append(names, c)
		}
		groups[g] = append(groups[g], i)
	}
	if len(groups) == 0 {
		return nil, nil, errs.New(errs.TooFew, "effectsize: aggregate", "no rows")
	}
	return groups, names, nil
}

// WriteCSV writes the table with the header cluster,yi,vi,ni,k (NA for
// missing values), full precision.
func (t *AggTable) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"cluster", "yi", "vi", "ni", "k"}); err != nil {
		return err
	}
	f := func(x float64) string {
		if math.IsNaN(x) {
			return "NA"
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	for _, r := range t.Rows {
		if err := cw.Write([]string{r.Cluster, f(r.Yi), f(r.Vi), f(r.N), strconv.Itoa(r.K)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
