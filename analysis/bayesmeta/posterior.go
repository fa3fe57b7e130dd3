package bayesmeta

import (
	"math"
	"sort"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Options are the priors and the credible level of a Bayesian
// random-effects meta-analysis. The zero value is replaced by the defaults
// of DefaultOptions.
type Options struct {
	Tau TauPrior
	Mu  MuPrior
	// Level of the credible and predictive intervals (default 0.95).
	Level float64
}

// DefaultOptions are the defaults for Fisher z-transformed correlations:
// τ ~ half-normal(0.5) and μ ~ N(0, 1), 95% intervals.
//
// Rationale. Röver et al. (2021) recommend half-normal priors whose scale
// is set relative to the unit-information standard deviation (UISD) of the
// effect measure, e.g. half-normal(0.5) for log odds ratios. For Fisher's
// z the sampling variance is 1/(n − 3), so the UISD is 1: a half-normal(0.5)
// prior has median 0.34 and 95th percentile 0.98 on the z scale, that is
// heterogeneity of true correlations far larger than any reported for
// alliance–outcome studies, so it is weakly informative while excluding
// absurd values (for k < 5 this matters: the improper uniform prior gives
// wide, tail-driven posteriors). N(0, 1) on z covers every plausible pooled
// correlation (|r| < .96 with 95% prior probability) and is proper, so
// that Bayes factors for μ = 0 are defined; posterior summaries of μ are
// insensitive to it for k of practical size, but Bayes factors are not
// (Lindley's paradox): report them with the prior and vary it.
func DefaultOptions() Options {
	return Options{Tau: TauPrior{Family: HalfNormal, Scale: 0.5}, Mu: MuPrior{Family: Normal, Mean: 0, SD: 1}, Level: 0.95}
}

// Summary summarises one marginal posterior (or predictive) distribution.
type Summary struct {
	Mean   float64 `json:"mean"`
	SD     float64 `json:"sd"`
	Median float64 `json:"median"`
	// CILB, CIUB: the equal-tailed (central) credible interval.
	CILB float64 `json:"ci_lb"`
	CIUB float64 `json:"ci_ub"`
	// ShortestLB, ShortestUB: the shortest (highest posterior density)
	// interval, bayesmeta's default interval type.
	ShortestLB float64 `json:"shortest_lb"`
	ShortestUB float64 `json:"shortest_ub"`
}

// BayesFactor is BF₀₁ (evidence for the point hypothesis) and its
// reciprocal BF₁₀; NaN (JSON null) when a prior involved is improper.
type BayesFactor struct {
	BF01 float64 `json:"BF01"`
	BF10 float64 `json:"BF10"`
}

// Quadrature describes the numerical integration.
type Quadrature struct {
	Panels      int     `json:"panels"`
	Nodes       int     `json:"nodes"`
	Evaluations int     `json:"evaluations"`
	Scale       float64 `json:"scale"` // s of the substitution τ = s·x/(1−x)
}

// Result is a Bayesian random-effects meta-analysis.
type Result struct {
	K        int      `json:"k"`
	Level    float64  `json:"level"`
	TauPrior TauPrior `json:"tau_prior"`
	MuPrior  MuPrior  `json:"mu_prior"`
	// Mu and Tau are the marginal posteriors of μ and τ.
	Mu  Summary `json:"mu"`
	Tau Summary `json:"tau"`
	// ThetaNew is the posterior predictive distribution of a new study's
	// true effect θ_new ~ N(μ, τ²) (bayesmeta's "theta"); nil when the μ
	// prior is truncated (then it is not a normal mixture).
	ThetaNew *Summary `json:"theta_new,omitempty"`
	// BFTau0 tests τ = 0 against τ > 0; BFMu0 tests μ = 0 against μ ≠ 0.
	BFTau0 BayesFactor `json:"bf_tau0"`
	BFMu0  BayesFactor `json:"bf_mu0"`
	// LogML is the log marginal likelihood log p(y) of the random-effects
	// model (NaN when a prior is improper); LogML0 that of μ = 0 with τ
	// random, LogMLFixed that of τ = 0 with μ random and LogMLFixed0 that of
	// μ = τ = 0 (the four models of BMA).
	LogML       float64 `json:"log_ml"`
	LogML0      float64 `json:"log_ml_mu0"`
	LogMLFixed  float64 `json:"log_ml_tau0"`
	LogMLFixed0 float64 `json:"log_ml_mu0_tau0"`
	// PMuPositive is the posterior probability that μ > 0.
	PMuPositive float64    `json:"p_mu_positive"`
	Quadrature  Quadrature `json:"quadrature"`
	Notes       []string   `json:"notes,omitempty"`

	md      *model
	in      *integrator
	z       float64   // ∫ f dx (shifted)
	cum     []float64 // ∫ f over the panels before panel i
	mu      *mixture
	theta   *mixture
	s, xmax float64
	tauHi   float64
}

// withDefaults fills in the defaults of zero fields.
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.Tau.Family == "" {
		o.Tau = d.Tau
	}
	if o.Mu.Family == "" {
		o.Mu = d.Mu
	}
	if o.Level == 0 {
		o.Level = d.Level
	}
	return o
}

