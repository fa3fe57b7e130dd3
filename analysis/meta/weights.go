package meta

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// User weights (Options.Weights), as metafor 3.8's rma.uni(yi, vi,
// weights = a):
//
//	β̂      = (X'AX)⁻¹ X'A y,                         A = diag(aᵢ)
//	Var(β̂) = s² (X'AX)⁻¹ X'A M A X (X'AX)⁻¹,          M = diag(vᵢ + τ̂²)
//
// with s² = 1, or under Knapp–Hartung s² = Σwᵢ(yᵢ − xᵢ'β̂_W)²/(k − p) from
// the inverse-variance fit (wᵢ = 1/(vᵢ + τ̂²)), as metafor. τ² is estimated
// as without weights except by GENQ and GENQM, which use aᵢ. Q_E, I², H²
// and the Q-profile CI are those of the inverse-variance model; the
// log-likelihood is evaluated at β̂ (Σwᵢ(yᵢ − xᵢ'β̂)², REML's log det of
// X'WX with W = diag(wᵢ)). Aᵢ = aᵢ/Σa are the weights reported per study.

// checkWeights validates Options.Weights (length is checked against yi in
// Fit): no negative or infinite weight, and GENQ/GENQM need weights.
func (o Options) checkWeights() error {
	if o.Weights == nil {
		if o.Method == GENQ || o.Method == GENQM {
			return errs.New(errs.InvalidOption, "meta", "method %s needs user weights (the aᵢ of the generalised Q statistic); give weights, e.g. the sample sizes", o.Method)
		}
		return nil
	}
	for i, a := range o.Weights {
		if a < 0 || math.IsInf(a, 0) {
			return errs.Inputf("meta", 0, "study %d: weight %g must be a finite number ≥ 0", i+1, a)
		}
	}
	return nil
}

// newWeightedDesign is newDesign with user weights: a study whose weight is
// missing (NaN) is dropped with a note, as metafor drops NA weights.
func newWeightedDesign(yi, vi []float64, opt Options) (*design, []string, error) {
	if opt.Weights == nil {
		return newDesign(yi, vi, opt.Mods, opt.Labels)
	}
	n := len(yi)
	if len(opt.Weights) != n {
		return nil, nil, errs.New(errs.InvalidOption, "meta", "%d weights for %d studies; give one weight per effect size", len(opt.Weights), n)
	}
	var keep []int
	for i, a := range opt.Weights {
		if !math.IsNaN(a) {
			keep = append(keep, i)
		}
	}
	sub := func(x []float64) []float64 {
		if x == nil || len(x) != n {
			return x
		}
		out := make([]float64, len(keep))
		for j, i := range keep {
			out[j] = x[i]
		}
		return out
	}
	var notes []string
	y2, v2, mods, labels := yi, vi, opt.Mods, opt.Labels
	if miss := n - len(keep); miss > 0 {
		if len(vi) != n {
			return nil, nil, errs.New(errs.InvalidOption, "meta", "yi has %d values but vi has %d; give one variance per effect size", n, len(vi))
		}
		y2, v2 = sub(yi), sub(vi)
		mods = make([]Moderator, len(opt.Mods))
		for c, m := range opt.Mods {
			mods[c] = Moderator{Name: m.Name, Numeric: sub(m.Numeric)}
			if m.Text != nil && len(m.Text) == n {
				mods[c].Text = make([]string, len(keep))
				for j, i := range keep {
					mods[c].Text[j] = m.Text[i]
				}
			} else {
				mods[c].Text = m.Text
			}
		}
		if labels != nil && len(labels) == n {
			labels = make([]string, len(keep))
			for j, i := range keep {
				labels[j] = opt.Labels[i]
			}
		}
		notes = append(notes, fmt.Sprintf("%d %s with a missing weight dropped", miss, plural(miss, "study", "studies")))
		if len(keep) == 0 {
			return nil, notes, errs.New(errs.TooFew, "meta", "no studies left: every weight is missing")
		}
	}
	d, more, err := newDesign(y2, v2, mods, labels)
	notes = append(notes, more...)
	if err != nil {
		return nil, notes, err
	}
	d.a = make([]float64, d.k)
	for j, i := range d.rows {
		if len(keep) != n {
			d.rows[j] = keep[i]
		}
		d.a[j] = opt.Weights[d.rows[j]]
	}
	var sa float64
	for _, a := range d.a {
		sa += a
	}
	if !(sa > 0) {
		return nil, notes, errs.New(errs.InvalidOption, "meta", "every weight of the analysed studies is 0; give positive weights")
	}
	return d, notes, nil
}

