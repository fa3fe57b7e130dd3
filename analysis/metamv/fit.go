package metamv

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/wald"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/alliance-research/alliance/analysis/meta"
)

// Fit fits the three-level meta-analysis model
//
//	yᵢⱼₖ = xᵢⱼₖ'β + u_outer + u_inner + eᵢⱼₖ,
//	u_outer ~ N(0, σ²₁), u_inner ~ N(0, σ²₂), e ~ N(0, V),
//
// metafor's rma.mv(yi, V, mods, random = ~ 1 | outer/inner) (Konstantopoulos
// 2011; Cheung 2014; Viechtbauer 2010). outer gives each effect size's
// cluster (e.g. study); inner its unit within the cluster (e.g. sample or
// effect-size id; labels need only be unique within a cluster, as R's
// outer/inner nesting); a nil inner means one inner unit per effect size.
// V is diagonal (vᵢ) or, with opt.Rho ≠ 0, has ρ√(vᵢvⱼ) between different
// effect sizes of the same outer cluster.
//
// σ²₁, σ²₂ maximise the REML (default) or ML log-likelihood
//
//	ℓ_ML   = −½[k log 2π + log|M| + e'M⁻¹e]
//	ℓ_REML = −½[(k−p) log 2π − log|X'X| + log|M| + log|X'M⁻¹X| + e'M⁻¹e]
//
// (metafor's definitions, M = V + σ²₁Z₁Z₁' + σ²₂Z₂Z₂', e = y − Xβ̂), found by
// Fisher scoring with step halving and the bound σ² ≥ 0. β̂ is the GLS
// estimate with Var(β̂) = (X'M⁻¹X)⁻¹. M is block-diagonal by cluster and is
// never formed as a k×k matrix.
//
// Unless opt.NoProfile is set, Fit also gives the profile-likelihood CI of
// each component (confint.rma.mv) and the likelihood-ratio tests against
// the two-level models with σ²₁ = 0 and with σ²₂ = 0.
func Fit(yi, vi []float64, outer, inner []string, opt Options) (*Result, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	n := len(yi)
	if len(outer) != n {
		return nil, errs.New(errs.InvalidOption, "metamv", "%d outer cluster labels for %d effect sizes", len(outer), n)
	}
	if inner != nil && len(inner) != n {
		return nil, errs.New(errs.InvalidOption, "metamv", "%d inner cluster labels for %d effect sizes", len(inner), n)
	}
	d, err := meta.BuildDesign(yi, vi, opt.Mods)
	if err != nil {
		return nil, fmt.Errorf("metamv: %w", err)
	}
	lay, err := newLayout(d.Rows, outer, inner)
	if err != nil {
		return nil, err
	}
	if lay.nclust() < 2 {
		return nil, errs.New(errs.TooFew, "metamv", "only one outer cluster (%q): a three-level model needs at least two; fit a univariate model instead", lay.names[0])
	}
	if d.K <= d.P {
		return nil, errs.New(errs.TooFew, "metamv", "%d effect sizes for %d coefficients; use fewer moderators", d.K, d.P)
	}
	free := [2]bool{opt.Sigma2[0] == nil, opt.Sigma2[1] == nil}
	if free[0] && free[1] {
		if lay.nInner == lay.nclust() {
			return nil, errs.New(errs.Singular, "metamv", "every outer cluster holds a single inner unit, so the two variance components cannot be told apart; fit a univariate (two-level) model or fix one component")
		}
		if lay.nInner == lay.k && lay.k == lay.nclust() {
			return nil, errs.New(errs.Singular, "metamv", "every cluster holds one effect size; fit a univariate model")
		}
	}
	ev, err := newEvaluator(lay, d.X, d.Y, d.V, d.P, opt.Rho, opt.dense)
	if err != nil {
		return nil, err
	}
	reml := opt.Method == REML
	vt := typicalV(d.V)
	fixed := opt.Sigma2
	st, iter, err := ev.optimize(reml, fixed, ev.start(fixed, vt), vt, opt.Tol, opt.MaxIter)
	if err != nil {
		return nil, err
	}
	r := &Result{K: d.K, P: d.P, Measure: opt.Measure, Method: opt.Method, Test: opt.Test, Level: opt.Level,
		Rho: opt.Rho, Sigma2: st.s2, Sigma2Fixed: [2]bool{!free[0], !free[1]},
		Levels:  [2]string{opt.OuterName, opt.OuterName + "/" + opt.InnerName},
		NLevels: [2]int{lay.nclust(), lay.nInner}, Iter: iter, Notes: d.Notes,
		Rows: d.Rows, opt: opt, ev: ev, names: d.Names, design: d}
	if err := r.infer(st); err != nil {
		return nil, err
	}
	if err := r.heterogeneity(); err != nil {
		return nil, err
	}
	nfree := 0
	for _, f := range free {
		if f {
			nfree++
		}
	}
	r.Fit = fitStats(st.ll, d.K, d.P, nfree, reml, r.devianceSat())
	r.Variance = varianceDistribution(d.V, st.s2)
	if mi, err := r.multilevelI2(); err == nil {
		r.I2, r.I2Levels, r.I2TypicalV = mi.I2, mi.Levels, mi.TypicalV
	} else {
		r.I2, r.I2TypicalV = math.NaN(), math.NaN()
		r.Notes = append(r.Notes, "The multilevel I² could not be computed: "+err.Error())
	}
	if !opt.NoProfile {
		r.profile(st, vt)
	}
	return r, nil
}

