package meta

import (
	"fmt"
	"math"
	"sync"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"gonum.org/v1/gonum/stat/distuv"
)

// InfluenceRow holds the case diagnostics of one study (metafor's
// influence.rma.uni). Values are NaN when the model without the study could
// not be fitted.
type InfluenceRow struct {
	Study    string    `json:"study"`
	RStudent float64   `json:"rstudent"` // externally studentized residual
	DFFITS   float64   `json:"dffits"`
	CookD    float64   `json:"cook_d"`   // Cook's distance
	CovR     float64   `json:"cov_r"`    // covariance ratio
	Tau2Del  float64   `json:"tau2_del"` // τ² with the study left out
	QEDel    float64   `json:"QE_del"`   // Q_E with the study left out
	Hat      float64   `json:"hat"`      // leverage
	Weight   float64   `json:"weight"`   // weight in percent
	DFBetas  []float64 `json:"dfbetas"`  // one per coefficient
	Inf      bool      `json:"inf"`      // metafor's "influential" flag (printed as *)
}

// InfluenceResult is the table of case diagnostics.
type InfluenceResult struct {
	Names []string       `json:"names"` // coefficient names (columns of DFBetas)
	Rows  []InfluenceRow `json:"rows"`
	// Baujat holds the coordinates of the Baujat (2002) plot.
	Baujat []BaujatPoint `json:"baujat"`
	k, p   int
}

