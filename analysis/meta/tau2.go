package meta

import (
	"fmt"
	"math"
	"sort"

	"github.com/alliance-research/alliance/internal/optim"
)

// model couples a design with its WLS workspace and scratch weights.
type model struct {
	d   *design
	s   *wls
	y   []float64 // effect sizes (the design's, or a permuted/sign-flipped copy)
	yc  []float64 // y centred at its mean, as metafor uses for estimating τ²
	w   []float64 // weights scratch
	opt Options
}

func newModel(d *design, opt Options) *model {
	m := &model{d: d, s: newWLS(d.x, d.k, d.p), y: d.y,
		yc: make([]float64, d.k), w: make([]float64, d.k), opt: opt}
	m.center()
	return m
}

func (m *model) center() {
	var mean float64
	for _, y := range m.y {
		mean += y
	}
	mean /= float64(len(m.y))
	for i, y := range m.y {
		m.yc[i] = y - mean
	}
}

// setWeights sets w = 1/(v + tau2) and factors X'WX.
func (m *model) setWeights(tau2 float64) error {
	for i, v := range m.d.v {
		m.w[i] = 1 / (v + tau2)
	}
	return m.s.factor(m.w)
}

// typicalV returns k / Σ(1/vᵢ), the scale used in the convergence test.
func (m *model) typicalV() float64 {
	var s float64
	for _, v := range m.d.v {
		s += 1 / v
	}
	return float64(len(m.d.v)) / s
}

// qAt returns the generalised Q statistic y'P(τ²)y with weights 1/(vᵢ + τ²),
// the function whose root gives the Paule–Mandel estimate and the Q-profile
// confidence interval.
func (m *model) qAt(tau2 float64) (float64, error) {
	return m.s.weightedQ(m.d.v, tau2, m.yc)
}

// logLikAt returns the ML or REML log-likelihood at τ² (metafor's
// ll.ML/ll.REML, with REML's ½ log det(X'X) term).
func (m *model) logLikAt(tau2 float64, reml bool) (float64, error) {
	k, p := float64(m.d.k), float64(m.d.p)
	if err := m.setWeights(tau2); err != nil {
		return math.NaN(), err
	}
	rss, _ := m.s.solve(m.w, m.yc)
	var sl float64
	for _, v := range m.d.v {
		sl += math.Log(v + tau2)
	}
	if !reml {
		return -0.5*k*math.Log(2*math.Pi) - 0.5*sl - 0.5*rss, nil
	}
	ld := m.s.logdet
	if err := m.s.factor(nil); err != nil {
		return math.NaN(), err
	}
	ldx := m.s.logdet
	return -0.5*(k-p)*math.Log(2*math.Pi) + 0.5*ldx - 0.5*sl - 0.5*ld - 0.5*rss, nil
}

// tau2Est is an estimate of τ² with its standard error (NaN if none).
type tau2Est struct {
	tau2, se float64
	iter     int
	notes    []string
}

