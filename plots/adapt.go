package plots

import (
	"fmt"
	"math"
	"strconv"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/rupture"
)

// ForestStudies returns forest-plot rows for studies with effects yi and
// sampling variances vi: CI yi ± z·√vi with z = qnorm(1 − (1−level)/2), and
// percent weights 100·wᵢ/Σw with wᵢ = 1/(vᵢ + τ²) (inverse-variance weights
// of the random-effects model; τ² = 0 for a fixed-effect model), as
// metafor's weights(). labels and n may be nil.
func ForestStudies(labels []string, n, yi, vi []float64, tau2, level float64) ([]ForestRow, error) {
	k := len(yi)
	if len(vi) != k || (labels != nil && len(labels) != k) || (n != nil && len(n) != k) {
		return nil, fmt.Errorf("plots: forest studies: labels, n, yi and vi differ in length")
	}
	if level == 0 {
		level = 0.95
	}
	z, err := critZ(level)
	if err != nil {
		return nil, err
	}
	var sw float64
	for i, v := range vi {
		if !(v >= 0) || math.IsInf(v, 0) || v+tau2 <= 0 {
			return nil, fmt.Errorf("plots: forest study %d: variance %v must be positive and finite", i+1, v)
		}
		sw += 1 / (v + tau2)
	}
	rows := make([]ForestRow, k)
	for i := range yi {
		se := math.Sqrt(vi[i])
		rows[i] = ForestRow{Label: strconv.Itoa(i + 1), Estimate: yi[i], Lower: yi[i] - z*se, Upper: yi[i] + z*se,
			Weight: 100 / (vi[i] + tau2) / sw}
		if labels != nil {
			rows[i].Label = labels[i]
		}
		if n != nil {
			rows[i].N = n[i]
		}
	}
	return rows, nil
}

// ForestFromMeta returns the rows and the overall summary of an
// intercept-only meta.Result. labels and n, if non-nil, are indexed like
// the input of meta.Fit (they are picked by res.Rows). The summary note
// gives τ², I² and Q; for ZCOR results pass math.Tanh as the forest
// Transform to draw correlations.
func ForestFromMeta(res *meta.Result, labels []string, n []float64) ([]ForestRow, Summary, error) {
	if res == nil || len(res.Coefficients) != 1 {
		return nil, Summary{}, fmt.Errorf("plots: forest plot needs an intercept-only meta-analysis (use Bubble for a meta-regression)")
	}
	var lab []string
	var nn []float64
	for _, r := range res.Rows {
		if labels != nil {
			if r >= len(labels) {
				return nil, Summary{}, fmt.Errorf("plots: forest plot: %d labels for input row %d", len(labels), r+1)
			}
			lab = append(lab, labels[r])
		}
		if n != nil {
			if r >= len(n) {
				return nil, Summary{}, fmt.Errorf("plots: forest plot: %d sample sizes for input row %d", len(n), r+1)
			}
			nn = append(nn, n[r])
		}
	}
	if labels == nil {
		lab = nil
		for _, r := range res.Rows {
			lab = append(lab, strconv.Itoa(r+1))
		}
	}
	rows, err := ForestStudies(lab, nn, res.Yi, res.Vi, res.Tau2, res.Level)
	if err != nil {
		return nil, Summary{}, err
	}
	c := res.Coefficients[0]
	s := Summary{Label: res.Method + " model", Estimate: c.Estimate, Lower: c.CILB, Upper: c.CIUB,
		PILower: math.NaN(), PIUpper: math.NaN()}
	if res.Method == meta.FE || res.Method == meta.EE {
		s.Label = "FE model"
	}
	if res.PILB != nil && res.PIUB != nil && res.Method != meta.FE && res.Method != meta.EE {
		s.PILower, s.PIUpper = *res.PILB, *res.PIUB
	}
	qp := "NA"
	if res.QEP != nil {
		qp = pText(*res.QEP)
	}
	s.Note = fmt.Sprintf("τ² = %s, I² = %.1f%%, Q(%d) = %.2f, %s", formatNum(res.Tau2, 3, false), res.I2, res.QEDF, res.QE, qp)
	return rows, s, nil
}

