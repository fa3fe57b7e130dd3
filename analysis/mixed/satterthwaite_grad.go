package mixed

import "fmt"

// devianceAtGrad returns devianceAt at ψ = (θ, σ) and stores its gradient
// over ψ in g: the θ part from evalGrad, and
//
//	∂/∂σ = −2r²/σ³ + 2(n − p·[REML])/σ.
//
// It reports false where the criterion is not defined. Models with AR(1)
// residuals are not handled (their φ derivative would be numerical).
func (e *engine) devianceAtGrad(psi, g []float64, reml bool) (float64, bool) {
	nt := e.d.ntheta()
	s := psi[nt]
	c, ok := e.evalGrad(psi[:nt], 0, reml, s, g[:nt])
	if !ok {
		return 0, false
	}
	nr := float64(e.d.n)
	if reml {
		nr -= float64(e.d.p)
	}
	g[nt] = -2*c.r2/(s*s*s) + 2*nr/s
	return e.devianceAt(c, s, reml), true
}

// derivsFromGradient returns the Hessian H (k×k) of devianceAt over
// ψ = (θ, σ) and the Jacobian Jr[i][j] = ∂V_i/∂ψ_j of V = σ²(XᵀV⁻¹X)⁻¹
// (p² entries), both by central differences of the analytic gradient and
// of V with steps h and h/2 combined by Richardson extrapolation (error
// O(h⁴)): 4k evaluations of the criterion with its gradient, where second
// differences of the deviance need 4k² + 2.
func (m *Model) derivsFromGradient(psi, steps []float64) (H []float64, Jr [][]float64, err error) {
	e, p := m.e, m.d.p
	reml := !m.opts.ML
	k := len(psi)
	H = make([]float64, k*k)
	Jr = make([][]float64, p*p)
	for i := range Jr {
		Jr[i] = make([]float64, k)
	}
	y := append([]float64(nil), psi...)
	gp, gm := make([]float64, k), make([]float64, k)
	vp, vm := make([]float64, p*p), make([]float64, p*p)
	at := func(g, v []float64) error {
		if _, ok := e.devianceAtGrad(y, g, reml); !ok {
			return fmt.Errorf("criterion not defined near the optimum")
		}
		s := y[k-1]
		for i, c := range e.covBetaUnscaled() {
			v[i] = s * s * c
		}
		return nil
	}
	dg := [2][]float64{make([]float64, k), make([]float64, k)}
	dv := [2][]float64{make([]float64, p*p), make([]float64, p*p)}
	for j := 0; j < k; j++ {
		for t, sc := range []float64{1, 0.5} {
			h := steps[j] * sc
			y[j] = psi[j] + h
			if err := at(gp, vp); err != nil {
				return nil, nil, err
			}
			y[j] = psi[j] - h
			if err := at(gm, vm); err != nil {
				return nil, nil, err
			}
			y[j] = psi[j]
			for i := range gp {
				dg[t][i] = (gp[i] - gm[i]) / (2 * h)
			}
			for i := range vp {
				dv[t][i] = (vp[i] - vm[i]) / (2 * h)
			}
		}
		for i := 0; i < k; i++ {
			H[i*k+j] = (4*dg[1][i] - dg[0][i]) / 3
		}
		for i := range Jr {
			Jr[i][j] = (4*dv[1][i] - dv[0][i]) / 3
		}
	}
	return H, Jr, nil
}
