// Package bayesmeta is Bayesian random-effects meta-analysis by
// deterministic numerical integration, as the R package bayesmeta (Röver,
// 2020), and Bayesian model averaging over {no effect, effect} × {fixed,
// random} as metaBMA::meta_bma (Gronau et al., 2017, 2021).
//
// The model is the normal–normal hierarchical model
//
//	yᵢ | θᵢ ~ N(θᵢ, σᵢ²),   θᵢ | μ, τ ~ N(μ, τ²),   i = 1, …, k,
//
// with known sampling variances σᵢ² (vi), a prior p(μ) that is normal
// (optionally truncated to an interval, as metaBMA's one-sided priors) or
// flat (improper uniform), and a prior p(τ) on the heterogeneity: half-
// normal, half-Cauchy or uniform on [0, A] (A = +Inf: bayesmeta's improper
// "uniform" prior).
//
// Given τ the posterior of μ is conjugate: with wᵢ = 1/(σᵢ² + τ²),
// W = Σwᵢ and ȳ = Σwᵢyᵢ/W,
//
//	μ | τ, y ~ N(c(τ), v(τ)),  v = 1/(W + 1/s₀²),  c = v (Wȳ + m₀/s₀²)
//
// (s₀ = ∞ for the flat prior; truncated to the prior's interval when it
// has one), and μ integrates out of the likelihood in closed form:
//
//	p(y | τ) = (2π)^(−k/2) ∏(σᵢ²+τ²)^(−½) · exp(−½ Σwᵢ(yᵢ−ȳ)²)
//	           · √(2π/W) · N(ȳ; m₀, s₀² + 1/W) · Z_post/Z₀
//
// (Z₀ and Z_post are the prior's and the conditional posterior's
// probabilities of the truncation interval; for the flat prior the factor
// N(·) is dropped, which leaves the
// marginal likelihood defined up to the improper prior's constant). The
// marginal posterior of τ, p(τ | y) ∝ p(τ) p(y | τ), is one-dimensional:
// it is integrated by globally adaptive Gauss–Kronrod (7–15) quadrature on
// x ∈ [0, 1) after the substitution τ = s·x/(1−x) (s a data-based scale;
// the infinite tail maps to a finite interval), bisecting the panel of
// largest error until the estimated error of the normalising constant and
// of the first two moments of τ and μ is below 10⁻¹² relative. Every
// posterior quantity is then an integral over the same panels: the
// marginal posterior of μ (and the predictive distribution of a new
// study's θ) is the mixture Σ ωⱼ N(c(τⱼ), v(τⱼ)) over the Kronrod nodes τⱼ
// with posterior weights ωⱼ; the CDF of τ inside a panel integrates the
// degree-14 interpolant through its 15 nodes. bayesmeta instead
// approximates the μ mixture by the DIRECT algorithm (Röver & Friede,
// 2017) with a bounded divergence (ε = 10⁻⁴); our mixture has the accuracy
// of the quadrature (tested against a brute-force composite Gauss–Legendre
// integral to 10⁻⁸).
//
// Bayes factors: BF₀₁(τ = 0) = p(y | τ = 0) / ∫ p(y | τ) p(τ) dτ and
// BF₀₁(μ = 0) = ∫ p(y | μ = 0, τ) p(τ) dτ / ∫ p(y | τ) p(τ) dτ, both by
// the same quadrature; they need proper priors on the parameter tested (the
// τ test is defined under a flat μ prior too, since the improper constant
// cancels). They equal the Savage–Dickey density ratios p(τ=0|y)/p(τ=0)
// and p(μ=0|y)/p(μ=0) (tested).
//
// Model averaging (BMA): the four models M₀f (μ = 0, τ = 0), M₁f (μ ~
// p(μ), τ = 0), M₀r (μ = 0, τ ~ p(τ)) and M₁r (both free) get their log
// marginal likelihoods (fixed models in closed form, random models by the
// quadrature), posterior model probabilities from prior probabilities
// (¼ each by default), inclusion Bayes factors for the effect and for
// heterogeneity (posterior over prior inclusion odds) and the model-
// averaged posterior of μ: the mixture of the M₁f and M₁r posteriors
// weighted by their posterior probabilities given an effect, as
// metaBMA::bma.
//
// References:
//
// Röver, C. (2020). Bayesian random-effects meta-analysis using the
// bayesmeta R package. Journal of Statistical Software, 93(6), 1–51.
//
// Röver, C., & Friede, T. (2017). Discrete approximation of a mixture
// distribution via restricted divergence. Journal of Computational and
// Graphical Statistics, 26(1), 217–222.
//
// Röver, C., Bender, R., Dias, S., Schmid, C. H., Schmidli, H., Sturtz,
// S., Weber, S., & Friede, T. (2021). On weakly informative prior
// distributions for the heterogeneity parameter in Bayesian random-effects
// meta-analysis. Research Synthesis Methods, 12(4), 448–474.
//
// Gronau, Q. F., Van Erp, S., Heck, D. W., Cesario, J., Jonas, K. J., &
// Wagenmakers, E.-J. (2017). A Bayesian model-averaged meta-analysis of
// the power pose effect with informed and default priors. Comprehensive
// Results in Social Psychology, 2(1), 123–138.
//
// Gronau, Q. F., Heck, D. W., Berkhout, S. W., Haaf, J. M., &
// Wagenmakers, E.-J. (2021). A primer on Bayesian model-averaged
// meta-analysis. Advances in Methods and Practices in Psychological
// Science, 4(3), 1–19.
//
// Verified against printed outputs: the eight-schools examples of the
// bayesmeta vignette (version 3.4) and the towels example of the metaBMA
// vignette (version 0.6.9); see the tests.
package bayesmeta
