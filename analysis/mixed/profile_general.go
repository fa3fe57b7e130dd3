package mixed

// reducedXY of the general path: the reduced [X y] block M = L Lᵀ, where
// L is the lower Cholesky factor of M that general.eval (or its grouped
// shortcut) leaves in e.G after a successful evaluation (lower triangle,
// row-major, (p+1)×(p+1)). The nested path keeps M itself (engine.base and
// engine.delta); here the factor is multiplied back, which loses no more
// than a few ulps of M's entries, far below the profile's tolerance.
func (g *general) reducedXY(e *engine) []float64 {
	w := g.d.p + 1
	L := e.G
	M := make([]float64, w*w)
	for a := 0; a < w; a++ {
		for b := 0; b <= a; b++ {
			s := 0.0
			for c := 0; c <= b; c++ {
				s += L[a*w+c] * L[b*w+c]
			}
			M[a*w+b] = s
		}
	}
	return M
}

// drawGeneral is simulator.draw for a design of the general path: the
// groups of row r at each level are codes[l][r] (crossed and partially
// crossed factors have no tree of nodes), so y*_r = x_rβ̂ + Σ_l z_rl b_l,g
// with g = codes[l][r], then σ̂ε_r.
func (s *simulator) drawGeneral(b [][]float64, rows []float64) {
	d := s.d
	m0, p := d.m0, d.p
	xo := m0 - p - 1
	for r := 0; r < d.n; r++ {
		v := rows[r*m0 : (r+1)*m0]
		y := 0.0
		for a := 0; a < p; a++ {
			y += v[xo+a] * s.beta[a]
		}
		for l, lv := range d.levels {
			g := d.codes[l][r]
			for i, bi := range b[l][g*lv.q : (g+1)*lv.q] {
				y += v[lv.off+i] * bi
			}
		}
		v[m0-1] = y
	}
}
