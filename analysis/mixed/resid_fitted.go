package mixed

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/optim"
)

// fittedRounds caps the alternation of fitFittedPower (a variable for the
// test of a loop that does not settle); fittedTol is its stopping rule on
// the fitted values (relative to their largest magnitude).
var fittedRounds = 100

const fittedTol = 1e-9

// fittedPower returns the varPower of the fitted values of the residual
// structure (nil without one).
func (rs *residual) fittedPower() *varPower {
	if rs == nil {
		return nil
	}
	if vp, ok := rs.vf.(*varPower); ok && vp.fitted {
		return vp
	}
	return nil
}

// fitFittedPower fits a model whose variance function is the power of the
// fitted values, nlme's varPower() (form = ~ fitted(.)): Var(ε_i) =
// σ² |μ̂_i|^(2δ). The weights depend on β (and, for lme, on the random
// effects), so the criterion is not a function of the variance parameters
// alone; nlme's lme and gls alternate (Pinheiro & Bates 2000, section 5.2.1,
// and the "needUpdate" loop of lme.formula and gls):
//
//  1. hold the covariate v at the current fitted values and minimise the
//     REML/ML criterion over θ, the correlation and δ with |v|^δ fixed;
//  2. set v to the new fitted values, μ̂ = Xβ̂ for gls and for lme the
//     fitted values at the innermost level, Xβ̂ + Σ Z b̂ (nlme's
//     fitted.lmeStruct, level = Q), and repeat
//
// from v at the start values (δ = 0), until the fitted values change by at
// most fittedTol relative: a fixed point, at which the estimates are the
// optimum of the criterion with the covariate at their own fitted values.
// nlme stops when the parameters change by less than lmeControl's
// tolerance between rounds, which with its warm-started nlminb rounds can
// leave it short of the fixed point (see testdata/golden/R/mixed_resid_fitted.R);
// here every round is polished (newtonPolish), and the loop continues to
// the fixed point. A loop that does not settle in fittedRounds rounds
// returns the last fit with Converged false, the reason, and a note.
func fitFittedPower(formula string, data Data, opts Options, d *design, e *engine, vp *varPower, x0, lo, up []float64) (*Model, error) {
	reml := !opts.ML
	m := &Model{formula: formula, data: data, opts: opts, d: d, e: e, x: x0}
	// Start: the fitted values at the start parameters (δ = 0, weights 1).
	for r := range vp.v {
		vp.v[r] = 1
	}
	f, err := m.innerFitted()
	if err != nil {
		return nil, err
	}
	x := x0
	var res optim.BoundedResult
	evals, iters, rounds := 0, 0, 0
	converged := false
	change := math.Inf(1)
	for rounds < fittedRounds {
		if err = vp.setCovariate(f, data, d.input); err != nil {
			return nil, err
		}
		rounds++
		if res, err = e.simplex(x, lo, up, reml, opts.MaxEval); err != nil {
			return nil, err
		}
		evals += res.Evals
		iters += res.Iterations
		if !res.Converged {
			break
		}
		x, m.x = res.X, res.X
		if f, err = m.innerFitted(); err != nil {
			return nil, err
		}
		change = relChange(f, vp.v)
		if change <= fittedTol {
			converged = true
			break
		}
	}
	res.Evals, res.Iterations = evals, iters
	switch {
	case converged:
		res.Reason = fmt.Sprintf("%s; fixed point of the fitted values after %d round(s) (largest relative change %.1e)", res.Reason, rounds, change)
	case res.Converged:
		res.Converged = false
		res.Reason = fmt.Sprintf("varPower of the fitted values: the fitted values still changed by %.1e (relative) after %d rounds of refitting", change, rounds)
	}
	m.x = res.X
	if err = m.summarise(res); err != nil {
		return nil, err
	}
	if !converged {
		m.Result.Notes = append(m.Result.Notes, "The variance function is the power of the fitted values, which nlme finds by refitting with the weights at the last fitted values; this did not settle ("+res.Reason+"): the estimates are not at the fixed point.")
	}
	return m, nil
}

// setCovariate holds the varPower covariate at the fitted values f (design
// row order); a zero or non-finite fitted value is an error (|0|^δ).
func (v *varPower) setCovariate(f []float64, data Data, input []int) error {
	for r, x := range f {
		if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
			return errs.New(errs.Singular, "mixed", "the fitted value at %s is %g; varPower of the fitted values needs non-zero fitted values (|fitted|^δ)", data.rowName(input[r]), x).WithHint("Weights")
		}
	}
	copy(v.v, f)
	return nil
}

// relChange is max_i |a_i − b_i| / max_i |b_i|.
func relChange(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num = math.Max(num, math.Abs(a[i]-b[i]))
		den = math.Max(den, math.Abs(b[i]))
	}
	if den == 0 {
		return num
	}
	return num / den
}

// innerFitted returns the fitted values at m.x in design row order, on the
// response's scale: Xβ̂ for a model without random effects, Xβ̂ + Σ_l Z_l b̂_l
// (every level's conditional modes; nlme's fitted(level = Q)) otherwise.
func (m *Model) innerFitted() ([]float64, error) {
	d, e := m.d, m.e
	nt := d.ntheta()
	e.keep = true
	_, ok := e.eval(m.x[:nt], m.x[nt:]...)
	e.keep = false
	if !ok {
		return nil, errs.New(errs.Singular, "mixed", "the criterion cannot be evaluated while updating the fitted values of the variance function (degenerate data)")
	}
	beta := e.betaHat()
	var u [][]float64
	if !d.resid.gls {
		u, _ = m.condModes(beta)
	}
	m0, p := d.m0, d.p
	xo := m0 - p - 1
	f := make([]float64, d.n)
	b := make([]float64, 0, 8)
	for j := 0; j+1 < len(d.start); j++ {
		for r := d.start[j]; r < d.start[j+1]; r++ {
			v := d.rows[r*m0 : (r+1)*m0]
			y := d.yShift
			for a := 0; a < p; a++ {
				y += v[xo+a] * beta[a]
			}
			node := j
			for l, lv := range d.levels {
				if l > 0 {
					node = d.levels[l-1].parent[node]
				}
				if u == nil || lv.q == 0 {
					continue
				}
				q := lv.q
				uj := u[l][node*q : (node+1)*q]
				b = b[:0]
				for i := 0; i < q; i++ {
					s := 0.0
					for k := 0; k <= i; k++ {
						s += e.lam[l][i*q+k] * uj[k]
					}
					b = append(b, s)
				}
				for i, bi := range b {
					y += v[lv.off+i] * bi
				}
			}
			f[r] = y
		}
	}
	return f, nil
}

// betaHat is β̂ = L_X⁻ᵀ c_X from the last evaluation's factors (the
// y-shifted intercept: add d.yShift for the response's scale).
func (e *engine) betaHat() []float64 {
	p := e.d.p
	beta := make([]float64, p)
	for i := p - 1; i >= 0; i-- {
		s := e.cX[i]
		for k := i + 1; k < p; k++ {
			s -= e.LX[k*p+i] * beta[k]
		}
		beta[i] = s / e.LX[i*p+i]
	}
	return beta
}