// estimateTau2 applies the estimator of opt.Method, with metafor 3.8's
// definitions (rma.uni):
//
//	HE:   τ² = (y'P₀y − tr(P₀V))/(k − p),      P₀ = I − X(X'X)⁻¹X'
//	HS:   τ² = (y'Py − k)/Σwᵢ,                  wᵢ = 1/vᵢ
//	DL:   τ² = (y'Py − (k − p))/tr(P),          wᵢ = 1/vᵢ
//	SJ:   τ² = τ₀² y'Py/(k − p),                wᵢ = 1/(vᵢ + τ₀²), τ₀² = Σ(yᵢ − ȳ)²/k
//	ML:   Fisher scoring, Δ = (y'PPy − Σwᵢ)/Σwᵢ²
//	REML: Fisher scoring, Δ = (y'PPy − tr(P))/tr(PP)
//	EB:   Δ = (y'Py·k/(k − p) − k)/Σwᵢ
//	PM:   the root of y'Py = k − p (Paule & Mandel 1982)
//
// with P = W − WX(X'WX)⁻¹X'W; ML, REML and EB start at max(0, HE), and all
// estimates are truncated at 0. Standard errors are metafor's.
func (m *model) estimateTau2() (tau2Est, error) {
	opt := m.opt
	k, p := m.d.k, m.d.p
	kp := float64(k - p)
	nan := math.NaN()
	if opt.isFE() {
		return tau2Est{tau2: 0, se: nan}, nil
	}
	if opt.Tau2 != nil {
		return tau2Est{tau2: *opt.Tau2, se: nan}, nil
	}
	if k == 1 {
		return tau2Est{tau2: 0, se: nan, notes: []string{"k = 1: τ² cannot be estimated from one study and is set to 0"}}, nil
	}
	if k <= p {
		return tau2Est{}, fmt.Errorf("meta: %d studies for %d coefficients: τ² cannot be estimated with method %s; use fewer moderators, method FE, or fix tau2", k, p, opt.Method)
	}
	v := m.d.v
	switch opt.Method {
	case HE, ML, REML, EB:
		if err := m.s.factor(nil); err != nil {
			return tau2Est{}, err
		}
		rss, _ := m.s.solve(nil, m.yc)
		trPV := m.s.trPD(nil, v)
		t := (rss - trPV) / kp
		if opt.Method == HE {
			t = math.Max(0, t)
			trPVPV := m.s.trPDPE(nil, v, v)
			se := math.Sqrt((2*trPVPV + 4*t*trPV + 2*t*t*kp) / (kp * kp))
			return tau2Est{tau2: t, se: se}, nil
		}
		return m.fisher(math.Max(0, t))
	case HS, DL:
		var sw, sw2 float64
		for i, vi := range v {
			m.w[i] = 1 / vi
			sw += m.w[i]
			sw2 += m.w[i] * m.w[i]
		}
		if err := m.s.factor(m.w); err != nil {
			return tau2Est{}, err
		}
		rss, _ := m.s.solve(m.w, m.yc)
		trP := m.s.trP(m.w)
		var t, denom float64
		if opt.Method == HS {
			t, denom = (rss-float64(k))/sw, sw
		} else {
			t, denom = (rss-kp)/trP, trP
		}
		t = math.Max(0, t)
		sumPP := m.s.trPDPE(m.w, nil, nil)
		se := math.Sqrt((2*kp + 4*t*trP + 2*t*t*sumPP) / (denom * denom))
		return tau2Est{tau2: t, se: se}, nil
	case SJ:
		var t0 float64
		for _, y := range m.yc {
			t0 += y * y
		}
		t0 /= float64(k)
		if err := m.setWeights(t0); err != nil {
			return tau2Est{}, err
		}
		rss, _ := m.s.solve(m.w, m.yc)
		t := math.Max(0, t0*rss/kp)
		trPVPV := m.s.trPDPE(m.w, v, v)
		trPVP := m.s.trPDPE(m.w, v, nil)
		sumPP := m.s.trPDPE(m.w, nil, nil)
		se := math.Sqrt(t0 * t0 / (kp * kp) * (2*trPVPV + 4*t*trPVP + 2*t*t*sumPP))
		return tau2Est{tau2: t, se: se}, nil
	case PM:
		t, err := m.pauleMandel()
		if err != nil {
			return tau2Est{}, err
		}
		return tau2Est{tau2: t, se: m.seEB(t)}, nil
	}
	return tau2Est{}, fmt.Errorf("meta: unknown method %q", opt.Method)
}

// seEB is metafor's standard error for the EB and PM estimators,
// sqrt(2k²/(k − p) / (Σwᵢ)²) with wᵢ = 1/(vᵢ + τ²).
func (m *model) seEB(t float64) float64 {
	k, p := float64(m.d.k), float64(m.d.p)
	var sw float64
	for _, v := range m.d.v {
		sw += 1 / (v + t)
	}
	return math.Sqrt(2 * k * k / (k - p) / (sw * sw))
}

