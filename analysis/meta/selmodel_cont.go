package meta

import (
	"fmt"
	"math"
	"runtime"

	"github.com/alliance-research/alliance/internal/parallel"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"github.com/alliance-research/alliance/analysis/internal/wald"
	"gonum.org/v1/gonum/stat/distuv"
)

// The selection-function types of SelModel (metafor's type argument).
const (
	SelStepFun   = "stepfun"
	SelBeta      = "beta"
	SelHalfNorm  = "halfnorm"
	SelNegExp    = "negexp"
	SelLogistic  = "logistic"
	SelPower     = "power"
	SelNegExpPow = "negexppow"
)

// SelTypes lists the selection-function types in metafor's order.
var SelTypes = []string{SelBeta, SelHalfNorm, SelNegExp, SelLogistic, SelPower, SelNegExpPow, SelStepFun}

// selTypeNames are the types' names in words (metafor's documentation).
var selTypeNames = map[string]string{SelBeta: "beta", SelHalfNorm: "half-normal", SelNegExp: "negative-exponential",
	SelLogistic: "logistic", SelPower: "power", SelNegExpPow: "negative-exponential-power", SelStepFun: "step"}

// SelTypeName names a selection-function type in words ("half-normal").
func SelTypeName(typ string) string { return selTypeNames[typ] }

// The precision measures of SelModelOptions.Prec (metafor's prec).
const (
	PrecSEI      = "sei"
	PrecVI       = "vi"
	PrecNInv     = "ninv"
	PrecSqrtNInv = "sqrtninv"
)

// selFun is one continuous selection function w(p; δ) (before the step
// rule and the division by its value at the step).
type selFun struct {
	nd         int       // number of δ
	min, max   []float64 // bounds of δ (metafor's delta.min, delta.max)
	init, h0   []float64 // starting value and the value under no selection
	lb         []float64 // lower bound that CIs are cut at (delta.lb)
	pmin       float64   // p-values are clipped to [pmin, 1 − pmin] (pval.min)
	prec, step bool      // accepts a precision measure / a step
	// logg returns log g(p; δ) for precision c, adding its gradient in δ to
	// g (len nd) and its Hessian to h (nd×nd) when they are not nil.
	logg func(p, c float64, d, g, h []float64) float64
}

var selFuns = map[string]*selFun{
	// Citkowicz & Vevea (2017): g = p^(δ₁−1) (1 − p)^(δ₂−1).
	SelBeta: {nd: 2, min: []float64{1e-5, 1e-5}, max: []float64{100, 100}, init: []float64{1, 1}, h0: []float64{1, 1}, lb: []float64{0, 0}, pmin: 1e-5,
		logg: func(p, _ float64, d, g, _ []float64) float64 {
			lp, lq := math.Log(p), math.Log1p(-p)
			if g != nil {
				g[0] += lp
				g[1] += lq
			}
			return (d[0]-1)*lp + (d[1]-1)*lq
		}},
	// Preston, Ashby & Smith (2004): exp(−δ c p²).
	SelHalfNorm: {nd: 1, min: []float64{0}, max: []float64{100}, init: []float64{1}, h0: []float64{0}, lb: []float64{0}, prec: true, step: true,
		logg: func(p, c float64, d, g, _ []float64) float64 {
			if g != nil {
				g[0] -= c * p * p
			}
			return -d[0] * c * p * p
		}},
	// exp(−δ c p).
	SelNegExp: {nd: 1, min: []float64{0}, max: []float64{100}, init: []float64{1}, h0: []float64{0}, lb: []float64{0}, prec: true, step: true,
		logg: func(p, c float64, d, g, _ []float64) float64 {
			if g != nil {
				g[0] -= c * p
			}
			return -d[0] * c * p
		}},
	// 2 exp(−δ c p) / (1 + exp(−δ c p)) = 2 / (1 + exp(δ c p)).
	SelLogistic: {nd: 1, min: []float64{0}, max: []float64{100}, init: []float64{1}, h0: []float64{0}, lb: []float64{0}, prec: true, step: true,
		logg: func(p, c float64, d, g, h []float64) float64 {
			x := d[0] * c * p
			sig := 1 / (1 + math.Exp(-x))
			if g != nil {
				g[0] -= c * p * sig
			}
			if h != nil {
				h[0] -= c * p * c * p * sig * (1 - sig)
			}
			return math.Ln2 - softplus(x)
		}},
	// (1 − p)^(c δ).
	SelPower: {nd: 1, min: []float64{0}, max: []float64{100}, init: []float64{1}, h0: []float64{0}, lb: []float64{0}, pmin: 1e-5, prec: true, step: true,
		logg: func(p, c float64, d, g, _ []float64) float64 {
			lq := math.Log1p(-p)
			if g != nil {
				g[0] += c * lq
			}
			return c * d[0] * lq
		}},
	// exp(−δ₁ c p^(1/δ₂)).
	SelNegExpPow: {nd: 2, min: []float64{0, 0}, max: []float64{100, 100}, init: []float64{1, 1}, h0: []float64{0, 0}, lb: []float64{0, 0}, prec: true, step: true,
		logg: func(p, c float64, d, g, h []float64) float64 {
			if p <= 0 {
				return 0
			}
			lp := math.Log(p)
			u := math.Exp(lp / d[1])
			if g != nil {
				g[0] -= c * u
				g[1] += d[0] * c * u * lp / (d[1] * d[1])
			}
			if h != nil {
				b := d[1]
				h[1] += c * u * lp / (b * b)
				h[2] += c * u * lp / (b * b)
				h[3] -= d[0] * c * u * lp * (lp/(b*b*b*b) + 2/(b*b*b))
			}
			return -d[0] * c * u
		}},
}

