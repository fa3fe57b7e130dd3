package panel

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/sem"
)

// buildDPM is the ML-SEM dynamic panel model with fixed effects
// (Allison, Williams & Moral-Benito 2017), in the specification the R
// package dpm (1.2.0, defaults: y.lag = 1, fixed.effects = TRUE,
// partial.pre = FALSE, error.inv = FALSE, x.free = y.free = FALSE)
// writes for lavaan, with outcome o and predetermined predictor r:
//
//	o_t = ν_t + p1·o_{t−1} + en1·r_{t−1} + α + ε_t,   t = 2..T,
//
// the person effect α loading 1 on o_2..o_T; r_1..r_{T−1} and o_1
// covary freely with each other and with α (fixed effects: α may be
// correlated with every predictor); the error ε_w covaries with the
// later predictors r_{w+1}..r_{T−1} (r predetermined: feedback from o
// to later r); error variances and intercepts free per wave; p1 and en1
// constant over waves. r_T is not in the model. start and startVar are
// the observed columns' means and variances in data order (X1..XT, Y1..YT
// without the dropped column).
func buildDPM(s Spec, start, startVar []float64) (*sem.Model, []Lag, error) {
	T := s.Waves
	if len(start) != 2*T-1 || len(startVar) != 2*T-1 {
		return nil, nil, fmt.Errorf("panel: %d start means for the DPM of %d waves", len(start), T)
	}
	o, r := s.dpmRoles()
	m := &sem.Model{NObs: 2*T - 1}
	ov, rv := make([]int, T+1), make([]int, T+1) // by wave 1..T
	for t := 1; t <= T; t++ {
		if r == "x" && t == T {
			continue
		}
		v := m.Var(fmt.Sprintf("%s%d", s.X, t))
		if o == "x" {
			ov[t] = v
		} else {
			rv[t] = v
		}
	}
	for t := 1; t <= T; t++ {
		if r == "y" && t == T {
			continue
		}
		v := m.Var(fmt.Sprintf("%s%d", s.Y, t))
		if o == "y" {
			ov[t] = v
		} else {
			rv[t] = v
		}
	}
	for j := 0; j < 2*T-1; j++ {
		m.Intercept(j, "", start[j])
	}
	varOf := func(v int) float64 { return startVar[v] }
	var lags []Lag
	for t := 2; t <= T; t++ {
		lags = append(lags, Lag{From: r, To: o, Wave: t, param: len(m.Params)})
		m.Regress(ov[t], rv[t-1], "en1")
		lags = append(lags, Lag{From: o, To: o, Wave: t, param: len(m.Params)})
		m.Regress(ov[t], ov[t-1], "p1")
	}
	alpha := m.Var("alpha")
	for t := 2; t <= T; t++ {
		m.Load(alpha, ov[t], 1)
	}
	m.Covary(alpha, alpha, "", varOf(ov[T])/2)
	// The exogenous block in lavaan's order of the observed variables
	// (r1, o1, r2, ..., r_{T−1}), so that each covariance's lhs and rhs
	// are lavaan's.
	ex := []int{rv[1], ov[1]}
	for t := 2; t < T; t++ {
		ex = append(ex, rv[t])
	}
	for _, v := range ex {
		m.Covary(alpha, v, "", 0)
	}
	for w := 2; w <= T-2; w++ {
		for w2 := w + 1; w2 <= T-1; w2++ {
			m.Covary(ov[w], rv[w2], "", 0)
		}
	}
	for i, a := range ex {
		for _, b := range ex[i:] {
			v := 0.0
			if a == b {
				v = varOf(a)
			}
			m.Covary(a, b, "", v)
		}
	}
	lv := ""
	if s.Constrain.Resid {
		lv = "v" + o
	}
	for t := 2; t <= T; t++ {
		m.Covary(ov[t], ov[t], lv, varOf(ov[t])/2)
	}
	return m, lags, nil
}
