package mixed

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// nlmeIntervals are nlme's intervals(m) of an lme fit with a residual
// structure (Pinheiro & Bates 2000, section 2.4.3; nlme 3.1-162's
// intervals.lme and lmeApVar):
//
// The variance parameters are taken in nlme's unconstrained coordinates
// ψ: the log SD of every random effect (pdIdent, pdDiag and 1 × 1 blocks
// are log SDs in nlme's natural parameterisation), the correlation's
// coefficients (corAR1: log((1 + φ)/(1 − φ)); corCAR1: logit φ; corExp:
// log range; corCompSymm: log((ρ − l)/(1 − ρ)), l = −1/(n_max − 1);
// corARMA(1, 1): log((1 + c)/(1 − c)) of φ and θ), the variance function's
// (varIdent: log SD ratios; varPower: the power) and log σ. With ℓ(ψ) the
// (RE)ML log-likelihood with σ not profiled out (devianceAt), the
// approximate covariance of ψ̂ is A = (−∂²ℓ/∂ψ∂ψᵀ)⁻¹ (nlme's apVar) and the
// interval of ψ_k is ψ̂_k ∓ z_{(1+level)/2} √A_kk, mapped back to SDs,
// correlation parameters, variance parameters and σ. nlme computes the
// Hessian by fdHess, a finite-difference design whose limits differ from
// those of an accurate Hessian by up to ~2% on the crossed goldens (SEs
// ~0.5%, at nlme's own stopping point); here it is Richardson-extrapolated
// central differences of ℓ (two step sizes), which match nlme's lmeApVar
// with numDeriv's Hessian to ~1e-8. The fixed effects' intervals are
// nlme's too: β̂_j ∓ t_{(1+level)/2, df_j} SE_j on nlme's df.
//
// Terms with correlated effects ((1 + t | g), nlme's pdSymm, whose
// natural parameters add Fisher-z correlations), gls fits and varPower of
// the fitted values are refused; so are a variance at or near 0 (relative
// SD below 1e-4, lme4's singular tolerance) and a Hessian that is not
// negative definite, where nlme says "Non-positive definite approximate
// variance-covariance".
func (m *Model) nlmeIntervals(res *ConfintResult, level float64) error {
	d := m.d
	rs := d.resid
	refuse := func(format string, a ...any) error {
		return errs.New(errs.InvalidOption, "mixed", "nlme intervals: "+format, a...).WithHint("Method")
	}
	switch {
	case rs == nil:
		return refuse("they are nlme's intervals(m) of a model with a residual structure (a correlation or a variance function); without one use profile, boot or Wald, as lme4's confint")
	case rs.gls:
		return refuse("a model without random effects (nlme's gls) is not covered; the fixed-effect table's intervals are nlme's intervals(m, which = \"fixed\")")
	}
	if vp, ok := rs.vf.(*varPower); ok && vp.fitted {
		return refuse("varPower of the fitted values (a fixed point, not one optimum) is not covered")
	}
	nt := d.ntheta()
	type vc struct {
		level       int // design level of an SD; -1 otherwise
		parm, group string
		name        string
	}
	var ps []vc
	var psi []float64
	for l, lv := range d.levels {
		switch {
		case lv.q == 0:
			continue
		case lv.q > 1:
			return refuse("the term of %s has correlated effects (nlme's pdSymm, Fisher-z correlations): not covered; write it with || for uncorrelated effects", lv.groupName())
		}
		th := math.Abs(m.x[lv.thetaOff])
		if !(th >= 1e-4) { // lme4's isSingular tolerance, as Result.Singular
			return errs.New(errs.Singular, "mixed", "nlme intervals: the variance of %s (%s) is at or near 0 (SD %.3g σ), where its log SD has no Wald interval (nlme: \"Non-positive definite approximate variance-covariance\"); drop the term or use the fixed-effect table's intervals", lv.groupName(), lv.colNames[0], th)
		}
		ps = append(ps, vc{level: l, parm: fmt.Sprintf(".sig%02d", len(ps)+1), group: lv.groupName(), name: "sd_" + lv.colNames[0]})
		psi = append(psi, math.Log(th))
	}
	rp := m.x[nt:]
	ncor := rs.ncor()
	if c := rs.cor; c != nil {
		u := nlmeCorCoef(c, rp[:ncor])
		for i, p := range c.params(c.natural(rp[:ncor], rs.maxn)) {
			ps = append(ps, vc{level: -1, parm: p.Name, group: "corStruct", name: p.Name})
			psi = append(psi, u[i])
		}
	}
	if v := rs.vf; v != nil {
		for i, p := range v.params(rp[ncor:]) {
			ps = append(ps, vc{level: -1, parm: p.Name, group: "varStruct", name: p.Name})
			psi = append(psi, rp[ncor+i])
		}
	}
	lsig := 0.5 * math.Log(m.Result.ResidualVariance)
	ps = append(ps, vc{level: -1, parm: ".sigma", group: "Residual", name: "sigma"})
	psi = append(psi, lsig)
	nsd := 0
	for _, p := range ps {
		if p.level >= 0 {
			nsd++
		}
	}
	// ψ in absolute log SDs; the engine takes θ relative to σ.
	for k := range nsd {
		psi[k] += lsig
	}
	k := len(psi)
	reml := !m.opts.ML
	e := m.e
	x := make([]float64, len(m.x))
	dev := func(y []float64) float64 {
		s := math.Exp(y[k-1])
		copy(x, m.x)
		for i := range nsd {
			x[d.levels[ps[i].level].thetaOff] = math.Exp(y[i]) / s
		}
		if c := rs.cor; c != nil {
			copy(x[nt:nt+ncor], nlmeCorFromCoef(c, y[nsd:nsd+ncor]))
		}
		copy(x[nt+ncor:], y[nsd+ncor:k-1])
		c, ok := e.eval(x[:nt], x[nt:]...)
		if !ok {
			return math.NaN()
		}
		return e.devianceAt(c, s, reml)
	}
	defer func() {
		// leave the engine at the optimum, as summarise did
		e.keep = true
		e.eval(m.x[:nt], m.x[nt:]...)
		e.keep = false
	}()
	H, ok := richardsonHessian(dev, psi)
	if !ok {
		return errs.New(errs.Singular, "mixed", "nlme intervals: the log-likelihood cannot be evaluated near the estimates")
	}
	// A = (−∂²ℓ)⁻¹ = 2 (∂² deviance)⁻¹
	S := mat.NewSymDense(k, nil)
	for i := range k {
		for j := i; j < k; j++ {
			S.SetSym(i, j, 0.5*H[i*k+j])
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(S) {
		return errs.New(errs.Singular, "mixed", "nlme intervals: the approximate covariance of the variance parameters is not positive definite (a variance at or near its boundary?), as nlme's apVar would say")
	}
	var A mat.SymDense
	if err := ch.InverseTo(&A); err != nil {
		return errs.New(errs.Singular, "mixed", "nlme intervals: %v", err)
	}
	z := distuv.UnitNormal.Quantile((1 + level) / 2)
	back := func(i int, u float64) float64 {
		switch {
		case i < nsd || i == k-1:
			return math.Exp(u)
		case i < nsd+ncor:
			w := append([]float64(nil), psi[nsd:nsd+ncor]...)
			w[i-nsd] = u
			par := rs.cor.natural(nlmeCorFromCoef(rs.cor, w), rs.maxn)
			return rs.cor.params(par)[i-nsd].Value
		default:
			w := append([]float64(nil), rp[ncor:]...)
			w[i-nsd-ncor] = u
			return rs.vf.params(w)[i-nsd-ncor].Value
		}
	}
	for i, p := range ps {
		h := z * math.Sqrt(A.At(i, i))
		lo, est, hi := back(i, psi[i]-h), back(i, psi[i]), back(i, psi[i]+h)
		if lo > hi {
			lo, hi = hi, lo
		}
		if math.IsInf(lo, 0) || math.IsInf(hi, 0) || math.IsNaN(lo) || math.IsNaN(hi) {
			return errs.New(errs.Singular, "mixed", "nlme intervals: the interval of %s (%s) is not finite: the log-likelihood is nearly flat in it", p.parm, p.group)
		}
		res.Intervals = append(res.Intervals, CI{Parm: p.parm, Group: p.group, Name: p.name, Estimate: est, Lower: lo, Upper: hi, Method: "nlme"})
	}
	var none []string
	for _, c := range m.Result.Fixed {
		if !(c.DF > 0) {
			none = append(none, c.Name)
			continue
		}
		w := tTest(c.Name, c.Estimate, c.SE, c.DF, level)
		res.Intervals = append(res.Intervals, CI{Parm: c.Name, Name: c.Name, Estimate: c.Estimate, Lower: w.CILB, Upper: w.CIUB, Method: "nlme"})
	}
	res.Notes = append(res.Notes, "nlme's intervals(m): the variance parameters by Wald intervals on nlme's unconstrained scale (log SDs, the correlation's and variance function's unconstrained coefficients, log σ) from the inverse Hessian of the log-likelihood (nlme's apVar; here the Hessian is Richardson-extrapolated, accurate to ~1e-8, where nlme's fdHess can be off by a few tenths of a percent in the SEs), the fixed effects with t quantiles on nlme's df.")
	if len(none) > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%v: no degrees of freedom are left (containment df 0), so no interval is given.", none))
	}
	return nil
}

// nlmeCorCoef maps the optimiser's coordinates z of a correlation
// structure to nlme's unconstrained coefficients (coef(cs, unconstrained
// = TRUE)); nlmeCorFromCoef is its inverse.
func nlmeCorCoef(c corStruct, z []float64) []float64 {
	u := make([]float64, len(z))
	switch c.name() {
	case "ar1", "arma11": // φ = tanh z; nlme log((1 + φ)/(1 − φ)) = 2z
		for i, v := range z {
			u[i] = 2 * v
		}
	case "exp": // φ = logistic z = exp(−1/range); nlme log range
		u[0] = math.Log(-1 / math.Log(logistic(z[0])))
	default: // car1: logit φ; cs: log((ρ − l)/(1 − ρ)), both z itself
		copy(u, z)
	}
	return u
}

func nlmeCorFromCoef(c corStruct, u []float64) []float64 {
	z := make([]float64, len(u))
	switch c.name() {
	case "ar1", "arma11":
		for i, v := range u {
			z[i] = v / 2
		}
	case "exp":
		z[0] = logit(math.Exp(-1 / math.Exp(u[0])))
	default:
		copy(z, u)
	}
	return z
}

// richardsonHessian returns the Hessian of f at x (row-major k × k) by
// central differences at steps h and h/2, h_i = 1e-3·max(1, |x_i|),
// combined by Richardson extrapolation (error O(h⁴)); false if f is not
// finite at some point.
func richardsonHessian(f func([]float64) float64, x []float64) ([]float64, bool) {
	k := len(x)
	f0 := f(x)
	if math.IsNaN(f0) || math.IsInf(f0, 0) {
		return nil, false
	}
	y := make([]float64, k)
	at := func(i int, a float64, j int, b float64) float64 {
		copy(y, x)
		y[i] += a
		y[j] += b
		return f(y)
	}
	D := func(s float64) ([]float64, bool) {
		H := make([]float64, k*k)
		for i := range k {
			hi := s * 1e-3 * math.Max(1, math.Abs(x[i]))
			fp, fm := at(i, hi, i, 0), at(i, -hi, i, 0)
			H[i*k+i] = (fp - 2*f0 + fm) / (hi * hi)
			for j := i + 1; j < k; j++ {
				hj := s * 1e-3 * math.Max(1, math.Abs(x[j]))
				v := (at(i, hi, j, hj) - at(i, hi, j, -hj) - at(i, -hi, j, hj) + at(i, -hi, j, -hj)) / (4 * hi * hj)
				H[i*k+j], H[j*k+i] = v, v
			}
		}
		for _, v := range H {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, false
			}
		}
		return H, true
	}
	H1, ok := D(1)
	if !ok {
		return nil, false
	}
	H2, ok := D(0.5)
	if !ok {
		return nil, false
	}
	for i := range H1 {
		H1[i] = (4*H2[i] - H1[i]) / 3
	}
	return H1, true
}