// softplus is log(1 + eˣ) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// selCont is the likelihood of a continuous selection model.
type selCont struct {
	f      *selFun
	y, v   []float64
	sv, c  []float64 // √vᵢ, precision cᵢ
	pobs   []float64 // observed one-sided p, clipped
	ya, yb []float64 // w varies only for ya < y < yb
	step   float64
	fixT   bool    // τ² fixed
	tau2   float64 // its value when fixed
	npar   int
	nth    int // θ = (μ, τ², δ…)
	// mesh[i] are the right ends of the pieces (as fractions of the
	// varying range) that the adaptive rule last chose for study i; with
	// adapt false they are reused, one 15-point rule per piece.
	mesh  [][]float64
	adapt bool
	sc    []*selScratch // one per worker
}

// selScratch is one worker's scratch space.
type selScratch struct {
	gw, hw   []float64
	gwc, hwc []float64
	gs, hs   []float64 // log g at the step
	mom      selMoments
	g, h     []float64 // the worker's share of ∇ℓ, ∇²ℓ
	ll       float64
	ok       bool
}

func newSelScratch(nd, nth int) *selScratch {
	return &selScratch{gw: make([]float64, nd), hw: make([]float64, nd*nd), gwc: make([]float64, nd), hwc: make([]float64, nd*nd),
		gs: make([]float64, nd), hs: make([]float64, nd*nd), g: make([]float64, nth), h: make([]float64, nth*nth)}
}

// selMoments accumulates ∫ w φ tᵐ (m ≤ 4), ∫ w φ tᵐ ∂log w (m ≤ 2) and
// ∫ w φ (∂log w ∂log wᵀ + ∂²log w) over pieces of the real line.
type selMoments struct {
	s   [5]float64
	sg  [3][2]float64
	sgg [4]float64
}

func (m *selMoments) reset() { *m = selMoments{} }

const selT = 9.0 // |t| beyond which w is treated as constant (Φ(−9) ≈ 1e-19)

// selQuadTol is the relative accuracy asked of each integral (the 15-point
// rule on a piece against the sum over its halves; the halves are kept, so
// the achieved accuracy is far better).
var selQuadTol = 1e-10

// logw returns log w(p) for study i (1 for p ≤ step, else g(p)/g(step)),
// with its δ gradient in gw and Hessian in hw.
func (l *selCont) logw(sc *selScratch, p, c float64, d []float64, gw, hw []float64) float64 {
	for j := range gw {
		gw[j] = 0
	}
	for j := range hw {
		hw[j] = 0
	}
	if l.f.step && p <= l.step {
		return 0
	}
	lw := l.f.logg(p, c, d, gw, hw)
	if l.f.step && l.step > 0 {
		for j := range sc.gs {
			sc.gs[j] = 0
		}
		for j := range sc.hs {
			sc.hs[j] = 0
		}
		lw -= l.f.logg(l.step, c, d, sc.gs, sc.hs)
		for j := range gw {
			gw[j] -= sc.gs[j]
		}
		for j := range hw {
			hw[j] -= sc.hs[j]
		}
	}
	return lw
}

func (l *selCont) clip(p float64) float64 {
	if p < l.f.pmin {
		return l.f.pmin
	}
	if p > 1-l.f.pmin {
		return 1 - l.f.pmin
	}
	return p
}

// addConst adds the moments of a piece [a, b] (in t) on which w is
// constant, with log w = lw and derivatives gw, hw.
func (l *selCont) addConst(sc *selScratch, a, b, lw float64, gw, hw []float64) {
	if !(b > a) {
		return
	}
	// M_m = ∫_a^b φ tᵐ: M₀ = Φ(b) − Φ(a), M₁ = φ(a) − φ(b),
	// M_m = a^(m−1)φ(a) − b^(m−1)φ(b) + (m−1)M_{m−2}.
	pa, pb := 0.0, 0.0
	if !math.IsInf(a, -1) {
		pa = math.Exp(-a*a/2) / math.Sqrt(2*math.Pi)
	}
	if !math.IsInf(b, 1) {
		pb = math.Exp(-b*b/2) / math.Sqrt(2*math.Pi)
	}
	var M [5]float64
	if b <= 0 {
		M[0] = normCDF(b) - normCDF(a)
	} else {
		M[0] = normSF(a) - normSF(b)
	}
	M[1] = pa - pb
	ap, bp := 1.0, 1.0 // a^(m−1), b^(m−1)
	for m := 2; m <= 4; m++ {
		if pa != 0 {
			ap *= a
		}
		if pb != 0 {
			bp *= b
		}
		M[m] = ap*pa - bp*pb + float64(m-1)*M[m-2]
	}
	w := math.Exp(lw)
	nd := l.f.nd
	mo := &sc.mom
	for m := 0; m < 5; m++ {
		mo.s[m] += w * M[m]
	}
	for m := 0; m < 3; m++ {
		for j := 0; j < nd; j++ {
			mo.sg[m][j] += w * M[m] * gw[j]
		}
	}
	for j := 0; j < nd; j++ {
		for k := 0; k < nd; k++ {
			mo.sgg[j*nd+k] += w * M[0] * (gw[j]*gw[k] + hw[j*nd+k])
		}
	}
}