// Fit computes the posterior of μ and τ for estimates yi with sampling
// variances vi under the priors of opt (see the package documentation for
// the model and the quadrature).
func Fit(yi, vi []float64, opt Options) (*Result, error) {
	opt = opt.withDefaults()
	if err := check(yi, vi, opt); err != nil {
		return nil, err
	}
	k := len(yi)
	md := newModel(yi, vi, opt.Mu, opt.Tau)
	r := &Result{K: k, Level: opt.Level, TauPrior: opt.Tau, MuPrior: opt.Mu, md: md}
	r.s = transformScale(yi, vi, opt.Tau)
	r.tauHi = math.Inf(1)
	r.xmax = 1
	if opt.Tau.Family == Uniform && !math.IsInf(opt.Tau.Scale, 1) {
		r.tauHi = opt.Tau.Scale
		r.xmax = r.tauHi / (r.s + r.tauHi)
	}
	s := r.s
	in := &integrator{eval: func(x float64) point {
		t := s * x / (1 - x)
		c, sd, lm := md.cond(t)
		m1, v := md.condMoments(c, sd)
		lj := math.Log(s) - 2*math.Log1p(-x)
		return point{tau: t, logf: opt.Tau.LogDensity(t) + lm + lj, c: c, sd: sd, m1: m1, m2: v + m1*m1}
	}}
	conv := in.run(r.xmax, 16, 1e-11, 2000, ncomp)
	if !conv[0] {
		return nil, errs.New(errs.NoConvergence, "bayesian meta-analysis", "the integral over τ did not converge (the posterior of τ may be improper or extremely heavy-tailed); use a proper, lighter-tailed prior on τ")
	}
	r.in = in
	r.z = in.total(0)
	r.cum = make([]float64, len(in.panels)+1)
	for i, p := range in.panels {
		r.cum[i+1] = r.cum[i] + p.k[0]
	}
	r.Quadrature = Quadrature{Panels: len(in.panels), Nodes: 15 * len(in.panels), Evaluations: in.evals, Scale: s}

	r.mixtures()
	r.summaries(conv, opt.Level)
	r.marginals(opt)
	return r, nil
}

// check refuses data and options Fit cannot use: unequal lengths, no
// studies, a non-finite estimate or a variance that is not positive and
// finite, an invalid prior or level, and the improper uniform prior on τ
// with too few studies for a proper posterior.
func check(yi, vi []float64, opt Options) error {
	const an = "bayesian meta-analysis"
	if len(yi) != len(vi) {
		return errs.New(errs.InvalidOption, an, "%d estimates but %d variances", len(yi), len(vi))
	}
	if len(yi) == 0 {
		return errs.New(errs.TooFew, an, "no studies")
	}
	for i := range yi {
		if math.IsNaN(yi[i]) || math.IsInf(yi[i], 0) || !(vi[i] > 0) || math.IsInf(vi[i], 0) {
			return errs.New(errs.InvalidOption, an, "study %d: estimate %v with variance %v (need a finite estimate and a positive, finite variance)", i+1, yi[i], vi[i])
		}
	}
	if err := opt.Tau.validate(); err != nil {
		return err
	}
	if err := opt.Mu.validate(); err != nil {
		return err
	}
	if !(opt.Level > 0 && opt.Level < 1) {
		return errs.New(errs.InvalidOption, an, "credible level %v: give a proportion between 0 and 1", opt.Level).WithHint("Level")
	}
	k := len(yi)
	if !opt.Tau.Proper() {
		// p(y | τ) decays as τ^−(k−1) (flat μ) or τ^−k (normal μ).
		need := 3
		if opt.Mu.Proper() {
			need = 2
		}
		if k < need {
			return errs.New(errs.TooFew, an, "with the improper uniform prior on τ the posterior is improper for k = %d studies (it needs k ≥ %d); use a proper prior on τ", k, need).WithHint("TauPrior")
		}
	}
	return nil
}

