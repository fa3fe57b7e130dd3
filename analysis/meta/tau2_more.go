package meta

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/optim"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// estimateTau2More applies the estimators HSk, PMM, GENQ and GENQM, with
// metafor 3.8's definitions (rma.uni):
//
//	HSk:   τ² = (y'Py·k/(k − p) − k)/Σwᵢ,           wᵢ = 1/vᵢ (Hunter & Schmidt 2004, with Brannick et al.'s k/(k − p))
//	PMM:   the root of y'P(τ²)y = χ²_{k−p, .5},      wᵢ = 1/(vᵢ + τ²) (Viechtbauer 2021, median-unbiased PM)
//	GENQ:  τ² = (y'P_A y − tr(P_A V))/tr(P_A),       P_A = A − AX(X'AX)⁻¹X'A, A = diag(aᵢ) (DerSimonian & Kacker 2007)
//	GENQM: the τ² at which y'P_A y is the median of its distribution Σⱼ λⱼ(τ²) χ²₁,
//	       λⱼ the k − p non-zero eigenvalues of S P_A S, S = diag(√(vᵢ + τ²)) (Jackson 2013)
//
// with aᵢ the user weights (Options.Weights); all are truncated at 0.
// Standard errors are metafor's: HSk k/(k − p) times HS's; PMM that of PM
// and EB, √(2k²/(k − p))/Σwᵢ; GENQ and GENQM
//
//	√(2 tr(P_A V P_A V) + 4τ² tr(P_A V P_A) + 2τ⁴ tr(P_A P_A)) / tr(P_A).
func (m *model) estimateTau2More() (tau2Est, error) {
	k, p := m.d.k, m.d.p
	kp := float64(k - p)
	v := m.d.v
	switch m.opt.Method {
	case HSk:
		var sw float64
		for i, vi := range v {
			m.w[i] = 1 / vi
			sw += m.w[i]
		}
		if err := m.s.factor(m.w); err != nil {
			return tau2Est{}, err
		}
		rss, _ := m.s.solve(m.w, m.yc)
		t := math.Max(0, (float64(k)/kp*rss-float64(k))/sw)
		trP := m.s.trP(m.w)
		sumPP := m.s.trPDPE(m.w, nil, nil)
		se := float64(k) / kp * math.Sqrt((2*kp+4*t*trP+2*t*t*sumPP)/(sw*sw))
		return tau2Est{tau2: t, se: se}, nil
	case PMM:
		target := distuv.ChiSquared{K: kp}.Quantile(0.5)
		t, err := m.qRoot(target, "PMM")
		if err != nil {
			return tau2Est{}, err
		}
		return tau2Est{tau2: t, se: m.seEB(t)}, nil
	}
	a := m.d.a
	if a == nil {
		return tau2Est{}, errs.New(errs.InvalidOption, "meta", "method %s needs user weights (the aᵢ of the generalised Q statistic); give weights, e.g. the sample sizes", m.opt.Method)
	}
	if err := m.s.factor(a); err != nil {
		return tau2Est{}, err
	}
	q, _ := m.s.solve(a, m.yc)
	trP := m.s.trP(a)
	var t float64
	if m.opt.Method == GENQ {
		t = math.Max(0, (q-m.s.trPD(a, v))/trP)
	} else {
		g, err := m.newGenQ()
		if err != nil {
			return tau2Est{}, err
		}
		f0, err := g.cdf(0)
		if err != nil {
			return tau2Est{}, err
		}
		// F(τ²) = P(Q_A ≤ q_obs | τ²) decreases in τ²; below the median
		// at τ² = 0 the estimate is 0.
		if f0 >= 0.5 {
			hi := math.Max(100, 10*sq(mad(m.y)))
			fh, err := g.cdf(hi)
			if err != nil {
				return tau2Est{}, err
			}
			if fh > 0.5 {
				return tau2Est{}, errs.New(errs.NoConvergence, "meta: GENQM", "the generalised Q is still above its median at τ² = %g; the effects are extremely heterogeneous for their variances — check yi and vi, or use method GENQ", hi)
			}
			var ferr error
			res, rerr := optim.Root(func(t float64) float64 {
				f, e := g.cdf(t)
				if e != nil {
					ferr = e
				}
				return 0.5 - f
			}, 0, hi, 1e-12, m.opt.MaxIter)
			if ferr != nil {
				return tau2Est{}, ferr
			}
			if rerr != nil {
				return tau2Est{}, fmt.Errorf("meta: GENQM: %w", rerr)
			}
			t = res.X
		}
		if err := m.s.factor(a); err != nil {
			return tau2Est{}, err
		}
	}
	trPVPV := m.s.trPDPE(a, v, v)
	trPVP := m.s.trPDPE(a, v, nil)
	sumPP := m.s.trPDPE(a, nil, nil)
	se := math.Sqrt(2*trPVPV+4*t*trPVP+2*t*t*sumPP) / trP
	return tau2Est{tau2: t, se: se}, nil
}

