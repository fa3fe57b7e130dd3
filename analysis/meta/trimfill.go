package meta

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Trim-and-fill estimators of the number of missing studies.
const (
	L0 = "L0" // Duval & Tweedie's L0 (metafor's default)
	R0 = "R0" // Duval & Tweedie's R0 (run length), with a p-value
	Q0 = "Q0" // Duval's Q0
)

// TrimFillOptions configures TrimFill. The zero value is metafor's default.
type TrimFillOptions struct {
	// Estimator is L0 (default), R0 or Q0.
	Estimator string
	// Side is the side of the funnel where studies are missing, "left" or
	// "right"; empty chooses it as metafor does: from the sign of the slope
	// of the Egger-type regression yi = β₀ + β₁√vi (τ² by the model's
	// method): missing on the left when β₁ ≥ 0 (small studies show larger
	// effects), on the right otherwise.
	Side string
	// MaxIter bounds the trim-and-fill iterations (default 100).
	MaxIter int
}

// FilledStudy is one imputed study: the mirror image 2β̂ − yᵢ of one of the
// k0 most extreme studies about the trimmed estimate, with its variance.
type FilledStudy struct {
	Study string  `json:"study"` // "Filled 1", "Filled 2", ...
	Yi    float64 `json:"yi"`
	Vi    float64 `json:"vi"`
}

// TrimFillResult is the outcome of trim and fill (metafor's trimfill).
type TrimFillResult struct {
	Estimator  string        `json:"estimator"`
	Side       string        `json:"side"`           // side with missing studies
	K0         int           `json:"k0"`             // estimated number of missing studies
	SEK0       float64       `json:"se_k0"`          // its standard error
	PK0        *float64      `json:"p_k0,omitempty"` // P(k0 = 0) test, R0 only: 0.5^(k0+1)
	Iterations int           `json:"iterations"`
	Filled     []FilledStudy `json:"filled"`
	// The model fitted to the observed plus filled studies (the original
	// model when k0 = 0): estimate, SE, CI, p, τ², Q_E, I², k.
	K        int     `json:"k"`
	Estimate float64 `json:"estimate"`
	SE       float64 `json:"se"`
	CILB     float64 `json:"ci_lb"`
	CIUB     float64 `json:"ci_ub"`
	P        float64 `json:"p"`
	Tau2     float64 `json:"tau2"`
	QE       float64 `json:"QE"`
	I2       float64 `json:"I2"`
	// Original is the pooled estimate before filling.
	Original float64 `json:"original_estimate"`
	// Fit is the adjusted model (observed + filled studies).
	Fit *Result `json:"-"`
}