// typicalV is the typical sampling variance of Cheung (2014, eq. 14),
// (k − 1)Σw/((Σw)² − Σw²), w = 1/v.
func typicalV(v []float64) float64 {
	var sw, sw2 float64
	for _, x := range v {
		w := 1 / x
		sw += w
		sw2 += w * w
	}
	k := float64(len(v))
	den := sw*sw - sw2
	if len(v) < 2 || !(den > 0) {
		return v[0]
	}
	return (k - 1) * sw / den
}

func varianceDistribution(v []float64, s2 [2]float64) VarianceDistribution {
	vt := typicalV(v)
	tot := vt + s2[0] + s2[1]
	d := VarianceDistribution{TypicalV: vt, Level1: 100 * vt / tot, Level2: 100 * s2[1] / tot, Level3: 100 * s2[0] / tot}
	d.I2Total = d.Level2 + d.Level3
	return d
}

// start returns starting values: the heterogeneity left after the sampling
// variance, split equally between the free components.
func (e *evaluator) start(fixed [2]*float64, vt float64) [2]float64 {
	var my, vy float64
	for i := 0; i < e.k; i++ {
		my += e.xa[i*e.q+e.p]
	}
	my /= float64(e.k)
	for i := 0; i < e.k; i++ {
		d := e.xa[i*e.q+e.p] - my
		vy += d * d
	}
	vy /= float64(e.k - 1)
	var mv float64
	for _, v := range e.v {
		mv += v
	}
	mv /= float64(e.k)
	t := math.Max(vy-mv, 0.1*vt)
	var s [2]float64
	for j := range s {
		if fixed[j] != nil {
			s[j] = *fixed[j]
		} else {
			s[j] = t / 2
		}
	}
	return s
}

// optimize maximises the (restricted) likelihood over the components not
// fixed, by Fisher scoring from s with step halving, projecting onto σ² ≥ 0;
// a component at 0 whose score is ≤ 0 stays there (active-set rule).
func (e *evaluator) optimize(reml bool, fixed [2]*float64, s [2]float64, vt, tol float64, maxIter int) (*state, int, error) {
	o := newEvalOut(e.q)
	return optimizeWith(func(s2 [2]float64) (*state, error) { return e.at(s2, reml, true, o) }, fixed, s, vt, tol, maxIter)
}

// optimizeWith is optimize with the model evaluated (with score and
// information) by at.
func optimizeWith(at func([2]float64) (*state, error), fixed [2]*float64, s [2]float64, vt, tol float64, maxIter int) (*state, int, error) {
	cur, err := at(s)
	if err != nil {
		return nil, 0, err
	}
	for it := 1; it <= maxIter; it++ {
		delta, ok := fisherStep(cur, fixed)
		if !ok {
			return cur, it - 1, nil
		}
		step := 1.0
		var nxt *state
		var cand [2]float64
		for h := 0; h < 60; h++ {
			for j := 0; j < 2; j++ {
				cand[j] = cur.s2[j] + step*delta[j]
				if cand[j] < 0 {
					cand[j] = 0
				}
			}
			nxt, err = at(cand)
			if err == nil && nxt.ll >= cur.ll-1e-13*(1+math.Abs(cur.ll)) {
				break
			}
			nxt = nil
			step /= 2
		}
		if nxt == nil {
			return cur, it, nil // no ascent possible: at the optimum to machine precision
		}
		// an overshoot (the slope along the step changes sign: expected
		// information flatter than the likelihood, so the iterates would
		// alternate around the optimum and converge slowly) is cut back to
		// the secant estimate of the maximum along the step
		d := [2]float64{cand[0] - cur.s2[0], cand[1] - cur.s2[1]}
		g0 := d[0]*cur.score[0] + d[1]*cur.score[1]
		g1 := d[0]*nxt.score[0] + d[1]*nxt.score[1]
		if g0 > 0 && g1 < 0 {
			t := g0 / (g0 - g1)
			var c2 [2]float64
			for j := 0; j < 2; j++ {
				c2[j] = math.Max(0, cur.s2[j]+t*d[j])
			}
			if mid, err := at(c2); err == nil && mid.ll >= nxt.ll {
				nxt, cand = mid, c2
			}
		}
		change := math.Max(math.Abs(cand[0]-cur.s2[0]), math.Abs(cand[1]-cur.s2[1]))
		cur = nxt
		if change <= tol*(cur.s2[0]+cur.s2[1]+vt) {
			return cur, it, nil
		}
	}
	return nil, maxIter, errs.New(errs.NoConvergence, "metamv", "Fisher scoring did not converge in %d iterations (σ² = %g, %g); raise MaxIter or check the data", maxIter, cur.s2[0], cur.s2[1])
}

