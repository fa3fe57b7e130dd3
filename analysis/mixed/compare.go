package mixed

import (
	"math"
	"slices"

	"github.com/alliance-research/alliance/analysis/errs"
	"gonum.org/v1/gonum/stat/distuv"
)

// ModelFit summarises one model of a likelihood-ratio comparison (one row
// of lme4's anova table).
type ModelFit struct {
	Formula  string  `json:"formula"`
	NPar     int     `json:"npar"`
	AIC      float64 `json:"AIC"`
	BIC      float64 `json:"BIC"`
	LogLik   float64 `json:"logLik"`
	Deviance float64 `json:"deviance"`
}

// LRT is a likelihood-ratio test of two nested models.
type LRT struct {
	Models [2]ModelFit `json:"models"` // smaller model first
	Chisq  float64     `json:"Chisq"`
	DF     int         `json:"Df"`
	P      float64     `json:"p"`
	Refit  bool        `json:"refit"` // models were refitted by ML
	Note   string      `json:"note,omitempty"`
}

// Compare tests two nested models fitted to the same rows by the
// likelihood-ratio statistic χ² = 2(ℓ_big − ℓ_small) on npar_big − npar_small
// degrees of freedom, as lme4's anova(a, b). REML fits are refitted by ML
// first (REML likelihoods of models with different fixed effects are not
// comparable), and Refit says so. When either model has a residual
// structure (a correlation or variance function, or gls: nlme's models,
// which lme4 cannot fit) the rule is nlme's anova(a, b): two REML fits with
// the same fixed effects (the same coefficients, by name) are compared by
// their REML likelihoods as fitted, and their BIC is nlme's REML BIC,
// −2ℓ + log(n − p)·npar; with different fixed effects they are refitted by
// ML as above (nlme would compare the REML likelihoods with a warning that
// the comparison is not meaningful; its anova of the ML fits is ours).
// Nesting itself is not checked: the models must share the response and the
// rows, and differ in their parameter count.
func Compare(a, b *Model) (LRT, error) {
	if a == nil || b == nil || a.d == nil || b.d == nil {
		return LRT{}, errs.New(errs.InvalidOption, "mixed", "Compare needs two fitted models")
	}
	if a.d.formula.Response != b.d.formula.Response {
		return LRT{}, errs.New(errs.InvalidOption, "mixed: Compare", "responses differ (%q, %q)", a.d.formula.Response, b.d.formula.Response)
	}
	if a.d.n != b.d.n {
		return LRT{}, errs.New(errs.InvalidOption, "mixed: Compare", "models use %d and %d observations; fit both to the same rows", a.d.n, b.d.n)
	}
	var out LRT
	remlLRT := (a.d.resid != nil || b.d.resid != nil) && !a.opts.ML && !b.opts.ML && sameFixed(a, b)
	refit := func(m *Model) (*Model, error) {
		if m.opts.ML || remlLRT {
			return m, nil
		}
		o := m.opts
		o.ML = true
		o.DDF = "" // the likelihoods only; Kenward–Roger needs REML
		out.Refit = true
		if m.stats != nil {
			return FitStats(m.stats, o)
		}
		return Fit(m.formula, m.data, o)
	}
	ma, err := refit(a)
	if err != nil {
		return LRT{}, err
	}
	mb, err := refit(b)
	if err != nil {
		return LRT{}, err
	}
	if out.Refit {
		out.Note = "refitting model(s) with ML (instead of REML)"
	}
	if remlLRT {
		out.Note = "REML likelihoods compared (the fixed effects are the same), as nlme's anova; BIC is nlme's REML BIC, with log(n - p)"
	}
	if ma.Result.NPar > mb.Result.NPar {
		ma, mb = mb, ma
	}
	if ma.Result.NPar == mb.Result.NPar {
		return LRT{}, errs.New(errs.InvalidOption, "mixed: Compare", "both models have %d parameters; they cannot be nested", ma.Result.NPar)
	}
	for i, m := range []*Model{ma, mb} {
		r := m.Result
		out.Models[i] = ModelFit{Formula: m.formula, NPar: r.NPar, AIC: r.AIC, BIC: r.BIC, LogLik: r.LogLik, Deviance: r.Deviance}
		if remlLRT {
			out.Models[i].BIC = r.Deviance + math.Log(float64(m.d.n-m.d.p))*float64(r.NPar)
		}
	}
	out.Chisq = math.Max(0, 2*(mb.Result.LogLik-ma.Result.LogLik))
	out.DF = mb.Result.NPar - ma.Result.NPar
	out.P = distuv.ChiSquared{K: float64(out.DF)}.Survival(out.Chisq)
	return out, nil
}

// sameFixed reports whether two models have the same fixed-effect
// coefficients (names, in order) under the same coding of factors: the
// condition under which nlme compares REML likelihoods.
func sameFixed(a, b *Model) bool {
	return a.opts.Contrasts == b.opts.Contrasts && slices.Equal(a.d.xnames, b.d.xnames)
}
