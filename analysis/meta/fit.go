package meta

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/wald"
	"gonum.org/v1/gonum/stat/distuv"
)

// Fit fits the univariate meta-analysis model yi = xi'β + ui + ei with
// ui ~ N(0, τ²) and known ei ~ N(0, vi), metafor's rma.uni (Viechtbauer 2010).
//
// τ² is estimated with opt.Method (see Options); β by weighted least squares
// with weights wᵢ = 1/(vᵢ + τ̂²), Var(β̂) = s²(X'WX)⁻¹ where s² = 1 except
// under Knapp & Hartung (2003), s² = Σwᵢeᵢ²/(k − p) ("adhoc": max(1, s²)).
// Tests are z (χ² for QM) or t with k − p df (F for QM). Heterogeneity:
// Q_E = Σ(1/vᵢ)eᵢ² from the fixed-effects fit, I² = 100·τ²/(τ² + ṽ) and
// H² = τ²/ṽ + 1 with ṽ = (k − p)/tr(P) (Higgins & Thompson 2002; for FE
// models I² = 100·max(0, Q_E − (k − p))/Q_E and H² = Q_E/(k − p)).
// The prediction interval is β̂ ± crit·√(SE² + τ²). Q-profile confidence
// intervals for τ², I² and H² follow Viechtbauer (2007).
//
// Rows with missing values are dropped with a note in Result.Notes.
func Fit(yi, vi []float64, opt Options) (*Result, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	d, notes, err := newWeightedDesign(yi, vi, opt)
	if err != nil {
		return nil, err
	}
	return fitDesign(d, opt, notes)
}

func fitDesign(d *design, opt Options, notes []string) (*Result, error) {
	if d.k == 1 && opt.isT() {
		return nil, errs.New(errs.TooFew, "meta", "k = 1: the %s test needs more studies than coefficients; use test z", opt.Test)
	}
	if d.k < d.p {
		return nil, errs.New(errs.TooFew, "meta", "%d studies for %d coefficients; use fewer moderators", d.k, d.p)
	}
	m := newModel(d, opt)
	est, err := m.estimateTau2()
	if err != nil {
		return nil, err
	}
	notes = append(notes, est.notes...)
	r := &Result{K: d.k, P: d.p, Measure: opt.Measure, Method: opt.Method, Test: opt.Test, Level: opt.Level,
		Tau2: est.tau2, Tau: math.Sqrt(est.tau2), Iter: est.iter, Notes: notes,
		Yi: d.y, Vi: d.v, Rows: d.rows, opt: opt, d: d, loo: new(looCache)}
	if !math.IsNaN(est.se) {
		r.SETau2 = f64(est.se)
	}
	r.Tau2Fix = opt.Tau2 != nil
	if d.a != nil {
		r.UserWeights = true
		r.Weights = r.StudyWeights()
	}
	r.MethodShown = r.Method
	if r.Tau2Fix {
		r.MethodShown, r.FitMethod = MethodUserTau2, r.Method
	}
	if err := m.infer(r); err != nil {
		return nil, err
	}
	if err := m.heterogeneity(r); err != nil {
		return nil, err
	}
	if err := m.fitStats(r); err != nil {
		return nil, err
	}
	if d.p == 1 {
		m.predict(r)
	} else {
		m.r2(r)
	}
	if !opt.isFE() && opt.Tau2 == nil && d.k > d.p {
		if err := m.qprofile(r); err != nil {
			r.Notes = append(r.Notes, "Q-profile CI for τ² not available: "+err.Error())
		}
	}
	if d.k < 10 && opt.Test == TestZ && !opt.isFE() {
		r.Notes = append(r.Notes, fmt.Sprintf("k = %d is small: consider test knha (Knapp–Hartung), whose CIs keep their coverage with few studies", d.k))
	}
	return r, nil
}