// TrimFill applies Duval & Tweedie's (2000, Biometrics 56:455–463; JASA
// 95:89–98) trim-and-fill method to an intercept-only model, as metafor's
// trimfill.rma.uni. With the effects flipped so that studies are missing on
// the left and sorted, each iteration fits the model (same τ² method) to the
// k − k0 smallest effects, ranks |yᵢ − β̂| over all k studies (ties by
// position), and estimates k0 from the ranks of the positive deviations:
//
//	L0 = (4Sᵣ − k(k + 1)) / (2k − 1),   Sᵣ the sum of the positive ranks
//	R0 = k − r* − 1,                     r* the largest rank of a negative deviation
//	Q0 = k − ½ − √(2k² − 4Sᵣ + ¼)
//
// rounded (half to even) and truncated at 0, until k0 repeats. The k0 most
// extreme studies are then mirrored about β̂ and the model is refitted to
// all k + k0 studies. As metafor, that final fit uses z tests at the 95%
// level whatever the original model's test and level.
//
// Because the effects are sorted once, the ranks of each iteration come
// from merging the negative and positive deviations in O(k); each
// iteration's refit is O(k) per scoring step and warm-started.
func TrimFill(r *Result, opt TrimFillOptions) (*TrimFillResult, error) {
	if err := r.needIntOnly("trim and fill"); err != nil {
		return nil, err
	}
	est := strings.ToUpper(opt.Estimator)
	if est == "" {
		est = L0
	}
	if est != L0 && est != R0 && est != Q0 {
		return nil, errs.New(errs.InvalidOption, "meta", "unknown trim-and-fill estimator %q (use L0, R0 or Q0)", opt.Estimator)
	}
	maxIter := opt.MaxIter
	if maxIter <= 0 {
		maxIter = 100
	}
	k := r.K
	if k == 1 {
		return nil, errs.New(errs.TooFew, "meta", "trim and fill needs more than one study")
	}
	base := Options{Method: r.Method, Measure: r.Measure, MaxIter: r.opt.MaxIter, Tol: r.opt.Tol}
	side, err := trimFillSide(r, opt.Side, base)
	if err != nil {
		return nil, err
	}
	sign := 1.0
	if side == "right" {
		sign = -1
	}
	ys, vs := flipSort(r.d.y, r.d.v, sign)
	res := &TrimFillResult{Estimator: est, Side: side, Original: r.Coefficients[0].Estimate}
	k0, sek0, beta, err := trimIterate(r, res, ys, vs, est, base, maxIter)
	if err != nil {
		return nil, err
	}
	res.K0, res.SEK0 = k0, sek0
	if est == R0 {
		res.PK0 = f64(math.Pow(0.5, float64(k0+1)))
	}
	fit := r
	if k0 > 0 {
		if fit, err = fillAndRefit(r, res, k0, beta, ys, vs, sign, base); err != nil {
			return nil, err
		}
	}
	c := fit.Coefficients[0]
	res.Fit = fit
	res.K, res.Estimate, res.SE, res.CILB, res.CIUB, res.P = fit.K, c.Estimate, c.SE, c.CILB, c.CIUB, c.P
	res.Tau2, res.QE, res.I2 = fit.Tau2, fit.QE, fit.I2
	return res, nil
}

// trimFillSide returns the side to fill: the one asked for, or (empty) the
// one funnelSide chooses.
func trimFillSide(r *Result, side string, base Options) (string, error) {
	switch s := strings.ToLower(side); s {
	case "left", "right":
		return s, nil
	case "":
		return funnelSide(r.d, base)
	}
	return "", errs.New(errs.InvalidOption, "meta", "trim-and-fill side %q must be left or right (or empty to choose)", side)
}

// flipSort returns sign·y sorted increasingly (stably, as R's
// sort(index.return = TRUE)) and the matching v.
func flipSort(y, v []float64, sign float64) (ys, vs []float64) {
	k := len(y)
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := cmp.Compare(sign*y[a], sign*y[b]); c != 0 {
			return c
		}
		return a - b // stable: ties keep their input order
	})
	ys, vs = make([]float64, k), make([]float64, k)
	for j, i := range idx {
		ys[j], vs[j] = sign*y[i], v[i]
	}
	return ys, vs
}