// fisherStep is the Fisher-scoring step from cur over the components that
// are free and not held at 0 by the active-set rule; ok is false when no
// component can move.
func fisherStep(cur *state, fixed [2]*float64) (delta [2]float64, ok bool) {
	var act [2]bool
	for j := 0; j < 2; j++ {
		act[j] = fixed[j] == nil && !(cur.s2[j] <= 0 && cur.score[j] <= 0)
	}
	switch {
	case act[0] && act[1]:
		a, b, c := cur.info[0][0], cur.info[0][1], cur.info[1][1]
		det := a*c - b*b
		if det > 1e-14*a*c && a > 0 {
			delta[0] = (c*cur.score[0] - b*cur.score[1]) / det
			delta[1] = (a*cur.score[1] - b*cur.score[0]) / det
		} else {
			delta[0] = cur.score[0] / a
			delta[1] = cur.score[1] / c
		}
	case act[0]:
		delta[0] = cur.score[0] / cur.info[0][0]
	case act[1]:
		delta[1] = cur.score[1] / cur.info[1][1]
	default:
		return delta, false
	}
	return delta, true
}

// infer sets the coefficients, their tests, QM and the prediction interval.
func (r *Result) infer(st *state) error {
	p, k := r.P, r.K
	r.Vcov = st.h
	ddf := float64(k - p)
	ref := wald.Normal(r.Level)
	if r.Test == "t" {
		ref = wald.StudentT(ddf, r.Level)
	}
	crit := ref.Crit()
	r.Coefficients = make([]meta.Coef, p)
	for j := 0; j < p; j++ {
		c := ref.Coef(st.beta[j], st.h[j*p+j])
		c.Name = r.names[j]
		r.Coefficients[j] = c
	}
	lo := 1
	if p == 1 {
		lo = 0
	}
	qm, qmp, err := ref.Omnibus(st.beta, st.h, p, wald.Span(lo, p))
	if err != nil {
		return errs.New(errs.Singular, "metamv", "%v", err)
	}
	r.QMDF = p - lo
	r.QMP = qmp
	if ref.IsT() {
		df2 := k - p
		r.QMDF2 = &df2
	}
	r.QM = qm
	if p == 1 {
		c := r.Coefficients[0]
		h := crit * math.Sqrt(c.SE*c.SE+st.s2[0]+st.s2[1])
		lb, ub := c.Estimate-h, c.Estimate+h
		r.PILB, r.PIUB = &lb, &ub
		if r.Measure == "ZCOR" {
			plb, pub := math.Tanh(lb), math.Tanh(ub)
			r.R = &meta.RBlock{Estimate: math.Tanh(c.Estimate), CILB: math.Tanh(c.CILB), CIUB: math.Tanh(c.CIUB), PILB: &plb, PIUB: &pub}
		}
	}
	return nil
}

// heterogeneity sets QE = e'V⁻¹e from the fit with σ² = 0 (rma.mv's QE).
func (r *Result) heterogeneity() error {
	st, err := r.ev.at([2]float64{}, false, false, newEvalOut(r.ev.q))
	if err != nil {
		return err
	}
	r.QE = st.rss
	r.QEDF = r.K - r.P
	qp := distuv.ChiSquared{K: float64(r.QEDF)}.Survival(st.rss)
	r.QEP = &qp
	return nil
}

// devianceSat returns the log-likelihood of the saturated model,
// −½k log 2π − ½ log|V| (metafor's ll.QE), used by the ML deviance.
func (r *Result) devianceSat() float64 {
	o := newEvalOut(r.ev.q)
	if err := r.ev.eval([2]float64{}, false, o); err != nil {
		return math.NaN()
	}
	return -0.5*float64(r.K)*math.Log(2*math.Pi) - 0.5*o.ldM
}

// fitStats gives metafor's fit statistics; parms = p + free components,
// n = k (ML) or k − p (REML).
func fitStats(ll float64, k, p, nfree int, reml bool, llSat float64) meta.FitStats {
	parms := float64(p + nfree)
	n := float64(k)
	if reml {
		n = float64(k - p)
	}
	f := meta.FitStats{LogLik: ll, AIC: -2*ll + 2*parms, BIC: -2*ll + parms*math.Log(n)}
	mx := math.Max(n, parms+2)
	f.AICc = -2*ll + 2*parms*mx/(mx-parms-1)
	if reml {
		f.Deviance = -2 * ll
	} else {
		f.Deviance = -2 * (ll - llSat)
	}
	return f
}
