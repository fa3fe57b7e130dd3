// Package linalg holds the project's one dense symmetric positive-definite
// kernel: an in-place Cholesky factorisation A = LLᵀ of a row-major n×n
// []float64 and what follows from the factor L — triangular solves, the
// solution of A x = b, the inverse A⁻¹ = L⁻ᵀL⁻¹, log det A = 2 Σ log Lⱼⱼ and
// the quadratic form bᵀA⁻¹b = ‖L⁻¹b‖².
//
// The matrices of the analysis packages are small (p×p cross-products,
// per-cluster blocks, Hessians of a few parameters) and factored many times
// per fit, so the kernel is the plain column-by-column (Cholesky–Banachiewicz)
// algorithm of Golub & Van Loan (2013), Matrix Computations, 4th ed.,
// algorithm 4.2.1, without the condition-number estimate that
// gonum's mat.Cholesky.Factorize makes on every call. A pivot that is not
// positive (or not finite) is refused with a *NotPositiveDefinite error that
// names it; the callers wrap it in their own typed error.
package linalg
