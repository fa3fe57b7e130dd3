package meta

import (
	"math"
	"slices"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"gonum.org/v1/gonum/stat/distuv"
)

// CompareModel is one side of a likelihood-ratio comparison: its
// coefficients' names, parameter count (coefficients plus τ² when
// estimated), fit statistics (ML unless both models were fitted otherwise
// and not refitted), Q_E and τ̂² (metafor's anova.rma: parms, fit.stats,
// QE, tau2).
type CompareModel struct {
	Model    string   `json:"model"` // "full" or "reduced"
	Terms    []string `json:"terms"` // coefficient names ("intrcpt" first)
	Parms    int      `json:"parms"`
	LogLik   float64  `json:"logLik"`
	Deviance float64  `json:"deviance"`
	AIC      float64  `json:"AIC"`
	BIC      float64  `json:"BIC"`
	AICc     float64  `json:"AICc"`
	QE       float64  `json:"QE"`
	Tau2     float64  `json:"tau2"`
}

// Comparison is the likelihood-ratio test of two nested models (metafor's
// anova(m1, m2, refit = TRUE)).
type Comparison struct {
	Method string          `json:"method"` // likelihood of the fit statistics (ML after a refit)
	Refit  bool            `json:"refit"`  // the models were refitted by ML
	Models [2]CompareModel `json:"models"` // full model first
	LRT    float64         `json:"LRT"`
	DF     int             `json:"df"`
	P      float64         `json:"p"`
	// R2 is the proportion (%) of τ² of the reduced model accounted for by
	// the full one, 100·max(0, (τ²_r − τ²_f)/τ²_r) (0 when τ²_r = 0); for
	// fixed-effects models the same with the residual variances Q_E/(k − p)
	// of the weighted regressions.
	R2 *float64 `json:"R2"`
}

