package mixed

import (
	"math"
)

// varFunc is a variance function of the residuals, as nlme's varFunc
// classes (Pinheiro & Bates 2000, section 5.2): Var(ε_i) = σ² λ_i², with
// λ_i = 1 for the reference and
//
//	varident  varIdent(form = ~ 1 | s)  λ_i = δ_{s(i)}, δ of the reference stratum 1
//	varpower  varPower(form = ~ v)      λ_i = |v_i|^δ
//	varpower  varPower()                λ_i = |μ̂_i|^δ, μ̂ the fitted values (nlme's default form = ~ fitted(.))
//
// The likelihood gains −Σ log λ_i (the Jacobian of ε_i/λ_i), as nlme's.
// With the fitted values as covariate the weights depend on β (and for lme
// on the random effects): the fit alternates between the criterion with
// the covariate held fixed and updating it, as nlme (fitFittedPower).
type varFunc interface {
	class() string
	form() string
	npar() int
	start() []float64
	bounds() (lo, up []float64)
	// sd writes λ_r for every design row r at the optimiser's coordinates.
	sd(par []float64, lam []float64)
	params(par []float64) []ResidParam
}

// varIdent holds the stratum of every design row (0: the reference) and
// the strata's labels, reference first. It is fitted in log δ.
type varIdent struct {
	col    string
	strata []int
	labels []string
}

func (v *varIdent) class() string { return "varIdent" }
func (v *varIdent) form() string  { return "~ 1 | " + v.col }
func (v *varIdent) npar() int     { return len(v.labels) - 1 }
func (v *varIdent) start() []float64 {
	return make([]float64, v.npar())
}
func (v *varIdent) bounds() (lo, up []float64) {
	lo, up = make([]float64, v.npar()), make([]float64, v.npar())
	for i := range lo {
		lo[i], up[i] = math.Inf(-1), math.Inf(1)
	}
	return lo, up
}
func (v *varIdent) sd(par []float64, lam []float64) {
	for r, s := range v.strata {
		if s == 0 {
			lam[r] = 1
		} else {
			lam[r] = math.Exp(par[s-1])
		}
	}
}

// params are δ of every stratum but the reference, named by its level (nlme's
// coef(varIdent, unconstrained = FALSE)).
func (v *varIdent) params(par []float64) []ResidParam {
	out := make([]ResidParam, 0, len(par))
	for k, p := range par {
		out = append(out, ResidParam{v.labels[k+1], math.Exp(p)})
	}
	return out
}

// varPower holds the covariate of every design row: the column col, or
// with fitted the current fitted values (set by fitFittedPower).
type varPower struct {
	col    string
	fitted bool
	v      []float64
}

func (v *varPower) class() string { return "varPower" }
func (v *varPower) form() string {
	if v.fitted {
		return "~ fitted(.)"
	}
	return "~ " + v.col
}
func (v *varPower) npar() int        { return 1 }
func (v *varPower) start() []float64 { return []float64{0} }
func (v *varPower) bounds() (lo, up []float64) {
	return []float64{math.Inf(-1)}, []float64{math.Inf(1)}
}
func (v *varPower) params(par []float64) []ResidParam { return []ResidParam{{"power", par[0]}} }
func (v *varPower) sd(par []float64, lam []float64) {
	for r, x := range v.v {
		lam[r] = math.Pow(math.Abs(x), par[0])
	}
}
