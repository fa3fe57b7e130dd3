package meta

import (
	"fmt"
	"math"
	"sort"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/optim"
)

// model couples a design with its WLS workspace and scratch weights.
type model struct {
	d   *design
	s   *wls
	y   []float64 // effect sizes (the design's, or a permuted/sign-flipped copy)
	yc  []float64 // y centred at its mean, as metafor uses for estimating τ²
	w   []float64 // weights scratch
	opt Options
	// warm, when not NaN, starts Fisher scoring (ML, REML, EB) at this τ²
	// instead of at the HE estimate: refits of nearly the same data
	// (leave-one-out, cumulative, trim-and-fill) converge in a few steps to
	// the same fixed point.
	warm float64
	// noSE skips the standard error of τ̂² (fits whose τ̂² is only an
	// intermediate step, such as trim and fill's iterations).
	noSE bool
	// vt caches typicalV when a caller knows it (NaN: compute it).
	vt float64
}

func newModel(d *design, opt Options) *model {
	m := &model{d: d, s: newWLS(d.x, d.k, d.p), y: d.y,
		yc: make([]float64, d.k), w: make([]float64, d.k), opt: opt, warm: math.NaN(), vt: math.NaN()}
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
	if !math.IsNaN(m.vt) {
		return m.vt
	}
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
	if m.d.p == 1 {
		// Intercept-only: one pass, log det(X'X) = log k.
		var sl, sw, swy, swy2 float64
		yc := m.yc[:len(m.d.v)]
		for i, v := range m.d.v {
			vt := v + tau2
			w := 1 / vt
			wy := w * yc[i]
			sl += math.Log(vt)
			sw += w
			swy += wy
			swy2 += wy * yc[i]
		}
		rss := swy2 - swy*swy/sw
		if !reml {
			return -0.5*k*math.Log(2*math.Pi) - 0.5*sl - 0.5*rss, nil
		}
		return -0.5*(k-p)*math.Log(2*math.Pi) + 0.5*math.Log(k) - 0.5*sl - 0.5*math.Log(sw) - 0.5*rss, nil
	}
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
		return tau2Est{}, errs.New(errs.TooFew, "meta", "%d studies for %d coefficients: τ² cannot be estimated with method %s; use fewer moderators, method FE, or fix tau2", k, p, opt.Method)
	}
	v := m.d.v
	switch opt.Method {
	case HE, ML, REML, EB:
		if opt.Method != HE && !math.IsNaN(m.warm) && m.warm >= 0 {
			return m.fisher(m.warm)
		}
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
	case HSk, PMM, GENQ, GENQM:
		return m.estimateTau2More()
	}
	return tau2Est{}, errs.New(errs.InvalidOption, "meta", "unknown method %q", opt.Method)
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
	vt := m.typicalV()
	iter := 0
	for {
		iter++
		if iter > opt.MaxIter {
			return tau2Est{}, errs.New(errs.NoConvergence, "meta", "%s (Fisher scoring) did not converge in %d iterations (τ² = %g); raise MaxIter, loosen Tol, or use method DL or PM", opt.Method, opt.MaxIter, t)
		}
		var adj float64
		if m.d.p == 1 {
			adj = m.fisherStep1(t)
		} else {
			adj = m.fisherStep(t)
		}
		if math.IsInf(adj, 0) {
			return tau2Est{}, errs.New(errs.Singular, "meta", "%s (Fisher scoring): X'WX is degenerate at τ² = %g", opt.Method, t)
		}
		if math.IsNaN(adj) {
			return tau2Est{}, errs.New(errs.Singular, "meta", "%s (Fisher scoring) step is NaN at τ² = %g; check for extreme yi or vi", opt.Method, t)
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
	return m.fisherFinish(t, iter)
}

// fisherStep returns the Fisher-scoring step at τ² = t for a general design.
func (m *model) fisherStep(t float64) float64 {
	k, p := float64(m.d.k), float64(m.d.p)
	if err := m.setWeights(t); err != nil {
		return math.Inf(1)
	}
	rss, rss2 := m.s.solve(m.w, m.yc)
	var adj float64
	switch m.opt.Method {
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
	return adj
}

// parallelMin is the number of studies from which the one-pass sums of the
// intercept-only Fisher step are split over two goroutines.
const parallelMin = 1 << 17

// splitSums returns sums(0, n), computed as two fixed halves in parallel
// when n ≥ parallelMin (whatever the number of CPUs, so that results do not
// depend on the machine).
func splitSums(n int, sums func(lo, hi int) [7]float64) [7]float64 {
	if n < parallelMin {
		return sums(0, n)
	}
	var b [7]float64
	done := make(chan struct{})
	go func() { b = sums(n/2, n); close(done) }()
	a := sums(0, n/2)
	<-done
	for j := range a {
		a[j] += b[j]
	}
	return a
}

// fisherStep1 is fisherStep for an intercept-only model in one pass over
// the data: with wᵢ = 1/(vᵢ + t) and power sums Sₐ = Σwᵢᵃ,
// β = Σwy/S₁, y'Py = Σw(y − β)², y'PPy = Σw²(y − β)², tr P = S₁ − S₂/S₁
// and tr PP = S₂ − 2S₃/S₁ + (S₂/S₁)².
func (m *model) fisherStep1(t float64) float64 {
	var a [7]float64
	if n := len(m.d.v); n < parallelMin {
		a = m.fisherSums(t, 0, n) // no closure: small fits (GOSH) do not allocate
	} else {
		a = splitSums(n, func(lo, hi int) [7]float64 { return m.fisherSums(t, lo, hi) })
	}
	sw, sw2, sw3, swy, swy2, sw2y, sw2y2 := a[0], a[1], a[2], a[3], a[4], a[5], a[6]
	b := swy / sw
	k, p := float64(m.d.k), 1.0
	switch m.opt.Method {
	case ML:
		rss2 := sw2y2 - 2*b*sw2y + b*b*sw2
		return (rss2 - sw) / sw2
	case REML:
		rss2 := sw2y2 - 2*b*sw2y + b*b*sw2
		trP := sw - sw2/sw
		r := sw2 / sw
		trPP := sw2 - 2*sw3/sw + r*r
		return (rss2 - trP) / trPP
	default: // EB
		rss := swy2 - b*swy
		return (rss*k/(k-p) - k) / sw
	}
}

// fisherSums are the power sums of fisherStep1 over rows [lo, hi).
func (m *model) fisherSums(t float64, lo, hi int) (s [7]float64) {
	yc := m.yc[:len(m.d.v)]
	for i, v := range m.d.v[lo:hi] {
		w := 1 / (v + t)
		y := yc[lo+i]
		wy := w * y
		w2 := w * w
		s[0] += w
		s[1] += w2
		s[2] += w2 * w
		s[3] += wy
		s[4] += wy * y
		s[5] += w2 * y
		s[6] += w2 * y * y
	}
	return s
}

// fisherFinish applies the boundary and ll0 checks and the standard error.
func (m *model) fisherFinish(t float64, iter int) (tau2Est, error) {
	opt := m.opt
	vt := m.typicalV()
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
		if m.d.p == 1 && m.llAboveZero(t, reml) {
			goto done
		}
		ll, err1 := m.logLikAt(t, reml)
		ll0, err2 := m.logLikAt(0, reml)
		if err1 == nil && err2 == nil && ll0-ll > 1e-8*(1+math.Abs(ll)) {
			notes = append(notes, "Fisher scoring stopped at a local maximum below the likelihood at τ² = 0; τ² set to 0")
			t = 0
		}
	}
done:
	est := tau2Est{tau2: t, iter: iter, notes: notes}
	if m.noSE {
		est.se = math.NaN()
		return est, nil
	}
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
	return m.qRoot(float64(m.d.k-m.d.p), "PM")
}

// qRoot solves y'P(τ²)y = target on [0, τ²max] (0 when Q(0) < target).
func (m *model) qRoot(target float64, name string) (float64, error) {
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
		return 0, errs.New(errs.NoConvergence, "meta: "+name, "Q(τ² = %g) = %g still exceeds the target %g; the effects are extremely heterogeneous for their variances — check yi and vi, or use method REML", hi, qh, target)
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
		return 0, fmt.Errorf("meta: %s: %w", name, err)
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

// llAboveZero reports whether the (restricted) log-likelihood of an
// intercept-only model at τ² = t provably exceeds that at 0, using
// log(1 + x) ≤ x/√(1 + x) (x = t/vᵢ) to bound Σ log(1 + t/vᵢ) without
// logarithms. When it returns false the exact comparison is needed.
func (m *model) llAboveZero(t float64, reml bool) bool {
	var a [7]float64
	if n := len(m.d.v); n < parallelMin {
		a = m.llSums(t, 0, n)
	} else {
		a = splitSums(n, func(lo, hi int) [7]float64 { return m.llSums(t, lo, hi) })
	}
	b, sw0, swy0, swy20, swt, swyt, swy2t := a[0], a[1], a[2], a[3], a[4], a[5], a[6]
	rss0 := swy20 - swy0*swy0/sw0
	rsst := swy2t - swyt*swyt/swt
	lower := -0.5*b - 0.5*(rsst-rss0) // ≤ ll(t) − ll(0)
	if reml {
		lower += -0.5*math.Log(swt) + 0.5*math.Log(sw0)
	}
	return lower > 1e-9*(1+math.Abs(rsst))
}

// llSums are the sums of llAboveZero over rows [lo, hi).
func (m *model) llSums(t float64, lo, hi int) (s [7]float64) {
	yc := m.yc[:len(m.d.v)]
	for i, v := range m.d.v[lo:hi] {
		x := t / v
		s[0] += x / math.Sqrt(1+x)
		y := yc[lo+i]
		w0, wt := 1/v, 1/(v+t)
		s[1] += w0
		s[2] += w0 * y
		s[3] += w0 * y * y
		s[4] += wt
		s[5] += wt * y
		s[6] += wt * y * y
	}
	return s
}