// BaujatPoint is one study in a Baujat plot (metafor's baujat): X is its
// contribution to the (residual) heterogeneity, the squared Pearson residual
// eᵢ²/(vᵢ + τ̂²); Y its influence on the fitted value,
// (xᵢ'β̂₍₋ᵢ₎ − xᵢ'β̂)²/Var(xᵢ'β̂₍₋ᵢ₎).
type BaujatPoint struct {
	Study string  `json:"study"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
}

// looFit is what a leave-out refit leaves behind.
type looFit struct {
	ok                         bool
	tau2, qe, qep, i2, h2, s2w float64
	coefs                      []Coef
	vcov                       []float64
	k                          int
}

func (l *looFit) set(rf *refit) {
	r := &rf.r
	l.ok = true
	l.tau2, l.qe, l.i2, l.h2, l.s2w, l.k = r.Tau2, r.QE, r.I2, r.H2, rf.s2w, r.K
	l.qep = math.NaN()
	if r.QEP != nil {
		l.qep = *r.QEP
	}
	l.coefs = append([]Coef(nil), r.Coefficients...)
	l.vcov = append([]float64(nil), r.Vcov...)
}

// looCache holds the leave-one-out refits of a Result, computed once.
type looCache struct {
	once sync.Once
	fits []looFit
}

// leaveOut returns the refits of r's model without study i, for every i,
// computing them once per Result.
func (r *Result) leaveOut() []looFit {
	if r.loo == nil {
		return r.computeLeaveOut()
	}
	r.loo.once.Do(func() { r.loo.fits = r.computeLeaveOut() })
	return r.loo.fits
}

// computeLeaveOut refits r's model without study i, for every i (in
// parallel, each refit warm-started at the full-data τ̂²).
func (r *Result) computeLeaveOut() []looFit {
	d := r.d
	k := d.k
	out := make([]looFit, k)
	if k < 2 {
		return out
	}
	type worker struct {
		sub *design
		m   *model
		rf  refit
	}
	parallelFor(k, func() any {
		sub := d.subDesign(k - 1)
		return &worker{sub: sub, m: newModel(sub, r.opt)}
	}, func(st any, i int) {
		w := st.(*worker)
		w.sub.fillFrom(d, func(j int) bool { return j != i })
		w.m.center()
		if err := w.m.fitQuick(r.Tau2, &w.rf); err != nil {
			return
		}
		out[i].set(&w.rf)
	})
	return out
}

// Influence computes case diagnostics for every study of a fitted model, as
// metafor's influence.rma.uni (Viechtbauer & Cheung 2010, Res. Synth.
// Methods 1:112–125). With β̂₍₋ᵢ₎, τ̂²₍₋ᵢ₎, s²₍₋ᵢ₎ (the Knapp–Hartung factor,
// 1 otherwise) and Var₍₋ᵢ₎ from the fit without study i, and hᵢ the
// leverage wᵢxᵢ'(X'WX)⁻¹xᵢ of the full fit:
//
//	rstudent = (yᵢ − xᵢ'β̂₍₋ᵢ₎) / √(s²₍₋ᵢ₎(vᵢ + τ̂²₍₋ᵢ₎) + xᵢ'Var₍₋ᵢ₎xᵢ)
//	DFFITS   = (xᵢ'β̂ − xᵢ'β̂₍₋ᵢ₎) / √(s²₍₋ᵢ₎ hᵢ (τ̂²₍₋ᵢ₎ + vᵢ))
//	Cook's D = (β̂ − β̂₍₋ᵢ₎)' Var(β̂)⁻¹ (β̂ − β̂₍₋ᵢ₎)
//	COVRATIO = det Var₍₋ᵢ₎ / det Var(β̂)
//	DFBETASⱼ = (β̂ⱼ − β̂₍₋ᵢ₎ⱼ) / √(s²₍₋ᵢ₎ [(X'W₍₋ᵢ₎X)⁻¹]ⱼⱼ), W₍₋ᵢ₎ = diag(1/(v + τ̂²₍₋ᵢ₎)) over all k
//
// Cook's D and COVRATIO use all p coefficients (m = p). A study is flagged influential
// when |DFFITS| > 3√(p/(k − p)), P(χ²_m ≤ D) > .5, hᵢ > 3p/k or any
// |DFBETAS| > 1 (metafor's rules). Weights are 100·wᵢ/Σw.
//
// Each leave-one-out refit is warm-started at τ̂² and costs O(k·p²) per
// scoring step; no k×k matrix is formed. The refits run on all CPUs.
func Influence(r *Result) (*InfluenceResult, error) {
	if r == nil || r.d == nil {
		return nil, errs.New(errs.InvalidOption, "meta", "Influence needs a model from Fit")
	}
	if err := r.refuseUserWeights("the influence analysis", "its hat values and Cook's distances here assume inverse-variance weights"); err != nil {
		return nil, err
	}
	d := r.d
	k, p := d.k, d.p
	if k == 1 {
		return nil, errs.New(errs.TooFew, "meta", "influence diagnostics need at least 2 studies (k = 1)")
	}
	loo := r.leaveOut()
	// Cook's D and COVRATIO use all coefficients (metafor's default btt
	// with int.incl = FALSE).
	lo := 0
	mdim := p
	sub := func(v []float64) []float64 {
		a := make([]float64, mdim*mdim)
		for i := 0; i < mdim; i++ {
			for j := 0; j < mdim; j++ {
				a[i*mdim+j] = v[(i+lo)*p+j+lo]
			}
		}
		return a
	}
	ldFull, err := logDet(sub(r.Vcov), mdim)
	if err != nil {
		return nil, fmt.Errorf("meta: influence: covariance of the coefficients is singular: %w", err)
	}
	beta := make([]float64, p)
	for j, c := range r.Coefficients {
		beta[j] = c.Estimate
	}
	// Full-fit weights, leverages (A⁻¹ = Vcov/s²w) and residuals.
	w := make([]float64, k)
	var sw float64
	for i, v := range d.v {
		w[i] = 1 / (v + r.Tau2)
		sw += w[i]
	}
	ainv := make([]float64, p*p)
	m := newModel(d, r.opt)
	if err := m.s.factor(w); err != nil {
		return nil, err
	}
	copy(ainv, m.s.ainv)
	out := &InfluenceResult{Names: d.names, Rows: make([]InfluenceRow, k), Baujat: make([]BaujatPoint, k), k: k, p: p}
	chiM := distuv.ChiSquared{K: float64(mdim)}
	dffitsCut := 3 * math.Sqrt(float64(p)/float64(k-p))
	hatCut := 3 * float64(p) / float64(k)
	// vb.del diagonals need X'W₍₋ᵢ₎X over all k: one O(k·p²) pass per study.
	type worker struct {
		s   *wls
		u   []float64
		dfb []float64
	}
	parallelFor(k, func() any {
		return &worker{s: newWLS(d.x, k, p), u: make([]float64, k), dfb: make([]float64, p)}
	}, func(st any, i int) {
		wk := st.(*worker)
		row := &out.Rows[i]
		xi := d.x[i*p : (i+1)*p]
		row.Study = r.label(i)
		row.Hat = w[i] * quadForm(ainv, xi, p)
		row.Weight = 100 * w[i] / sw
		predFull := dot(xi, beta)
		resid := d.y[i] - predFull
		out.Baujat[i] = BaujatPoint{Study: row.Study, X: resid * resid / (r.Tau2 + d.v[i]), Y: math.NaN()}
		nan := math.NaN()
		row.RStudent, row.DFFITS, row.CookD, row.CovR, row.Tau2Del, row.QEDel = nan, nan, nan, nan, nan, nan
		row.DFBetas = make([]float64, p)
		for j := range row.DFBetas {
			row.DFBetas[j] = nan
		}
		l := &loo[i]
		if !l.ok {
			return
		}
		row.Tau2Del, row.QEDel = l.tau2, l.qe
		var delpred float64
		for j := 0; j < p; j++ {
			wk.dfb[j] = beta[j] - l.coefs[j].Estimate
			delpred += xi[j] * l.coefs[j].Estimate
		}
		vdel := quadForm(l.vcov, xi, p)
		e, se := r.deletedResidual(i, l)
		row.RStudent = e / se
		row.DFFITS = (predFull - delpred) / math.Sqrt(l.s2w*row.Hat*(l.tau2+d.v[i]))
		out.Baujat[i].Y = (delpred - predFull) * (delpred - predFull) / vdel
		// Cook's distance and COVRATIO on the tested coefficients.
		full := sub(r.Vcov)
		q, err1 := quadInv(full, wk.dfb[lo:], mdim)
		ld, err2 := logDet(sub(l.vcov), mdim)
		if err1 == nil {
			row.CookD = q
		}
		if err2 == nil {
			row.CovR = math.Exp(ld - ldFull)
		}
		// DFBETAS: (X'W₍₋ᵢ₎X)⁻¹ over all k studies.
		for j, v := range d.v {
			wk.u[j] = 1 / (v + l.tau2)
		}
		if err := wk.s.factor(wk.u); err == nil {
			for j := 0; j < p; j++ {
				row.DFBetas[j] = wk.dfb[j] / math.Sqrt(l.s2w*wk.s.ainv[j*p+j])
			}
		}
		flag := math.Abs(row.DFFITS) > dffitsCut || chiM.CDF(row.CookD) > 0.5 || row.Hat > hatCut
		for _, b := range row.DFBetas {
			if math.Abs(b) > 1 {
				flag = true
			}
		}
		row.Inf = flag
	})
	return out, nil
}

// label returns the label of the i-th used study ("1", "2", ... by input
// row when no labels were given, as metafor numbers them).
func (r *Result) label(i int) string {
	if r.d != nil && r.d.labels != nil {
		return r.d.labels[i]
	}
	if r.Rows != nil {
		return fmt.Sprint(r.Rows[i] + 1)
	}
	return fmt.Sprint(i + 1)
}

func dot(a, b []float64) float64 {
	var t float64
	for i := range a {
		t += a[i] * b[i]
	}
	return t
}

// quadForm returns x'Ax for a p×p row-major A.
func quadForm(a, x []float64, p int) float64 {
	var t float64
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			t += x[i] * a[i*p+j] * x[j]
		}
	}
	return t
}

// cholesky returns the lower Cholesky factor of the n×n symmetric
// positive-definite a (row-major) in a new slice, a matrix that is not
// positive definite as an errs.Singular error.
func cholesky(a []float64, n int) ([]float64, error) {
	l := append([]float64(nil), a[:n*n]...)
	if err := linalg.Cholesky(l, n); err != nil {
		return nil, errs.New(errs.Singular, "", "%v", err)
	}
	return l, nil
}

// logDet returns log det a for a symmetric positive definite a.
func logDet(a []float64, n int) (float64, error) {
	l, err := cholesky(a, n)
	if err != nil {
		return math.NaN(), err
	}
	return linalg.LogDet(l, n), nil
}

// quadInv returns b'a⁻¹b for a symmetric positive definite a.
func quadInv(a, b []float64, n int) (float64, error) {
	l, err := cholesky(a, n)
	if err != nil {
		return math.NaN(), err
	}
	return linalg.QuadInv(l, n, b, make([]float64, n)), nil
}
