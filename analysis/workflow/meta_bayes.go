package workflow

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/bayesmeta"
)

// BayesOptions are the choices of the Bayesian random-effects
// meta-analysis (alliance meta --bayes). Empty or zero fields take the
// defaults of bayesmeta.DefaultOptions: τ ~ half-normal(0.5), μ ~ N(0, 1)
// (the rationale is in that function's documentation).
type BayesOptions struct {
	// TauPrior is half-normal, half-cauchy or uniform; TauScale its scale
	// (the upper bound for uniform; 0 with uniform: bayesmeta's improper
	// uniform prior on [0, ∞)).
	TauPrior string
	TauScale float64
	// MuPrior is normal or flat; MuMean and MuSD the normal prior's mean
	// and SD (MuSD 0: 1).
	MuPrior      string
	MuMean, MuSD float64
	// NoBMA skips model averaging (which needs proper priors).
	NoBMA bool
}

// BayesMeta is the JSON object "bayes" of a meta-analysis: the posterior
// (bayesmeta.Result's fields), model averaging under "bma", and for
// Fisher z the posterior of μ and θ_new back-transformed to r under "r"
// (quantiles and interval bounds through tanh; the mean of r is
// E[tanh μ]).
type BayesMeta struct {
	*bayesmeta.Result
	BMA *bayesmeta.BMAResult `json:"bma,omitempty"`
	R   *BayesR              `json:"r,omitempty"`
}

// BayesR holds the r-scale summaries of μ and θ_new.
type BayesR struct {
	Mu       bayesmeta.Summary  `json:"mu"`
	ThetaNew *bayesmeta.Summary `json:"theta_new,omitempty"`
}

// options turns the workflow choices into bayesmeta options.
func (b BayesOptions) options(level float64) (bayesmeta.Options, error) {
	d := bayesmeta.DefaultOptions()
	o := bayesmeta.Options{Level: level, Tau: d.Tau, Mu: d.Mu}
	switch t := strings.ToLower(strings.TrimSpace(b.TauPrior)); t {
	case "", bayesmeta.HalfNormal, "halfnormal":
		o.Tau.Family = bayesmeta.HalfNormal
	case bayesmeta.HalfCauchy, "halfcauchy":
		o.Tau.Family = bayesmeta.HalfCauchy
	case bayesmeta.Uniform:
		o.Tau.Family, o.Tau.Scale = bayesmeta.Uniform, math.Inf(1)
	default:
		return o, invalid("TauPrior", "prior on τ %q: give half-normal, half-cauchy or uniform", b.TauPrior)
	}
	if b.TauScale != 0 {
		o.Tau.Scale = b.TauScale
	}
	switch m := strings.ToLower(strings.TrimSpace(b.MuPrior)); m {
	case "", bayesmeta.Normal:
		o.Mu = bayesmeta.MuPrior{Family: bayesmeta.Normal, Mean: b.MuMean, SD: d.Mu.SD}
		if b.MuSD != 0 {
			o.Mu.SD = b.MuSD
		}
	case bayesmeta.Flat:
		o.Mu = bayesmeta.MuPrior{Family: bayesmeta.Flat}
	default:
		return o, invalid("MuPrior", "prior on μ %q: give normal or flat", b.MuPrior)
	}
	return o, nil
}

// fitBayes runs the Bayesian meta-analysis of the univariate model's
// analysed effects and, when the priors are proper, model averaging.
func (r *MetaRun) fitBayes() error {
	res := r.Model
	if res == nil {
		return invalid("Bayes", "the Bayesian meta-analysis needs the univariate model")
	}
	if len(res.Coefficients) != 1 {
		return invalid("Bayes", "the Bayesian meta-analysis is for an intercept-only model; drop the moderators")
	}
	bo, err := r.opt.Bayes.options(r.opt.Level)
	if err != nil {
		return err
	}
	fit, err := bayesmeta.Fit(res.Yi, res.Vi, bo)
	if err != nil {
		return err
	}
	out := &BayesMeta{Result: fit}
	if !r.opt.Bayes.NoBMA {
		if fit.MuPrior.Proper() && fit.TauPrior.Proper() {
			b, berr := bayesmeta.BMA(fit, nil)
			if berr != nil {
				return berr
			}
			out.BMA = b
		} else {
			r.top = append(r.top, Note{Level: Info, Text: "Bayesian model averaging was not run: it needs proper priors on μ and τ."})
		}
	}
	if r.isR() {
		out.R = &BayesR{Mu: tanhSummary(fit.Mu, fit.ExpectMu)}
		if fit.ThetaNew != nil {
			th := tanhSummary(*fit.ThetaNew, nil)
			out.R.ThetaNew = &th
		}
	}
	r.Bayes = out
	return nil
}