// glN15 is the 15-point Gauss–Legendre rule on [−1, 1].
var glX15, glW15 = func() ([]float64, []float64) {
	x, w := make([]float64, 15), make([]float64, 15)
	legendreRule(x, w)
	return x, w
}()

// legendreRule fills the n-point Gauss–Legendre nodes and weights on
// [−1, 1] by Newton's method on Pₙ (three-term recurrence).
func legendreRule(x, w []float64) {
	n := len(x)
	for i := 0; i < n; i++ {
		z := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(n) + 0.5))
		var dp float64
		for it := 0; it < 100; it++ {
			p0, p1 := 1.0, z
			for k := 2; k <= n; k++ {
				p0, p1 = p1, ((2*float64(k)-1)*z*p1-(float64(k)-1)*p0)/float64(k)
			}
			dp = float64(n) * (z*p1 - p0) / (z*z - 1)
			dz := p1 / dp
			z -= dz
			if math.Abs(dz) < 1e-16 {
				break
			}
		}
		p0, p1 := 1.0, z
		for k := 2; k <= n; k++ {
			p0, p1 = p1, ((2*float64(k)-1)*z*p1-(float64(k)-1)*p0)/float64(k)
		}
		dp = float64(n) * (z*p1 - p0) / (z*z - 1)
		x[i], w[i] = z, 2/((1-z*z)*dp*dp)
	}
}

// glPiece adds the Gauss–Legendre moments of [a, b] for study i into m and
// returns ∫ w φ over it.
func (l *selCont) glPiece(sc *selScratch, i int, mu, s, a, b float64, d []float64, m *selMoments) float64 {
	c, h := (a+b)/2, (b-a)/2
	nd := l.f.nd
	var s0 float64
	for q, xq := range glX15 {
		t := c + h*xq
		p := l.clip(normSF((mu + s*t) / l.sv[i]))
		lw := l.logw(sc, p, l.c[i], d, sc.gw, sc.hw)
		f := glW15[q] * h * math.Exp(lw-t*t/2) / math.Sqrt(2*math.Pi)
		s0 += f
		ft := f
		for k := 0; k < 5; k++ {
			m.s[k] += ft
			if k < 3 {
				for j := 0; j < nd; j++ {
					m.sg[k][j] += ft * sc.gw[j]
				}
			}
			ft *= t
		}
		for j := 0; j < nd; j++ {
			for k := 0; k < nd; k++ {
				m.sgg[j*nd+k] += f * (sc.gw[j]*sc.gw[k] + sc.hw[j*nd+k])
			}
		}
	}
	return s0
}

func (m *selMoments) add(o *selMoments) {
	for k := range m.s {
		m.s[k] += o.s[k]
	}
	for k := range m.sg {
		for j := range m.sg[k] {
			m.sg[k][j] += o.sg[k][j]
		}
	}
	for k := range m.sgg {
		m.sgg[k] += o.sgg[k]
	}
}

// integrate adds the moments of [a, b] (w varying) by adaptive bisection:
// a piece is accepted when its 15-point value and the sum over its halves
// agree to rel times the whole integral's running estimate. ok is false
// when 60 levels of bisection do not reach that.
func (l *selCont) integrate(sc *selScratch, i int, mu, s, a, b float64, d []float64, total float64) bool {
	type span struct {
		a, b float64
		m    selMoments
		v    float64
		lvl  int
	}
	var whole selMoments
	v := l.glPiece(sc, i, mu, s, a, b, d, &whole)
	stack := []span{{a, b, whole, v, 0}}
	tot := total + v
	for len(stack) > 0 {
		sp := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		mid := (sp.a + sp.b) / 2
		var ml, mr selMoments
		vl := l.glPiece(sc, i, mu, s, sp.a, mid, d, &ml)
		vr := l.glPiece(sc, i, mu, s, mid, sp.b, d, &mr)
		if math.Abs(vl+vr-sp.v) <= selQuadTol*math.Abs(tot) || sp.lvl >= 60 {
			if sp.lvl >= 60 {
				return false
			}
			sc.mom.add(&ml)
			sc.mom.add(&mr)
			l.mesh[i] = append(l.mesh[i], (mid-a)/(b-a), (sp.b-a)/(b-a))
			continue
		}
		tot += vl + vr - sp.v
		stack = append(stack, span{mid, sp.b, mr, vr, sp.lvl + 1}, span{sp.a, mid, ml, vl, sp.lvl + 1})
	}
	return true
}

