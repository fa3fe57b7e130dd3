// Package wald is the one home of Wald inference for estimated
// coefficients: from an estimate β̂ and its variance v, the standard error
// SE = √v, the statistic β̂/SE, its two-sided p-value and the level
// confidence interval β̂ ± c·SE against N(0, 1) (c = z_{1−α/2}) or Student's
// t with df degrees of freedom (c = t_{df, 1−α/2}); and the omnibus test
// of several coefficients, Q = b′V⁻¹b against χ²_m, or Q/m against
// F_{m, df} under a t reference (metafor's QM; Knapp & Hartung 2003, Stat.
// Med. 22, 2693–2710).
package wald

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"gonum.org/v1/gonum/stat/distuv"
)

// Ref is a reference distribution for Wald tests at one confidence level.
type Ref struct {
	df   float64 // +Inf for the normal
	crit float64 // two-sided critical value at the level
	t    distuv.StudentsT
}

// Normal returns the N(0, 1) reference at confidence level (e.g. 0.95).
func Normal(level float64) Ref {
	return Ref{df: math.Inf(1), crit: distuv.UnitNormal.Quantile(1 - (1-level)/2)}
}

// StudentT returns the Student-t reference with df degrees of freedom at
// confidence level. With df ≤ 0 (or NaN) there is no t distribution: the
// critical value and every p-value of the reference are NaN, so a test
// without degrees of freedom is reported as untested, never as a number.
func StudentT(df, level float64) Ref {
	if !(df > 0) {
		return Ref{df: df, crit: math.NaN(), t: distuv.StudentsT{Mu: 0, Sigma: 1, Nu: math.NaN()}}
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	return Ref{df: df, crit: t.Quantile(1 - (1-level)/2), t: t}
}

// IsT reports whether r is a Student-t reference.
func (r Ref) IsT() bool { return !math.IsInf(r.df, 1) }

// DF returns the t degrees of freedom (+Inf for the normal).
func (r Ref) DF() float64 { return r.df }

// Crit returns the two-sided critical value c of the confidence interval.
func (r Ref) Crit() float64 { return r.crit }

// Coef is the Wald inference of one coefficient, the one coefficient type
// of the meta-analysis packages: meta.Coef, metamv's cluster-robust
// coefficients and ipd.Coef are this type. Its JSON names are metafor's
// (DESIGN.md: name, estimate, se, statistic, df for t tests only, p, ci_lb,
// ci_ub). mixed.Coef (df always present, before the statistic, as the lmm
// JSON contract) and rupture.Coef (integer df, null-encoding Float) keep
// their own field types but are built from Ref.Coef too.
type Coef struct {
	Name      string   `json:"name"`         // "intrcpt" or the design column name
	Estimate  float64  `json:"estimate"`     // β̂
	SE        float64  `json:"se"`           // standard error
	Statistic float64  `json:"statistic"`    // z or t value, β̂/SE
	DF        *float64 `json:"df,omitempty"` // t degrees of freedom; nil for a z test
	P         float64  `json:"p"`            // two-sided p-value
	CILB      float64  `json:"ci_lb"`        // lower confidence bound
	CIUB      float64  `json:"ci_ub"`        // upper confidence bound
}

// Coef returns the inference for estimate est with variance variance:
// SE = √variance, statistic est/SE, p = 2·S(|est/SE|) with S the survival
// function of the reference, CI est ± c·SE, and DF the t degrees of
// freedom (nil for the normal reference). Name is left empty.
func (r Ref) Coef(est, variance float64) Coef {
	return r.CoefSE(est, math.Sqrt(variance))
}

// CoefSE is Coef for an estimate est whose standard error se is already
// known (so that it is not squared and rooted again).
func (r Ref) CoefSE(est, se float64) Coef {
	z := est / se
	c := Coef{Estimate: est, SE: se, Statistic: z, CILB: est - r.crit*se, CIUB: est + r.crit*se}
	if r.IsT() {
		c.P = math.NaN()
		if r.df > 0 {
			c.P = 2 * r.t.Survival(math.Abs(z))
		}
		df := r.df
		c.DF = &df
	} else {
		c.P = math.Erfc(math.Abs(z) / math.Sqrt2) // 2·(1 − Φ(|z|))
	}
	return c
}

// Q returns the Wald quadratic form b[idx]′ V[idx, idx]⁻¹ b[idx] from the
// p×p covariance v (row-major). It fails when V[idx, idx] is not positive
// definite.
func Q(b, v []float64, p int, idx []int) (float64, error) {
	m := len(idx)
	if m == 0 {
		return math.NaN(), fmt.Errorf("no coefficients to test")
	}
	a := make([]float64, m*m)
	bb := make([]float64, m)
	for i, ii := range idx {
		bb[i] = b[ii]
		for j, jj := range idx {
			a[i*m+j] = v[ii*p+jj]
		}
	}
	if err := linalg.Cholesky(a, m); err != nil {
		return math.NaN(), fmt.Errorf("covariance of the tested coefficients is singular: %w", err)
	}
	return linalg.QuadInv(a, m, bb, bb), nil
}

// Span returns the indices lo, lo+1, …, hi−1.
func Span(lo, hi int) []int {
	idx := make([]int, 0, hi-lo)
	for j := lo; j < hi; j++ {
		idx = append(idx, j)
	}
	return idx
}

// Omnibus tests b[idx] = 0 from the p×p covariance v (row-major): it
// returns Q (see Q) against χ²_m (m = len(idx)) for the normal reference,
// or Q/m against F_{m, df} for a t reference, and its p-value. It fails
// when V[idx, idx] is not positive definite.
func (r Ref) Omnibus(b, v []float64, p int, idx []int) (stat, pval float64, err error) {
	q, err := Q(b, v, p, idx)
	if err != nil {
		return math.NaN(), math.NaN(), err
	}
	m := len(idx)
	if r.IsT() {
		q /= float64(m)
		return q, distuv.F{D1: float64(m), D2: r.df}.Survival(q), nil
	}
	return q, distuv.ChiSquared{K: float64(m)}.Survival(q), nil
}
