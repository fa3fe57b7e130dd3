package mixed

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"github.com/alliance-research/alliance/analysis/internal/optim"
	"github.com/alliance-research/alliance/internal/parallel"
	"gonum.org/v1/gonum/stat/distuv"
)

// vcParam is one variance parameter on lme4's profile scale ("sdcor"): the
// standard deviation of random effect i of a term (i == j), the correlation
// of its effects i and j (i > j), or σ (level −1). They are ordered as θ
// (term by term, the lower triangle column by column), σ last, and named
// as confint.merMod names them (.sig01, .sig02, …, .sigma), each with its
// grouping factor (a second term on one factor, "Subject.1" in VarCorr, is
// still Subject's, as lme4's profile names it).
type vcParam struct {
	parm, group, name string
	level, i, j       int
}

// vcParams lists the variance parameters of design d.
func (d *design) vcParams() []vcParam {
	var ps []vcParam
	for l, lv := range d.levels {
		for j := 0; j < lv.q; j++ {
			for i := j; i < lv.q; i++ {
				p := vcParam{parm: fmt.Sprintf(".sig%02d", len(ps)+1), group: lv.groupName(), level: l, i: i, j: j}
				if i == j {
					p.name = "sd_" + lv.colNames[i]
				} else {
					p.name = "cor_" + lv.colNames[i] + "." + lv.colNames[j]
				}
				ps = append(ps, p)
			}
		}
	}
	return append(ps, vcParam{parm: ".sigma", group: "Residual", name: "sigma", level: -1})
}

// psiFromTheta maps θ and σ to the profile scale: per term, with
// S = ΛΛᵀ, SD_i = σ√S_ii and cor_ij = S_ij/√(S_ii S_jj) (0 when an SD is 0),
// then σ.
func (d *design) psiFromTheta(theta []float64, sigma float64) []float64 {
	var psi []float64
	for _, lv := range d.levels {
		q := lv.q
		L := make([]float64, q*q)
		lv.fillLambda(L, theta)
		S := func(a, b int) float64 {
			s := 0.0
			for c := 0; c <= min(a, b); c++ {
				s += L[a*q+c] * L[b*q+c]
			}
			return s
		}
		for j := 0; j < q; j++ {
			for i := j; i < q; i++ {
				if i == j {
					psi = append(psi, sigma*math.Sqrt(S(i, i)))
					continue
				}
				den := math.Sqrt(S(i, i) * S(j, j))
				r := 0.0
				if den > 0 {
					r = S(i, j) / den
				}
				psi = append(psi, r)
			}
		}
	}
	return append(psi, sigma)
}

// thetaFromPsi is the inverse of psiFromTheta: per term the lower Cholesky
// factor of C_ij = SD_i SD_j cor_ij / σ², computed so that a semidefinite C
// (an SD of 0, a correlation of ±1) has a factor with zero columns. It
// reports false when C is not positive semidefinite (correlations of three
// or more effects that no covariance matrix has) or σ ≤ 0.
func (d *design) thetaFromPsi(psi, theta []float64) bool {
	sigma := psi[len(psi)-1]
	if !(sigma > 0) {
		return false
	}
	k := 0
	for _, lv := range d.levels {
		q := lv.q
		C := make([]float64, q*q)
		sd := make([]float64, q)
		kk := k
		for j := 0; j < q; j++ {
			for i := j; i < q; i++ {
				if i == j {
					sd[i] = psi[kk] / sigma
				}
				kk++
			}
		}
		kk = k
		for j := 0; j < q; j++ {
			for i := j; i < q; i++ {
				r := 1.0
				if i != j {
					r = psi[kk]
				}
				C[i*q+j] = sd[i] * sd[j] * r
				kk++
			}
		}
		// Semidefinite Cholesky, column by column.
		for j := 0; j < q; j++ {
			dj := C[j*q+j]
			for c := 0; c < j; c++ {
				dj -= C[j*q+c] * C[j*q+c]
			}
			tol := 1e-13 * math.Max(sd[j]*sd[j], 1e-300)
			switch {
			case dj < -tol:
				return false
			case dj <= tol:
				for i := j; i < q; i++ {
					s := C[i*q+j]
					for c := 0; c < j; c++ {
						s -= C[i*q+c] * C[j*q+c]
					}
					if i > j && math.Abs(s) > 1e-10*math.Max(sd[i]*sd[j], 1e-300) {
						return false
					}
					C[i*q+j] = 0
				}
			default:
				ljj := math.Sqrt(dj)
				C[j*q+j] = ljj
				for i := j + 1; i < q; i++ {
					s := C[i*q+j]
					for c := 0; c < j; c++ {
						s -= C[i*q+c] * C[j*q+c]
					}
					C[i*q+j] = s / ljj
				}
			}
		}
		t := lv.thetaOff
		for j := 0; j < q; j++ {
			for i := j; i < q; i++ {
				theta[t] = C[i*q+j]
				t++
			}
		}
		k = kk
	}
	return true
}