// Compare tests two nested models fitted to the same studies by the
// likelihood-ratio statistic LRT = 2(ℓ_full − ℓ_reduced) on
// parms_full − parms_reduced df (χ²), as metafor's anova(m1, m2,
// refit = TRUE): models whose τ² was estimated by anything but ML are
// refitted by ML first (REML likelihoods of models with different fixed
// effects are not comparable; the other estimators have no likelihood).
// The model with more coefficients is the full one; the reduced model's
// design columns must lie in the span of the full model's (checked by
// projection, so a factor and its recoding count as nested), otherwise the
// models are not nested and the test is refused.
func Compare(a, b *Result) (*Comparison, error) {
	if a == nil || b == nil || a.d == nil || b.d == nil {
		return nil, errs.New(errs.InvalidOption, "meta", "Compare needs two models from Fit")
	}
	if a.d.p == b.d.p {
		return nil, errs.New(errs.InvalidOption, "meta", "the two models have the same number of coefficients (%d): a likelihood-ratio test needs one model nested in the other, with fewer coefficients", a.d.p)
	}
	full, red := a, b
	if b.d.p > a.d.p {
		full, red = b, a
	}
	if full.d.k != red.d.k || !slices.Equal(full.d.y, red.d.y) || !slices.Equal(full.d.v, red.d.v) {
		return nil, errs.New(errs.InvalidOption, "meta", "the two models use different studies (k = %d and %d): fit both to the same studies", full.d.k, red.d.k)
	}
	if full.opt.Method != red.opt.Method || full.opt.isFE() != red.opt.isFE() {
		return nil, errs.New(errs.InvalidOption, "meta", "the two models use different methods (%s and %s): fit both with the same", full.Method, red.Method)
	}
	if (full.opt.Tau2 == nil) != (red.opt.Tau2 == nil) || (full.opt.Tau2 != nil && *full.opt.Tau2 != *red.opt.Tau2) {
		return nil, errs.New(errs.InvalidOption, "meta", "one model has a user-specified τ² and the other not: fit both the same way")
	}
	if col, ok := nested(full.d, red.d); !ok {
		return nil, errs.New(errs.InvalidOption, "meta", "the models are not nested: the reduced model's term %q is not a combination of the full model's terms (%s); a likelihood-ratio test needs the smaller model's terms within the larger one's", red.d.names[col], strings.Join(full.d.names, ", "))
	}
	out := &Comparison{Method: full.Method}
	refit := func(r *Result) (*Result, error) {
		if r.opt.isFE() || r.Method == ML {
			return r, nil
		}
		opt := r.opt
		opt.Method = ML
		out.Refit = true
		return fitDesign(r.d, opt, nil)
	}
	f, err := refit(full)
	if err != nil {
		return nil, errs.New(errs.NoConvergence, "meta", "refitting the full model by ML failed: %v", err)
	}
	rr, err := refit(red)
	if err != nil {
		return nil, errs.New(errs.NoConvergence, "meta", "refitting the reduced model by ML failed: %v", err)
	}
	if out.Refit {
		out.Method = ML
	}
	side := func(name string, r *Result) CompareModel {
		parms := r.d.p
		if !r.opt.isFE() && r.opt.Tau2 == nil {
			parms++
		}
		return CompareModel{Model: name, Terms: append([]string(nil), r.d.names...), Parms: parms,
			LogLik: r.Fit.LogLik, Deviance: r.Fit.Deviance, AIC: r.Fit.AIC, BIC: r.Fit.BIC, AICc: r.Fit.AICc, QE: r.QE, Tau2: r.Tau2}
	}
	out.Models = [2]CompareModel{side("full", f), side("reduced", rr)}
	out.DF = out.Models[0].Parms - out.Models[1].Parms
	out.LRT = math.Max(0, 2*(f.Fit.LogLik-rr.Fit.LogLik))
	out.P = distuv.ChiSquared{K: float64(out.DF)}.Survival(out.LRT)
	switch {
	case f.opt.isFE():
		if kf, kr := f.d.k-f.d.p, rr.d.k-rr.d.p; kf > 0 && kr > 0 && rr.QE > 0 {
			s2f, s2r := f.QE/float64(kf), rr.QE/float64(kr)
			out.R2 = f64(100 * math.Max(0, (s2r-s2f)/s2r))
		}
	case rr.Tau2 == 0:
		out.R2 = f64(0)
	default:
		out.R2 = f64(100 * math.Max(0, (rr.Tau2-f.Tau2)/rr.Tau2))
	}
	return out, nil
}

// nested reports whether every column of small's model matrix lies in the
// column span of big's (same rows): each is projected on an orthonormal
// basis of big's columns (modified Gram–Schmidt, twice) and must leave a
// residual below 1e-8 of its norm. It returns the first column that does
// not.
func nested(big, small *design) (int, bool) {
	k, p := big.k, big.p
	q := make([][]float64, 0, p)
	for c := 0; c < p; c++ {
		v := make([]float64, k)
		for r := 0; r < k; r++ {
			v[r] = big.x[r*p+c]
		}
		orthogonalise(v, q)
		if n := math.Sqrt(dot(v, v)); n > 0 {
			for r := range v {
				v[r] /= n
			}
			q = append(q, v)
		}
	}
	ps := small.p
	for c := 0; c < ps; c++ {
		v := make([]float64, k)
		for r := 0; r < k; r++ {
			v[r] = small.x[r*ps+c]
		}
		n0 := math.Sqrt(dot(v, v))
		orthogonalise(v, q)
		if math.Sqrt(dot(v, v)) > 1e-8*math.Max(n0, 1e-300) {
			return c, false
		}
	}
	return -1, true
}

// orthogonalise removes from v its components along the orthonormal q
// (two passes of modified Gram–Schmidt).
func orthogonalise(v []float64, q [][]float64) {
	for pass := 0; pass < 2; pass++ {
		for _, u := range q {
			d := dot(u, v)
			for r := range v {
				v[r] -= d * u[r]
			}
		}
	}
}
