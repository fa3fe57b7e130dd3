package metamv

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// ClusterMean is what the forest plot shows for one outer cluster of a
// three-level fit: the GLS mean of its effect sizes under the fitted
// within-cluster covariance (sampling covariance plus σ²_inner, without
// σ²_outer), its standard error and the cluster's share of the weight of
// the pooled estimate.
type ClusterMean struct {
	Cluster string `json:"cluster"`
	// Rows are the input rows of the cluster's effect sizes.
	Rows []int `json:"-"`
	// Estimate = 1′Mⱼ⁻¹yⱼ / 1′Mⱼ⁻¹1 and SE = (1′Mⱼ⁻¹1)^(−1/2), Mⱼ the
	// within-cluster covariance.
	Estimate float64 `json:"estimate"`
	SE       float64 `json:"se"`
	// Weight is 100·wⱼ/Σw with wⱼ = 1′(Mⱼ + σ²_outer·11′)⁻¹1 =
	// aⱼ/(1 + σ²_outer·aⱼ), aⱼ = 1′Mⱼ⁻¹1: the cluster's weight in the
	// intercept-only model.
	Weight float64 `json:"weight"`
}

// ClusterMeans returns each outer cluster's GLS mean (see ClusterMean), in
// the order of the clusters' first rows in the input.
func (r *Result) ClusterMeans() ([]ClusterMean, error) {
	if r == nil || r.ev == nil {
		return nil, errs.New(errs.InvalidOption, "metamv", "ClusterMeans needs a fitted model")
	}
	ev, lay := r.ev, r.ev.lay
	s2 := [2]float64{0, r.Sigma2[1]}
	out := make([]ClusterMean, lay.nclust())
	var wsum float64
	for c := range out {
		lo, hi := lay.start[c], lay.start[c+1]
		n := hi - lo
		m := make([]float64, n*n)
		for a := 0; a < n; a++ {
			for b := 0; b < n; b++ {
				m[a*n+b] = ev.covEntry(lo+a, lo+b, s2)
			}
		}
		if err := linalg.Cholesky(m, n); err != nil {
			return nil, errs.New(errs.Singular, "metamv", "cluster %q: within-cluster covariance not positive definite: %v", lay.names[c], err)
		}
		one := make([]float64, n)
		y := make([]float64, n)
		cm := ClusterMean{Cluster: lay.names[c], Rows: make([]int, n)}
		for a := 0; a < n; a++ {
			one[a] = 1
			y[a] = ev.xa[(lo+a)*ev.q+ev.p]
			cm.Rows[a] = r.Rows[lay.order[lo+a]]
		}
		linalg.Solve(m, n, one) // one = M⁻¹1
		var s, sy float64
		for a := 0; a < n; a++ {
			s += one[a]
			sy += one[a] * y[a]
		}
		cm.Estimate, cm.SE = sy/s, 1/math.Sqrt(s)
		cm.Weight = s / (1 + r.Sigma2[0]*s)
		wsum += cm.Weight
		out[c] = cm
	}
	for c := range out {
		out[c].Weight *= 100 / wsum
	}
	// input order of the clusters' first rows
	first := func(c ClusterMean) int {
		m := c.Rows[0]
		for _, i := range c.Rows {
			m = min(m, i)
		}
		return m
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && first(out[j]) < first(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

// Fitted returns x′ᵢβ̂ for each analysed effect size (in the order of
// Rows; metafor's fitted(res)).
func (r *Result) Fitted() []float64 {
	if r == nil || r.design == nil {
		return nil
	}
	d, b := r.design, r.beta()
	out := make([]float64, d.K)
	for i := range out {
		var f float64
		for j := 0; j < d.P; j++ {
			f += d.X[i*d.P+j] * b[j]
		}
		out[i] = f
	}
	return out
}

// Weights returns each analysed effect size's weight in percent, in the
// order of Rows: the diagonal of M⁻¹ (M = V + the random effects' covariance,
// blockwise), scaled to sum to 100 (metafor's weights(res) for rma.mv,
// type = "diagonal").
func (r *Result) Weights() ([]float64, error) {
	if r == nil || r.ev == nil {
		return nil, errs.New(errs.InvalidOption, "metamv", "Weights needs a fitted model")
	}
	ev, lay := r.ev, r.ev.lay
	out := make([]float64, lay.k)
	var tot float64
	for c := 0; c < lay.nclust(); c++ {
		lo, hi := lay.start[c], lay.start[c+1]
		n := hi - lo
		m := make([]float64, n*n)
		for a := 0; a < n; a++ {
			for b := 0; b < n; b++ {
				m[a*n+b] = ev.covEntry(lo+a, lo+b, r.Sigma2)
			}
		}
		if err := linalg.Cholesky(m, n); err != nil {
			return nil, errs.New(errs.Singular, "metamv", "cluster %q: marginal covariance not positive definite: %v", lay.names[c], err)
		}
		inv := make([]float64, n*n)
		linalg.Inverse(m, n, inv, make([]float64, n*n))
		for a := 0; a < n; a++ {
			out[lay.order[lo+a]] = inv[a*n+a]
			tot += inv[a*n+a]
		}
	}
	for i := range out {
		out[i] *= 100 / tot
	}
	return out, nil
}