// reducedXY returns, after a successful e.eval, the (p+1)×(p+1) block of
// [X y] with the random effects eliminated (lower triangle, row-major):
// the quadratic form whose value at [β; −1] is the penalised residual sum
// of squares r²(θ, β) minimised over the random effects. It is the matrix
// eval factors into G; the hook lets a caller fix some of β. On the
// general path it is rebuilt from that factor (general.reducedXY).
func (e *engine) reducedXY() []float64 {
	if e.gen != nil {
		return e.gen.reducedXY(e)
	}
	nl := len(e.d.levels)
	M := make([]float64, len(e.G))
	for i := range M {
		M[i] = e.base[nl][i] - e.delta[nl][i]
	}
	return M
}

// rssFixed returns min over β_{−j} of r²(θ, β) with β_j = b, from the
// reduced block M (reducedXY): with M = [A c; cᵀ d],
//
//	r² = d − 2 c_j b + A_jj b² − gᵀ A_{−j,−j}⁻¹ g,  g = c_{−j} − A_{−j,j} b,
//
// and the minimising β_{−j} = A_{−j,−j}⁻¹ g (into beta, which has p − 1
// entries). It reports false when A_{−j,−j} is not positive definite.
func rssFixed(M []float64, p, j int, b float64, beta []float64) (float64, bool) {
	pp := p + 1
	at := func(a, c int) float64 {
		if a < c {
			a, c = c, a
		}
		return M[a*pp+c]
	}
	r2 := at(p, p) - 2*at(p, j)*b + at(j, j)*b*b
	k := p - 1
	if k == 0 {
		return r2, r2 > 0
	}
	A := make([]float64, k*k)
	g := make([]float64, k)
	for a, ia := 0, 0; ia < p; ia++ {
		if ia == j {
			continue
		}
		g[a] = at(p, ia) - at(ia, j)*b
		for c, ic := 0, 0; ic < p; ic++ {
			if ic == j {
				continue
			}
			A[a*k+c] = at(ia, ic)
			c++
		}
		a++
	}
	if linalg.Cholesky(A, k) != nil {
		return 0, false
	}
	copy(beta, g)
	linalg.Solve(A, k, beta)
	for a := range g {
		r2 -= g[a] * beta[a]
	}
	return r2, r2 > 0
}

// profiler evaluates lme4's profiled ML deviance of a model with one
// parameter fixed.
type profiler struct {
	d      *design
	psi    []float64 // ML optimum on the profile scale (SDs, correlations, σ)
	theta  []float64 // ML optimum θ
	beta   []float64 // ML fixed effects, in the design's (y-shifted) coordinates
	se     []float64 // their ML standard errors
	base   float64   // ML deviance at the optimum
	lo, up []float64 // bounds of psi
	thLo   []float64 // bounds of θ
	thUp   []float64
	params []vcParam
}

