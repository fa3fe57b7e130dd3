package mixed

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"github.com/alliance-research/alliance/analysis/internal/optim"
)

// leaveFace re-runs the search when its optimum res has a zero diagonal
// θ_ii in a term with several random effects (an intercept and a slope),
// from starts inside the parameter space, and keeps the lowest deviance.
//
// On such a face the criterion has local minima that the search can stop
// at and that probing one θ_ii at a time (probeBounds) does not leave: at
// Λ = [0 0; t 0] the intercept's variance is 0 and the slope's t², every
// single θ_ii > 0 raises the deviance, and lme4 (bobyqa from Λ = I) may find
// a lower optimum with both variances positive and their correlation ±1:
// on data simulated without slope variance, 28 of 300 seeds of a random
// intercept and slope stopped 0.35–4.9 REML units above lme4 run to
// rhoend = 1e-12 (TestFaceGolden pins six). The starts, in every such term (other terms keep their
// θ): Λ = I, lme4's start; Λ′ = chol(ΛΛᵀ + D/4), D the squares of the
// term's default θ_ii (thetaScales), which keeps the variances found and
// adds half a default standard deviation to each effect; and, for each
// effect i, Λ = D_ii^½ e_i e_iᵀ (that effect alone, at its default scale:
// the optimum may lie on another face, with θ_22 = 0). A search's optimum
// replaces res only when its deviance is lower beyond rounding
// (10⁻¹¹·|d|).
func (e *engine) leaveFace(res optim.BoundedResult, lo, up []float64, reml bool, maxEval int) (optim.BoundedResult, error) {
	if !res.Converged {
		return res, nil
	}
	d := e.d
	sc := e.thetaScales()
	ident := append([]float64(nil), res.X...)
	widened := append([]float64(nil), res.X...)
	faces := 0
	for _, lv := range d.levels {
		q := lv.q
		if q < 2 || !faceOf(res.X, lv) {
			continue
		}
		faces++
		L := make([]float64, q*q)
		k := lv.thetaOff
		for c := 0; c < q; c++ {
			for r := c; r < q; r++ {
				L[r*q+c] = res.X[k]
				ident[k] = 0
				if r == c {
					ident[k] = 1
				}
				k++
			}
		}
		psi := make([]float64, q*q) // ΛΛᵀ + D/4, lower triangle
		for r := 0; r < q; r++ {
			for c := 0; c <= r; c++ {
				for t := 0; t <= c; t++ {
					psi[r*q+c] += L[r*q+t] * L[c*q+t]
				}
			}
		}
		k = lv.thetaOff
		for c := 0; c < q; c++ {
			psi[c*q+c] += sc[k] * sc[k] / 4
			k += q - c
		}
		if linalg.Cholesky(psi, q) != nil {
			copy(psi, L)
		}
		k = lv.thetaOff
		for c := 0; c < q; c++ {
			for r := c; r < q; r++ {
				widened[k] = psi[r*q+c]
				k++
			}
		}
	}
	if faces == 0 {
		return res, nil
	}
	starts := [][]float64{ident, widened}
	for i := 0; i < maxQ(d.levels); i++ { // one effect of each face term at its default scale, the others 0
		x1 := append([]float64(nil), res.X...)
		for _, lv := range d.levels {
			if lv.q < 2 || !faceOf(res.X, lv) || i >= lv.q {
				continue
			}
			k := lv.thetaOff
			for c := 0; c < lv.q; c++ {
				for r := c; r < lv.q; r++ {
					x1[k] = 0
					if r == c && c == i {
						x1[k] = sc[k]
					}
					k++
				}
			}
		}
		starts = append(starts, x1)
	}
	best, evals, iters := res, res.Evals, res.Iterations
	for _, x1 := range starts {
		alt, err := e.minimise(x1, nil, lo, up, reml, maxEval)
		if err != nil {
			return res, err
		}
		evals += alt.Evals
		iters += alt.Iterations
		if alt.Converged && alt.F < best.F-1e-11*math.Max(1, math.Abs(best.F)) {
			best = alt
		}
	}
	if best.F < res.F {
		best.Reason += fmt.Sprintf("; searched again from inside the parameter space after a zero variance in a correlated term: deviance %.4g lower", res.F-best.F)
	}
	best.Evals, best.Iterations = evals, iters
	return best, nil
}

// faceOf reports whether a diagonal entry of level lv's Λ is 0 in θ.
func faceOf(theta []float64, lv level) bool {
	k := lv.thetaOff
	for c := 0; c < lv.q; c++ {
		if theta[k] == 0 {
			return true
		}
		k += lv.q - c
	}
	return false
}

// maxQ is the largest number of random effects of one term.
func maxQ(levels []level) int {
	m := 0
	for _, lv := range levels {
		m = max(m, lv.q)
	}
	return m
}
