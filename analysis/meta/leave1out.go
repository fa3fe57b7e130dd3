package meta

import (
	"math"
	"sort"

	"github.com/alliance-research/alliance/analysis/errs"
)

// SummaryRow is an intercept-only fit to a subset of the studies: one row of
// a leave-one-out, leave-one-cluster-out or cumulative meta-analysis
// (metafor's leave1out and cumul columns). Values are NaN when the subset
// could not be fitted.
type SummaryRow struct {
	Study     string  `json:"study,omitempty"`   // the study left out (leave1out) or added (cumul)
	Cluster   string  `json:"cluster,omitempty"` // the cluster left out (LeaveClusterOut)
	K         int     `json:"k"`                 // studies in the fit
	Estimate  float64 `json:"estimate"`
	SE        float64 `json:"se"`
	Statistic float64 `json:"statistic"` // z (or t) value
	P         float64 `json:"p"`
	CILB      float64 `json:"ci_lb"`
	CIUB      float64 `json:"ci_ub"`
	QE        float64 `json:"QE"`
	QEP       float64 `json:"QE_p"`
	Tau2      float64 `json:"tau2"`
	I2        float64 `json:"I2"`
	H2        float64 `json:"H2"`
}

func (l *looFit) row() SummaryRow {
	if !l.ok {
		n := math.NaN()
		return SummaryRow{Estimate: n, SE: n, Statistic: n, P: n, CILB: n, CIUB: n, QE: n, QEP: n, Tau2: n, I2: n, H2: n}
	}
	c := l.coefs[0]
	return SummaryRow{K: l.k, Estimate: c.Estimate, SE: c.SE, Statistic: c.Statistic, P: c.P, CILB: c.CILB, CIUB: c.CIUB,
		QE: l.qe, QEP: l.qep, Tau2: l.tau2, I2: l.i2, H2: l.h2}
}

func (r *Result) needIntOnly(what string) error {
	if r == nil || r.d == nil {
		return errs.New(errs.InvalidOption, "meta", "%s needs a model from Fit", what)
	}
	if r.d.p != 1 {
		return errs.New(errs.InvalidOption, "meta", "%s is defined for models without moderators (this model has %d coefficients); drop the moderators", what, r.d.p)
	}
	return nil
}

// LeaveOneOut refits an intercept-only model k times, each time without one
// study (metafor's leave1out.rma.uni): the pooled estimate, its test and CI,
// Q_E, τ², I² and H² without study i. Refits are warm-started at the full
// τ̂² and run on all CPUs; each costs O(k) per scoring step.
func LeaveOneOut(r *Result) ([]SummaryRow, error) {
	if err := r.needIntOnly("leave-one-out"); err != nil {
		return nil, err
	}
	if r.K < 2 {
		return nil, errs.New(errs.TooFew, "meta", "leave-one-out needs at least 2 studies (k = %d)", r.K)
	}
	loo := r.leaveOut()
	out := make([]SummaryRow, r.K)
	for i := range loo {
		out[i] = loo[i].row()
		out[i].Study = r.label(i)
	}
	return out, nil
}

// LeaveClusterOut refits an intercept-only model once per cluster, leaving
// out all studies of that cluster (e.g. several samples from one report).
// clusters has one label per input row of Fit (the same length as yi);
// clusters appear in the order of their first study. A cluster holding all
// studies gives a NaN row.
func LeaveClusterOut(r *Result, clusters []string) ([]SummaryRow, error) {
	if err := r.needIntOnly("leave-one-cluster-out"); err != nil {
		return nil, err
	}
	n := len(r.Rows)
	maxRow := 0
	for _, i := range r.Rows {
		if i > maxRow {
			maxRow = i
		}
	}
	if len(clusters) <= maxRow {
		return nil, errs.New(errs.InvalidOption, "meta", "%d cluster labels for a model fitted to at least %d rows; give one label per input row", len(clusters), maxRow+1)
	}
	cl := make([]string, n)
	var order []string
	seen := map[string]bool{}
	for j, i := range r.Rows {
		cl[j] = clusters[i]
		if !seen[cl[j]] {
			seen[cl[j]] = true
			order = append(order, cl[j])
		}
	}
	out := make([]SummaryRow, len(order))
	parallelFor(len(order), func() any { return new(refit) }, func(st any, c int) {
		rf := st.(*refit)
		name := order[c]
		cnt := 0
		for _, x := range cl {
			if x != name {
				cnt++
			}
		}
		var l looFit
		if cnt > 0 {
			sub := r.d.subDesign(cnt)
			sub.fillFrom(r.d, func(j int) bool { return cl[j] != name })
			m := newModel(sub, r.opt)
			if err := m.fitQuick(r.Tau2, rf); err == nil {
				l.set(rf)
			}
		}
		out[c] = l.row()
		out[c].Cluster = name
	})
	return out, nil
}

// Cumulative runs a cumulative meta-analysis (metafor's cumul.rma.uni,
// Lau et al. 1992): the studies are sorted by order (stably, ascending, or
// descending when decreasing; order has one value per input row of Fit,
// e.g. the publication year) and the model is refitted to the first 1, 2,
// ..., k studies. Row i names the study added at step i. Each refit is
// warm-started at the previous τ̂².
func Cumulative(r *Result, order []float64, decreasing bool) ([]SummaryRow, error) {
	if err := r.needIntOnly("cumulative meta-analysis"); err != nil {
		return nil, err
	}
	k := r.K
	idx := make([]int, k)
	key := make([]float64, k)
	for j, i := range r.Rows {
		if i >= len(order) {
			return nil, errs.New(errs.InvalidOption, "meta", "%d order values for a model fitted to at least %d rows; give one value per input row", len(order), i+1)
		}
		idx[j], key[j] = j, order[i]
		if math.IsNaN(key[j]) {
			return nil, errs.Inputf("meta", 0, "order value of study %s is missing; give every study an order value", r.label(j))
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if decreasing {
			return key[idx[a]] > key[idx[b]]
		}
		return key[idx[a]] < key[idx[b]]
	})
	full := r.d.subDesign(k)
	full.fillFrom(r.d, func(int) bool { return true })
	for j, i := range idx {
		full.y[j], full.v[j] = r.d.y[i], r.d.v[i]
		full.x[j] = 1
		if r.d.a != nil {
			full.a[j] = r.d.a[i]
		}
	}
	out := make([]SummaryRow, k)
	warm := math.NaN()
	var rf refit
	for n := 1; n <= k; n++ {
		sub := &design{k: n, p: 1, y: full.y[:n], v: full.v[:n], x: full.x[:n], names: full.names}
		if full.a != nil {
			sub.a = full.a[:n]
		}
		m := newModel(sub, r.opt)
		var l looFit
		if err := m.fitQuick(warm, &rf); err == nil {
			l.set(&rf)
			warm = rf.r.Tau2
		}
		out[n-1] = l.row()
		out[n-1].Study = r.label(idx[n-1])
	}
	return out, nil
}