func newProfiler(ml *Model) *profiler {
	d := ml.d
	r := ml.Result
	sigma := math.Sqrt(r.ResidualVariance)
	pr := &profiler{d: d, theta: append([]float64(nil), r.Theta...), base: r.Deviance, params: d.vcParams()}
	pr.psi = d.psiFromTheta(pr.theta, sigma)
	for i, c := range r.Fixed {
		b := c.Estimate
		if i == 0 && d.formula.Intercept {
			b -= d.yShift
		}
		pr.beta = append(pr.beta, b)
		pr.se = append(pr.se, c.SE)
	}
	for _, p := range pr.params {
		switch {
		case p.level < 0 || p.i == p.j: // σ, an SD
			pr.lo, pr.up = append(pr.lo, 0), append(pr.up, math.Inf(1))
		default:
			pr.lo, pr.up = append(pr.lo, -1), append(pr.up, 1)
		}
	}
	pr.thLo, pr.thUp = thetaBounds(d)
	return pr
}

// thetaBounds are the bounds of θ in a fit: diagonal entries ≥ 0, the
// others free (lme4's lower).
func thetaBounds(d *design) (lo, up []float64) {
	nt := d.ntheta()
	lo, up = make([]float64, nt), make([]float64, nt)
	for _, lv := range d.levels {
		k := lv.thetaOff
		for j := 0; j < lv.q; j++ {
			for i := j; i < lv.q; i++ {
				if i != j {
					lo[k] = math.Inf(-1)
				}
				up[k] = math.Inf(1)
				k++
			}
		}
	}
	return lo, up
}

// minimise runs the fit's optimiser (the bounded simplex, then Newton steps
// on the same function) from x0.
func minimise(f func([]float64) float64, x0, lo, up []float64) ([]float64, float64, bool) {
	res, err := optim.MinimizeBounded(f, x0, lo, up, optim.BoundedSettings{FTolRel: 1e-11, XTolAbs: 1e-7, Restarts: 1, Step: 0.1})
	if err != nil || math.IsInf(res.F, 0) || math.IsNaN(res.F) {
		return nil, 0, false
	}
	pol := newtonPolish(f, res.X, res.F, lo, up, 6)
	return pol.x, pol.f, res.Converged
}

// profileMin is the minimiser of the profile, whose every point starts
// next to the optimum of a neighbouring point: at most 30 steps of
// projected BFGS with central-difference gradients (steps
// 10⁻⁴·max(|x_i|, 0.1), one-sided at a bound; the gradient tolerance
// grows with |f| above 10³, as its rounding does), then the Newton steps
// of Fit, which finish the minimisation with Richardson-extrapolated
// derivatives. Where BFGS makes no progress (or in one dimension) the
// bounded simplex of Fit runs first (at most 3000 evaluations) and BFGS
// again from its point; the best point is kept. (The simplex alone stalls
// on the curved valleys of the SD/correlation scale in several
// dimensions.) Only a criterion that cannot be evaluated fails.
func profileMin(f func([]float64) float64, x0, lo, up []float64) ([]float64, float64, bool) {
	n := len(x0)
	y := make([]float64, n)
	fg := func(z, g []float64) float64 {
		v := f(z)
		if g == nil {
			return v
		}
		copy(y, z)
		for i := range z {
			h := 1e-4 * math.Max(math.Abs(z[i]), 0.1)
			a, b := math.Max(z[i]-h, lo[i]), math.Min(z[i]+h, up[i])
			y[i] = b
			fb := f(y)
			y[i] = a
			fa := f(y)
			y[i] = z[i]
			if b == a || math.IsInf(fa, 0) || math.IsInf(fb, 0) {
				g[i] = 0
				continue
			}
			g[i] = (fb - fa) / (b - a)
		}
		return v
	}
	x := append([]float64(nil), x0...)
	fx := f(x)
	bfgs := func() bool {
		// The gradient is good to about 10⁻⁹·|f| (rounding of f over steps
		// of 10⁻⁵), and the curvature grows with f (with the rows), so the
		// tolerance scales with |f| above 10³.
		gtol := 1e-5 * math.Max(1, math.Abs(fx)/1e3)
		br, err := optim.MinimizeBoxBFGS(fg, x, lo, up, optim.BFGSSettings{GTol: gtol, FloorGTol: 100 * gtol, MaxIter: 30})
		if err != nil {
			return false
		}
		if br.F < fx {
			x, fx = br.X, br.F
		}
		return br.Converged
	}
	fStart := fx
	if n == 1 || math.IsInf(fx, 0) || math.IsNaN(fx) || !bfgs() && !(fx < fStart) {
		res, err := optim.MinimizeBounded(f, x, lo, up, optim.BoundedSettings{FTolRel: 1e-10, XTolAbs: 1e-6, Restarts: 1, Step: 0.1, MaxEval: 3000})
		if err != nil || math.IsInf(res.F, 0) || math.IsNaN(res.F) {
			return nil, 0, false
		}
		if !(res.F >= fx) {
			x, fx = res.X, res.F
		}
		if n > 1 {
			bfgs()
		}
	}
	pol := newtonPolish(f, x, fx, lo, up, 6)
	return pol.x, pol.f, true
}