// infer computes β̂, its covariance and the coefficient tests.
func (m *model) infer(r *Result) error {
	d, opt := m.d, m.opt
	k, p := d.k, d.p
	if err := m.setWeights(r.Tau2); err != nil {
		return err
	}
	rss, _ := m.s.solve(m.w, m.y)
	s2w := 1.0
	if opt.Test == TestKNHA || opt.Test == TestAdhoc {
		if rss <= 2.220446049250313e-16 {
			s2w = 0
		} else {
			s2w = rss / float64(k-p)
		}
		if opt.Test == TestAdhoc && s2w < 1 {
			s2w = 1
		}
		if opt.isFE() {
			r.Notes = append(r.Notes, "the Knapp–Hartung method is not meant for "+opt.Method+" models")
		}
	}
	r.s2w = s2w
	r.Vcov = make([]float64, p*p)
	if d.a != nil {
		if err := m.userWeightedVcov(r.Tau2, s2w, r.Vcov); err != nil {
			return err
		}
	} else {
		for i := range r.Vcov {
			r.Vcov[i] = s2w * m.s.ainv[i]
		}
	}
	ddf := float64(k - p)
	ref := wald.Normal(opt.Level)
	if opt.isT() {
		ref = wald.StudentT(ddf, opt.Level)
	}
	r.Coefficients = make([]Coef, p)
	for j := 0; j < p; j++ {
		c := ref.Coef(m.s.beta[j], r.Vcov[j*p+j])
		c.Name = d.names[j]
		r.Coefficients[j] = c
	}
	// Omnibus Wald test of the moderators (of the intercept if there are none).
	lo := 1
	if p == 1 {
		lo = 0
	}
	qm, qmp, err := ref.Omnibus(m.s.beta, r.Vcov, p, wald.Span(lo, p))
	if err != nil {
		qm = math.NaN()
	}
	md := p - lo
	r.QMDF = md
	r.QMP = qmp
	if ref.IsT() {
		df2 := k - p
		r.QMDF2 = &df2
	}
	r.QM = qm
	return nil
}

// heterogeneity computes Q_E, I², H² (metafor's i2def = "1").
func (m *model) heterogeneity(r *Result) error {
	d := m.d
	k, p := d.k, d.p
	r.QEDF = k - p
	if k <= p {
		r.QE, r.QEP, r.I2, r.H2, r.VT = 0, f64(1), 0, 1, 0
		return nil
	}
	qe, vt, i2, h2, err := m.hetStats(r.Tau2)
	if err != nil {
		return err
	}
	kp := float64(k - p)
	r.QE, r.VT, r.I2, r.H2 = qe, vt, i2, h2
	r.QEP = f64(distuv.ChiSquared{K: kp}.Survival(qe))
	if qe > 0 {
		r.I2Q = math.Max(0, 100*(qe-kp)/qe)
	}
	return nil
}

// hetStats returns, for k > p, Q_E = Σ(1/vᵢ)eᵢ² of the fixed-effects fit,
// the typical sampling variance ṽ = (k − p)/tr(P) and I² and H² at τ²
// (Q-based for FE models): the one definition that Fit, the refits and
// GOSH share.
func (m *model) hetStats(tau2 float64) (qe, vt, i2, h2 float64, err error) {
	d := m.d
	for i, v := range d.v {
		m.w[i] = 1 / v
	}
	if err = m.s.factor(m.w); err != nil {
		return
	}
	rss, _ := m.s.solve(m.w, m.yc)
	qe = math.Max(0, rss)
	kp := float64(d.k - d.p)
	vt = kp / m.s.trP(m.w)
	if m.opt.isFE() {
		if qe > 0 {
			i2 = math.Max(0, 100*(qe-kp)/qe)
		}
		h2 = qe / kp
	} else {
		i2 = 100 * tau2 / (vt + tau2)
		h2 = tau2/vt + 1
	}
	return
}

