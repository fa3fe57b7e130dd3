package metamv

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Sigma2Profile is the profile (restricted) log-likelihood of one variance
// component of a three-level fit: ℓ_p(σ²_j) = max over the other component
// (and β) of the log-likelihood with σ²_j fixed, as metafor's
// profile(res, sigma2 = j + 1), with the profile-likelihood CI
// {σ² : 2(ℓ̂ − ℓ_p(σ²)) ≤ χ²_{1, level}} of confint.rma.mv marked.
type Sigma2Profile struct {
	Component int     `json:"component"` // 0: between clusters (outer), 1: within clusters (inner)
	Level     string  `json:"level"`     // the level's name, e.g. "district" or "district/school"
	Estimate  float64 `json:"sigma2"`    // σ̂²_j
	LogLik    float64 `json:"logLik"`    // ℓ̂, the maximum
	// CI is the profile-likelihood interval (nil when it was not computed
	// or not found; then CINote says why).
	CI     *[2]float64 `json:"ci,omitempty"`
	CINote string      `json:"ci_note,omitempty"`
	// Grid and LL are the profile: ℓ_p(Grid[i]) = LL[i] (NaN where the
	// refit failed).
	Grid []float64 `json:"sigma2_grid"`
	LL   []float64 `json:"ll"`
	// Method is REML (restricted log-likelihood) or ML.
	Method string `json:"method"`
}

// profileSteps is the number of grid points of a default profile grid.
const profileSteps = 41

// ProfileSigma2 profiles variance component j (0 outer, 1 inner) over grid;
// an empty grid spans [max(0, lb − w/4), ub + w/4], w = ub − lb, of the
// profile CI (or [0, 2σ̂² + 0.01] without one) in 41 steps, σ̂² added.
// Each point refits the other component from the estimates by the model's
// optimiser (tolerance 1e-2 of the fit's, as the CIs). A fixed component
// is refused.
func (r *Result) ProfileSigma2(j int, grid []float64) (*Sigma2Profile, error) {
	if r == nil || r.ev == nil {
		return nil, errs.New(errs.InvalidOption, "metamv", "ProfileSigma2 needs a fitted model")
	}
	if j != 0 && j != 1 {
		return nil, errs.New(errs.InvalidOption, "metamv", "variance component %d: give 0 (between clusters) or 1 (within clusters)", j)
	}
	if r.Sigma2Fixed[j] {
		return nil, errs.New(errs.InvalidOption, "metamv", "σ² of %s was fixed, not estimated: there is no profile", r.Levels[j])
	}
	out := &Sigma2Profile{Component: j, Level: r.Levels[j], Estimate: r.Sigma2[j], LogLik: r.Fit.LogLik, CI: r.Sigma2CI[j], Method: r.Method}
	if out.CI == nil {
		out.CINote = "profile CI not computed"
		for _, n := range r.CINotes {
			out.CINote = n
		}
	}
	if len(grid) == 0 {
		grid = defaultProfileGrid(out.Estimate, out.CI)
	}
	for _, v := range grid {
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, errs.New(errs.InvalidOption, "metamv", "profile value σ² = %g: give values ≥ 0", v)
		}
	}
	out.Grid = append([]float64(nil), grid...)
	out.LL = make([]float64, len(grid))
	reml := r.Method == REML
	vt := r.Variance.TypicalV
	for i, v := range grid {
		fixed := r.opt.Sigma2
		val := v
		fixed[j] = &val
		s := r.Sigma2
		s[j] = v
		st, _, err := r.ev.optimize(reml, fixed, s, vt, r.opt.Tol*1e-2, r.opt.MaxIter)
		if err != nil {
			out.LL[i] = math.NaN()
			continue
		}
		out.LL[i] = st.ll
	}
	return out, nil
}

// defaultProfileGrid spans the profile CI by a quarter of its width on each
// side (not below 0) in profileSteps steps, with the estimate inserted.
func defaultProfileGrid(est float64, ci *[2]float64) []float64 {
	lo, hi := 0.0, 2*est+0.01
	if ci != nil {
		w := ci[1] - ci[0]
		lo, hi = math.Max(0, ci[0]-w/4), ci[1]+w/4
	}
	g := make([]float64, 0, profileSteps+1)
	added := false
	for i := 0; i < profileSteps; i++ {
		v := lo + (hi-lo)*float64(i)/float64(profileSteps-1)
		if !added && v >= est {
			if v != est {
				g = append(g, est)
			}
			added = true
		}
		g = append(g, v)
	}
	return g
}
