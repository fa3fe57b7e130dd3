package panel

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/sem"
)

// Kind is the panel model.
type Kind string

const (
	// RICLPM is the random-intercept cross-lagged panel model.
	RICLPM Kind = "riclpm"
	// CLPM is the cross-lagged panel model without random intercepts.
	CLPM Kind = "clpm"
	// DPM is the ML-SEM dynamic panel model with fixed effects of
	// Allison, Williams & Moral-Benito (2017; R package dpm).
	DPM Kind = "dpm"
)

// Spec describes a model of two variables over T waves.
type Spec struct {
	Kind Kind
	// Waves is the number of waves T (≥ 3 for the RI-CLPM, ≥ 2 for the
	// CLPM).
	Waves int
	// X and Y name the variables (default "x" and "y"); observed columns
	// are X1..XT then Y1..YT.
	X, Y string
	// Stationary constrains each of the four lagged paths to one value
	// over waves (the DPM's two paths are always constant).
	Stationary bool
	// Outcome is the DPM's dependent variable, "y" (default: the outcome
	// regressed on its own lag and the lagged alliance) or "x" (the
	// symmetric model of the alliance).
	Outcome string
	// Constrain imposes further equalities over waves (see Constraints).
	Constrain Constraints
}

// Constraints are equalities over waves beyond the stationary lagged
// paths, labelled as in Mulder & Hamaker's (2021) lavaan syntax. W_t is
// the within-person component of wave t (wx_t, wy_t) in the RI-CLPM and
// the observed x_t, y_t in the CLPM.
type Constraints struct {
	// Cov: Cov(εx_t, εy_t) equal for t = 2..T, label cov
	// ("wx2 ~~ cov*wy2"); the wave-1 covariance is of the exogenous
	// components, not a residual one, and stays free. Not for the DPM.
	Cov bool
	// Resid: Var(εx_t) equal for t = 2..T (label vx) and Var(εy_t) equal
	// (label vy), "wx2 ~~ vx*wx2"; the wave-1 variances stay free. In the
	// DPM the outcome's error variances o_2..o_T (label vy or vx, the
	// outcome's).
	Resid bool
	// Means: the wave means μx_t equal for t = 1..T (label mx,
	// "x1 ~ mx*1") and μy_t equal (label my). Not for the DPM, whose
	// intercepts are of regressions.
	Means bool
}

// Names lists the constraints imposed, in the order cov, resid, means.
func (c Constraints) Names() []string {
	var out []string
	for _, x := range []struct {
		on   bool
		name string
	}{{c.Cov, "cov"}, {c.Resid, "resid"}, {c.Means, "means"}} {
		if x.on {
			out = append(out, x.name)
		}
	}
	return out
}

// dpmRoles are the DPM's outcome and predetermined predictor ("x" or
// "y").
func (s Spec) dpmRoles() (outcome, predictor string) {
	if s.Outcome == "x" {
		return "x", "y"
	}
	return "y", "x"
}

// dropped is the data column (of X1..XT, Y1..YT) the model does not use,
// −1 for none: the DPM's predictor at the last wave, which predicts
// nothing.
func (s Spec) dropped() int {
	if s.Kind != DPM {
		return -1
	}
	if _, r := s.dpmRoles(); r == "x" {
		return s.Waves - 1
	}
	return 2*s.Waves - 1
}

// Lag identifies a lagged path of the model.
type Lag struct {
	From, To string // "x" or "y" (the Spec's names)
	Wave     int    // the later wave t of the path from t−1 to t
	param    int
}