// pText formats a p-value APA style: "p = .034", "p < .001".
func pText(p float64) string {
	if p < 0.001 {
		return "p < .001"
	}
	return "p = " + formatNum(p, 3, true)
}

// GainWindows returns the six scores around each sudden gain (x_2n …
// x_n3), the input of SuddenGain.
func GainWindows(gains []change.Gain) [][6]float64 {
	out := make([][6]float64, len(gains))
	for i, g := range gains {
		out[i] = [6]float64{float64(g.X2n), float64(g.X1n), float64(g.Xn), float64(g.Xn1), float64(g.Xn2), float64(g.Xn3)}
	}
	return out
}

// JTFromChange returns the pre and post scores and the options of a
// Jacobson–Truax plot for a change.Result of the JT method (distribution,
// combined or statistical approach): S_diff, the critical value, the
// cut-off (if any) and each patient's category.
func JTFromChange(res *change.Result) (pre, post []float64, opt JTOptions, err error) {
	if res == nil || !(float64(res.SDiff) > 0) {
		return nil, nil, opt, fmt.Errorf("plots: a Jacobson–Truax plot needs a result with S_diff (the JT or HA reliable change index)")
	}
	opt.SDiff, opt.Crit, opt.Cutoff = float64(res.SDiff), float64(res.CriticalValue), math.NaN()
	if res.Cutoff != nil {
		opt.Cutoff = float64(res.Cutoff.Value)
	}
	for _, p := range res.Persons {
		pre, post = append(pre, float64(p.Pre)), append(post, float64(p.Post))
		opt.Categories = append(opt.Categories, string(p.Category))
	}
	return pre, post, opt, nil
}

// RupturePatient builds the rupture plot of one patient from a rupture
// analysis: the patient's observed alliance scores, the patient's mean, the
// episodes' rupture and repair sessions and, for rules with a drop
// threshold, the threshold of the first episode (its reference minus the
// drop needed). opt supplies labels and size; its data fields are filled.
func RupturePatient(series []rupture.Series, res *rupture.Result, patient string, opt RuptureOptions) (*Figure, error) {
	x, y, mean, err := patientScores(series, patient)
	if err != nil {
		return nil, err
	}
	opt.Threshold, opt.Mean, opt.Ruptures, opt.Repairs = math.NaN(), mean, nil, nil
	for _, ep := range res.Episodes {
		if ep.Patient != patient {
			continue
		}
		opt.Ruptures = append(opt.Ruptures, float64(ep.Session))
		if ep.RepairSession.Valid {
			opt.Repairs = append(opt.Repairs, float64(ep.RepairSession.V))
		}
		if t := float64(ep.Threshold); !math.IsNaN(t) && math.IsNaN(opt.Threshold) {
			opt.Threshold = float64(ep.Reference) - t
		}
	}
	return Rupture(x, y, opt)
}

// patientScores returns one patient's observed alliance scores by session
// and their mean, for the rupture plots.
func patientScores(series []rupture.Series, patient string) (x, y []float64, mean float64, err error) {
	var s *rupture.Series
	for i := range series {
		if series[i].Patient == patient {
			s = &series[i]
		}
	}
	if s == nil {
		return nil, nil, 0, fmt.Errorf("plots: rupture plot: patient %q is not in the data", patient)
	}
	var sum float64
	for i, a := range s.Score {
		if math.IsNaN(a) {
			continue
		}
		sess := float64(i + 1)
		if s.Session != nil {
			sess = float64(s.Session[i])
		}
		x, y = append(x, sess), append(y, a)
		sum += a
	}
	if len(y) == 0 {
		return nil, nil, 0, fmt.Errorf("plots: rupture plot: patient %q has no alliance scores", patient)
	}
	return x, y, sum / float64(len(y)), nil
}