// userWeightedVcov sets β̂ = (X'AX)⁻¹X'Ay in m.s.beta and vcov to the
// sandwich s2w·(X'AX)⁻¹X'A M A X(X'AX)⁻¹ with M = diag(vᵢ + τ²).
func (m *model) userWeightedVcov(tau2, s2w float64, vcov []float64) error {
	d, s := m.d, m.s
	p := d.p
	if err := s.factor(d.a); err != nil {
		return errs.New(errs.Singular, "meta", "X'AX with the user weights is not positive definite; check for zero weights in a moderator's levels")
	}
	s.solve(d.a, m.y)
	for i, a := range d.a {
		s.u[i] = a * a * (d.v[i] + tau2)
	}
	s.crossprod(s.m1, s.u)
	mul(s.t1, s.ainv, s.m1, p)
	mul(s.t2, s.t1, s.ainv, p)
	for i := range vcov {
		vcov[i] = s2w * s.t2[i]
	}
	return nil
}

// logLikUserWeights is metafor's ll.ML / ll.REML of a fit with user
// weights: the residuals are those of β̂ (beta), weighted by 1/(vᵢ + τ²).
func (m *model) logLikUserWeights(tau2 float64, beta []float64, reml bool) (float64, error) {
	d := m.d
	k, p := float64(d.k), float64(d.p)
	var rss, sl float64
	for i := 0; i < d.k; i++ {
		e := d.y[i]
		for j := 0; j < d.p; j++ {
			e -= d.x[i*d.p+j] * beta[j]
		}
		vt := d.v[i] + tau2
		rss += e * e / vt
		sl += math.Log(vt)
	}
	if !reml {
		return -0.5*k*math.Log(2*math.Pi) - 0.5*sl - 0.5*rss, nil
	}
	if err := m.s.factor(nil); err != nil {
		return math.NaN(), err
	}
	ldx := m.s.logdet
	if err := m.setWeights(tau2); err != nil {
		return math.NaN(), err
	}
	return -0.5*(k-p)*math.Log(2*math.Pi) + 0.5*ldx - 0.5*sl - 0.5*m.s.logdet - 0.5*rss, nil
}

// r2FEUserWeights is the adjusted R² (in percent, truncated at 0) of the
// weighted regression lm(yi ~ X, weights = a), metafor's R² of an FE
// meta-regression with user weights.
func (m *model) r2FEUserWeights() float64 {
	d := m.d
	var sa, say float64
	for i, a := range d.a {
		sa += a
		say += a * d.y[i]
	}
	mean := say / sa
	var tss float64
	for i, a := range d.a {
		tss += a * sq(d.y[i]-mean)
	}
	if tss == 0 {
		return 0
	}
	if err := m.s.factor(d.a); err != nil {
		return math.NaN()
	}
	rss, _ := m.s.solve(d.a, m.y)
	// lm counts only the observations with positive weight.
	var k float64
	for _, a := range d.a {
		if a > 0 {
			k++
		}
	}
	p := float64(d.p)
	adj := 1 - (rss/tss)*(k-1)/(k-p)
	return math.Max(0, 100*adj)
}

// StudyWeights returns the weight of each analysed study in percent, as
// metafor's weights(res): 100·aᵢ/Σa with user weights, else 100·wᵢ/Σw with
// wᵢ = 1/(vᵢ + τ̂²).
func (r *Result) StudyWeights() []float64 {
	if r == nil || r.d == nil {
		return nil
	}
	w := make([]float64, r.d.k)
	var s float64
	for i, v := range r.d.v {
		if r.d.a != nil {
			w[i] = r.d.a[i]
		} else {
			w[i] = 1 / (v + r.Tau2)
		}
		s += w[i]
	}
	for i := range w {
		w[i] *= 100 / s
	}
	return w
}

// UserWeighted reports whether the model was fitted with user weights.
func (r *Result) UserWeighted() bool { return r != nil && r.d != nil && r.d.a != nil }

// refuseUserWeights is the error of an analysis not available for a model
// with user weights.
func (r *Result) refuseUserWeights(what, why string) error {
	if !r.UserWeighted() {
		return nil
	}
	return errs.New(errs.InvalidOption, "meta", "%s is not available for a model with user weights (%s); fit the model without weights for it", what, why)
}