// study returns the moments of Aᵢ = ∫ w(p(y)) φ(y; μ, vᵢ + τ²) dy in
// l.mom (t = (y − μ)/s).
func (l *selCont) study(sc *selScratch, i int, mu, s float64, d []float64) bool {
	sc.mom.reset()
	lo := math.Max(math.Min((l.ya[i]-mu)/s, selT), -selT)
	hi := math.Max(math.Min((l.yb[i]-mu)/s, selT), -selT)
	if hi < lo {
		hi = lo
	}
	// left: w = w(p at t = lo); right: w = w(p at t = hi)
	pl := l.clip(normSF((mu + s*lo) / l.sv[i]))
	lw := l.logw(sc, pl, l.c[i], d, sc.gwc, sc.hwc)
	l.addConst(sc, math.Inf(-1), lo, lw, sc.gwc, sc.hwc)
	pr := l.clip(normSF((mu + s*hi) / l.sv[i]))
	lw = l.logw(sc, pr, l.c[i], d, sc.gwc, sc.hwc)
	l.addConst(sc, hi, math.Inf(1), lw, sc.gwc, sc.hwc)
	if !(hi > lo) {
		return true
	}
	if l.adapt || len(l.mesh[i]) == 0 {
		l.mesh[i] = l.mesh[i][:0]
		return l.integrate(sc, i, mu, s, lo, hi, d, sc.mom.s[0])
	}
	var m selMoments
	a := lo
	for _, fr := range l.mesh[i] {
		b := lo + fr*(hi-lo)
		l.glPiece(sc, i, mu, s, a, b, d, &m)
		a = b
	}
	sc.mom.add(&m)
	return true
}

// eval returns ℓ(θ) with θ = (μ, τ², δ…) and, if g and h are not nil, its
// gradient and Hessian in θ (len nth, nth×nth). ok is false when an
// integral did not converge or a value is not finite.
func (l *selCont) eval(mu, tau2 float64, d []float64, g, h []float64) (float64, bool) {
	k := len(l.y)
	nw := len(l.sc)
	if k < 256 {
		nw = 1
	}
	grad := g != nil
	for _, sc := range l.sc[:nw] {
		l.evalRange(sc, 0, 0, mu, tau2, d, grad) // a worker left without a range adds nothing
	}
	parallel.Chunks(k, nw, func(w, lo, hi int) { l.evalRange(l.sc[w], lo, hi, mu, tau2, d, grad) })
	var ll float64
	for j := range g {
		g[j] = 0
	}
	for j := range h {
		h[j] = 0
	}
	for w := 0; w < nw; w++ {
		sc := l.sc[w]
		if !sc.ok {
			return math.NaN(), false
		}
		ll += sc.ll
		if grad {
			for j := range g {
				g[j] += sc.g[j]
			}
			for j := range h {
				h[j] += sc.h[j]
			}
		}
	}
	if math.IsNaN(ll) || math.IsInf(ll, 0) {
		return ll, false
	}
	return ll, true
}

// evalRange adds studies lo…hi−1's terms of ℓ (and, if grad, of its
// gradient and Hessian) into sc.ll, sc.g, sc.h; sc.ok is false when an
// integral failed.
func (l *selCont) evalRange(sc *selScratch, lo, hi int, mu, tau2 float64, d []float64, grad bool) {
	g, h := sc.g, sc.h
	sc.ll, sc.ok = 0, false
	n := l.nth
	nd := l.f.nd
	for j := range g {
		g[j] = 0
	}
	for j := range h {
		h[j] = 0
	}
	var ll float64
	var dA [8]float64
	for i := lo; i < hi; i++ {
		y := l.y[i]
		s2 := l.v[i] + tau2
		s := math.Sqrt(s2)
		e := y - mu
		lw := l.logw(sc, l.pobs[i], l.c[i], d, sc.gw, sc.hw)
		ll += lw - 0.5*math.Log(2*math.Pi*s2) - e*e/(2*s2)
		if grad {
			g[0] += e / s2
			g[1] += -0.5/s2 + e*e/(2*s2*s2)
			h[0] += -1 / s2
			h[1] += -e / (s2 * s2)
			h[n] += -e / (s2 * s2)
			h[n+1] += 0.5/(s2*s2) - e*e/(s2*s2*s2)
			for j := 0; j < nd; j++ {
				g[2+j] += sc.gw[j]
				for k := 0; k < nd; k++ {
					h[(2+j)*n+2+k] += sc.hw[j*nd+k]
				}
			}
		}
		if !l.study(sc, i, mu, s, d) {
			return
		}
		mo := &sc.mom
		A := mo.s[0]
		if !(A > 0) || math.IsInf(A, 0) {
			return
		}
		ll -= math.Log(A)
		if !grad {
			continue
		}
		S := mo.s
		dA[0] = S[1] / s
		dA[1] = (S[2] - S[0]) / (2 * s2)
		for j := 0; j < nd; j++ {
			dA[2+j] = mo.sg[0][j]
		}
		hA := func(a, b int) float64 {
			if a > b {
				a, b = b, a
			}
			switch {
			case a == 0 && b == 0:
				return (S[2] - S[0]) / s2
			case a == 0 && b == 1:
				return (S[3] - 3*S[1]) / (2 * s2 * s)
			case a == 1 && b == 1:
				return (S[4] - 6*S[2] + 3*S[0]) / (4 * s2 * s2)
			case a == 0:
				return mo.sg[1][b-2] / s
			case a == 1:
				return (mo.sg[2][b-2] - mo.sg[0][b-2]) / (2 * s2)
			default:
				return mo.sgg[(a-2)*nd+b-2]
			}
		}
		for a := 0; a < n; a++ {
			g[a] -= dA[a] / A
			for b := 0; b < n; b++ {
				h[a*n+b] -= hA(a, b)/A - dA[a]*dA[b]/(A*A)
			}
		}
	}
	sc.ll, sc.ok = ll, true
}

