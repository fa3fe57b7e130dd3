package effectsize

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// PCORValue returns the partial correlation between an outcome and the
// predictor of interest of a regression, and its sampling variance, from
// the predictor's t statistic, the sample size n and the number of
// predictors p:
//
//	yi = t / √(t² + df),   vi = (1 − yi²)²/df,   df = n − p − 1.
//
// Aloe & Becker (2012); Aloe & Thompson (2013); metafor 3.8-1's
// escalc(measure = "PCOR", ti, ni, mi) with vtype LS (the default). vtype AV
// needs the whole table: use PCOR.
func PCORValue(t, n, p float64, vtype VType) (yi, vi float64, err error) {
	switch normVType(vtype) {
	case VTypeLS:
	case VTypeAV:
		return 0, 0, errs.New(errs.InvalidOption, "effectsize: PCOR", "vtype AV uses the weighted mean of the whole table: call PCOR with all studies")
	default:
		return 0, 0, errs.New(errs.InvalidOption, "effectsize: PCOR", "vtype %q: use LS or AV", vtype)
	}
	df, err := checkReg("PCOR", -1, t, n, p)
	if err != nil {
		return 0, 0, err
	}
	yi = pcor(t, df)
	return yi, varLS(yi, df), nil
}

// PCOR returns the partial correlations (yi) and their sampling variances
// (vi) for every study of a table, as PCORValue does for one, with vtype LS
// (the default) or AV:
//
//	AV: vi = (1 − ȳ²)²/dfᵢ,  ȳ = Σnᵢyᵢ / Σnᵢ.
func PCOR(t, n, p []float64, vtype VType) (yi, vi []float64, err error) {
	if err := checkLen("PCOR", []string{"t", "n", "p"}, len(t), len(n), len(p)); err != nil {
		return nil, nil, err
	}
	vt := normVType(vtype)
	if vt != VTypeLS && vt != VTypeAV {
		return nil, nil, errs.New(errs.InvalidOption, "effectsize: PCOR", "vtype %q: use LS or AV", vtype)
	}
	yi = make([]float64, len(t))
	vi = make([]float64, len(t))
	for i := range t {
		df, err := checkReg("PCOR", i, t[i], n[i], p[i])
		if err != nil {
			return nil, nil, err
		}
		yi[i] = pcor(t[i], df)
		vi[i] = df // the degrees of freedom, until the variances are known
	}
	ybar := 0.0
	if vt == VTypeAV && len(t) > 0 {
		ybar = weightedMean(yi, n)
	}
	for i := range t {
		y := yi[i]
		if vt == VTypeAV {
			y = ybar
		}
		vi[i] = varLS(y, vi[i])
	}
	return yi, vi, nil
}

// ZPCORValue returns Fisher's z of the partial correlation and its sampling
// variance:
//
//	yi = atanh(t / √(t² + df)),   vi = 1/df,   df = n − p − 1,
//
// as metafor 3.8-1's escalc(measure = "ZPCOR", ti, ni, mi) computes them.
func ZPCORValue(t, n, p float64) (yi, vi float64, err error) {
	df, err := checkReg("ZPCOR", -1, t, n, p)
	if err != nil {
		return 0, 0, err
	}
	return fisherZ(pcor(t, df)), 1 / df, nil
}

// ZPCOR returns ZPCORValue for every study of a table.
func ZPCOR(t, n, p []float64) (yi, vi []float64, err error) {
	if err := checkLen("ZPCOR", []string{"t", "n", "p"}, len(t), len(n), len(p)); err != nil {
		return nil, nil, err
	}
	yi = make([]float64, len(t))
	vi = make([]float64, len(t))
	for i := range t {
		df, err := checkReg("ZPCOR", i, t[i], n[i], p[i])
		if err != nil {
			return nil, nil, err
		}
		yi[i], vi[i] = fisherZ(pcor(t[i], df)), 1/df
	}
	return yi, vi, nil
}

