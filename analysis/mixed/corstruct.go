package mixed

import (
	"fmt"
	"math"
)

// corStruct is a within-group correlation structure of the residuals, as
// nlme's corStruct classes with form = ~ time | group (Pinheiro & Bates
// 2000, Mixed-Effects Models in S and S-PLUS, section 5.3). Every structure
// here is stationary: the correlation of two rows of one group depends only
// on the distance d = |t − t′| of their times,
//
//	ar1     corAR1      φ^d             d integer (gaps respected: nlme's corAR1 with a time covariate)
//	car1    corCAR1     φ^d             d continuous, 0 ≤ φ < 1
//	exp     corExp      exp(−d/range)   d continuous (no nugget); fitted as φ = exp(−1/range)
//	cs      corCompSymm ρ               any d ≠ 0 (time not used)
//	arma11  corARMA     ρ₁ φ^(d−1)      d integer, p = q = 1, ρ₁ = (1 + φθ)(φ + θ)/(1 + 2φθ + θ²)
//
// ar1, car1 and exp are Markov in time: the inverse Cholesky factor of a
// group's correlation matrix is bidiagonal in time order (arData, whiten),
// so an evaluation costs O(rows); cs and arma11 factor each group's matrix.
type corStruct interface {
	// name is the option's name (ar1, car1, exp, cs, arma11); class nlme's.
	name() string
	class() string
	// npar is the number of parameters and start their starting values.
	// The optimiser works in unconstrained coordinates z (as nlme's
	// "unconstrained" coefficients), which natural maps to the parameters
	// (maxn: the largest group, which bounds ρ of compound symmetry):
	// φ = tanh z for AR(1) and ARMA(1, 1), φ = 1/(1 + e^(−z)) for CAR(1)
	// and exp, ρ = l + (1 − l)/(1 + e^(−z)) with l = −1/(maxn − 1) for
	// compound symmetry. Near a bound (φ = 0.99) the criterion is far from
	// quadratic in φ but not in z, which the Newton polish needs.
	npar() int
	start() []float64
	natural(z []float64, maxn int) []float64
	// corr is the correlation of two rows at time distance d > 0, at the
	// natural parameters par.
	corr(par []float64, d float64) float64
	// markov reports a bidiagonal inverse Cholesky factor in time order.
	markov() bool
	// needsTime and integerTime say what the time column must be.
	needsTime() bool
	integerTime() bool
	// params are the parameters by nlme's names (coef(…, unconstrained =
	// FALSE)) at the natural parameters par.
	params(par []float64) []ResidParam
}

// ResidParam is one parameter of a residual correlation structure or a
// variance function, by nlme's name (Phi, Rho, range, Theta1, a varIdent
// stratum's level, power).
type ResidParam struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// Correlations names the residual correlation structures of
// Options.Correlation.
var Correlations = []string{"ar1", "car1", "exp", "cs", "arma11"}

// newCorStruct returns the structure of an Options.Correlation name.
func newCorStruct(name string) (corStruct, error) {
	switch name {
	case "ar1":
		return corAR1{}, nil
	case "car1":
		return corCAR1{}, nil
	case "exp":
		return corExp{}, nil
	case "cs":
		return corCS{}, nil
	case "arma11":
		return corARMA11{}, nil
	}
	return nil, fmt.Errorf("unknown residual correlation %q; use one of ar1, car1, exp, cs, arma11", name)
}

