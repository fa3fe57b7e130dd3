package metamv

import (
	"math"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"gonum.org/v1/gonum/mat"
)

// CR2 without n×n matrices.
//
// The CR2 adjustment of robust cluster j (clubSandwich, with W_j = Θ_j⁻¹
// and Θ_j = D_j'D_j) is A_j = D_j'[D_j K_j D_j']^{−1/2}D_j, K_j = Θ_j −
// X_jBX_j'. It solves A_jK_jA_j = Θ_j, does not depend on which square
// root D_j is used, and is the matrix geometric mean Θ_j # K_j⁻¹, which has
// no finite Woodbury form. Everything CR2 needs from it, though, is the
// p×(p+1) bilinear form X_j'W_jA_j[X_j e_j]: the meat uses E_je_j and
// Satterthwaite's moments use E_jX_j and E_jΘ_jE_j' = X_j'W_jX_j +
// (E_jX_j)B(E_jX_j)' (from A_jΘ_jA_j = Θ_j + A_jX_jBX_j'A_j), E_j =
// X_j'W_jA_j. With x^{−1/2} = (2/π)∫₀^∞ (x + t²)⁻¹dt and D_j = Θ_j^{1/2},
//
//	A_j = (2/π) ∫₀^∞ (K_j + t²W_j)⁻¹ dt,
//
// and, with P(t) = (Θ_j + t²W_j)⁻¹ = Re (Θ_j − itI)⁻¹ and W_jP(t) =
// Im (Θ_j − itI)⁻¹ / t (Θ_j is real symmetric), Woodbury gives
//
//	X'W(K + t²W)⁻¹Y = X'WPY + X'WPX (B⁻¹ − X'PX)⁻¹ X'PY.
//
// One complex-shifted structured solve (wbSolve with Λ − itI) per outer
// cluster and node gives all four products in O(n·p²). In s = log t each
// eigen-component of the integrand is a sech bump centred at ½ log λ,
// λ ∈ [λ_min(Θ)²(1 − π), λ_max(Θ)²] (π the largest eigenvalue of
// B·X_j'W_jX_j), so the trapezoidal rule in s with step h = 0.25 (aliasing
// error 4e^{−π²/h} ≈ 3e-17) reaches the dense result to rounding. The
// nodes run over that range widened by 13 on each side; the terms beyond
// are summed as geometric series, since there t·X'W(K + t²W)⁻¹Y is
// e^{s}·X'WK⁻¹Y (left) or e^{−s}·X'Y (right) to relative O(e^{−26}), a
// truncation error of order e^{−39} ≈ 1e-17.

const (
	cr2Step   = 0.25 // trapezoidal step in log t
	cr2Margin = 13.0 // widening of the log-t range on each side
	// cr2DenseRows: robust clusters up to this size use the dense
	// adjustment (O(n²) per row), cheaper there than the ~100–200
	// quadrature nodes (measured crossover near 20 rows).
	cr2DenseRows = 24
)

// cr2Quad evaluates X_j'W_jA_j[X_j e_j] by quadrature for a three-level fit.
type cr2Quad struct {
	ev      *evaluator
	s2      [2]float64
	x, e    []float64 // k×p model matrix and residuals, sorted order
	wx      []float64 // k×p, W X
	outerOf []int
	minRows int     // clusters of at most minRows rows are left to the dense path
	step    float64 // trapezoidal step in log t (cr2Step)
	margin  float64 // widening of the log-t range (cr2Margin)
	y       []complex128
	lam, sd []complex128
	ws      wsT[complex128]
}

func newCR2Quad(ev *evaluator, s2 [2]float64, x, e, wx []float64, outerOf []int) *cr2Quad {
	n, m := ev.lay.maxn, ev.p+3
	return &cr2Quad{ev: ev, s2: s2, x: x, e: e, wx: wx, outerOf: outerOf, minRows: cr2DenseRows,
		step: cr2Step, margin: cr2Margin, y: make([]complex128, n*m), lam: make([]complex128, n), sd: make([]complex128, n), ws: newWS[complex128](n, m)}
}