// profileVC returns the ML deviance minimised over the other variance
// parameters with parameter k held at x (lme4's devfun2, re-optimised as
// profile.merMod does), and the optimum (the whole psi vector); start is
// the search's starting point.
func (pr *profiler) profileVC(e *engine, k int, x float64, start []float64) (float64, []float64, bool) {
	np := len(pr.psi)
	theta := make([]float64, pr.d.ntheta())
	psi := make([]float64, np)
	dev := func(y []float64) float64 {
		for a, b := 0, 0; a < np; a++ {
			if a == k {
				psi[a] = x
				continue
			}
			psi[a] = y[b]
			b++
		}
		if !pr.d.thetaFromPsi(psi, theta) {
			return math.Inf(1)
		}
		c, ok := e.eval(theta, 0)
		if !ok {
			return math.Inf(1)
		}
		return e.devianceAt(c, psi[np-1], false)
	}
	var y0, lo, up []float64
	for a := 0; a < np; a++ {
		if a != k {
			y0 = append(y0, math.Min(math.Max(start[a], pr.lo[a]), pr.up[a]))
			lo, up = append(lo, pr.lo[a]), append(up, pr.up[a])
		}
	}
	// A start whose correlations no longer fit the fixed one (a
	// correlation moved towards ±1) is pulled towards zero correlation.
	for it := 0; it < 31 && math.IsInf(dev(y0), 1); it++ {
		for a, b := 0, 0; a < np; a++ {
			if a == k {
				continue
			}
			if pr.lo[a] == -1 {
				y0[b] *= 0.8
				if it == 30 {
					y0[b] = 0
				}
			}
			b++
		}
	}
	y, f, ok := profileMin(dev, y0, lo, up)
	if !ok {
		return math.NaN(), nil, false
	}
	out := make([]float64, np)
	for a, b := 0, 0; a < np; a++ {
		if a == k {
			out[a] = x
			continue
		}
		out[a] = y[b]
		b++
	}
	return f, out, true
}

// profileFixed returns the ML deviance with fixed effect j held at b (in
// the design's coordinates), minimised over θ with σ and the other fixed
// effects profiled out: log|Lθ|² + n(1 + log(2π r²/n)), r² from rssFixed;
// the deviance of lme4's refit with x_j b as an offset.
func (pr *profiler) profileFixed(e *engine, j int, b float64, start []float64) (float64, []float64, bool) {
	d := pr.d
	n := float64(d.n)
	beta := make([]float64, max(d.p-1, 0))
	dev := func(th []float64) float64 {
		c, ok := e.eval(th, 0)
		if !ok {
			return math.Inf(1)
		}
		r2, ok := rssFixed(e.reducedXY(), d.p, j, b, beta)
		if !ok {
			return math.Inf(1)
		}
		return c.ldL2 + n*(1+math.Log(2*math.Pi*r2/n))
	}
	th, f, ok := profileMin(dev, start, pr.thLo, pr.thUp)
	if !ok {
		return math.NaN(), nil, false
	}
	return f, th, true
}