// genQ is the distribution of the generalised Q statistic Q_A = y'P_A y
// under the random-effects model with a given τ²: Q_A = Σⱼ λⱼ χ²₁ with λⱼ
// the eigenvalues of S P_A S, S = diag(√(vᵢ + τ²)) (Jackson 2013).
type genQ struct {
	k, p int
	pa   []float64 // P_A, k×k row-major
	v    []float64
	q    float64 // the observed Q_A
	s    *mat.SymDense
	eig  mat.EigenSym
	lam  []float64
}

// newGenQ forms P_A and Q_A for m's data (O(k²p²) time, O(k²) memory).
func (m *model) newGenQ() (*genQ, error) {
	d, s := m.d, m.s
	k, p := d.k, d.p
	if err := s.factor(d.a); err != nil {
		return nil, err
	}
	q, _ := s.solve(d.a, m.yc)
	pa := make([]float64, k*k)
	t := make([]float64, p)
	for i := 0; i < k; i++ {
		xi := d.x[i*p : (i+1)*p]
		for b := 0; b < p; b++ {
			var u float64
			for c := 0; c < p; c++ {
				u += s.ainv[b*p+c] * xi[c]
			}
			t[b] = u
		}
		for j := 0; j <= i; j++ {
			xj := d.x[j*p : (j+1)*p]
			var h float64
			for b := 0; b < p; b++ {
				h += t[b] * xj[b]
			}
			e := -d.a[i] * d.a[j] * h
			if i == j {
				e += d.a[i]
			}
			pa[i*k+j], pa[j*k+i] = e, e
		}
	}
	return &genQ{k: k, p: p, pa: pa, v: d.v, q: q, s: mat.NewSymDense(k, nil), lam: make([]float64, 0, k)}, nil
}

// cdf returns P(Q_A ≤ q_obs) when the heterogeneity is tau2.
func (g *genQ) cdf(tau2 float64) (float64, error) {
	k := g.k
	sd := make([]float64, k)
	for i, v := range g.v {
		sd[i] = math.Sqrt(v + tau2)
	}
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			g.s.SetSym(i, j, sd[i]*g.pa[i*k+j]*sd[j])
		}
	}
	if !g.eig.Factorize(g.s, false) {
		return math.NaN(), errs.New(errs.Singular, "meta: GENQM", "the eigenvalues of the generalised Q's matrix could not be computed at τ² = %g", tau2)
	}
	vals := g.eig.Values(nil) // ascending
	top := vals[g.p:]         // the k − p largest, as metafor
	g.lam = g.lam[:0]
	mx := top[len(top)-1]
	for _, l := range top {
		if l > 1e-12*mx {
			g.lam = append(g.lam, l)
		}
	}
	return chisqMixCDF(g.lam, g.q)
}

