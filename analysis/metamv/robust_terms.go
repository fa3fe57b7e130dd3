package metamv

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/wald"
	"gonum.org/v1/gonum/stat/distuv"
)

// RobustTermTest is the cluster-robust Wald test that a subset of the
// coefficients is zero (the robust counterpart of meta.TermTest): for CR2
// the HTZ test of Tipton & Pustejovsky (2015) as clubSandwich
// Wald_test(res, constraints = constrain_zero(btt), vcov = "CR2",
// test = "HTZ"); for CR0 and CR1 the F test of metafor's
// anova(robust(res, cluster, adjust), btt = btt).
type RobustTermTest struct {
	Terms []string `json:"terms"` // as given
	Coefs []string `json:"coefs"` // the coefficients tested
	Type  string   `json:"type"`  // CR0, CR1 or CR2, as Robust.Type
	WaldTest
}

// TestCoefficients tests that the named coefficients are all zero with the
// robust covariance V^R. With Q = b′(V^R_bb)⁻¹b over the q coefficients:
//
//	CR0, CR1: F = Q/q ~ F(q, J − p) (metafor's robust() with anova);
//	CR2 (HTZ): F = δQ/q ~ F(q, ν − q + 1), δ = (ν − q + 1)/ν,
//
// ν the degrees of freedom of the Wishart matching the first two moments
// of the whitened robust covariance under the working model (Tipton &
// Pustejovsky 2015, J Educ Behav Stat 40:604–634; Pustejovsky & Tipton
// 2018). terms are returned as given (e.g. the moderator names behind a
// factor's columns).
func (rb *Robust) TestCoefficients(terms, coefs []string) (*RobustTermTest, error) {
	if rb == nil || rb.beta == nil {
		return nil, errs.New(errs.InvalidOption, "metamv", "no robust inference to test with")
	}
	p := len(rb.Coefficients)
	idx := make([]int, 0, len(coefs))
	for _, c := range coefs {
		j := -1
		for i, rc := range rb.Coefficients {
			if rc.Name == c {
				j = i
			}
		}
		if j < 0 {
			return nil, errs.New(errs.InvalidOption, "metamv", "coefficient %q is not in the model", c)
		}
		idx = append(idx, j)
	}
	if len(idx) == 0 {
		return nil, errs.New(errs.InvalidOption, "metamv", "no coefficients to test")
	}
	q, err := wald.Q(rb.beta, rb.Vcov, p, idx)
	if err != nil {
		return nil, errs.New(errs.Singular, "metamv", "the robust covariance of the tested coefficients is singular: %v", err)
	}
	out := &RobustTermTest{Terms: terms, Coefs: coefs, Type: rb.Type}
	m := float64(len(idx))
	if rb.Type != CR2 {
		df2 := float64(rb.Clusters - p)
		out.WaldTest = WaldTest{Test: "F", Fstat: q / m, Delta: 1, DFNum: m, DFDenom: df2, P: distuv.F{D1: m, D2: df2}.Survival(q / m)}
		return out, nil
	}
	w, err := rb.sat.htz(idx, q)
	if err != nil {
		return nil, errs.New(errs.Singular, "metamv", "%v", err)
	}
	if math.IsNaN(w.P) {
		return nil, errs.New(errs.TooFew, "metamv", "the HTZ test of %d coefficients has no positive denominator degrees of freedom (ν − q + 1 = %.3g): too few clusters carry information on them", len(idx), w.DFDenom)
	}
	out.WaldTest = *w
	return out, nil
}