// trimIterate alternates fitting the k − k0 least extreme of the sorted
// effects ys and re-estimating k0 until k0 repeats; it returns k0, its
// standard error and the last trimmed estimate β̂, and counts the
// iterations in res.
func trimIterate(r *Result, res *TrimFillResult, ys, vs []float64, est string, base Options, maxIter int) (k0 int, sek0, beta float64, err error) {
	k := len(ys)
	pm := newPrefixModel(ys, vs, withDefaultsOrZero(base))
	k0sav := -1
	warm := r.Tau2
	for k0 != k0sav {
		k0sav = k0
		res.Iterations++
		if res.Iterations > maxIter {
			return 0, 0, 0, errs.New(errs.NoConvergence, "meta", "trim and fill did not converge in %d iterations (k0 = %d); raise MaxIter or try another estimator", maxIter, k0)
		}
		n := k - k0
		if n < 1 {
			return 0, 0, 0, errs.New(errs.TooFew, "meta: trim and fill", "estimator %s trims all %d studies; the method does not apply to these data", est, k)
		}
		m := pm.prefix(n)
		m.warm, m.noSE = warm, true // only τ̂² and β̂ are needed here
		te, ferr := m.estimateTau2()
		m.warm, m.noSE = math.NaN(), false
		if ferr != nil {
			return 0, 0, 0, fmt.Errorf("meta: trim and fill: fit to the %d least extreme studies: %w", n, ferr)
		}
		warm = te.tau2
		var sw, swy float64
		for i, v := range pm.v[:n] {
			w := 1 / (v + te.tau2)
			sw += w
			swy += w * pm.y[i]
		}
		beta = swy / sw
		var k0f float64
		if k0f, sek0, err = k0Estimate(est, ys, beta); err != nil {
			return 0, 0, 0, err
		}
		k0 = int(math.Max(0, math.RoundToEven(k0f)))
		if sek0 < 0 {
			sek0 = 0
		}
	}
	return k0, sek0, beta, nil
}

// k0Estimate returns the estimator est of the number of missing studies
// from the signed ranks of ys − β̂ (Duval & Tweedie 2000), unrounded, and
// its standard error.
func k0Estimate(est string, ys []float64, beta float64) (k0f, sek0 float64, err error) {
	sr, maxNeg := signedRanks(ys, beta)
	fk := float64(len(ys))
	switch est {
	case R0:
		if maxNeg == 0 {
			return 0, 0, errs.New(errs.TooFew, "meta", "trim and fill (R0): no study lies below the trimmed estimate; use L0")
		}
		k0f = fk - float64(maxNeg) - 1
		sek0 = math.Sqrt(2*math.Max(0, k0f) + 2)
	case L0:
		k0f = (4*sr - fk*(fk+1)) / (2*fk - 1)
		sek0 = 4 * math.Sqrt(varSr(fk, k0f)) / (2*fk - 1)
	case Q0:
		disc := 2*fk*fk - 4*sr + 0.25
		if disc < 0 {
			return 0, 0, errs.New(errs.Singular, "meta", "trim and fill (Q0): 2k² − 4Sr + 1/4 = %g < 0; the Q0 estimator is undefined here, use L0", disc)
		}
		k0f = fk - 0.5 - math.Sqrt(disc)
		sek0 = 2 * math.Sqrt(varSr(fk, k0f)) / math.Sqrt((fk-0.5)*(fk-0.5)-k0f*(2*fk-k0f-1))
	}
	if math.IsNaN(k0f) {
		return 0, 0, errs.New(errs.Singular, "meta: trim and fill", "k0 is undefined (NaN)")
	}
	return k0f, sek0, nil
}

// fillAndRefit mirrors the k0 most extreme sorted effects about β̂ (back on
// the original side), records them in res.Filled and fits the model to all
// k + k0 studies.
func fillAndRefit(r *Result, res *TrimFillResult, k0 int, beta float64, ys, vs []float64, sign float64, base Options) (*Result, error) {
	k := len(ys)
	yy := append(append([]float64(nil), r.Yi...), make([]float64, k0)...)
	vv := append(append([]float64(nil), r.Vi...), make([]float64, k0)...)
	var labels []string // only when the studies are labelled
	if r.d.labels != nil {
		labels = append([]string(nil), r.d.labels...)
	}
	for j := 0; j < k0; j++ {
		src := k - k0 + j
		f := FilledStudy{Study: fmt.Sprintf("Filled %d", j+1), Yi: sign * (2*beta - ys[src]), Vi: vs[src]}
		res.Filled = append(res.Filled, f)
		yy[k+j], vv[k+j] = f.Yi, f.Vi
		if labels != nil {
			labels = append(labels, f.Study)
		}
	}
	o := base
	o.Labels = labels
	fit, err := Fit(yy, vv, o)
	if err != nil {
		return nil, fmt.Errorf("meta: trim and fill: fit with the filled studies: %w", err)
	}
	return fit, nil
}

