// Package sem is a small linear structural equation modelling engine in
// RAM notation (McArdle & McDonald 1984): with A the directed paths
// (A[i][j] is the effect of variable j on variable i), S the symmetric
// (co)variances of the exogenous parts, m the intercepts and F the filter
// selecting the observed variables among all m variables,
//
//	Σ(θ) = F (I − A)⁻¹ S (I − A)⁻ᵀ Fᵀ,   μ(θ) = F (I − A)⁻¹ m.
//
// Fit estimates θ by maximum likelihood with full-information ML for
// missing values: the log-likelihood is summed over missing-data patterns,
// each contributing
//
//	ℓ_k = −½ n_k [p_k log 2π + log|Σ_k| + tr(Σ_k⁻¹ (C_k + (x̄_k − μ_k)(x̄_k − μ_k)ᵀ))]
//
// where Σ_k, μ_k are the rows and columns of the observed variables of
// pattern k and C_k the ML covariance of its cases (Arbuckle 1996; lavaan's
// missing = "ML"). The gradient is analytic (the chain rule through
// (I − A)⁻¹), the optimiser quasi-Newton (BFGS), standard errors come from
// the observed information (the Hessian of −ℓ from differences of the
// analytic gradient), and equality constraints are parameters sharing a
// label.
//
// Fit indices follow lavaan: χ² = 2(ℓ_H1 − ℓ) against the saturated model
// (estimated by EM under missing data), the independence baseline for CFI
// and TLI, RMSEA with its 90% CI from the noncentral χ², SRMR (Bentler's,
// with mean residuals when a mean structure is fitted), AIC and BIC.
//
// Package panel builds the random-intercept cross-lagged panel model and
// its relatives on this engine.
package sem
