package bayesmeta

import (
	"math"
	"sort"
)

// Gauss–Kronrod 7–15 rule on [−1, 1] (the standard QUADPACK abscissae and
// weights): Kronrod nodes ±xgk[i], Gauss nodes at the odd indices.
var (
	xgk = [8]float64{0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926, 0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961, 0.207784955007898467600689403773245, 0}
	wgk = [8]float64{0.022935322010529224963732008058970, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518, 0.140653259715525918745189590510238, 0.169004726639267902826583426598550, 0.190350578064785409913256402421014, 0.204432940075298892414161999234649, 0.209482141084727828012999174891714}
	wg  = [4]float64{0.129484966168869693270611432679082, 0.279705391489276667901467771423780, 0.381830050505118944950369775488975, 0.417959183673469387755102040816327}
)

// nodes15 are the 15 Kronrod nodes on [−1, 1] in increasing order, their
// weights, the Gauss-7 weights (0 at Kronrod-only nodes) and the
// barycentric interpolation weights.
var nodes15, wk15, wg15, bary15 [15]float64

func init() {
	for i := 0; i < 7; i++ {
		nodes15[i], nodes15[14-i] = -xgk[i], xgk[i]
		wk15[i], wk15[14-i] = wgk[i], wgk[i]
		if i%2 == 1 {
			wg15[i], wg15[14-i] = wg[i/2], wg[i/2]
		}
	}
	wk15[7], wg15[7] = wgk[7], wg[3]
	for j := range nodes15 {
		p := 1.0
		for m := range nodes15 {
			if m != j {
				p *= nodes15[j] - nodes15[m]
			}
		}
		bary15[j] = 1 / p
	}
}

// ncomp is the number of integrands controlled by the adaptive rule.
const ncomp = 5

// point is the integrand at one node x: the log of the unnormalised
// density in x (prior × likelihood × Jacobian) and the values g of the
// functions whose integrals are controlled besides the density itself.
type point struct {
	tau, logf float64
	c, sd     float64 // conditional posterior N(c, sd²) of μ (untruncated)
	m1, m2    float64 // E[μ | τ] and E[μ² | τ]
}

type panel struct {
	a, b float64
	p    [15]point
	f    [15]float64 // exp(logf − shift)
	k, e [ncomp]float64
}

// integrator integrates a density in x ∈ [0, xmax) adaptively.
type integrator struct {
	eval   func(x float64) point
	panels []*panel
	shift  float64
	evals  int
}

func (in *integrator) newPanel(a, b float64) *panel {
	p := &panel{a: a, b: b}
	h, mid := (b-a)/2, (a+b)/2
	for i, u := range nodes15 {
		p.p[i] = in.eval(mid + h*u)
	}
	in.evals += 15
	return p
}

func (in *integrator) estimate(p *panel) {
	h := (p.b - p.a) / 2
	var k, g [ncomp]float64
	for i := range p.p {
		pt := &p.p[i]
		f := math.Exp(pt.logf - in.shift)
		if math.IsNaN(f) {
			f = 0
		}
		p.f[i] = f
		v := [ncomp]float64{f, f * pt.tau, f * pt.tau * pt.tau, f * pt.m1, f * pt.m2}
		for j := range v {
			k[j] += wk15[i] * v[j]
			g[j] += wg15[i] * v[j]
		}
	}
	for j := range k {
		p.k[j], p.e[j] = h*k[j], math.Abs(h*(k[j]-g[j]))
	}
}

// run integrates over [0, xmax) starting from n equal panels, bisecting
// the panel of largest relative error until every controlled integral's
// summed error estimate is below tol times its absolute size, or maxPanels
// is reached. It reports which components converged.
func (in *integrator) run(xmax float64, n int, tol float64, maxPanels int, comps int) (conv [ncomp]bool) {
	in.panels = in.panels[:0]
	for i := 0; i < n; i++ {
		in.panels = append(in.panels, in.newPanel(xmax*float64(i)/float64(n), xmax*float64(i+1)/float64(n)))
	}
	in.shift = math.Inf(-1)
	for _, p := range in.panels {
		for _, pt := range p.p {
			in.shift = math.Max(in.shift, pt.logf)
		}
	}
	for _, p := range in.panels {
		in.estimate(p)
	}
	for {
		var tot, err [ncomp]float64
		for _, p := range in.panels {
			for j := 0; j < comps; j++ {
				tot[j] += math.Abs(p.k[j])
				err[j] += p.e[j]
			}
		}
		done := true
		for j := 0; j < comps; j++ {
			conv[j] = err[j] <= tol*tot[j] || tot[j] == 0
			done = done && conv[j]
		}
		if done || len(in.panels) >= maxPanels {
			break
		}
		worst, wv := -1, -1.0
		for i, p := range in.panels {
			var r float64
			for j := 0; j < comps; j++ {
				if tot[j] > 0 && !conv[j] {
					r = math.Max(r, p.e[j]/tot[j])
				}
			}
			if r > wv {
				worst, wv = i, r
			}
		}
		p := in.panels[worst]
		m := (p.a + p.b) / 2
		l, r := in.newPanel(p.a, m), in.newPanel(m, p.b)
		newMax := in.shift
		for _, q := range []*panel{l, r} {
			for _, pt := range q.p {
				newMax = math.Max(newMax, pt.logf)
			}
		}
		if newMax > in.shift+30 { // re-shift to keep exp() in range
			in.shift = newMax
			for _, q := range in.panels {
				in.estimate(q)
			}
		}
		in.estimate(l)
		in.estimate(r)
		in.panels[worst] = l
		in.panels = append(in.panels, r)
	}
	sort.Slice(in.panels, func(i, j int) bool { return in.panels[i].a < in.panels[j].a })
	return conv
}

// total is the integral of component j.
func (in *integrator) total(j int) float64 {
	var s float64
	for _, p := range in.panels {
		s += p.k[j]
	}
	return s
}

// interp is the degree-14 polynomial through the panel's 15 values of f,
// at x (barycentric formula).
func (p *panel) interp(x float64) float64 {
	h, mid := (p.b-p.a)/2, (p.a+p.b)/2
	u := (x - mid) / h
	var num, den float64
	for j, xj := range nodes15 {
		d := u - xj
		if d == 0 {
			return p.f[j]
		}
		t := bary15[j] / d
		num += t * p.f[j]
		den += t
	}
	return num / den
}

// partial is ∫ from p.a to x of the interpolant of f (exact by the
// Kronrod rule, which integrates degree-22 polynomials exactly).
func (p *panel) partial(x float64) float64 {
	if x <= p.a {
		return 0
	}
	h, mid := (x-p.a)/2, (x+p.a)/2
	var s float64
	for i, u := range nodes15 {
		s += wk15[i] * p.interp(mid+h*u)
	}
	return h * s
}