// forms returns X_j'W_jA_j[X_j e_j] (p×(p+1), row-major) for the robust
// cluster made of the sorted positions rows, given the bread B.
// ok is false when the cluster is small, ρ < 0 (no cheap lower bound on
// λ_min(Θ)), or the adjustment is (nearly) singular — the cases the dense
// path handles, with clubSandwich's generalised inverse.
func (q *cr2Quad) forms(rows []int, bread []float64) ([]float64, bool) {
	ev := q.ev
	p := ev.p
	if len(rows) <= q.minRows || ev.rho < 0 || q.s2[0] < 0 || q.s2[1] < 0 {
		return nil, false
	}
	lb, oneMinusPi, ok := q.breadFactor(rows, bread)
	if !ok {
		return nil, false
	}
	lmin, lmax, clusters := q.spectrumBounds(rows)
	// clubSandwich zeroes eigenvalues of D K D' below 1e-12; stay clear.
	if !(lmin*lmin*oneMinusPi > 1e-10) {
		return nil, false
	}
	h := q.step
	sLo := math.Log(lmin) + 0.5*math.Log(oneMinusPi) - q.margin
	sHi := math.Log(lmax) + q.margin
	nodes := int(math.Ceil((sHi-sLo)/h)) + 1
	// Beyond the end nodes the integrand t·Φ(t) is e^{±s} times a constant
	// to relative O(e^{−2·margin}); their trapezoidal terms sum to the end
	// node's times r/(1 − r), r = e^{−h}.
	tail := math.Exp(-h) / (1 - math.Exp(-h))
	nw := newCR2Node(p, q.whiten(rows, lb))
	for node := 0; node < nodes; node++ {
		t := math.Exp(sLo + float64(node)*h)
		q.nodeSums(nw, t, clusters)
		wt := t
		if node == 0 || node == nodes-1 {
			wt *= 1 + tail
		}
		if !nw.accumulate(wt) {
			return nil, false
		}
	}
	scale := 2 / math.Pi * h
	for i := range nw.out {
		nw.out[i] *= scale
	}
	unwhiten(nw.out, lb, p)
	return nw.out, true
}

// breadFactor returns the lower Cholesky factor L of the bread B = LL' and
// 1 − π, π = λ_max(B F) the largest eigenvalue of L'FL, F = X_j'W_jX_j; ok
// is false when B is not positive definite or 1 − π ≤ 1e-8.
func (q *cr2Quad) breadFactor(rows []int, bread []float64) (lb []float64, oneMinusPi float64, ok bool) {
	p := q.ev.p
	f := make([]float64, p*p)
	for _, a := range rows {
		xr, wr := q.x[a*p:(a+1)*p], q.wx[a*p:(a+1)*p]
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				f[i*p+j] += wr[i] * xr[j]
			}
		}
	}
	lb = append([]float64(nil), bread...)
	if err := linalg.Cholesky(lb, p); err != nil {
		return nil, 0, false
	}
	s := make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			var t float64
			for a := 0; a < p; a++ {
				for b := 0; b < p; b++ {
					t += lb[a*p+i] * f[a*p+b] * lb[b*p+j]
				}
			}
			s[i*p+j], s[j*p+i] = t, t
		}
	}
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(p, s), false) {
		return nil, 0, false
	}
	vals := es.Values(nil)
	oneMinusPi = 1 - vals[len(vals)-1]
	return lb, oneMinusPi, oneMinusPi > 1e-8
}

// spectrumBounds bounds the spectrum of Θ_j: λ_min ≥ (1−ρ)·min v (the rest
// is positive semi-definite for ρ, σ² ≥ 0); λ_max ≤ the largest absolute
// row sum (Gershgorin), bounded by v_a + (σ²₁ + σ²₂)n_c + ρ s_a Σs. It also
// returns the outer clusters the rows belong to, in order.
func (q *cr2Quad) spectrumBounds(rows []int) (lmin, lmax float64, clusters []int) {
	ev, lay := q.ev, q.ev.lay
	lmin = math.Inf(1)
	for i, a := range rows {
		if c := q.outerOf[a]; i == 0 || c != clusters[len(clusters)-1] {
			clusters = append(clusters, c)
		}
		lmin = math.Min(lmin, (1-ev.rho)*ev.v[a])
	}
	for _, c := range clusters {
		st, nc := lay.start[c], lay.start[c+1]-lay.start[c]
		var ssum float64
		for a := st; a < st+nc; a++ {
			ssum += ev.sd[a]
		}
		for a := st; a < st+nc; a++ {
			lmax = math.Max(lmax, ev.v[a]+(q.s2[0]+q.s2[1])*float64(nc)+ev.rho*ev.sd[a]*ssum)
		}
	}
	return lmin, lmax, clusters
}

// whiten returns X̃ = XL for the rows (n×p). Working in this basis
// (X̃'WX̃ = I in place of B⁻¹) keeps B⁻¹ − X'PX well conditioned whatever
// the scaling of X; unwhiten maps the result back.
func (q *cr2Quad) whiten(rows []int, lb []float64) []float64 {
	p := q.ev.p
	xt := make([]float64, len(rows)*p)
	for r, a := range rows {
		xr := q.x[a*p : (a+1)*p]
		for j := 0; j < p; j++ {
			var t float64
			for i := j; i < p; i++ {
				t += xr[i] * lb[i*p+j]
			}
			xt[r*p+j] = t
		}
	}
	return xt
}

// cr2Node holds the per-node sums of the quadrature and its running total.
type cr2Node struct {
	p                   int
	xt                  []float64 // whitened rows, n×p
	xpx, sys            []float64 // p×p
	xpy, xwpy, sol, out []float64 // p×(p+1)
}