// selContModel fits a continuous selection model (SelModel's work for
// every type but stepfun).
func selContModel(r *Result, opt SelModelOptions, typ string) (*SelModelResult, error) {
	const what = "meta: selection model"
	f := selFuns[typ]
	k := len(r.Yi)
	res := &SelModelResult{Type: typ}
	l := &selCont{f: f, y: r.Yi, v: r.Vi, sv: make([]float64, k), c: make([]float64, k), pobs: make([]float64, k),
		ya: make([]float64, k), yb: make([]float64, k), nth: 2 + f.nd, mesh: make([][]float64, k), adapt: true}
	for w := 0; w < max(1, min(runtime.NumCPU(), 8)); w++ {
		l.sc = append(l.sc, newSelScratch(f.nd, l.nth))
	}
	// steps: one cut (and 1) where the type has them
	if len(opt.Steps) > 0 {
		if !f.step {
			return nil, errs.New(errs.InvalidOption, what, "the %s selection model has no steps; drop them", typ)
		}
		steps, err := selSteps(opt)
		if err != nil {
			return nil, err
		}
		if len(steps) != 2 {
			return nil, errs.New(errs.InvalidOption, what, "the %s selection model takes a single step below 1 (steps %v)", typ, opt.Steps)
		}
		res.Steps = steps
		l.step = steps[0]
	}
	if err := l.precision(r, opt, typ); err != nil {
		return nil, err
	}
	if opt.Prec != "" {
		res.Prec = opt.Prec
	}
	fe := r.Method == FE || r.Method == EE
	l.fixT = fe || r.Tau2Fix
	if r.Tau2Fix {
		l.tau2 = r.Tau2
	}
	zHi := math.Max(f.pmin, l.step)
	for i, v := range r.Vi {
		l.sv[i] = math.Sqrt(v)
		l.pobs[i] = l.clip(normSF(r.Yi[i] / l.sv[i]))
		l.ya[i], l.yb[i] = math.Inf(-1), math.Inf(1)
		if f.pmin > 0 {
			l.ya[i] = l.sv[i] * distuv.UnitNormal.Quantile(f.pmin)
		}
		if zHi > 0 {
			l.yb[i] = l.sv[i] * distuv.UnitNormal.Quantile(1-zHi)
		}
	}
	if res.Steps != nil {
		res.PTable = make([]int, 2)
		for _, p := range l.pobs {
			if p <= l.step {
				res.PTable[0]++
			} else {
				res.PTable[1]++
			}
		}
		if res.PTable[0] == 0 || res.PTable[1] == 0 {
			return nil, errs.New(errs.TooFew, what, "no study has a one-sided p-value on one side of the step %g (ptable %v), as metafor requires", l.step, res.PTable)
		}
	}
	l.npar = 1 + f.nd
	if !l.fixT {
		l.npar++
	}
	if k < l.npar {
		return nil, errs.New(errs.TooFew, what, "k = %d is too small for %d parameters", k, l.npar)
	}
	res.LRTDF = f.nd

	// x = (μ, [log τ²], logit-mapped δ…), started as metafor.
	x := []float64{r.Coefficients[0].Estimate}
	if !l.fixT {
		x = append(x, math.Log(r.Tau2+0.001))
	}
	for j := 0; j < f.nd; j++ {
		x = append(x, math.Log((f.init[j]-f.min[j])/(f.max[j]-f.init[j])))
	}
	nr, err := l.newton(x)
	if err != nil {
		return nil, err
	}
	mu, tau2, d := l.untrans(nr.x)
	res.Estimate, res.Tau2, res.Delta = mu, tau2, d
	ll, ok := -nr.f, nr.hth != nil
	if !ok {
		ll, ok = l.eval(mu, tau2, d, nil, nil)
	}
	if !ok {
		return nil, errs.New(errs.NoConvergence, what, "the log-likelihood is not finite at the optimiser's last point (μ = %g, τ² = %g, δ = %v)", mu, tau2, d)
	}
	res.LogLik = ll
	res.Converged = true
	notes := l.inference(res, r, nr.hth)
	if err := res.finish(r, notes); err != nil {
		return nil, err
	}
	return res, nil
}

