package meta

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/wald"
)

// StudyRow holds one study's fitted value, best linear unbiased prediction
// and residuals (metafor's fitted, blup, rstandard and rstudent of an
// rma.uni fit). Values are NaN when undefined (for example rstudent when
// the model without the study could not be fitted).
type StudyRow struct {
	Study  string  `json:"study"`
	Yi     float64 `json:"yi"`
	Vi     float64 `json:"vi"`
	Fitted float64 `json:"fitted"` // xᵢ'β̂ (fitted)
	// BLUP of the study's true effect with its standard error and
	// prediction interval (blup: pred, se, pi.lb, pi.ub).
	Blup   float64 `json:"blup"`
	SEBlup float64 `json:"se_blup"`
	PILB   float64 `json:"pi_lb"`
	PIUB   float64 `json:"pi_ub"`
	// Resid is the marginal residual yᵢ − xᵢ'β̂, SEResid its standard error
	// and RStandard their ratio (rstandard: resid, se, z).
	Resid     float64 `json:"resid"`
	SEResid   float64 `json:"se_resid"`
	RStandard float64 `json:"rstandard"`
	// ResidDel is the deleted residual yᵢ − xᵢ'β̂₍₋ᵢ₎, SEResidDel its
	// standard error and RStudent their ratio (rstudent: resid, se, z).
	ResidDel   float64 `json:"resid_del"`
	SEResidDel float64 `json:"se_resid_del"`
	RStudent   float64 `json:"rstudent"`
}

// Studies returns the fitted values, BLUPs and residuals of every study of
// a fitted model, as metafor 3.8's fitted(res), blup(res),
// rstandard(res) and rstudent(res) (Raudenbush & Bryk 1985; Viechtbauer &
// Cheung 2010). With wᵢ = 1/(vᵢ + τ̂²), λᵢ = τ̂²/(τ̂² + vᵢ), A = X'WX and
// Var(β̂) the coefficients' covariance (Knapp–Hartung-scaled under
// knha/adhoc):
//
//	fitted    = xᵢ'β̂
//	blup      = λᵢyᵢ + (1 − λᵢ)xᵢ'β̂,  se² = λᵢvᵢ + (1 − λᵢ)² xᵢ'Var(β̂)xᵢ,  PI = blup ± crit·se
//	rstandard = (yᵢ − xᵢ'β̂) / √(vᵢ + τ̂² − xᵢ'A⁻¹xᵢ)                 (the diagonal of (I − H)M(I − H)')
//	rstudent  = (yᵢ − xᵢ'β̂₍₋ᵢ₎) / √(s²₍₋ᵢ₎(vᵢ + τ̂²₍₋ᵢ₎) + xᵢ'Var₍₋ᵢ₎xᵢ)  (as Influence)
//
// where crit is the normal quantile (t with k − p df under t, knha and
// adhoc). For fixed-effects models τ̂² = 0, so the BLUP is the fitted value.
// rstudent needs the k leave-one-out refits (each warm-started, O(k·p²)),
// shared with Influence and LeaveOneOut; nothing k×k is formed.
func Studies(r *Result) ([]StudyRow, error) {
	if r == nil || r.d == nil {
		return nil, errs.New(errs.InvalidOption, "meta", "Studies needs a model from Fit")
	}
	d := r.d
	k, p := d.k, d.p
	m := newModel(d, r.opt)
	if err := m.setWeights(r.Tau2); err != nil {
		return nil, err
	}
	ainv := append([]float64(nil), m.s.ainv...)
	beta := make([]float64, p)
	for j, c := range r.Coefficients {
		beta[j] = c.Estimate
	}
	ref := wald.Normal(r.Level)
	if r.opt.isT() {
		ref = wald.StudentT(float64(k-p), r.Level)
	}
	crit := ref.Crit()
	loo := r.leaveOut()
	out := make([]StudyRow, k)
	for i := range out {
		xi := d.x[i*p : (i+1)*p]
		y, v := d.y[i], d.v[i]
		fit := dot(xi, beta)
		lam := r.Tau2 / (r.Tau2 + v)
		if math.IsInf(v, 1) {
			lam = 0
		}
		blup := lam*y + (1-lam)*fit
		seb := math.Sqrt(lam*v + (1-lam)*(1-lam)*quadForm(r.Vcov, xi, p))
		e := y - fit
		if math.Abs(e) < 100*2.220446049250313e-16 {
			e = 0
		}
		se := math.Sqrt(v + r.Tau2 - quadForm(ainv, xi, p))
		row := StudyRow{Study: r.label(i), Yi: y, Vi: v, Fitted: fit, Blup: blup, SEBlup: seb,
			PILB: blup - crit*seb, PIUB: blup + crit*seb, Resid: e, SEResid: se, RStandard: e / se}
		row.ResidDel, row.SEResidDel, row.RStudent = math.NaN(), math.NaN(), math.NaN()
		if loo[i].ok {
			row.ResidDel, row.SEResidDel = r.deletedResidual(i, &loo[i])
			row.RStudent = row.ResidDel / row.SEResidDel
		}
		out[i] = row
	}
	return out, nil
}

// deletedResidual returns study i's deleted residual yᵢ − xᵢ'β̂₍₋ᵢ₎ and its
// standard error √(s²₍₋ᵢ₎(vᵢ + τ̂²₍₋ᵢ₎) + xᵢ'Var₍₋ᵢ₎xᵢ) from the refit l
// without it (metafor's influence.rma.uni and rstudent.rma.uni); residuals
// within 100 ε of 0 are 0, as metafor.
func (r *Result) deletedResidual(i int, l *looFit) (e, se float64) {
	d := r.d
	p := d.p
	xi := d.x[i*p : (i+1)*p]
	var delpred float64
	for j := 0; j < p; j++ {
		delpred += xi[j] * l.coefs[j].Estimate
	}
	e = d.y[i] - delpred
	if math.Abs(e) < 100*2.220446049250313e-16 {
		e = 0
	}
	return e, math.Sqrt(d.v[i]*l.s2w + quadForm(l.vcov, xi, p) + l.tau2*l.s2w)
}
