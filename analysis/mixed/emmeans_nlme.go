package mixed

// containmentDF are the df of marginal means and their contrasts with a
// residual structure, as emmeans 1.8.4 gives them for nlme models. For
// lme (mode = "containment", emmeans' default there) the df of lᵀβ is the
// smallest df of the coefficients l involves (l_j ≠ 0), the coefficients'
// df being nlme's containment df except the intercept's, which emmeans
// sets to the number of groups of the outermost grouping factor minus 1.
// For gls every df is n − p − k, k the number of correlation and variance
// parameters (emmeans' mode = "df.error"; its default there is an
// approximate Satterthwaite df, which we do not compute: the front ends say
// so). The covariance of β̂ is an lme ML fit's summary covariance,
// V·n/(n − p), as emmeans uses it (emmCovariance).
type containmentDF struct{ coef []float64 }

func (c containmentDF) df(l []float64) float64 {
	df := 0.0
	first := true
	for j, v := range l {
		if v != 0 && (first || c.coef[j] < df) {
			df, first = c.coef[j], false
		}
	}
	return df
}

// emmContainment returns the containmentDF of the model.
func (m *Model) emmContainment() containmentDF {
	r, d := &m.Result, m.d
	c := containmentDF{coef: make([]float64, d.p)}
	for j := range c.coef {
		c.coef[j] = r.Fixed[j].DF
		if d.resid.gls {
			c.coef[j] = float64(d.n - d.p - d.resid.npar())
		}
	}
	if !d.resid.gls && d.formula.Intercept && len(d.levels) > 0 {
		c.coef[0] = float64(d.levels[len(d.levels)-1].nodes - 1)
	}
	return c
}

// emmCovariance is the covariance of β̂ emmeans uses for the model (see
// containmentDF).
func (m *Model) emmCovariance() [][]float64 {
	d, V := m.d, m.Result.Vcov
	if !m.Result.REML && !d.resid.gls {
		f := float64(d.n) / float64(d.n-d.p)
		S := make([][]float64, len(V))
		for i := range V {
			S[i] = make([]float64, len(V[i]))
			for j := range V[i] {
				S[i][j] = f * V[i][j]
			}
		}
		return S
	}
	return V
}