// SPCORValue returns the semipartial correlation of the predictor of interest
// and its sampling variance, from its t statistic, the sample size n, the
// number of predictors p and the model's R²:
//
//	yi = t √(1 − R²) / √df,   df = n − p − 1,
//	vi = [R²² − 2R² + (R² − yi²) + 1 − (R² − yi²)²] / n   (vtype LS).
//
// Aloe & Becker (2012); metafor 3.8-1's escalc(measure = "SPCOR", ti, ni,
// mi, r2i). The squared semipartial correlation yi² cannot exceed R²: such
// inputs are inconsistent and reported (metafor returns |yi| > 1 or a
// missing variance for them). vtype AV needs the whole table: use SPCOR.
func SPCORValue(t, n, p, r2 float64, vtype VType) (yi, vi float64, err error) {
	switch normVType(vtype) {
	case VTypeLS:
	case VTypeAV:
		return 0, 0, errs.New(errs.InvalidOption, "effectsize: SPCOR", "vtype AV uses the weighted mean of the whole table: call SPCOR with all studies")
	default:
		return 0, 0, errs.New(errs.InvalidOption, "effectsize: SPCOR", "vtype %q: use LS or AV", vtype)
	}
	if yi, err = spcorEstimate(-1, t, n, p, r2); err != nil {
		return 0, 0, err
	}
	vi = spcorVar(yi, n, r2)
	if !(vi > 0) {
		return 0, 0, inputErr("SPCOR", "R2", -1, r2, fmt.Sprintf("the sampling variance is %g, not positive: check t, n, p and R²", vi))
	}
	return yi, vi, nil
}

// SPCOR returns the semipartial correlations (yi) and their sampling
// variances (vi) for every study of a table, as SPCORValue does for one,
// with vtype LS (the default) or AV, which puts ȳ = Σnᵢyᵢ / Σnᵢ in place of
// yi in the variance.
func SPCOR(t, n, p, r2 []float64, vtype VType) (yi, vi []float64, err error) {
	if err = checkLen("SPCOR", []string{"t", "n", "p", "R2"}, len(t), len(n), len(p), len(r2)); err != nil {
		return nil, nil, err
	}
	vt := normVType(vtype)
	if vt != VTypeLS && vt != VTypeAV {
		return nil, nil, errs.New(errs.InvalidOption, "effectsize: SPCOR", "vtype %q: use LS or AV", vtype)
	}
	yi = make([]float64, len(t))
	vi = make([]float64, len(t))
	for i := range t {
		if yi[i], err = spcorEstimate(i, t[i], n[i], p[i], r2[i]); err != nil {
			return nil, nil, err
		}
	}
	ybar := 0.0
	if vt == VTypeAV && len(t) > 0 {
		ybar = weightedMean(yi, n)
	}
	for i := range t {
		y := yi[i]
		if vt == VTypeAV {
			y = ybar
		}
		vi[i] = spcorVar(y, n[i], r2[i])
		if !(vi[i] > 0) {
			return nil, nil, inputErr("SPCOR", "R2", i, r2[i], fmt.Sprintf("the sampling variance is %g, not positive: check t, n, p and R²", vi[i]))
		}
	}
	return yi, vi, nil
}

func pcor(t, df float64) float64 { return t / math.Sqrt(t*t+df) }

func spcorEstimate(i int, t, n, p, r2 float64) (float64, error) {
	df, err := checkReg("SPCOR", i, t, n, p)
	if err != nil {
		return 0, err
	}
	if !finite(r2) || r2 < 0 || r2 > 1 {
		return 0, inputErr("SPCOR", "R2", i, r2, "R² must lie in [0, 1]")
	}
	if sr2 := t * t * (1 - r2) / df; sr2 > r2 {
		return 0, inputErr("SPCOR", "R2", i, r2, fmt.Sprintf(
			"the squared semipartial correlation t²(1-R²)/(n-p-1) = %g exceeds R²: t, n, p and R² are inconsistent", sr2))
	}
	return t * math.Sqrt(1-r2) / math.Sqrt(df), nil
}

func spcorVar(y, n, r2 float64) float64 {
	d := r2 - y*y
	return (r2*r2 - 2*r2 + d + 1 - d*d) / n
}

// checkReg validates the regression inputs and returns df = n − p − 1.
func checkReg(fn string, i int, t, n, p float64) (float64, error) {
	if !finite(t) {
		return 0, inputErr(fn, "t", i, t, "the t statistic is not a finite number")
	}
	if !finite(n) || n <= 0 {
		return 0, inputErr(fn, "n", i, n, "the sample size must be a positive number")
	}
	if !finite(p) || p < 0 {
		return 0, inputErr(fn, "p", i, p, "the number of predictors must be a non-negative number")
	}
	df := n - p - 1
	if df <= 0 {
		return 0, inputErr(fn, "n", i, n, fmt.Sprintf("the residual df n - p - 1 = %g must be positive (p = %g)", df, p))
	}
	return df, nil
}