// tanhSummary back-transforms a z-scale summary: quantiles and interval
// bounds map through tanh; the mean of r is E[tanh μ] when mean is given
// (else NaN); the SD on the r scale is left out (NaN).
func tanhSummary(s bayesmeta.Summary, mean func(func(float64) float64) float64) bayesmeta.Summary {
	out := bayesmeta.Summary{Mean: math.NaN(), SD: math.NaN(), Median: math.Tanh(s.Median),
		CILB: math.Tanh(s.CILB), CIUB: math.Tanh(s.CIUB), ShortestLB: math.Tanh(s.ShortestLB), ShortestUB: math.Tanh(s.ShortestUB)}
	if mean != nil {
		out.Mean = mean(math.Tanh)
	}
	return out
}

// composeBayes adds the Bayesian section: priors, the results line, the
// posterior table, model averaging and the posterior figure.
func (r *MetaRun) composeBayes(s *Section) {
	b := r.Bayes
	fit := b.Result
	lv := apa.Level(fit.Level)
	s.H("meta-bayes", "Bayesian random-effects meta-analysis")
	s.P(Plain, fmt.Sprintf("Priors: τ ~ %s, μ ~ %s; %s credible intervals (equal-tailed and shortest).", fit.TauPrior, fit.MuPrior, lv))
	mu := fit.Mu
	var line string
	if b.R != nil {
		line = fmt.Sprintf("Posterior median r = %s, %s CrI %s (Fisher z = %s, SD %s)", rnum(b.R.Mu.Median, 2), lv, interval(b.R.Mu.CILB, b.R.Mu.CIUB, 2, true), num(mu.Median, 3), num(mu.SD, 3))
	} else {
		line = fmt.Sprintf("Posterior median μ = %s, %s CrI %s (mean %s, SD %s)", num(mu.Median, 3), lv, interval(mu.CILB, mu.CIUB, 3, false), num(mu.Mean, 3), num(mu.SD, 3))
	}
	line += fmt.Sprintf("; τ = %s, %s CrI %s", num(fit.Tau.Median, 3), lv, interval(fit.Tau.CILB, fit.Tau.CIUB, 3, false))
	if th := fit.ThetaNew; th != nil {
		if b.R != nil && b.R.ThetaNew != nil {
			line += fmt.Sprintf("; a new study's true correlation: %s interval %s", lv, interval(b.R.ThetaNew.CILB, b.R.ThetaNew.CIUB, 2, true))
		} else {
			line += fmt.Sprintf("; a new study's true effect: %s interval %s", lv, interval(th.CILB, th.CIUB, 3, false))
		}
	}
	if finite(fit.BFMu0.BF10) {
		line += "; BF₁₀(μ ≠ 0) " + bfText(fit.BFMu0.BF10)
	}
	if finite(fit.BFTau0.BF10) {
		line += "; BF₁₀(τ > 0) " + bfText(fit.BFTau0.BF10)
	}
	s.P(Result, line+".")
	s.P(Reading, r.bayesReading())
	for _, n := range fit.Notes {
		s.P(NoteText, n)
	}
	s.Add(r.bayesTable())
	if b.BMA != nil {
		s.Add(bmaTable(b.BMA, b.R != nil))
		s.P(Reading, bmaReading(b.BMA))
	}
	m := fmt.Sprintf("A Bayesian random-effects meta-analysis (Röver, 2020) used a %s prior on the heterogeneity τ (Röver et al., 2021) and a %s prior on the mean effect μ; the joint posterior was computed by adaptive Gauss–Kronrod integration over τ with μ integrated analytically given τ, and Bayes factors for μ = 0 and τ = 0 from the marginal likelihoods.", fit.TauPrior, fit.MuPrior)
	r.cite("rover2020", "rover2021")
	if b.BMA != nil {
		m += " Fixed- and random-effects models with and without an effect were averaged with prior probabilities of .25 each (Gronau et al., 2017, 2021)."
		r.cite("gronau2017", "gronau2021")
	}
	r.methods = append(r.methods, m)
	cap := fmt.Sprintf("Marginal posterior densities of μ (left) and τ (right) with their %s shortest credible intervals shaded and the posterior medians marked; the dotted line is the prior density", lv)
	if b.BMA != nil {
		cap += "; the dashed line in the μ panel is the model-averaged posterior"
	}
	if r.isR() {
		cap += "; μ in Fisher z units"
	}
	r.figure(s, "posterior", "Posterior distributions", cap+".", BayesPosteriorSpec{Fit: fit, BMA: b.BMA, R: r.isR()})
}

