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
// (I − A)⁻¹), and equality constraints are parameters sharing a label.
//
// The optimiser is quasi-Newton (BFGS, internal/optim's MinimizeBoxBFGS
// without bounds) in preconditioned coordinates
// z = Lᵀ(θ − θ₀), LLᵀ the expected information Δᵀ E Δ at the point where a
// round starts (two rounds: to |∇_z| < 0.1, then to 10⁻⁸; 13 iterations
// for 10,000 patients × 10 waves), followed by Newton steps
// θ ← θ − H⁻¹g on the Hessian of −ℓ in closed form through the moments v,
//
//	H = Δᵀ W Δ − Σ_k (∂ℓ/∂v_k) ∂²v_k/∂θ∂θᵀ,
//
// W the observed information of the moments under missing data; the
// second term by central differences of Δ(θ)ᵀ∂ℓ/∂v, which needs no pass
// over the data. Fit is converged when the Newton decrement gᵀH⁻¹g is
// below 10⁻⁸ (ℓ within 5·10⁻⁹ of its maximum). lavaan's nlminb stops
// earlier: on the demo sessions' CLPM with equal residual variances
// (240 patients, 12 waves, 84 parameters; TestOptimumBeyondLavaan) its
// solution has max |∂ℓ/∂θ| = 0.003 and a log-likelihood 1.6·10⁻⁷ below
// ours (0.044 and 8.6·10⁻⁷ with ceq.simple = TRUE; a tighter rel.tol
// ends in nlminb's false convergence, lower still), and its estimates
// differ from the optimum by up to 1.1·10⁻⁴ (2.9·10⁻⁴) relative in the
// flattest directions. Failures are typed:
// *NotPositiveDefiniteError, *ConvergenceError.
//
// Standard errors (Options.Information, Options.Estimator), as lavaan's:
//
//   - observed information (default; lavaan's default for ML with
//     missing = "ML"): the Hessian H of −ℓ at θ̂ above (checked against
//     central differences of the analytic gradient);
//   - expected information: Δᵀ I(Σ(θ̂)) Δ with Δ = ∂(μ, vech Σ)/∂θᵀ the
//     analytic Jacobian of the moments and I the normal-theory information
//     summed over missing-data patterns at the model-implied moments,
//     Σ_k n_k [Σ_k⁻¹ ⊕ ½ Dᵀ(Σ_k⁻¹ ⊗ Σ_k⁻¹)D] (lavaan's information =
//     "expected" with h1.information = "structured");
//   - MLR: the Huber–White sandwich A⁻¹ (Σᵢ sᵢsᵢᵀ) A⁻¹, A the information
//     above and sᵢ = Δᵀ gᵢ the casewise scores, with the Yuan–Bentler
//     scaled χ² in its Mplus form, c = [tr(A₁⁻¹B₁) − tr(A₀⁻¹B₀)]/df (A₁, B₁
//     the information and first-order information of the saturated
//     moments at their EM estimates; Yuan & Bentler 2000), the baseline's
//     factor alike, and the scaled CFI, TLI and RMSEA (lavaan's estimator =
//     "MLR", test = "yuan.bentler.mplus"), and lavaan's "robust" CFI, TLI
//     and RMSEA for missing data (the FIML-corrected statistics, see
//     robustFIML).
//
// Parity with lavaan 0.6-14 (testdata/golden/panel_lavaan*.json) on a
// simulated panel with 12% missing values: estimates within 1e-5, SEs
// (observed, expected, MLR) within 1e-5 relative, log-likelihoods within
// 1e-7 relative (ten significant digits), the scaling factors within 1e-7,
// the robust indices within 5e-6 relative. lavaan's saturated-model EM
// stops at em.h1.tol = 1e-5 by default, which moves its χ² and robust
// statistics in the fifth digit; the goldens are made with tight EM
// controls (our EM converges to 1e-13).
//
// Fit indices follow lavaan: χ² = 2(ℓ_H1 − ℓ) against the saturated model
// (estimated by EM under missing data), the independence baseline for CFI
// and TLI, RMSEA with its 90% CI from the noncentral χ², SRMR (Bentler's,
// with mean residuals when a mean structure is fitted), AIC and BIC.
//
// Package panel builds the random-intercept cross-lagged panel model and
// its relatives on this engine.
package sem