// precision sets the precision measure of each study (l.c: 1 without
// one; sei, vi, 1/n or 1/√n scaled by its maximum, as metafor).
func (l *selCont) precision(r *Result, opt SelModelOptions, typ string) error {
	const what = "meta: selection model"
	for i := range l.c {
		l.c[i] = 1
	}
	if opt.Prec == "" {
		return nil
	}
	if !l.f.prec {
		return errs.New(errs.InvalidOption, what, "the %s selection model takes no precision measure; drop prec", typ)
	}
	var mx float64
	for i, v := range r.Vi {
		var c float64
		switch opt.Prec {
		case PrecSEI:
			c = math.Sqrt(v)
		case PrecVI:
			c = v
		case PrecNInv, PrecSqrtNInv:
			if opt.Ni == nil {
				return errs.New(errs.InvalidOption, what, "prec %s needs the sample sizes", opt.Prec)
			}
			row := r.d.rows[i]
			if row >= len(opt.Ni) || !(opt.Ni[row] > 0) || math.IsInf(opt.Ni[row], 0) {
				return errs.Inputf("meta", 0, "study %s: the selection model's prec %s needs a positive sample size", r.label(i), opt.Prec)
			}
			c = 1 / opt.Ni[row]
			if opt.Prec == PrecSqrtNInv {
				c = math.Sqrt(c)
			}
		default:
			return errs.New(errs.InvalidOption, what, "precision measure %q: give sei, vi, ninv or sqrtninv", opt.Prec)
		}
		l.c[i] = c
		mx = math.Max(mx, c)
	}
	for i := range l.c {
		l.c[i] /= mx
	}
	return nil
}

// inference fills the standard errors (from the inverted Hessian hth),
// the Wald test and interval of μ and those of each δ, and returns the
// notes: a Hessian that cannot be inverted, a δ at its bound.
func (l *selCont) inference(res *SelModelResult, r *Result, hth []float64) []string {
	f := l.f
	mu, tau2, d := res.Estimate, res.Tau2, res.Delta
	var notes []string
	nan := math.NaN()
	nd := f.nd
	res.SEDelta, res.DeltaCILB, res.DeltaCIUB, res.PDelta = make([]float64, nd), make([]float64, nd), make([]float64, nd), make([]float64, nd)
	res.SE, res.SETau2 = nan, nan
	for j := range res.SEDelta {
		res.SEDelta[j] = nan
	}
	cov, ok := l.covariance(mu, tau2, d, hth)
	if ok {
		res.SE = math.Sqrt(cov[0])
		if !l.fixT {
			res.SETau2 = math.Sqrt(cov[1*l.nth+1])
		}
		res.VCovDelta = make([]float64, nd*nd)
		for j := 0; j < nd; j++ {
			res.SEDelta[j] = math.Sqrt(cov[(2+j)*l.nth+2+j])
			for m := 0; m < nd; m++ {
				res.VCovDelta[j*nd+m] = cov[(2+j)*l.nth+2+m]
			}
		}
	} else {
		notes = append(notes, "the Hessian could not be inverted: standard errors are not available")
	}
	ref := wald.Normal(r.Level)
	crit := ref.Crit()
	w := ref.Coef(mu, res.SE*res.SE)
	res.Statistic, res.P, res.CILB, res.CIUB = w.Statistic, w.P, w.CILB, w.CIUB
	for j := 0; j < nd; j++ {
		res.DeltaCILB[j] = math.Max(f.lb[j], d[j]-crit*res.SEDelta[j])
		res.DeltaCIUB[j] = d[j] + crit*res.SEDelta[j]
		res.PDelta[j] = 2 * normSF(math.Abs((d[j]-f.h0[j])/res.SEDelta[j]))
		eps4 := math.Pow(2.220446049250313e-16, 0.25)
		if d[j] <= f.min[j]+eps4 || d[j] >= f.max[j]-100*eps4 {
			notes = append(notes, fmt.Sprintf("δ%d = %.4g is at (or near) its bound [%g, %g]; treat the results with caution", j+1, d[j], f.min[j], f.max[j]))
		}
	}
	return notes
}

// untrans maps the optimiser's x to (μ, τ², δ).
func (l *selCont) untrans(x []float64) (mu, tau2 float64, d []float64) {
	mu, tau2, off := untransMuTau2(x, l.fixT, l.tau2)
	d = make([]float64, l.f.nd)
	for j := range d {
		d[j] = l.f.min[j] + (l.f.max[j]-l.f.min[j])/(1+math.Exp(-x[off+j]))
	}
	return
}

