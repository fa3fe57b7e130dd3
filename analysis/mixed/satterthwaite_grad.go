package mixed

import (
	"fmt"
	"math"
)

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
// (p² entries), both by central differences of the analytic gradient and of
// V: 2k evaluations of the criterion with its gradient, where second
// differences of the deviance need 4k² + 2. The steps are a tenth of
// derivSteps' (10⁻³ standard errors), and at most 10⁻³·max(|ψ_j|, 0.01)
// (near a zero variance the deviance bends on the scale of θ itself): the
// gradient is exact to rounding, so small steps cost no precision, the
// truncation error (~10⁻⁶ relative) dominates, and no Richardson
// extrapolation is needed as it is for second differences of the deviance
// (on simulated sessions the df move by at most 2·10⁻⁷ relative, 10⁻⁶ for
// df near 5,000, where they are ill-conditioned).
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
	dg := [1][]float64{make([]float64, k)}
	dv := [1][]float64{make([]float64, p*p)}
	for j := 0; j < k; j++ {
		for t := range dg {
			h := math.Min(steps[j]/10, 1e-3*math.Max(math.Abs(psi[j]), 1e-2))
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
			H[i*k+j] = dg[0][i]
		}
		for i := range Jr {
			Jr[i][j] = dv[0][i]
		}
	}
	return H, Jr, nil
}
