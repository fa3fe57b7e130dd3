package meta

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/wald"
)

// FunnelPoint is one study in a funnel plot.
type FunnelPoint struct {
	Study  string  `json:"study"`
	Yi     float64 `json:"yi"`
	SEI    float64 `json:"sei"`
	Filled bool    `json:"filled"` // imputed by trim and fill
}

// FunnelData is what a funnel plot (with trim-and-fill studies) needs:
// points, the centre line and the pseudo-confidence region
// Center ± z·SE for SE in [0, SEMax] (metafor's funnel.rma).
type FunnelData struct {
	Center float64       `json:"center"` // pooled estimate (trim-and-fill adjusted when filled)
	Crit   float64       `json:"crit"`   // z quantile of the pseudo-CI
	SEMax  float64       `json:"se_max"` // largest standard error
	Points []FunnelPoint `json:"points"`
}

// Funnel returns the data of a funnel plot of an intercept-only model r;
// with tf (may be nil) the filled studies are added and the centre is the
// adjusted estimate.
func Funnel(r *Result, tf *TrimFillResult) (*FunnelData, error) {
	if err := r.needIntOnly("a funnel plot"); err != nil {
		return nil, err
	}
	f := &FunnelData{Center: r.Coefficients[0].Estimate,
		Crit: wald.Normal(r.Level).Crit()}
	for i, y := range r.Yi {
		se := math.Sqrt(r.Vi[i])
		f.Points = append(f.Points, FunnelPoint{Study: r.label(i), Yi: y, SEI: se})
		f.SEMax = math.Max(f.SEMax, se)
	}
	if tf != nil {
		if tf.Fit == nil {
			return nil, errs.New(errs.InvalidOption, "meta: funnel", "the trim-and-fill result has no fitted model")
		}
		f.Center = tf.Estimate
		for _, s := range tf.Filled {
			se := math.Sqrt(s.Vi)
			f.Points = append(f.Points, FunnelPoint{Study: s.Study, Yi: s.Yi, SEI: se, Filled: true})
			f.SEMax = math.Max(f.SEMax, se)
		}
	}
	return f, nil
}
