// Package optim holds the project's numerical tools that gonum lacks: a
// bracketing scalar root finder (Brent's method) and a bounded one-dimensional
// minimiser (Brent's golden-section/parabolic method).
//
// Both follow R. P. Brent (1973), Algorithms for Minimization without
// Derivatives, Prentice-Hall, chapters 4 and 5 — the algorithms behind R's
// uniroot() and optimize(). They return errors, never panic, and count their
// function evaluations so callers can report what happened.
package optim
