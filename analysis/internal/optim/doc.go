// Package optim holds the project's numerical tools that gonum lacks, in one
// place: a bracketing scalar root finder (Brent's method, Root), a bounded
// one-dimensional minimiser (Brent's golden-section/parabolic method,
// Minimize) and a box-constrained multivariate minimiser (Nelder–Mead with
// bounds and restarts, MinimizeBounded, used for the mixed-model criterion).
//
// Root and Minimize follow R. P. Brent (1973), Algorithms for Minimization
// without Derivatives, Prentice-Hall, chapters 4 and 5 — the algorithms
// behind R's uniroot() and optimize(). MinimizeBounded follows Nelder & Mead
// (1965), The Computer Journal 7(4), 308–313, with the bound handling
// described in bounded.go. They return errors, never panic, and count their
// function evaluations so callers can report what happened.
package optim