func logistic(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
func logit(p float64) float64    { return math.Log(p / (1 - p)) }

type corAR1 struct{}

func (corAR1) name() string                          { return "ar1" }
func (corAR1) class() string                         { return "corAR1" }
func (corAR1) npar() int                             { return 1 }
func (corAR1) start() []float64                      { return []float64{0} }
func (corAR1) natural(z []float64, _ int) []float64  { return []float64{math.Tanh(z[0])} }
func (corAR1) corr(par []float64, d float64) float64 { return math.Pow(par[0], d) }
func (corAR1) markov() bool                          { return true }
func (corAR1) needsTime() bool                       { return true }
func (corAR1) integerTime() bool                     { return true }
func (corAR1) params(par []float64) []ResidParam {
	return []ResidParam{{"Phi", par[0]}}
}

type corCAR1 struct{}

func (corCAR1) name() string                          { return "car1" }
func (corCAR1) class() string                         { return "corCAR1" }
func (corCAR1) npar() int                             { return 1 }
func (corCAR1) start() []float64                      { return []float64{logit(0.2)} }
func (corCAR1) natural(z []float64, _ int) []float64  { return []float64{logistic(z[0])} }
func (corCAR1) corr(par []float64, d float64) float64 { return math.Pow(par[0], d) }
func (corCAR1) markov() bool                          { return true }
func (corCAR1) needsTime() bool                       { return true }
func (corCAR1) integerTime() bool                     { return false }
func (corCAR1) params(par []float64) []ResidParam {
	return []ResidParam{{"Phi", par[0]}}
}

// corExp is fitted in φ = exp(−1/range), the coordinate of corCAR1 (the
// two are one model); range = −1/log φ is reported.
type corExp struct{}

func (corExp) name() string                          { return "exp" }
func (corExp) class() string                         { return "corExp" }
func (corExp) npar() int                             { return 1 }
func (corExp) start() []float64                      { return []float64{logit(0.2)} }
func (corExp) natural(z []float64, _ int) []float64  { return []float64{logistic(z[0])} }
func (corExp) corr(par []float64, d float64) float64 { return math.Pow(par[0], d) }
func (corExp) markov() bool                          { return true }
func (corExp) needsTime() bool                       { return true }
func (corExp) integerTime() bool                     { return false }
func (corExp) params(par []float64) []ResidParam {
	return []ResidParam{{"range", -1 / math.Log(par[0])}}
}

// corCS is compound symmetry: ρ > −1/(n_max − 1) keeps every group's
// matrix positive definite.
type corCS struct{}

func (corCS) name() string     { return "cs" }
func (corCS) class() string    { return "corCompSymm" }
func (corCS) npar() int        { return 1 }
func (corCS) start() []float64 { return []float64{0} }
func (corCS) natural(z []float64, maxn int) []float64 {
	l := -1.0
	if maxn > 1 {
		l = -1 / float64(maxn-1)
	}
	return []float64{l + (1-l)*logistic(z[0])}
}
func (corCS) corr(par []float64, _ float64) float64 { return par[0] }
func (corCS) markov() bool                          { return false }
func (corCS) needsTime() bool                       { return false }
func (corCS) integerTime() bool                     { return false }
func (corCS) params(par []float64) []ResidParam {
	return []ResidParam{{"Rho", par[0]}}
}

// corARMA11 is the ARMA(1, 1) process e_t = φ e_{t−1} + a_t + θ a_{t−1}
// (nlme's corARMA(p = 1, q = 1) sign convention, as R's arima), whose
// autocorrelation is ρ₁ φ^(d−1) with ρ₁ = (1 + φθ)(φ + θ)/(1 + 2φθ + θ²)
// (Box & Jenkins 1976, section 3.4); stationarity and invertibility
// bound |φ|, |θ| < 1.
type corARMA11 struct{}

func (corARMA11) name() string     { return "arma11" }
func (corARMA11) class() string    { return "corARMA" }
func (corARMA11) npar() int        { return 2 }
func (corARMA11) start() []float64 { return []float64{math.Atanh(0.2), math.Atanh(0.1)} }
func (corARMA11) natural(z []float64, _ int) []float64 {
	return []float64{math.Tanh(z[0]), math.Tanh(z[1])}
}
func (corARMA11) corr(par []float64, d float64) float64 {
	phi, th := par[0], par[1]
	r1 := (1 + phi*th) * (phi + th) / (1 + 2*phi*th + th*th)
	return r1 * math.Pow(phi, d-1)
}
func (corARMA11) markov() bool      { return false }
func (corARMA11) needsTime() bool   { return true }
func (corARMA11) integerTime() bool { return true }
func (corARMA11) params(par []float64) []ResidParam {
	return []ResidParam{{"Phi1", par[0]}, {"Theta1", par[1]}}
}

// CorrelationUsesTime reports whether the residual correlation of an
// Options.Correlation name depends on a time column (all but "cs").
func CorrelationUsesTime(name string) bool {
	c, err := newCorStruct(name)
	return err == nil && c.needsTime()
}
