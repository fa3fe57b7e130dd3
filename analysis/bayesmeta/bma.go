package bayesmeta

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// The four models of Bayesian model-averaged meta-analysis, in metaBMA's
// names and order.
var BMAModels = [4]string{"fixed_H0", "fixed_H1", "random_H0", "random_H1"}

// BMAModel is one model of the averaged set.
type BMAModel struct {
	Model     string  `json:"model"`
	Prior     float64 `json:"prior"`
	Posterior float64 `json:"posterior"`
	LogML     float64 `json:"logml"`
}

// BMAResult is Bayesian model averaging over {μ = 0, μ ~ p(μ)} ×
// {τ = 0, τ ~ p(τ)}, as metaBMA::meta_bma.
type BMAResult struct {
	Models []BMAModel `json:"models"`
	// InclusionBFEffect is the inclusion Bayes factor for an effect:
	// [P(fixed_H1|y) + P(random_H1|y)] / [P(fixed_H0|y) + P(random_H0|y)]
	// divided by the same ratio of prior probabilities;
	// PosteriorEffect the posterior probability of an effect.
	InclusionBFEffect float64 `json:"inclusion_bf_effect"`
	PosteriorEffect   float64 `json:"posterior_prob_effect"`
	// InclusionBFHeterogeneity and PosteriorHeterogeneity: the same for
	// the random against the fixed models.
	InclusionBFHeterogeneity float64 `json:"inclusion_bf_heterogeneity"`
	PosteriorHeterogeneity   float64 `json:"posterior_prob_heterogeneity"`
	// Averaged is the model-averaged posterior of μ: the mixture of the
	// fixed_H1 and random_H1 posteriors weighted by their posterior
	// probabilities given an effect (metaBMA's "averaged"); Fixed and
	// Random are the two posteriors.
	Averaged Summary `json:"averaged_mu"`
	Fixed    Summary `json:"fixed_mu"`
	Random   Summary `json:"random_mu"`

	avg *mixture
}

// BMA averages the four models from a fitted random-effects model (whose
// priors on μ and τ must be proper) with prior model probabilities prior
// (in the order of BMAModels; nil: ¼ each). Marginal likelihoods: the
// fixed models in closed form, the random ones by r's quadrature.
func BMA(r *Result, prior []float64) (*BMAResult, error) {
	const an = "bayesian model averaging"
	if !r.MuPrior.Proper() || !r.TauPrior.Proper() {
		return nil, errs.New(errs.InvalidOption, an, "model averaging needs proper priors on μ and τ (got μ: %s, τ: %s)", r.MuPrior, r.TauPrior).WithHint("MuPrior")
	}
	if prior == nil {
		prior = []float64{0.25, 0.25, 0.25, 0.25}
	}
	if len(prior) != 4 {
		return nil, errs.New(errs.InvalidOption, an, "%d prior model probabilities: give 4 (fixed_H0, fixed_H1, random_H0, random_H1)", len(prior)).WithHint("BMAPrior")
	}
	var ps float64
	for _, p := range prior {
		if !(p >= 0) || math.IsInf(p, 0) {
			return nil, errs.New(errs.InvalidOption, an, "prior model probability %v: give non-negative numbers", p).WithHint("BMAPrior")
		}
		ps += p
	}
	if !(ps > 0) {
		return nil, errs.New(errs.InvalidOption, an, "the prior model probabilities sum to 0").WithHint("BMAPrior")
	}
	logml := [4]float64{r.LogMLFixed0, r.LogMLFixed, r.LogML0, r.LogML}
	for _, l := range logml {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return nil, errs.New(errs.NoConvergence, an, "a marginal likelihood could not be computed")
		}
	}
	mx := math.Inf(-1)
	for i, l := range logml {
		if prior[i] > 0 {
			mx = math.Max(mx, l)
		}
	}
	var post [4]float64
	var tot float64
	for i, l := range logml {
		post[i] = prior[i] / ps * math.Exp(l-mx)
		tot += post[i]
	}
	out := &BMAResult{}
	for i := range post {
		post[i] /= tot
		out.Models = append(out.Models, BMAModel{Model: BMAModels[i], Prior: prior[i] / ps, Posterior: post[i], LogML: logml[i]})
	}
	incl := func(in1, in2, ex1, ex2 int) (float64, float64) {
		po := (post[in1] + post[in2]) / (post[ex1] + post[ex2])
		pr := (prior[in1] + prior[in2]) / (prior[ex1] + prior[ex2])
		return po / pr, (post[in1] + post[in2])
	}
	out.InclusionBFEffect, out.PosteriorEffect = incl(1, 3, 0, 2)
	out.InclusionBFHeterogeneity, out.PosteriorHeterogeneity = incl(2, 3, 0, 1)

	// μ under fixed_H1: the conditional posterior at τ = 0.
	c, sd, _ := r.md.cond(0)
	fixed := &mixture{lo: r.md.lo, hi: r.md.hi, comps: []comp{newComp(1, c, sd, r.md.lo, r.md.hi)}}
	fm, fs := fixed.moments()
	out.Fixed = fixed.summarise(fm, fs, r.Level)
	out.Random = r.Mu
	wf := 0.5
	if post[1]+post[3] > 0 {
		wf = post[1] / (post[1] + post[3])
	}
	avg := &mixture{lo: r.md.lo, hi: r.md.hi}
	avg.comps = append(avg.comps, newComp(wf, c, sd, r.md.lo, r.md.hi))
	for _, cp := range r.mu.comps {
		cp.w *= 1 - wf
		avg.comps = append(avg.comps, cp)
	}
	out.avg = avg
	// Mean and SD from the exactly integrated moments of the random model.
	am := wf*fm + (1-wf)*r.Mu.Mean
	a2 := wf*(fs*fs+fm*fm) + (1-wf)*(r.Mu.SD*r.Mu.SD+r.Mu.Mean*r.Mu.Mean)
	out.Averaged = avg.summarise(am, math.Sqrt(math.Max(0, a2-am*am)), r.Level)
	return out, nil
}

// DensityAveraged is the model-averaged posterior density of μ.
func (b *BMAResult) DensityAveraged(m float64) float64 { return b.avg.pdf(m) }