// fgh returns −ℓ at x with its gradient and Hessian in x (chain rule
// through untrans).
func (l *selCont) fgh(x, gx, hx []float64, gth, hth []float64) (float64, bool) {
	mu, tau2, d := l.untrans(x)
	ll, ok := l.eval(mu, tau2, d, gth, hth)
	if !ok || gx == nil {
		return -ll, ok
	}
	n := l.nth
	// θ index of each x, dθ/dx and d²θ/dx².
	idx := make([]int, 0, len(x))
	j1 := make([]float64, 0, len(x))
	j2 := make([]float64, 0, len(x))
	idx, j1, j2 = append(idx, 0), append(j1, 1), append(j2, 0)
	if !l.fixT {
		t := math.Exp(x[1])
		idx, j1, j2 = append(idx, 1), append(j1, t), append(j2, t)
	}
	for j := 0; j < l.f.nd; j++ {
		r := l.f.max[j] - l.f.min[j]
		u := (d[j] - l.f.min[j]) / r
		d1 := r * u * (1 - u)
		idx, j1, j2 = append(idx, 2+j), append(j1, d1), append(j2, d1*(1-2*u))
	}
	m := len(x)
	for a := 0; a < m; a++ {
		gx[a] = -gth[idx[a]] * j1[a]
		for b := 0; b < m; b++ {
			hx[a*m+b] = -hth[idx[a]*n+idx[b]] * j1[a] * j1[b]
		}
		hx[a*m+a] -= gth[idx[a]] * j2[a]
	}
	return -ll, true
}

type selNewton struct {
	x     []float64
	iter  int
	f     float64
	decr  float64
	stuck bool
	// hth is ∇²ℓ in θ at x from fresh adaptive integrals (nil if the last
	// evaluation at x reused the pieces)
	hth []float64
}

// newton minimises −ℓ in x by Levenberg–Marquardt-damped Newton steps on
// the analytic gradient and Hessian: at x it solves (H + λD)s = g with
// D = diag(max(|H_jj|, 1e-8)), takes the step if −ℓ does not rise
// (λ /= 10) and otherwise raises λ tenfold. It stops when the Newton
// decrement gᵀH⁻¹g/2 is below 1e-15 (a possible gain in ℓ far below any
// reported digit), or below 1e-10 when the last step gained less than
// 1e-13 relative or no step lowers −ℓ (the quadrature's noise floor),
// each time confirmed with fresh adaptive integrals; anything else is a
// failure with its reason.
func (l *selCont) newton(x0 []float64) (*selNewton, error) {
	const what = "meta: selection model"
	m := len(x0)
	n := l.nth
	x := append([]float64(nil), x0...)
	g, h := make([]float64, m), make([]float64, m*m)
	gt, ht := make([]float64, n), make([]float64, n*n)
	gn, hn := make([]float64, m), make([]float64, m*m)
	a := make([]float64, m*m)
	st := make([]float64, m)
	xn := make([]float64, m)
	l.adapt = true
	fx, ok := l.fgh(x, g, h, gt, ht)
	if !ok {
		return nil, errs.New(errs.NoConvergence, what, "the likelihood cannot be evaluated at the starting values (an integral over the weighted density did not converge, or it is not finite)")
	}
	defer func() { l.adapt = true }()
	l.adapt = false
	remesh := 0
	gain := math.Inf(1)
	thAtX := false // gt, ht were computed at x with adaptive integrals
	done := func(it int, decr float64, stuck bool) *selNewton {
		nr := &selNewton{x: x, iter: it, f: fx, decr: decr, stuck: stuck}
		if thAtX && l.adapt {
			nr.hth = append([]float64(nil), ht...)
		}
		return nr
	}
	lambda := 1e-3
	for it := 1; it <= 500; it++ {
		// Newton decrement at x (undamped, if H is positive definite)
		decr := math.Inf(1)
		copy(a, h)
		if L, err := cholesky(a, m); err == nil {
			copy(st, g)
			linalg.Solve(L, m, st)
			decr = 0
			for j := range st {
				decr += g[j] * st[j]
			}
			decr /= 2
		}
		// converged: the decrement is negligible, or small and the last
		// step gained nothing above rounding (the quadrature's noise floor)
		if decr < 1e-15 || (decr < 1e-10 && gain <= 1e-13*math.Max(1, math.Abs(fx))) {
			if l.adapt || remesh >= 5 {
				return done(it, decr, false), nil
			}
			// converged on the reused pieces: check with fresh adaptive
			// integrals (which also renew the pieces)
			l.adapt = true
			remesh++
			gain = math.Inf(1)
			fx, ok = l.fgh(x, g, h, gt, ht)
			thAtX = ok
			if !ok {
				return nil, errs.New(errs.NoConvergence, what, "an integral over the weighted density did not converge at the optimiser's point")
			}
			continue
		}
		l.adapt = false
		moved := false
		for tries := 0; tries < 60; tries++ {
			copy(a, h)
			for i := 0; i < m; i++ {
				a[i*m+i] += lambda * math.Max(math.Abs(h[i*m+i]), 1e-8)
			}
			L, err := cholesky(a, m)
			if err != nil {
				lambda *= 10
				continue
			}
			copy(st, g)
			linalg.Solve(L, m, st)
			for j := range x {
				xn[j] = x[j] - st[j]
			}
			fn, ok := l.fgh(xn, gn, hn, gt, ht)
			thAtX = false
			if ok && fn <= fx {
				gain = fx - fn
				copy(x, xn)
				copy(g, gn)
				copy(h, hn)
				fx = fn
				lambda = math.Max(lambda/10, 1e-12)
				moved = true
				break
			}
			lambda *= 10
		}
		if !moved {
			if decr < 1e-10 {
				return done(it, decr, true), nil
			}
			mu, tau2, d := l.untrans(x)
			return nil, errs.New(errs.NoConvergence, what, "the optimisation stalled after %d iterations: no damped Newton step lowers the negative log-likelihood (%.10g at μ = %.6g, τ² = %.6g, δ = %.6g; Newton decrement %.3g)", it, fx, mu, tau2, d, decr)
		}
	}
	return nil, errs.New(errs.NoConvergence, what, "the optimisation did not converge in 500 iterations")
}