// fitStats computes metafor's fit statistics (fit.stats, ML or REML column).
func (m *model) fitStats(r *Result) error {
	d, opt := m.d, m.opt
	k, p := float64(d.k), float64(d.p)
	parms := p
	if !opt.isFE() && opt.Tau2 == nil {
		parms++
	}
	reml := opt.Method == REML
	var ll float64
	var err error
	if d.a != nil {
		ll, err = m.logLikUserWeights(r.Tau2, r.beta(), reml)
	} else {
		ll, err = m.logLikAt(r.Tau2, reml)
	}
	if err != nil {
		return err
	}
	n := k
	if reml {
		n = k - p
	}
	f := FitStats{LogLik: ll, AIC: -2*ll + 2*parms, BIC: -2*ll + parms*math.Log(n)}
	mx := math.Max(n, parms+2)
	f.AICc = -2*ll + 2*parms*mx/(mx-parms-1)
	if reml {
		f.Deviance = -2 * ll
	} else if d.k > d.p {
		var sat float64
		for _, v := range d.v {
			sat += -0.5 * math.Log(2*math.Pi*v)
		}
		f.Deviance = -2 * (ll - sat)
	}
	r.Fit = f
	return nil
}

// predict sets the prediction interval of an intercept-only model,
// β̂ ± crit·√(SE² + τ²) (metafor predict.rma), and the r block for ZCOR.
func (m *model) predict(r *Result) {
	c := r.Coefficients[0]
	ref := wald.Normal(r.Level)
	if m.opt.isT() {
		ref = wald.StudentT(float64(r.K-r.P), r.Level)
	}
	crit := ref.Crit()
	if !m.opt.isFE() {
		h := crit * math.Sqrt(c.SE*c.SE+r.Tau2)
		r.PILB, r.PIUB = f64(c.Estimate-h), f64(c.Estimate+h)
	}
	if r.Measure == "ZCOR" {
		r.R = &RBlock{Estimate: math.Tanh(c.Estimate), CILB: math.Tanh(c.CILB), CIUB: math.Tanh(c.CIUB)}
		if r.PILB != nil {
			r.R.PILB, r.R.PIUB = f64(math.Tanh(*r.PILB)), f64(math.Tanh(*r.PIUB))
		}
	}
}

// r2 sets the pseudo-R² of a meta-regression: for random-effects models
// 100·max(0, (τ²₀ − τ²)/τ²₀) with τ²₀ from the intercept-only model fitted
// with the same method (Raudenbush 2009; metafor r2def "1"); for FE models
// the adjusted R² of the weighted regression.
func (m *model) r2(r *Result) {
	d := m.d
	if m.opt.isFE() && d.a != nil {
		r.R2 = f64(m.r2FEUserWeights())
		return
	}
	if m.opt.isFE() {
		allSame := true
		for _, y := range d.y {
			if y != d.y[0] {
				allSame = false
			}
		}
		if allSame {
			r.R2 = f64(0)
			return
		}
		var sw, swy float64
		for i, v := range d.v {
			sw += 1 / v
			swy += d.y[i] / v
		}
		mean := swy / sw
		var tss float64
		for i, v := range d.v {
			tss += sq(d.y[i]-mean) / v
		}
		rss := r.QE
		k, p := float64(d.k), float64(d.p)
		adj := 1 - (rss/tss)*(k-1)/(k-p)
		r.R2 = f64(math.Max(0, 100*adj))
		return
	}
	if m.opt.Tau2 != nil {
		return
	}
	d0 := &design{k: d.k, p: 1, y: d.y, v: d.v, x: ones(d.k), names: []string{"intrcpt"}, a: d.a}
	m0 := newModel(d0, m.opt)
	est, err := m0.estimateTau2()
	if err != nil {
		return
	}
	if est.tau2 == 0 {
		r.R2 = f64(0)
		return
	}
	r.R2 = f64(math.Max(0, 100*(est.tau2-r.Tau2)/est.tau2))
}

func ones(k int) []float64 {
	x := make([]float64, k)
	for i := range x {
		x[i] = 1
	}
	return x
}