// profileLimits returns the lower and upper limits of parameter k (the
// variance parameters first, then the fixed effects) where the signed root
// of the deviance change, ζ(x) = sign(x − x̂)·√(D(x) − D̂), equals ∓z.
// Each side is bracketed by steps doubling away from x̂ and solved by
// Brent's method on ζ itself. A side on which ζ stays above −z (below z)
// up to the parameter's bound (an SD's 0, a correlation's ±1) has the
// bound as its limit, which is what lme4 reports there; atBound says so.
func (pr *profiler) profileLimits(e *engine, k int, z float64) (lim [2]float64, atBound [2]bool, err error) {
	nvp := len(pr.psi)
	var xhat, lob, upb, step float64
	var start []float64
	fixed := k >= nvp
	if fixed {
		j := k - nvp
		xhat, lob, upb = pr.beta[j], math.Inf(-1), math.Inf(1)
		step = 0.5 * pr.se[j]
		start = pr.theta
	} else {
		xhat, lob, upb = pr.psi[k], pr.lo[k], pr.up[k]
		sigma := pr.psi[nvp-1]
		switch {
		case pr.lo[k] == -1: // a correlation
			step = 0.1
		default:
			step = 0.1 * math.Max(xhat, 0.05*sigma)
		}
		start = pr.psi
	}
	// Each point of the profile starts from the optimum of the evaluated
	// point nearest to it on the way from x̂ (as lme4 walks outwards from
	// the estimate): a start from farther out may sit in another valley
	// (e.g. a correlation flipped with an SD at 0) and overstate D.
	type point struct {
		x  float64
		at []float64
	}
	var pts []point
	zeta := func(x float64) float64 {
		if x == xhat {
			return 0
		}
		from := start
		best := -1.0
		for _, p := range pts {
			if d := (p.x - xhat) / (x - xhat); d >= 0 && d <= 1 && d > best {
				best, from = d, p.at
			}
		}
		var dv float64
		var at []float64
		var ok bool
		if fixed {
			dv, at, ok = pr.profileFixed(e, k-nvp, x, from)
		} else {
			dv, at, ok = pr.profileVC(e, k, x, from)
		}
		if !ok {
			return math.NaN()
		}
		pts = append(pts, point{x, at})
		dd := math.Max(dv-pr.base, 0)
		if x < xhat {
			return -math.Sqrt(dd)
		}
		return math.Sqrt(dd)
	}
	for s, dir := range []float64{-1, 1} {
		pts = pts[:0]
		bound := lob
		if dir > 0 {
			bound = upb
		}
		a, b, found, atB := bracketZeta(zeta, xhat, dir*step, bound, z)
		if atB {
			lim[s], atBound[s] = bound, true
			continue
		}
		if !found {
			return lim, atBound, fmt.Errorf("the profile of %s does not reach the confidence level", pr.label(k))
		}
		target := dir * z
		scale := math.Max(math.Abs(xhat), math.Abs(b-xhat))
		rr, rerr := optim.Root(func(x float64) float64 { return zeta(x) - target }, a, b, 1e-10*scale, 200)
		if rerr != nil {
			return lim, atBound, fmt.Errorf("the profile of %s: %w", pr.label(k), rerr)
		}
		lim[s] = rr.X
	}
	if fixed && k-nvp == 0 && pr.d.formula.Intercept {
		lim[0] += pr.d.yShift
		lim[1] += pr.d.yShift
	}
	return lim, atBound, nil
}