// bfText formats a Bayes factor with its relation: "= 2.52", "> 1000",
// "< 0.001".
func bfText(x float64) string {
	switch {
	case x > 1000:
		return "> 1000"
	case x < 0.001:
		return "< 0.001"
	case x >= 10:
		return "= " + strconv.FormatFloat(x, 'f', 1, 64)
	}
	return "= " + strconv.FormatFloat(x, 'f', 2, 64)
}

// probText formats a probability without a leading zero, bounded away
// from 0 and 1 at three decimals ("> .999").
func probText(p float64) string {
	switch {
	case p > 0.999:
		return "> .999"
	case p < 0.001:
		return "< .001"
	}
	return "= " + apa.NoZero(p, 3)
}

// evidence describes a Bayes factor BF₁₀ in words (Jeffreys' categories
// as in Lee & Wagenmakers, 2013: 1–3 anecdotal, 3–10 moderate, 10–30
// strong, 30–100 very strong, > 100 extreme).
func evidence(bf10 float64) string {
	bf, dir := bf10, "for"
	if bf < 1 {
		bf, dir = 1/bf, "against"
	}
	word := "anecdotal"
	switch {
	case bf > 100:
		word = "extreme"
	case bf > 30:
		word = "very strong"
	case bf > 10:
		word = "strong"
	case bf > 3:
		word = "moderate"
	}
	return word + " evidence " + dir
}

func (r *MetaRun) bayesReading() string {
	fit := r.Bayes.Result
	unit := "the mean effect"
	if r.isR() {
		unit = "the mean alliance–outcome correlation"
	}
	s := fmt.Sprintf("Given the priors and the data, the posterior probability that %s is positive is %s.", unit, strings.TrimPrefix(probText(fit.PMuPositive), "= "))
	if finite(fit.BFMu0.BF10) {
		s += fmt.Sprintf(" The Bayes factor gives %s an effect (BF₁₀ %s); it depends on the width of the prior on μ.", evidence(fit.BFMu0.BF10), bfText(fit.BFMu0.BF10))
	}
	if finite(fit.BFTau0.BF10) {
		s += fmt.Sprintf(" For heterogeneity there is %s between-study variation (BF₁₀ %s).", evidence(fit.BFTau0.BF10), bfText(fit.BFTau0.BF10))
	}
	return s
}

