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
	var faces []level
	for _, lv := range e.d.levels {
		if lv.q >= 2 && faceOf(res.X, lv) {
			faces = append(faces, lv)
		}
	}
	if len(faces) == 0 {
		return res, nil
	}
	sc := e.thetaScales()
	nq := 0
	for _, lv := range faces {
		nq = max(nq, lv.q)
	}
	// starts[0]: Λ = I; starts[1]: chol(ΛΛᵀ + D/4); starts[2+i]: effect i
	// alone at its default scale (in the face terms; the others as found).
	starts := make([][]float64, 2+nq)
	for k := range starts {
		starts[k] = append([]float64(nil), res.X...)
	}
	for _, lv := range faces {
		q := lv.q
		L := make([]float64, q*q)
		lv.fillLambda(L, res.X)
		psi := make([]float64, q*q) // lower triangle
		for r := 0; r < q; r++ {
			for c := 0; c <= r; c++ {
				for t := 0; t <= c; t++ {
					psi[r*q+c] += L[r*q+t] * L[c*q+t]
				}
			}
		}
		D := make([]float64, q) // default θ_ii
		for c, k := 0, lv.thetaOff; c < q; c, k = c+1, k+q-c {
			D[c] = sc[k]
			psi[c*q+c] += D[c] * D[c] / 4
		}
		if linalg.Cholesky(psi, q) == nil {
			lv.putLambda(starts[1], psi)
		}
		B := make([]float64, q*q)
		for c := 0; c < q; c++ {
			B[c*q+c] = 1
		}
		lv.putLambda(starts[0], B)
		for i := 0; i < q; i++ {
			clear(B)
			B[i*q+i] = D[i]
			lv.putLambda(starts[2+i], B)
		}
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
	for c, k := 0, lv.thetaOff; c < lv.q; c, k = c+1, k+lv.q-c {
		if theta[k] == 0 {
			return true
		}
	}
	return false
}
