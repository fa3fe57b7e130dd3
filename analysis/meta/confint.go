package meta

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/internal/optim"
	"gonum.org/v1/gonum/stat/distuv"
)

// qprofile sets the Q-profile confidence intervals for τ², I² and H²
// (Viechtbauer 2007; metafor confint.rma.uni, type "QP"). The generalised
// Q(τ²) = y'P(τ²)y decreases in τ²; the bounds solve
//
//	Q(τ²_lb) = χ²_{k−p, 1−α/2},  Q(τ²_ub) = χ²_{k−p, α/2}
//
// on [0, max(100, 10τ̂²)]. When Q(0) is already below a critical value the
// bound is 0 (both bounds 0: the interval is the null set, "ci_null"); when
// Q at the upper search limit is above it, the bound is the limit, as
// metafor reports.
func (m *model) qprofile(r *Result) error {
	if m.opt.Method == GENQ || m.opt.Method == GENQM {
		return m.genqProfile(r)
	}
	k, p := m.d.k, m.d.p
	alpha := 1 - r.Level
	chi := distuv.ChiSquared{K: float64(k - p)}
	return r.invertProfile(m.qAt, [2]float64{chi.Quantile(alpha / 2), chi.Quantile(1 - alpha/2)}, 0, "Q(0) is below the lower critical value")
}

// invertProfile sets the CIs of τ², I² and H² from a statistic S(τ²) that
// decreases in τ²: the upper bound solves S(τ²_ub) = crit[0] (the lower
// critical value), the lower bound S(τ²_lb) = crit[1], on
// [0, max(100, 10τ̂²)] to the root tolerance tol. When S(0) is already below
// a critical value the bound is 0 (both 0: the null set {0}, zeroNote says
// why); when S at the search limit is above it, the bound is the limit, as
// metafor reports. The Q profile and the generalised Q profile of GENQ and
// GENQM differ only in S and crit.
func (r *Result) invertProfile(S func(float64) (float64, error), crit [2]float64, tol float64, zeroNote string) error {
	lo, hi := 0.0, math.Max(100, 10*r.Tau2)
	slo, err := S(lo)
	if err != nil {
		return err
	}
	shi, err := S(hi)
	if err != nil {
		return err
	}
	var ferr error
	solve := func(target float64) (float64, error) {
		res, rerr := optim.Root(func(t float64) float64 {
			v, e := S(t)
			if e != nil {
				ferr = e
			}
			return v - target
		}, lo, hi, tol, 10000)
		if ferr != nil {
			return math.NaN(), ferr
		}
		return res.X, rerr
	}
	critL, critU := crit[0], crit[1]
	var lb, ub float64
	var notes []string
	switch {
	case slo < critL:
		ub = lo // lb is set below (slo < critL ≤ critU)
		notes = append(notes, zeroNote+": the CI for τ² is the null set {0}")
	case shi > critL:
		ub = hi
		notes = append(notes, fmt.Sprintf("upper bound of τ² > %g (the search limit)", hi))
	default:
		if ub, err = solve(critL); err != nil {
			return fmt.Errorf("upper bound: %w", err)
		}
	}
	switch {
	case shi > critU:
		lb, ub = hi, hi
		notes = append(notes, fmt.Sprintf("both bounds of τ² exceed the search limit %g", hi))
	case slo < critU:
		lb = lo
		if slo >= critL {
			notes = append(notes, "lower bound of τ² truncated at 0")
		}
	default:
		if lb, err = solve(critU); err != nil {
			return fmt.Errorf("lower bound: %w", err)
		}
	}
	r.Tau2CI = &[2]float64{lb, ub}
	if r.VT > 0 {
		r.I2CI = &[2]float64{100 * lb / (r.VT + lb), 100 * ub / (r.VT + ub)}
		r.H2CI = &[2]float64{lb/r.VT + 1, ub/r.VT + 1}
	}
	if len(notes) > 0 {
		r.CINote = notes[0]
	}
	return nil
}