// Build returns the RAM model and its lagged paths. Means (observed
// intercepts) are free at the sample means given in start (2T values, x
// then y), variances start at half the sample variances in startVar.
func Build(s Spec, start, startVar []float64) (*sem.Model, []Lag, error) {
	if s.X == "" {
		s.X = "x"
	}
	if s.Y == "" {
		s.Y = "y"
	}
	T := s.Waves
	min := 2
	if s.Kind == RICLPM || s.Kind == DPM {
		min = 3
	}
	if T < min {
		return nil, nil, fmt.Errorf("panel: the %s needs at least %d waves, not %d", s.Kind, min, T)
	}
	if s.Kind == DPM && (s.Constrain.Cov || s.Constrain.Means) {
		return nil, nil, fmt.Errorf("panel: the DPM takes only the resid constraint (equal error variances), not cov or means")
	}
	if s.Kind == DPM {
		return buildDPM(s, start, startVar)
	}
	if s.Kind != RICLPM && s.Kind != CLPM {
		return nil, nil, fmt.Errorf("panel: unknown model %q", s.Kind)
	}
	if len(start) != 2*T || len(startVar) != 2*T {
		return nil, nil, fmt.Errorf("panel: %d start means for %d waves", len(start), T)
	}
	m := &sem.Model{NObs: 2 * T}
	xs, ys := make([]int, T), make([]int, T)
	for t := 0; t < T; t++ {
		xs[t] = m.Var(fmt.Sprintf("%s%d", s.X, t+1))
	}
	for t := 0; t < T; t++ {
		ys[t] = m.Var(fmt.Sprintf("%s%d", s.Y, t+1))
	}
	mx, my := "", ""
	if s.Constrain.Means {
		mx, my = "mx", "my"
	}
	for t := 0; t < T; t++ {
		m.Intercept(xs[t], mx, start[t])
		m.Intercept(ys[t], my, start[T+t])
	}
	wx, wy := xs, ys
	vx, vy := startVar[:T], startVar[T:]
	if s.Kind == RICLPM {
		rix, riy := m.Var("RI"+s.X), m.Var("RI"+s.Y)
		for t := 0; t < T; t++ {
			m.Load(rix, xs[t], 1)
		}
		for t := 0; t < T; t++ {
			m.Load(riy, ys[t], 1)
		}
		wx, wy = make([]int, T), make([]int, T)
		for t := 0; t < T; t++ {
			wx[t] = m.Var(fmt.Sprintf("w%s%d", s.X, t+1))
		}
		for t := 0; t < T; t++ {
			wy[t] = m.Var(fmt.Sprintf("w%s%d", s.Y, t+1))
		}
		for t := 0; t < T; t++ {
			m.Load(wx[t], xs[t], 1)
			m.Load(wy[t], ys[t], 1)
		}
		m.Covary(rix, rix, "", vx[0]/2)
		m.Covary(riy, riy, "", vy[0]/2)
		m.Covary(rix, riy, "", 0)
		for t := 0; t < T; t++ {
			m.FixCov(xs[t], xs[t], 0)
			m.FixCov(ys[t], ys[t], 0)
		}
		vx, vy = half(vx), half(vy)
	}
	var lags []Lag
	label := func(name string) string {
		if s.Stationary {
			return name
		}
		return ""
	}
	for t := 1; t < T; t++ {
		for _, p := range []struct {
			to, from   int
			f, tt, lab string
		}{{wx[t], wx[t-1], "x", "x", "ax"}, {wx[t], wy[t-1], "y", "x", "bxy"}, {wy[t], wy[t-1], "y", "y", "ay"}, {wy[t], wx[t-1], "x", "y", "byx"}} {
			lags = append(lags, Lag{From: p.f, To: p.tt, Wave: t + 1, param: len(m.Params)})
			m.Regress(p.to, p.from, label(p.lab))
		}
	}
	m.Covary(wx[0], wx[0], "", vx[0])
	m.Covary(wy[0], wy[0], "", vy[0])
	m.Covary(wx[0], wy[0], "", 0)
	lc, lx, ly := "", "", ""
	if s.Constrain.Cov {
		lc = "cov"
	}
	if s.Constrain.Resid {
		lx, ly = "vx", "vy"
	}
	for t := 1; t < T; t++ {
		m.Covary(wx[t], wx[t], lx, vx[t])
		m.Covary(wy[t], wy[t], ly, vy[t])
		m.Covary(wx[t], wy[t], lc, 0)
	}
	return m, lags, nil
}

func half(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x / 2
	}
	return out
}