// bracketZeta brackets the root of |ζ| = z on one side of x̂: it walks
// from x̂ in steps (the first h0, its sign the side) that raise |ζ| by
// about ½ — lme4's profile steps by a fixed ζ increment too; the step from
// the last two points' slope, between 1 and 4 times the previous — the
// last one at the bound; where D cannot be evaluated (σ = 0, ζ NaN) it
// backs off halfway. Small steps keep every start on the branch of the
// profile that is continuous from x̂: a long jump from the optimum can land
// on another (an SD stuck at 0) with a higher D. It returns |ζ(a)| < z ≤
// |ζ(b)| (found), or atB when |ζ| stays below z up to the bound.
func bracketZeta(zeta func(float64) float64, xhat, h0, bound, z float64) (a, b float64, found, atB bool) {
	dir := math.Copysign(1, h0)
	inside := func(x float64) bool { return math.IsInf(bound, 0) || dir*(bound-x) > 0 }
	a, b = xhat, xhat+h0
	za := 0.0
	for it := 0; it < 200 && !found && !atB; it++ {
		if !inside(b) {
			b = bound
		}
		zb := zeta(b)
		switch {
		case math.IsNaN(zb):
			b = (a + b) / 2
			continue
		case math.Abs(zb) >= z:
			found = true
			continue
		case b == bound:
			atB = true
			continue
		}
		h := math.Abs(b - a)
		next := 2 * h
		if slope := (math.Abs(zb) - math.Abs(za)) / h; slope > 0 {
			next = math.Min(math.Max(0.5/slope, h), 4*h)
		}
		a, za = b, zb
		b = a + dir*next
	}
	return a, b, found, atB
}

// label names parameter k for a message.
func (pr *profiler) label(k int) string {
	if k < len(pr.params) {
		p := pr.params[k]
		if p.level < 0 {
			return "the residual SD"
		}
		return fmt.Sprintf("%s (%s %s)", p.parm, p.group, p.name)
	}
	return fmt.Sprintf("fixed effect %q", pr.d.xnames[k-len(pr.params)])
}

// profileCI computes profile-likelihood intervals of every variance
// parameter and fixed effect of ml (an ML fit), one engine per worker.
func profileCI(ml *Model, level float64, workers int) ([]CI, []string, error) {
	pr := newProfiler(ml)
	z := distuv.UnitNormal.Quantile((1 + level) / 2)
	nvp := len(pr.psi)
	K := nvp + ml.d.p
	cis := make([]CI, K)
	errsK := make([]error, K)
	bounds := make([][2]bool, K)
	engines := make([]*engine, max(1, min(workers, K)))
	parallel.Each(K, len(engines), func(w, k int) {
		if engines[w] == nil {
			engines[w] = newEngine(ml.d)
			if len(engines) > 1 { // the workers are the parallelism
				engines[w].inline()
			}
		}
		lim, at, err := pr.profileLimits(engines[w], k, z)
		errsK[k], bounds[k] = err, at
		c := CI{Lower: lim[0], Upper: lim[1], Method: "profile"}
		if k < nvp {
			p := pr.params[k]
			c.Parm, c.Group, c.Name, c.Estimate = p.parm, p.group, p.name, pr.psi[k]
		} else {
			f := ml.Result.Fixed[k-nvp]
			c.Parm, c.Name, c.Estimate = f.Name, f.Name, f.Estimate
		}
		cis[k] = c
	})
	var notes []string
	for k := range cis {
		if errsK[k] != nil {
			return nil, nil, errs.New(errs.NoConvergence, "mixed: profile", "%v", errsK[k])
		}
		for s, side := range []string{"lower", "upper"} {
			if bounds[k][s] {
				v := []float64{cis[k].Lower, cis[k].Upper}[s]
				notes = append(notes, fmt.Sprintf("%s: the profile does not reach the %s limit before the parameter's bound, so the %s limit is the bound %g (as lme4 reports it).", pr.label(k), side, side, v))
			}
		}
	}
	return cis, notes, nil
}