// bayesTable is the table of posterior summaries.
func (r *MetaRun) bayesTable() *Table {
	fit := r.Bayes.Result
	lv := apa.Level(fit.Level)
	t := &Table{Name: "bayes", Title: "Bayesian random-effects meta-analysis: marginal posteriors",
		Columns: []string{"Parameter", "Mean", "SD", "Median", lv + " CrI", lv + " shortest"},
		Right:   []bool{false, true, true, true, false, false}}
	row := func(name string, s bayesmeta.Summary, d int) {
		t.Rows = append(t.Rows, []string{name, num(s.Mean, d), num(s.SD, d), num(s.Median, d), interval(s.CILB, s.CIUB, d, false), interval(s.ShortestLB, s.ShortestUB, d, false)})
	}
	row("μ", fit.Mu, 3)
	row("τ", fit.Tau, 3)
	if fit.ThetaNew != nil {
		row("θ_new (predictive)", *fit.ThetaNew, 3)
	}
	if rr := r.Bayes.R; rr != nil {
		rrow := func(name string, s bayesmeta.Summary) {
			mean := ""
			if finite(s.Mean) {
				mean = rnum(s.Mean, 3)
			}
			t.Rows = append(t.Rows, []string{name, mean, "", rnum(s.Median, 3), interval(s.CILB, s.CIUB, 3, true), interval(s.ShortestLB, s.ShortestUB, 3, true)})
		}
		rrow("r (μ back-transformed)", rr.Mu)
		if rr.ThetaNew != nil {
			rrow("r of a new study", *rr.ThetaNew)
		}
		t.Notes = append(t.Notes, "μ, τ and θ_new are on the Fisher z scale; the r rows back-transform the median and interval bounds with tanh (the z-scale shortest interval is not the shortest on the r scale), and the mean of r is E[tanh μ].")
	}
	bf := func(name string, b bayesmeta.BayesFactor) {
		if finite(b.BF01) {
			t.Notes = append(t.Notes, fmt.Sprintf("%s: BF₀₁ %s, BF₁₀ %s.", name, bfText(b.BF01), bfText(b.BF10)))
		}
	}
	bf("μ = 0 vs μ ≠ 0", fit.BFMu0)
	bf("τ = 0 vs τ > 0", fit.BFTau0)
	t.Notes = append(t.Notes, fmt.Sprintf("Priors: τ ~ %s; μ ~ %s. CrI: equal-tailed credible interval; shortest: highest posterior density interval.", fit.TauPrior, fit.MuPrior))
	return t
}

func bmaTable(b *bayesmeta.BMAResult, isR bool) *Table {
	t := &Table{Name: "bma", Title: "Bayesian model averaging",
		Columns: []string{"Model", "μ", "τ", "Prior probability", "Posterior probability", "log marginal likelihood"},
		Right:   []bool{false, false, false, true, true, true}}
	desc := map[string][2]string{"fixed_H0": {"0", "0"}, "fixed_H1": {"prior", "0"}, "random_H0": {"0", "prior"}, "random_H1": {"prior", "prior"}}
	for _, m := range b.Models {
		d := desc[m.Model]
		t.Rows = append(t.Rows, []string{m.Model, d[0], d[1], num(m.Prior, 3), num(m.Posterior, 3), num(m.LogML, 2)})
	}
	a := b.Averaged
	avg := fmt.Sprintf("Model-averaged μ (fixed_H1 and random_H1 weighted by their posterior probabilities): mean %s, median %s, CrI %s, shortest %s", num(a.Mean, 3), num(a.Median, 3), interval(a.CILB, a.CIUB, 3, false), interval(a.ShortestLB, a.ShortestUB, 3, false))
	if isR {
		avg += fmt.Sprintf(" (r: median %s, CrI %s)", rnum(math.Tanh(a.Median), 3), interval(math.Tanh(a.CILB), math.Tanh(a.CIUB), 3, true))
	}
	t.Notes = append(t.Notes,
		fmt.Sprintf("Inclusion Bayes factor for an effect %s (posterior probability %s); for heterogeneity %s (posterior probability %s).",
			bfText(b.InclusionBFEffect), strings.TrimPrefix(probText(b.PosteriorEffect), "= "), bfText(b.InclusionBFHeterogeneity), strings.TrimPrefix(probText(b.PosteriorHeterogeneity), "= ")),
		avg+".")
	return t
}

func bmaReading(b *bayesmeta.BMAResult) string {
	return fmt.Sprintf("Averaged over fixed- and random-effects models, the data give %s an effect (inclusion BF %s) and %s heterogeneity (inclusion BF %s).",
		evidence(b.InclusionBFEffect), bfText(b.InclusionBFEffect), evidence(b.InclusionBFHeterogeneity), bfText(b.InclusionBFHeterogeneity))
}

