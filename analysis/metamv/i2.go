package metamv

// I2Level is one variance component's share of the total variance.
type I2Level struct {
	Level string  `json:"level"` // e.g. "study" (σ²_outer) or "study/es_id" (σ²_inner)
	I2    float64 `json:"I2"`    // percent
}

// multilevelI2Value is the I² of a multilevel model as the metafor FAQ ("I² for
// multilevel and multivariate models") generalises Higgins & Thompson's:
// with W = V⁻¹ (the sampling covariance only) and
//
//	P = W − W X (X'WX)⁻¹ X'W,  ṽ = (k − p) / tr(P),
//
// the typical sampling variance, I² = 100·(σ²₁ + σ²₂)/(σ²₁ + σ²₂ + ṽ) and
// each level's I²ⱼ = 100·σ²ⱼ/(σ²₁ + σ²₂ + ṽ) (Nakagawa & Santos 2012).
// For an intercept-only model with diagonal V, ṽ equals Cheung's (2014)
// typical variance of VarianceDistribution; with moderators or ρ ≠ 0 the
// two differ.
type multilevelI2Value struct {
	TypicalV float64   `json:"typical_v"` // (k − p)/tr(P)
	I2       float64   `json:"I2"`        // total, percent
	Levels   []I2Level `json:"levels"`    // [outer, inner]
}

// multilevelI2 computes multilevelI2Value from the fit, cluster by cluster: V_c⁻¹
// applied to [X 1 s] by the structured solve at σ² = 0, tr(V_c⁻¹) =
// Σ 1/λᵢ − r₂₂ Σ (sᵢ/λᵢ)² with λᵢ = (1 − ρ)vᵢ (Sherman–Morrison), and
// tr(P) = tr(W) − tr((X'WX)⁻¹ X'W²X).
func (r *Result) multilevelI2() (*multilevelI2Value, error) {
	p := r.P
	e := r.ev
	if e.dense { // the structured solve needs its workspace
		c := *e
		c.dense, c.wb = false, newWBWork(e.lay.maxn, e.q)
		e = &c
	}
	lay, w := e.lay, e.wb
	a := make([]float64, p*p) // X'WX
	b := make([]float64, p*p) // X'W²X
	var trW float64
	for c := 0; c < lay.nclust(); c++ {
		st, n := lay.start[c], lay.start[c+1]-lay.start[c]
		m := e.fillY(c, p)
		_, rr, err := e.blockSolve(c, [2]float64{}, m)
		if err != nil {
			return nil, err
		}
		var ss float64
		for i := 0; i < n; i++ {
			il := w.lam[i]
			trW += il
			t := il * e.sd[st+i]
			ss += t * t
		}
		trW -= rr[2] * ss
		for i := 0; i < n; i++ {
			x := e.xa[(st+i)*e.q : (st+i)*e.q+p]
			y := w.y[i*m : i*m+p]
			for j := 0; j < p; j++ {
				for l := 0; l < p; l++ {
					a[j*p+l] += x[j] * y[l]
					b[j*p+l] += y[j] * y[l]
				}
			}
		}
	}
	ai, _, err := invertSPD(a, p)
	if err != nil {
		return nil, err
	}
	trP := trW - trProd(ai, b)
	vt := float64(r.K-p) / trP
	tot := r.Sigma2[0] + r.Sigma2[1] + vt
	out := &multilevelI2Value{TypicalV: vt, I2: 100 * (r.Sigma2[0] + r.Sigma2[1]) / tot}
	for j := 0; j < 2; j++ {
		out.Levels = append(out.Levels, I2Level{Level: r.Levels[j], I2: 100 * r.Sigma2[j] / tot})
	}
	return out, nil
}