// fisher runs metafor's Fisher scoring for ML, REML and EB from t.
func (m *model) fisher(t float64) (tau2Est, error) {
	opt := m.opt
	k, p := float64(m.d.k), float64(m.d.p)
	vt := m.typicalV()
	iter := 0
	for {
		iter++
		if iter > opt.MaxIter {
			return tau2Est{}, fmt.Errorf("meta: %s (Fisher scoring) did not converge in %d iterations (τ² = %g); raise MaxIter, loosen Tol, or use method DL or PM", opt.Method, opt.MaxIter, t)
		}
		if err := m.setWeights(t); err != nil {
			return tau2Est{}, err
		}
		rss, rss2 := m.s.solve(m.w, m.yc)
		var adj float64
		switch opt.Method {
		case ML:
			var sw, sw2 float64
			for _, w := range m.w {
				sw += w
				sw2 += w * w
			}
			adj = (rss2 - sw) / sw2
		case REML:
			trP := m.s.trP(m.w)
			trPP := m.s.trPDPE(m.w, nil, nil)
			adj = (rss2 - trP) / trPP
		case EB:
			var sw float64
			for _, w := range m.w {
				sw += w
			}
			adj = (rss*k/(k-p) - k) / sw
		}
		if math.IsNaN(adj) {
			return tau2Est{}, fmt.Errorf("meta: %s (Fisher scoring) step is NaN at τ² = %g; check for extreme yi or vi", opt.Method, t)
		}
		if t == 0 && adj < 0 {
			adj = 0
		}
		for t+adj < 0 {
			adj /= 2
		}
		old := t
		t += adj
		if math.Abs(t-old) <= opt.Tol*(t+vt) {
			break
		}
	}
	// At the boundary the iterates approach 0 geometrically; when the score
	// at 0 points down, the maximum is exactly 0.
	if t > 0 && t <= 1e3*opt.Tol*vt && m.method() != EB {
		if err := m.setWeights(0); err != nil {
			return tau2Est{}, err
		}
		_, rss2 := m.s.solve(m.w, m.yc)
		var score float64
		if m.method() == REML {
			score = rss2 - m.s.trP(m.w)
		} else {
			var sw float64
			for _, w := range m.w {
				sw += w
			}
			score = rss2 - sw
		}
		if score <= 0 {
			t = 0
		}
	}
	var notes []string
	if t > 0 && m.method() != EB {
		// metafor's ll0check: a local maximum worse than τ² = 0 is replaced by 0.
		reml := m.method() == REML
		ll, err1 := m.logLikAt(t, reml)
		ll0, err2 := m.logLikAt(0, reml)
		if err1 == nil && err2 == nil && ll0-ll > 1e-8*(1+math.Abs(ll)) {
			notes = append(notes, "Fisher scoring stopped at a local maximum below the likelihood at τ² = 0; τ² set to 0")
			t = 0
		}
	}
	est := tau2Est{tau2: t, iter: iter, notes: notes}
	switch m.method() {
	case ML:
		var sw2 float64
		for _, v := range m.d.v {
			w := 1 / (v + t)
			sw2 += w * w
		}
		est.se = math.Sqrt(2 / sw2)
	case REML:
		if err := m.setWeights(t); err != nil {
			return tau2Est{}, err
		}
		est.se = math.Sqrt(2 / m.s.trPDPE(m.w, nil, nil))
	case EB:
		est.se = m.seEB(t)
	}
	return est, nil
}

func (m *model) method() string { return m.opt.Method }

// pauleMandel solves y'P(τ²)y = k − p on [0, τ²max] with Brent's method,
// τ²max = max(100, 10·mad(y)²) as metafor.
func (m *model) pauleMandel() (float64, error) {
	target := float64(m.d.k - m.d.p)
	q0, err := m.qAt(0)
	if err != nil {
		return 0, err
	}
	if q0 < target {
		return 0, nil
	}
	hi := math.Max(100, 10*sq(mad(m.y)))
	qh, err := m.qAt(hi)
	if err != nil {
		return 0, err
	}
	if qh > target {
		return 0, fmt.Errorf("meta: PM: Q(τ² = %g) = %g still exceeds k − p = %g; the effects are extremely heterogeneous for their variances — check yi and vi, or use method REML", hi, qh, target)
	}
	var ferr error
	r, err := optim.Root(func(t float64) float64 {
		q, e := m.qAt(t)
		if e != nil {
			ferr = e
		}
		return q - target
	}, 0, hi, 0, m.opt.MaxIter)
	if ferr != nil {
		return 0, ferr
	}
	if err != nil {
		return 0, fmt.Errorf("meta: PM: %w", err)
	}
	return r.X, nil
}

func sq(x float64) float64 { return x * x }

// mad is R's mad(): 1.4826 × the median absolute deviation from the median.
func mad(x []float64) float64 {
	s := append([]float64(nil), x...)
	med := median(s)
	for i := range s {
		s[i] = math.Abs(s[i] - med)
	}
	return 1.4826 * median(s)
}

func median(s []float64) float64 {
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