// chisqMixCDF returns P(Σⱼ λⱼ Xⱼ ≤ x) for independent Xⱼ ~ χ²₁ and λⱼ > 0
// by Ruben's (1962) series: with β = min λⱼ and γⱼ = 1 − β/λⱼ ∈ [0, 1),
//
//	P = Σₙ aₙ F_{m+2n}(x/β),  a₀ = Πⱼ √(β/λⱼ),  aₙ = (1/n) Σᵣ₌₁ⁿ gᵣ aₙ₋ᵣ,  gᵣ = ½ Σⱼ γⱼʳ,
//
// F_ν the χ²_ν distribution function, computed by the recurrence
// F_{ν+2}(z) = F_ν(z) − (z/2)^{ν/2} e^{−z/2} / Γ(ν/2 + 1). The aₙ are
// non-negative and sum to 1, and F_ν decreases in ν, so after N terms the
// error is at most (1 − Σaₙ)·F_{m+2N}; the sum stops below 1e-14.
func chisqMixCDF(lam []float64, x float64) (float64, error) {
	m := len(lam)
	if m == 0 {
		return math.NaN(), errs.New(errs.Singular, "meta: GENQM", "the generalised Q has no positive eigenvalue")
	}
	if x <= 0 {
		return 0, nil
	}
	beta := lam[0]
	for _, l := range lam {
		beta = math.Min(beta, l)
	}
	gam := make([]float64, m)
	pow := make([]float64, m)
	var la0 float64
	for j, l := range lam {
		gam[j] = 1 - beta/l
		pow[j] = 1
		la0 += 0.5 * math.Log(beta/l)
	}
	a0 := math.Exp(la0)
	if a0 == 0 {
		return math.NaN(), errs.New(errs.NoConvergence, "meta: GENQM", "the distribution of the generalised Q cannot be computed (its %d eigenvalues are too spread out)", m)
	}
	const maxTerms = 20000
	z := x / beta
	nu := float64(m)
	f := distuv.ChiSquared{K: nu}.CDF(z)
	lg, _ := math.Lgamma(nu/2 + 1)
	dens := math.Exp(nu/2*math.Log(z/2) - z/2 - lg)
	c := make([]float64, 1, 256) // aₙ/a₀
	c[0] = 1
	gs := make([]float64, 1, 256) // gᵣ, index r
	total := a0 * f
	asum := a0
	for n := 1; n <= maxTerms; n++ {
		if (1-asum)*f <= 1e-14 {
			return math.Min(1, math.Max(0, total)), nil
		}
		var g float64
		for j := range pow {
			pow[j] *= gam[j]
			g += pow[j]
		}
		gs = append(gs, 0.5*g)
		var cn float64
		for r := 1; r <= n; r++ {
			cn += gs[r] * c[n-r]
		}
		cn /= float64(n)
		c = append(c, cn)
		f -= dens
		if f < 0 {
			f = 0
		}
		dens *= (z / 2) / (nu/2 + 1)
		nu += 2
		an := a0 * cn
		total += an * f
		asum += an
	}
	return math.NaN(), errs.New(errs.NoConvergence, "meta: GENQM", "the series for the distribution of the generalised Q did not converge in %d terms (its eigenvalues are too spread out)", maxTerms)
}

// genqProfile sets the generalised Q-profile CI of τ² for GENQ and GENQM
// fits (Jackson 2013; metafor's confint type "GENQ", its default for these
// methods): with F(τ²) = P(Q_A ≤ q_obs | τ²), which decreases in τ², the
// bounds solve F(τ²_lb) = 1 − α/2 and F(τ²_ub) = α/2 on
// [0, max(100, 10τ̂²)], truncated at the ends as qprofile.
func (m *model) genqProfile(r *Result) error {
	g, err := m.newGenQ()
	if err != nil {
		return err
	}
	alpha := 1 - r.Level
	return r.invertProfile(g.cdf, [2]float64{alpha / 2, 1 - alpha/2}, 1e-12, "the generalised Q at τ² = 0 is below its lower critical value")
}