// mixtures builds the posteriors of μ and (unless μ is truncated) of a
// new study's θ as mixtures of the conditional normals at the quadrature
// nodes of τ, weighted by the nodes' posterior mass.
func (r *Result) mixtures() {
	in, md := r.in, r.md
	lo, hi := md.lo, md.hi
	r.mu = &mixture{lo: lo, hi: hi}
	if !md.trunc {
		r.theta = &mixture{lo: math.Inf(-1), hi: math.Inf(1)}
	}
	for _, p := range in.panels {
		h := (p.b - p.a) / 2
		for i, pt := range p.p {
			w := h * wk15[i] * p.f[i] / r.z
			if w == 0 {
				continue
			}
			r.mu.comps = append(r.mu.comps, newComp(w, pt.c, pt.sd, lo, hi))
			if r.theta != nil {
				r.theta.comps = append(r.theta.comps, newComp(w, pt.c, math.Sqrt(pt.sd*pt.sd+pt.tau*pt.tau), lo, hi))
			}
		}
	}
}

// summaries are the posterior summaries of μ, θ and τ from the moment
// integrals (conv says which converged; a moment that does not exist is
// NaN, with a note) and the mixtures' quantiles.
func (r *Result) summaries(conv [ncomp]bool, level float64) {
	in := r.in
	// Moments that do not exist (heavy tails for k ≤ 2) show as
	// non-converging integrals: reported as NaN with a note.
	mMean, mSD := math.NaN(), math.NaN()
	if conv[3] {
		mMean = in.total(3) / r.z
		if conv[4] {
			mSD = math.Sqrt(math.Max(0, in.total(4)/r.z-mMean*mMean))
		}
	}
	if !conv[3] || !conv[4] {
		r.Notes = append(r.Notes, "The posterior mean or SD of μ is not finite (the posterior is too heavy-tailed); medians and intervals are reported.")
	}
	r.Mu = r.mu.summarise(mMean, mSD, level)
	if r.theta != nil {
		// E θ = E μ; Var θ = Var μ + E τ².
		tsd := math.NaN()
		if conv[2] && conv[4] {
			tsd = math.Sqrt(mSD*mSD + in.total(2)/r.z)
		}
		th := r.theta.summarise(mMean, tsd, level)
		r.ThetaNew = &th
	}
	tMean, tSD := math.NaN(), math.NaN()
	if conv[1] {
		tMean = in.total(1) / r.z
		if conv[2] {
			tSD = math.Sqrt(math.Max(0, in.total(2)/r.z-tMean*tMean))
		}
	}
	if !conv[1] || !conv[2] {
		r.Notes = append(r.Notes, "The posterior mean or SD of τ is not finite (the posterior of τ is too heavy-tailed); medians and intervals are reported.")
	}
	r.Tau = summarise(tMean, tSD, r.QuantileTau, r.DensityTau, level)
	r.PMuPositive = 1 - r.mu.cdf(0)

}

// marginals are the marginal likelihoods and the Bayes factors for τ = 0
// and μ = 0, each only where its prior is proper (a note says so
// otherwise).
func (r *Result) marginals(opt Options) {
	in, md, s := r.in, r.md, r.s
	logPy := math.Log(r.z) + in.shift // log ∫ p(τ) p(y|τ) dτ
	_, _, lm0 := md.cond(0)
	r.LogMLFixed0 = md.logLik0(0)
	r.LogML, r.LogMLFixed, r.LogML0 = math.NaN(), math.NaN(), math.NaN()
	nan := BayesFactor{math.NaN(), math.NaN()}
	r.BFTau0, r.BFMu0 = nan, nan
	if opt.Mu.Proper() {
		r.LogMLFixed = lm0
	}
	if opt.Tau.Proper() {
		r.BFTau0 = bf(lm0 - logPy)
		in0 := &integrator{eval: func(x float64) point {
			t := s * x / (1 - x)
			return point{tau: t, logf: opt.Tau.LogDensity(t) + md.logLik0(t) + math.Log(s) - 2*math.Log1p(-x)}
		}}
		c0 := in0.run(r.xmax, 16, 1e-11, 2000, 1)
		r.Quadrature.Evaluations += in0.evals
		if c0[0] {
			r.LogML0 = math.Log(in0.total(0)) + in0.shift
		}
		if opt.Mu.Proper() {
			r.LogML = logPy
			r.BFMu0 = bf(r.LogML0 - logPy)
		}
	}
	if !opt.Mu.Proper() {
		r.Notes = append(r.Notes, "The Bayes factor for μ = 0 needs a proper prior on μ; with the flat prior it is not defined.")
	}
	if !opt.Tau.Proper() {
		r.Notes = append(r.Notes, "The Bayes factor for τ = 0 needs a proper prior on τ; with the improper uniform prior it is not defined.")
	}
}

