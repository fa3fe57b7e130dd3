package meta

import (
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/wald"
)

// Predictors of RegTest, with metafor's names.
const (
	PredSEI      = "sei"      // standard error √vi (Egger's test; default)
	PredVI       = "vi"       // sampling variance
	PredNI       = "ni"       // sample size
	PredNInv     = "ninv"     // 1/ni
	PredSqrtNI   = "sqrtni"   // √ni
	PredSqrtNInv = "sqrtninv" // 1/√ni
)

// RegTestOptions configures RegTest.
type RegTestOptions struct {
	// Model is "rma" (default: a meta-regression with the model's τ²
	// method and test) or "lm" (weighted least squares with weights 1/vi
	// and a multiplicative dispersion, Egger et al. 1997).
	Model string
	// Predictor is sei (default), vi, ni, ninv, sqrtni or sqrtninv.
	Predictor string
	// Ni are the sample sizes, one per input row of Fit; needed only for
	// the ni-based predictors.
	Ni []float64
}

// RegTestResult is an Egger-type regression test for funnel-plot asymmetry
// (metafor's regtest).
type RegTestResult struct {
	Model     string   `json:"model"`
	Predictor string   `json:"predictor"`
	Statistic float64  `json:"statistic"`    // z or t of the predictor's coefficient
	DF        *float64 `json:"df,omitempty"` // t tests only
	P         float64  `json:"p"`            // two-sided
	Slope     float64  `json:"slope"`        // the predictor's coefficient
	// Limit estimate: the intercept, the expected effect of an infinitely
	// precise study, for predictors sei, vi, ninv and sqrtninv of an
	// intercept-only model (PET for sei, PEESE for vi).
	Estimate  *float64 `json:"estimate,omitempty"`
	SE        *float64 `json:"se,omitempty"`
	EstStat   *float64 `json:"estimate_statistic,omitempty"`
	EstP      *float64 `json:"estimate_p,omitempty"`
	CILB      *float64 `json:"ci_lb,omitempty"`
	CIUB      *float64 `json:"ci_ub,omitempty"`
	Level     float64  `json:"level"`
	Intercept bool     `json:"-"`
}