func newCR2Node(p int, xt []float64) *cr2Node {
	return &cr2Node{p: p, xt: xt, xpx: make([]float64, p*p), sys: make([]float64, p*p),
		xpy: make([]float64, p*(p+1)), xwpy: make([]float64, p*(p+1)), sol: make([]float64, p*(p+1)), out: make([]float64, p*(p+1))}
}

// nodeSums sets X̃'P[X̃ e] (real part, xpy) and X̃'WP[X̃ e]/t (imaginary
// part, xwpy) at t from the Woodbury solve of (Θ − it)⁻¹[X̃ e 1 s] for
// every outer cluster of the robust cluster.
func (q *cr2Quad) nodeSums(nw *cr2Node, t float64, clusters []int) {
	ev, lay, p := q.ev, q.ev.lay, q.ev.p
	m := p + 3 // [X̃ e 1 s]
	clear(nw.xpy)
	clear(nw.xwpy)
	it := 1 / t
	off := 0 // position of cluster c's first row in rows
	for _, c := range clusters {
		st, nc := lay.start[c], lay.start[c+1]-lay.start[c]
		y := q.y[:nc*m]
		xc := nw.xt[off*p : (off+nc)*p]
		off += nc
		for a := 0; a < nc; a++ {
			ya := y[a*m : (a+1)*m]
			xr := xc[a*p : (a+1)*p]
			for j, v := range xr {
				ya[j] = complex(v, 0)
			}
			ya[p] = complex(q.e[st+a], 0)
			ya[p+1] = 1
			ya[p+2] = complex(ev.sd[st+a], 0)
			l := (1 - ev.rho) * ev.v[st+a]
			q.lam[a] = complex(l, t) / complex(l*l+t*t, 0) // 1/(l − it)
			q.sd[a] = complex(ev.sd[st+a], 0)
		}
		wbSolve(y, m, q.lam[:nc], q.sd[:nc], lay.inner[st:st+nc], lay.ninner[c],
			complex(q.s2[1], 0), complex(q.s2[0], 0), complex(ev.rho, 0), &q.ws)
		for a := 0; a < nc; a++ {
			ya := y[a*m : (a+1)*m]
			xr := xc[a*p : (a+1)*p]
			for i, xi := range xr {
				if xi == 0 {
					continue
				}
				for j := 0; j <= p; j++ {
					nw.xpy[i*(p+1)+j] += xi * real(ya[j])
					nw.xwpy[i*(p+1)+j] += xi * imag(ya[j]) * it
				}
			}
		}
	}
}

// accumulate adds wt·X̃'WP[X̃ e](I + (B⁻¹ − X̃'PX̃)⁻¹X̃'P[X̃ e]) to out; it
// is false when B⁻¹ − X̃'PX̃ is not positive definite.
func (nw *cr2Node) accumulate(wt float64) bool {
	p := nw.p
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			nw.xpx[i*p+j] = nw.xpy[i*(p+1)+j]
			nw.sys[i*p+j] = -nw.xpx[i*p+j]
			if i == j {
				nw.sys[i*p+j]++
			}
		}
	}
	// sol = (B⁻¹ − X'PX)⁻¹ X'PY.
	copy(nw.sol, nw.xpy)
	if err := linalg.Cholesky(nw.sys, p); err != nil {
		return false
	}
	linalg.SolveCols(nw.sys, p, nw.sol, p+1)
	for i := 0; i < p; i++ {
		for j := 0; j <= p; j++ {
			v := nw.xwpy[i*(p+1)+j]
			for a := 0; a < p; a++ {
				v += nw.xwpy[i*(p+1)+a] * nw.sol[a*(p+1)+j]
			}
			nw.out[i*(p+1)+j] += wt * v
		}
	}
	return true
}

// unwhiten maps the p×(p+1) out back to the original basis: out ← L⁻ᵀ·out,
// then its first p columns ← (·)L⁻¹ (H = L⁻ᵀH̃L⁻¹, u = L⁻ᵀũ).
func unwhiten(out, lb []float64, p int) {
	for j := 0; j <= p; j++ {
		for i := p - 1; i >= 0; i-- {
			v := out[i*(p+1)+j]
			for a := i + 1; a < p; a++ {
				v -= lb[a*p+i] * out[a*(p+1)+j]
			}
			out[i*(p+1)+j] = v / lb[i*p+i]
		}
	}
	for i := 0; i < p; i++ {
		row := out[i*(p+1) : i*(p+1)+p]
		for j := p - 1; j >= 0; j-- {
			v := row[j]
			for a := j + 1; a < p; a++ {
				v -= row[a] * lb[a*p+j]
			}
			row[j] = v / lb[j*p+j]
		}
	}
}