func bf(log01 float64) BayesFactor { return BayesFactor{BF01: math.Exp(log01), BF10: math.Exp(-log01)} }

// transformScale is s of τ = s·x/(1−x): the DerSimonian–Laird estimate of
// τ, or when that is small the resolution of τ, σ̃·(2/k)^¼ (σ̃² the median
// sampling variance), capped by twice a half-normal or uniform prior's scale. It affects only the
// efficiency of the quadrature, not its result.
func transformScale(y, v []float64, p TauPrior) float64 {
	var W, S, W2 float64
	for i := range y {
		w := 1 / v[i]
		W += w
		S += w * y[i]
		W2 += w * w
	}
	ybar := S / W
	var Q float64
	for i := range y {
		d := y[i] - ybar
		Q += d * d / v[i]
	}
	k := float64(len(y))
	t2 := 0.0
	if k > 1 {
		t2 = math.Max(0, (Q-(k-1))/(W-W2/W))
	}
	vs := append([]float64(nil), v...)
	sort.Float64s(vs)
	med := vs[len(vs)/2]
	s := math.Max(math.Sqrt(t2), math.Sqrt(med)*math.Pow(2/k, 0.25))
	// A light-tailed prior confines τ to its scale; the half-Cauchy's tail
	// does not, so its scale is not a cap.
	if p.Family == HalfNormal || (p.Family == Uniform && !math.IsInf(p.Scale, 1)) {
		s = math.Min(s, 2*p.Scale)
	}
	return s
}

// DensityTau is the marginal posterior density p(τ | y).
func (r *Result) DensityTau(t float64) float64 {
	if t < 0 || t > r.tauHi || math.IsInf(t, 1) {
		return 0
	}
	_, _, lm := r.md.cond(t)
	return math.Exp(r.TauPrior.LogDensity(t)+lm-r.in.shift) / r.z
}

// CDFTau is the marginal posterior CDF P(τ ≤ t | y).
func (r *Result) CDFTau(t float64) float64 {
	if t <= 0 {
		return 0
	}
	if t >= r.tauHi || math.IsInf(t, 1) {
		return 1
	}
	x := t / (r.s + t)
	ps := r.in.panels
	i := sort.Search(len(ps), func(i int) bool { return ps[i].b > x })
	if i == len(ps) {
		return 1
	}
	return math.Min(1, math.Max(0, (r.cum[i]+ps[i].partial(x))/r.z))
}

// QuantileTau is the marginal posterior quantile of τ.
func (r *Result) QuantileTau(p float64) float64 {
	if p <= 0 {
		return 0
	}
	if p >= 1 {
		return r.tauHi
	}
	target := p * r.z
	ps := r.in.panels
	i := sort.Search(len(ps), func(i int) bool { return r.cum[i+1] >= target })
	if i == len(ps) {
		i = len(ps) - 1
	}
	pn := ps[i]
	rem := target - r.cum[i]
	g := func(x float64) float64 { return pn.partial(x) - rem }
	x := solve(g, pn.a, pn.b, -rem, pn.k[0]-rem, 1e-16)
	return r.s * x / (1 - x)
}

// DensityMu, CDFMu and QuantileMu are the marginal posterior of μ.
func (r *Result) DensityMu(m float64) float64  { return r.mu.pdf(m) }
func (r *Result) CDFMu(m float64) float64      { return r.mu.cdf(m) }
func (r *Result) QuantileMu(p float64) float64 { return r.mu.quantile(p) }

// DensityThetaNew is the posterior predictive density of a new study's
// true effect (0 everywhere when ThetaNew is nil).
func (r *Result) DensityThetaNew(x float64) float64 {
	if r.theta == nil {
		return 0
	}
	return r.theta.pdf(x)
}

// logMLTau0 is log p(y | τ = 0) with μ integrated out (up to the flat
// prior's constant when μ is flat).
func (r *Result) logMLTau0() float64 { _, _, l := r.md.cond(0); return l }