// bayesSteps are the command line and the bayesmeta R code of the
// Bayesian analysis (the analysed effects inline).
func (r *MetaRun) bayesSteps() []Step {
	if r.Bayes == nil {
		return nil
	}
	fit := r.Bayes.Result
	o := r.opt
	cmd := o.commandLine(r.src) + " --bayes"
	bo := o.Bayes
	if bo.TauPrior != "" {
		cmd += " --tau-prior " + fit.TauPrior.Family
	}
	if bo.TauScale != 0 {
		cmd += " --tau-scale " + strconv.FormatFloat(bo.TauScale, 'g', -1, 64)
	}
	if bo.MuPrior != "" {
		cmd += " --mu-prior " + fit.MuPrior.Family
	}
	if bo.MuMean != 0 {
		cmd += " --mu-mean " + strconv.FormatFloat(bo.MuMean, 'g', -1, 64)
	}
	if bo.MuSD != 0 {
		cmd += " --mu-sd " + strconv.FormatFloat(bo.MuSD, 'g', -1, 64)
	}
	var b strings.Builder
	b.WriteString("library(bayesmeta)   # Röver (2020); μ summaries agree to bayesmeta's DIRECT accuracy (about 1e-3 SD)\n")
	fmt.Fprintf(&b, "yi <- %s\nvi <- %s\n", rNums(r.Model.Yi), rNums(r.Model.Vi))
	var tp string
	switch fit.TauPrior.Family {
	case bayesmeta.HalfNormal:
		tp = fmt.Sprintf("function(t) dhalfnormal(t, scale = %g)", fit.TauPrior.Scale)
	case bayesmeta.HalfCauchy:
		tp = fmt.Sprintf("function(t) dhalfcauchy(t, scale = %g)", fit.TauPrior.Scale)
	default:
		if math.IsInf(fit.TauPrior.Scale, 1) {
			tp = `"uniform"`
		} else {
			tp = fmt.Sprintf("function(t) dunif(t, 0, %g)", fit.TauPrior.Scale)
		}
	}
	mp := ""
	if fit.MuPrior.Family == bayesmeta.Normal {
		mp = fmt.Sprintf(", mu.prior.mean = %g, mu.prior.sd = %g", fit.MuPrior.Mean, fit.MuPrior.SD)
	}
	fmt.Fprintf(&b, "bm <- bayesmeta(y = yi, sigma = sqrt(vi), tau.prior = %s%s)\nbm$summary\nbm$bayesfactor\n", tp, mp)
	if r.Bayes.BMA != nil {
		b.WriteString("# model averaging (metaBMA; Gronau et al., 2021)\nlibrary(metaBMA)\n")
		var taup string
		switch fit.TauPrior.Family {
		case bayesmeta.HalfNormal:
			taup = fmt.Sprintf(`prior("norm", c(mean = 0, sd = %g), lower = 0)`, fit.TauPrior.Scale)
		case bayesmeta.HalfCauchy:
			taup = fmt.Sprintf(`prior("t", c(location = 0, scale = %g, nu = 1), lower = 0)`, fit.TauPrior.Scale)
		default:
			taup = fmt.Sprintf(`prior("unif", c(0, %g))`, fit.TauPrior.Scale)
		}
		fmt.Fprintf(&b, "meta_bma(yi, sqrt(vi), d = prior(\"norm\", c(mean = %g, sd = %g)), tau = %s)\n", fit.MuPrior.Mean, fit.MuPrior.SD, taup)
	}
	return []Step{{Purpose: "the Bayesian meta-analysis", Command: cmd, RCode: b.String()}}
}

// bayesRow is a row of the tidy "bayes" table.
type bayesRow struct {
	Parameter string `json:"parameter"`
	bayesmeta.Summary
}

// bayesTidy are the tidy tables of the Bayesian analysis: "bayes" (the
// posterior summaries of mu, tau, theta_new and, for Fisher z, r_mu and
// r_theta_new) and "bma" (the four models).
func (r *MetaRun) bayesTidy() []TidyTable {
	b := r.Bayes
	if b == nil {
		return nil
	}
	rows := []bayesRow{{"mu", b.Mu}, {"tau", b.Tau}}
	if b.ThetaNew != nil {
		rows = append(rows, bayesRow{"theta_new", *b.ThetaNew})
	}
	if b.R != nil {
		rows = append(rows, bayesRow{"r_mu", b.R.Mu})
		if b.R.ThetaNew != nil {
			rows = append(rows, bayesRow{"r_theta_new", *b.R.ThetaNew})
		}
	}
	out := []TidyTable{{"bayes", rows}}
	if b.BMA != nil {
		out = append(out, TidyTable{"bma", b.BMA.Models})
	}
	return out
}
