// Package optim holds the project's numerical tools that gonum lacks, in one
// place: a bracketing scalar root finder (Brent's method, Root), a
// box-constrained derivative-free minimiser (Nelder–Mead with bounds and
// restarts, MinimizeBounded, used for the mixed-model criterion), a
// box-constrained projected quasi-Newton minimiser (MinimizeBoxBFGS, used
// for the minres uniquenesses of a factor analysis) and a
// Levenberg–Marquardt damped Newton minimiser (MinimizeLM, used for the
// selection-model likelihood).
//
// Root follows R. P. Brent (1973), Algorithms for Minimization without
// Derivatives, Prentice-Hall, chapter 4 — the algorithm behind R's
// uniroot(). MinimizeBounded follows Nelder & Mead (1965), The Computer
// Journal 7(4), 308–313, with the bound handling described in bounded.go;
// MinimizeBoxBFGS and MinimizeLM give their references in their comments.
// They return errors for malformed input, never panic, and report
// convergence in their results so callers can say what happened.
package optim