func withDefaultsOrZero(o Options) Options {
	d, err := o.withDefaults()
	if err != nil {
		return o
	}
	return d
}

// varSr is the variance of the Wilcoxon-type statistic in L0 and Q0's
// standard errors (Duval & Tweedie 2000).
func varSr(k, k0 float64) float64 {
	return (k*(k+1)*(2*k+1) + 10*k0*k0*k0 + 27*k0*k0 + 17*k0 - 18*k*k0*k0 - 18*k*k0 + 6*k*k*k0) / 24
}

// signedRanks ranks |ysⱼ − beta| (ys sorted ascending; ties by position)
// and returns the sum of the ranks of the positive deviations and the
// largest rank of a negative deviation (0 if none), in O(k) by merging the
// negative deviations (walked outward from the centre) with the
// non-negative ones.
func signedRanks(ys []float64, beta float64) (sumPos float64, maxNeg int) {
	k := len(ys)
	b := sort.Search(k, func(j int) bool { return ys[j]-beta >= 0 })
	a := b - 1
	rank := 0
	for a >= 0 || b < k {
		rank++
		takeNeg := false
		switch {
		case b >= k:
			takeNeg = true
		case a < 0:
		default:
			takeNeg = -(ys[a] - beta) <= ys[b]-beta
		}
		if takeNeg {
			maxNeg = rank
			a--
		} else {
			if ys[b]-beta > 0 {
				sumPos += float64(rank)
			}
			b++
		}
	}
	return sumPos, maxNeg
}

// funnelSide returns metafor's choice of side for trim and fill.
func funnelSide(d *design, base Options) (string, error) {
	x := make([]float64, 2*d.k)
	for i, v := range d.v {
		x[2*i], x[2*i+1] = 1, math.Sqrt(v)
	}
	dd := &design{k: d.k, p: 2, y: d.y, v: d.v, x: x, names: []string{"intrcpt", "sei"}}
	m := newModel(dd, withDefaultsOrZero(base))
	var rf refit
	if err := m.fitQuick(math.NaN(), &rf); err != nil {
		return "", fmt.Errorf("meta: trim and fill: choosing the side (regression on √vi): %w", err)
	}
	if rf.r.Coefficients[1].Estimate < 0 {
		return "right", nil
	}
	return "left", nil
}

// prefixModel fits the first n rows of fixed sorted data without
// reallocating.
type prefixModel struct {
	y, v, x, yc, w, u []float64
	m                 *model
	cumInvV           []float64 // cumInvV[n] = Σ_{i<n} 1/vᵢ
}

func newPrefixModel(y, v []float64, opt Options) *prefixModel {
	k := len(y)
	d := &design{k: k, p: 1, y: y, v: v, x: ones(k), names: []string{"intrcpt"}}
	m := newModel(d, opt)
	cum := make([]float64, k+1) // cum[n] = Σ_{i<n} 1/vᵢ, for typicalV of each prefix
	for i, vi := range v {
		cum[i+1] = cum[i] + 1/vi
	}
	return &prefixModel{y: y, v: v, x: d.x, yc: m.yc, w: m.w, u: m.s.u, m: m, cumInvV: cum}
}

func (pm *prefixModel) prefix(n int) *model {
	m := pm.m
	m.d = &design{k: n, p: 1, y: pm.y[:n], v: pm.v[:n], x: pm.x[:n], names: []string{"intrcpt"}}
	m.s.k, m.s.x, m.s.u = n, pm.x[:n], pm.u[:n]
	m.y, m.yc, m.w = pm.y[:n], pm.yc[:n], pm.w[:n]
	m.vt = float64(n) / pm.cumInvV[n]
	m.center()
	return m
}