// covariance returns the inverse of the observed information −∇²ℓ in
// θ = (μ, τ², δ…) at the estimate (h: ∇²ℓ there, if already computed) (the τ² row and column are left out
// when τ² is fixed and are then NaN); ok is false when it is not
// positive definite.
func (l *selCont) covariance(mu, tau2 float64, d []float64, h []float64) ([]float64, bool) {
	n := l.nth
	if h == nil {
		g := make([]float64, n)
		h = make([]float64, n*n)
		if _, ok := l.eval(mu, tau2, d, g, h); !ok {
			return nil, false
		}
	}
	var idx []int
	for t := 0; t < n; t++ {
		if !(l.fixT && t == 1) {
			idx = append(idx, t)
		}
	}
	m := len(idx)
	a := make([]float64, m*m)
	for i, ii := range idx {
		for j, jj := range idx {
			a[i*m+j] = -h[ii*n+jj]
		}
	}
	inv, err := invSym(a, m)
	if err != nil {
		return nil, false
	}
	out := make([]float64, n*n)
	for i := range out {
		out[i] = math.NaN()
	}
	for i, ii := range idx {
		for j, jj := range idx {
			out[ii*n+jj] = inv[i*m+j]
		}
	}
	return out, true
}

// Weight returns the estimated selection function at the one-sided
// p-value p: the relative likelihood that a study with that p is observed
// (metafor's plot.rma.uni.selmodel with prec = "max", the precision of 1
// after scaling by the maximum). p is clipped to [pval.min, 1 − pval.min]
// for beta and power, as metafor does.
func (s *SelModelResult) Weight(p float64) float64 { return s.weightAt(p, s.Delta) }

func (s *SelModelResult) weightAt(p float64, d []float64) float64 {
	if s.Type == SelStepFun || s.Type == "" {
		for j, st := range s.Steps {
			if p <= st {
				return d[j]
			}
		}
		return d[len(d)-1]
	}
	f := selFuns[s.Type]
	if f == nil {
		return math.NaN()
	}
	l := &selCont{f: f}
	if len(s.Steps) > 0 {
		l.step = s.Steps[0]
	}
	sc := newSelScratch(f.nd, 0)
	return math.Exp(l.logw(sc, l.clip(p), 1, d, sc.gw, nil))
}

// WeightCI returns pointwise confidence limits of the selection function
// at p. For stepfun and the one-parameter functions they are the function
// at the Wald limits of δ (metafor's plot(sel, ci = "wald"); the
// functions are monotone in δ); for beta and negexppow, which metafor
// only bands by simulation, they are the delta-method limits
// exp(log w ± z·√(∇ᵀV∇)) with ∇ = ∂log w/∂δ and V the covariance of δ.
// NaN when the standard errors are not available.
func (s *SelModelResult) WeightCI(p float64, level float64) (lo, hi float64) {
	nan := math.NaN()
	if len(s.Delta) == 0 {
		return nan, nan
	}
	if s.Type == SelStepFun || s.Type == "" || len(s.Delta) == 1 {
		dl := append([]float64(nil), s.DeltaCILB...)
		du := append([]float64(nil), s.DeltaCIUB...)
		if s.Type == SelStepFun || s.Type == "" {
			dl[0], du[0] = s.Delta[0], s.Delta[0]
		}
		a, b := s.weightAt(p, dl), s.weightAt(p, du)
		return math.Min(a, b), math.Max(a, b)
	}
	f := selFuns[s.Type]
	if f == nil || len(s.VCovDelta) != f.nd*f.nd {
		return nan, nan
	}
	l := &selCont{f: f}
	if len(s.Steps) > 0 {
		l.step = s.Steps[0]
	}
	sc := newSelScratch(f.nd, 0)
	g := sc.gw
	lw := l.logw(sc, l.clip(p), 1, s.Delta, g, nil)
	var v float64
	for j := range g {
		for m := range g {
			v += g[j] * s.VCovDelta[j*f.nd+m] * g[m]
		}
	}
	z := distuv.UnitNormal.Quantile(1 - (1-level)/2)
	return math.Exp(lw - z*math.Sqrt(v)), math.Exp(lw + z*math.Sqrt(v))
}

// PValueRange is the range of one-sided p-values the selection function
// is defined on: [pval.min, 1 − pval.min] (metafor's plot xlim).
func (s *SelModelResult) PValueRange() (lo, hi float64) {
	if f := selFuns[s.Type]; f != nil {
		return f.pmin, 1 - f.pmin
	}
	return 0, 1
}
