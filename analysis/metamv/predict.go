package metamv

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/meta"
)

// Predict returns the fitted values of the three-level model at each set of
// moderator values (metafor's predict.rma.mv(res, newmods = …)): with x the
// model-matrix row coded as the fit (meta.Design.CodeRow), pred = x′β̂,
// SE = √(x′ Var(β̂) x), the CI pred ± c·SE and the prediction interval
// pred ± c·√(SE² + σ²_outer + σ²_inner) (the sum of the variance
// components, as predict.rma.mv without a tau2 structure), c = z_{1−α/2},
// or t_{k−p, 1−α/2} under test t. For ZCOR the r block back-transforms with
// tanh.
func (r *Result) Predict(newmods []map[string]string) ([]meta.Prediction, error) {
	if r == nil || r.design == nil {
		return nil, errs.New(errs.InvalidOption, "metamv", "no fitted model to predict from")
	}
	if len(newmods) == 0 {
		return nil, errs.New(errs.InvalidOption, "metamv", "no moderator values to predict at")
	}
	rows := make([][]float64, len(newmods))
	for i, nm := range newmods {
		x, err := r.design.CodeRow(nm)
		if err != nil {
			return nil, err
		}
		rows[i] = x
	}
	return meta.PredictRows(rows, newmods, r.beta(), r.Vcov, r.Sigma2[0]+r.Sigma2[1], true, r.df(), r.Level, r.Measure == "ZCOR"), nil
}

func (r *Result) df() float64 {
	if r.Test == "t" {
		return float64(r.K - r.P)
	}
	return math.Inf(1)
}

func (r *Result) beta() []float64 {
	b := make([]float64, len(r.Coefficients))
	for i, c := range r.Coefficients {
		b[i] = c.Estimate
	}
	return b
}

// VcovMatrix returns the model-based covariance of the coefficients with
// their names (metafor's vcov(res)).
func (r *Result) VcovMatrix() *meta.NamedMatrix {
	p := len(r.names)
	m := &meta.NamedMatrix{Names: r.names, Matrix: make([][]float64, p)}
	for i := range m.Matrix {
		m.Matrix[i] = append([]float64(nil), r.Vcov[i*p:(i+1)*p]...)
	}
	return m
}

// TestTerms tests that the coefficients of the named terms are all zero
// (metafor's anova(res, btt = …)): QM = b′V⁻¹b over those m coefficients
// against χ²_m under test z, or QM/m against F(m, k − p) under test t. A
// term is a moderator (a factor selects all its level columns) or a
// coefficient name.
func (r *Result) TestTerms(terms []string) (*meta.TermTest, error) {
	if r == nil || r.design == nil {
		return nil, errs.New(errs.InvalidOption, "metamv", "no fitted model to test")
	}
	return meta.TestColumns(r.design.Mods, r.names, terms, r.beta(), r.Vcov, r.df())
}