// RegTest tests funnel-plot asymmetry by adding a measure of precision to
// the model of r, metafor's regtest (Egger et al. 1997, BMJ 315:629–634;
// Sterne & Egger 2005): with model "rma",
//
//	yᵢ = xᵢ'β + β_pred·predᵢ + uᵢ + eᵢ
//
// is fitted with r's τ² method, test and level and β_pred is tested; with
// model "lm", the same regression is fitted by weighted least squares with
// weights 1/vᵢ and an estimated dispersion, and tested with a t test on
// k − p − 1 df. For an intercept-only r and predictors sei, vi, ninv and
// sqrtninv, the intercept is the "limit estimate" of the effect at infinite
// precision (with its CI).
func RegTest(r *Result, opt RegTestOptions) (*RegTestResult, error) {
	if r == nil || r.d == nil {
		return nil, errs.New(errs.InvalidOption, "meta", "RegTest needs a model from Fit")
	}
	model := strings.ToLower(opt.Model)
	if model == "" {
		model = "rma"
	}
	if model != "rma" && model != "lm" {
		return nil, errs.New(errs.InvalidOption, "meta", "regtest model %q must be rma or lm", opt.Model)
	}
	pred := strings.ToLower(opt.Predictor)
	if pred == "" {
		pred = PredSEI
	}
	d := r.d
	k, p := d.k, d.p
	col := make([]float64, k)
	switch pred {
	case PredSEI, PredVI:
		for i, v := range d.v {
			col[i] = v
			if pred == PredSEI {
				col[i] = math.Sqrt(v)
			}
		}
	case PredNI, PredNInv, PredSqrtNI, PredSqrtNInv:
		if opt.Ni == nil {
			return nil, errs.New(errs.InvalidOption, "meta", "regtest predictor %s needs sample sizes (Ni)", pred)
		}
		for j, i := range d.rows {
			if i >= len(opt.Ni) {
				return nil, errs.New(errs.InvalidOption, "meta", "%d sample sizes for a model fitted to at least %d rows; give one per input row", len(opt.Ni), i+1)
			}
			n := opt.Ni[i]
			if !(n > 0) || math.IsInf(n, 0) {
				return nil, errs.Inputf("meta", 0, "study %s: sample size %g must be positive", r.label(j), n)
			}
			switch pred {
			case PredNI:
				col[j] = n
			case PredNInv:
				col[j] = 1 / n
			case PredSqrtNI:
				col[j] = math.Sqrt(n)
			default:
				col[j] = 1 / math.Sqrt(n)
			}
		}
	default:
		return nil, errs.New(errs.InvalidOption, "meta", "unknown regtest predictor %q (use sei, vi, ni, ninv, sqrtni or sqrtninv)", opt.Predictor)
	}
	q := p + 1
	x := make([]float64, k*q)
	for i := 0; i < k; i++ {
		copy(x[i*q:i*q+p], d.x[i*p:(i+1)*p])
		x[i*q+p] = col[i]
	}
	names := append(append([]string(nil), d.names...), pred)
	dd := &design{k: k, p: q, y: d.y, v: d.v, x: x, names: names, labels: d.labels, rows: d.rows}
	if err := dd.checkRank(); err != nil {
		return nil, errs.New(errs.Singular, "meta: regtest", "the model with predictor %s is not of full rank: %w", pred, err)
	}
	out := &RegTestResult{Model: model, Predictor: pred, Level: r.Level, Intercept: p == 1}
	limit := p == 1 && (pred == PredSEI || pred == PredVI || pred == PredNInv || pred == PredSqrtNInv)
	if model == "rma" {
		if k <= q && r.Method != FE && r.Method != EE && r.opt.Tau2 == nil {
			return nil, errs.New(errs.TooFew, "meta", "regtest needs more than %d studies", q)
		}
		m := newModel(dd, r.opt)
		var rf refit
		if err := m.fitQuick(math.NaN(), &rf); err != nil {
			return nil, fmt.Errorf("meta: regtest: %w", err)
		}
		c := rf.r.Coefficients[p]
		out.Statistic, out.P, out.DF, out.Slope = c.Statistic, c.P, c.DF, c.Estimate
		if limit {
			c0 := rf.r.Coefficients[0]
			out.Estimate, out.SE, out.EstStat, out.EstP = f64(c0.Estimate), f64(c0.SE), f64(c0.Statistic), f64(c0.P)
			out.CILB, out.CIUB = f64(c0.CILB), f64(c0.CIUB)
		}
		return out, nil
	}
	// Weighted least squares, weights 1/vi, residual dispersion σ̂².
	if k <= q {
		return nil, errs.New(errs.TooFew, "meta", "regtest (lm) needs more than %d studies", q)
	}
	s := newWLS(x, k, q)
	w := make([]float64, k)
	for i, v := range d.v {
		w[i] = 1 / v
	}
	if err := s.factor(w); err != nil {
		return nil, fmt.Errorf("meta: regtest: %w", err)
	}
	rss, _ := s.solve(w, d.y)
	df := float64(k - q)
	sigma2 := rss / df
	ref := wald.StudentT(df, r.Level)
	slope := ref.Coef(s.beta[p], sigma2*s.ainv[p*q+p])
	out.Slope, out.Statistic, out.P, out.DF = slope.Estimate, slope.Statistic, slope.P, slope.DF
	if limit {
		w := ref.Coef(s.beta[0], sigma2*s.ainv[0])
		out.Estimate, out.SE, out.EstStat = f64(w.Estimate), f64(w.SE), f64(w.Statistic)
		out.EstP = f64(w.P)
		out.CILB, out.CIUB = f64(w.CILB), f64(w.CIUB)
	}
	return out, nil
}
