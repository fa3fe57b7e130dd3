package metamv

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// The structured (Woodbury) evaluation of the per-cluster covariance.
//
// With vcalc's constant ρ the sampling covariance of cluster c is
// V_c = (1−ρ)·diag(v) + ρ·ss', s = √v, so the marginal covariance is
//
//	M_c = D + UCU',  D = Λ + σ²₂·ZZ',  Λ = (1−ρ)·diag(v),
//	U = [1 s],  C = diag(σ²₁, ρ),
//
// where Z holds the indicators of the inner units. D is block-diagonal,
// one block Λ_h + σ²₂·11' per inner unit h, so (Sherman–Morrison)
//
//	D_h⁻¹ = Λ_h⁻¹ − γ_h·Λ_h⁻¹11'Λ_h⁻¹,  γ_h = σ²₂/(1 + σ²₂w_h),  w_h = 1'Λ_h⁻¹1,
//	log|D| = Σ log λᵢ + Σ_h log(1 + σ²₂w_h),
//
// and, with G = U'D⁻¹U (2×2), the Woodbury identity and the matrix
// determinant lemma in the form that allows a singular or indefinite C
// (σ²₁ = 0, ρ = 0 or ρ < 0),
//
//	M_c⁻¹ = D⁻¹ − D⁻¹U R U'D⁻¹,  R = (I + CG)⁻¹C (symmetric),
//	log|M_c| = log|D| + log det(I + CG).
//
// Every product with M_c⁻¹ therefore costs O(n_c) per column, and the
// cluster's whole contribution to the likelihood, score and information
// O(n_c·(p + 3)²), against O(n_c³) for a dense Cholesky factor.

// wbWork holds the workspaces of the structured path, sized for the
// largest cluster.
type wbWork struct {
	y   []float64 // n×m columns [Xa | 1 | s], overwritten by M⁻¹[Xa | 1 | s]
	lam []float64 // n: 1/((1−ρ)vᵢ)
	ws  wsT[float64]
	rg  []float64 // g×q: Z'M⁻¹Xa
	rs  []float64 // g: Z'M⁻¹1
	tq  []float64 // 2×q: Yz'rg
	vq  []float64 // 2q
}

// wsT holds the workspaces of wbSolve.
type wsT[T float64 | complex128] struct {
	acc []T // (g+2)×m sums within inner units, then U'D⁻¹y
	gam []T // g: γ_h
	nd  []T // g: 1_h'D_h⁻¹1_h = w_h/(1 + σ²₂w_h)
	den []T // g: 1 + σ²₂w_h
	yz  []T // g×2: Z'D⁻¹U
}

func newWS[T float64 | complex128](n, m int) wsT[T] {
	return wsT[T]{acc: make([]T, (n+2)*m), gam: make([]T, n), nd: make([]T, n), den: make([]T, n), yz: make([]T, 2*n)}
}

func newWBWork(n, q int) *wbWork {
	return &wbWork{y: make([]float64, n*(q+2)), lam: make([]float64, n), ws: newWS[float64](n, q+2),
		rg: make([]float64, n*q), rs: make([]float64, n), tq: make([]float64, 2*q), vq: make([]float64, 2*q)}
}

// fillY copies the first ncol columns of cluster c's rows of [X y] into
// w.y, followed by the columns 1 and s; it returns the width m = ncol + 2.
func (e *evaluator) fillY(c, ncol int) int {
	lay, q, w := e.lay, e.q, e.wb
	st, n := lay.start[c], lay.start[c+1]-lay.start[c]
	m := ncol + 2
	for a := 0; a < n; a++ {
		row := w.y[a*m : (a+1)*m]
		copy(row[:ncol], e.xa[(st+a)*q:(st+a)*q+ncol])
		row[ncol] = 1
		row[ncol+1] = e.sd[st+a]
	}
	return m
}

// blockSolve overwrites w.y (n×m, filled by fillY) with M_c⁻¹·y at σ² =
// s2 and returns log|M_c| and R (r11, r12, r22). It leaves the diagonal
// of Z'D⁻¹Z and Z'D⁻¹U in the workspace.
func (e *evaluator) blockSolve(c int, s2 [2]float64, m int) (float64, [3]float64, error) {
	lay, w := e.lay, e.wb
	st, n := lay.start[c], lay.start[c+1]-lay.start[c]
	g := lay.ninner[c]
	il := w.lam[:n]
	var ld float64
	for a := 0; a < n; a++ {
		l := (1 - e.rho) * e.v[st+a]
		il[a] = 1 / l
		ld += math.Log(l)
	}
	det, r := wbSolve(w.y[:n*m], m, il, e.sd[st:st+n], lay.inner[st:st+n], g, s2[1], s2[0], e.rho, &w.ws)
	if !(det > 0) || math.IsInf(det, 0) {
		return math.NaN(), r, errs.New(errs.Singular, "metamv", "cluster %q: the marginal covariance is not positive definite (det(I + CG) = %g); check rho and the sampling variances", lay.names[c], det)
	}
	for _, d := range w.ws.den[:g] {
		ld += math.Log(d)
	}
	return ld + math.Log(det), r, nil
}

// wbSolve overwrites y (n×m, whose columns m−2 and m−1 hold 1 and s) with
// (D + UCU')⁻¹y, D = Λ + s22·ZZ' (Λ diagonal, given by its inverse il; Z
// from the inner-unit index of each row), U = [1 s], C = diag(c1, c2), and
// returns det(I + CG) and R = (I + CG)⁻¹C (r11, r12, r22). With T =
// complex128 and Λ shifted by −it it solves (M − itI)⁻¹, which the CR2
// quadrature needs.
func wbSolve[T float64 | complex128](y []T, m int, il, s []T, inner []int, g int, s22, c1, c2 T, ws *wsT[T]) (T, [3]T) {
	n := len(il)
	gam, nd, den := ws.gam[:g], ws.nd[:g], ws.den[:g]
	for h := range nd {
		nd[h] = 0
	}
	for a, l := range il {
		nd[inner[a]] += l
	}
	for h, wh := range nd {
		d := 1 + s22*wh
		den[h] = d
		gam[h] = s22 / d
		nd[h] = wh / d
	}
	// y ← D⁻¹y (Sherman–Morrison within each inner unit).
	if s22 != 0 {
		acc := ws.acc[:g*m]
		for i := range acc {
			acc[i] = 0
		}
		for a := 0; a < n; a++ {
			ah := acc[inner[a]*m : (inner[a]+1)*m]
			ya := y[a*m : (a+1)*m]
			ia := il[a]
			for j, x := range ya {
				ah[j] += x * ia
			}
		}
		for a := 0; a < n; a++ {
			ah := acc[inner[a]*m : (inner[a]+1)*m]
			ya := y[a*m : (a+1)*m]
			gh, ia := gam[inner[a]], il[a]
			for j := range ya {
				ya[j] = (ya[j] - gh*ah[j]) * ia
			}
		}
	} else {
		for a := 0; a < n; a++ {
			ya := y[a*m : (a+1)*m]
			ia := il[a]
			for j := range ya {
				ya[j] *= ia
			}
		}
	}
	// Yz = Z'D⁻¹U and U'D⁻¹y (2×m, in acc).
	yz := ws.yz[:2*g]
	for i := range yz {
		yz[i] = 0
	}
	u0, u1 := ws.acc[:m], ws.acc[m:2*m]
	for j := range u0 {
		u0[j], u1[j] = 0, 0
	}
	for a := 0; a < n; a++ {
		ya := y[a*m : (a+1)*m]
		sa := s[a]
		for j, x := range ya {
			u0[j] += x
			u1[j] += sa * x
		}
		h := inner[a]
		yz[2*h] += ya[m-2]
		yz[2*h+1] += ya[m-1]
	}
	g11, g12, g22 := u0[m-2], u0[m-1], u1[m-1]
	det := (1+c1*g11)*(1+c2*g22) - c1*c2*g12*g12
	r := [3]T{c1 * (1 + c2*g22) / det, -c1 * c2 * g12 / det, c2 * (1 + c1*g11) / det}
	if r[0] == 0 && r[1] == 0 && r[2] == 0 {
		return det, r
	}
	// y ← y − D⁻¹U·(R·U'D⁻¹y).
	for j := 0; j < m; j++ {
		a, b := u0[j], u1[j]
		u0[j], u1[j] = r[0]*a+r[1]*b, r[1]*a+r[2]*b
	}
	for a := 0; a < n; a++ {
		ya := y[a*m : (a+1)*m]
		d0, d1 := ya[m-2], ya[m-1]
		for j := range ya {
			ya[j] -= d0*u0[j] + d1*u1[j]
		}
	}
	return det, r
}

// evalWoodbury is eval by the structured path: per cluster one blockSolve
// of [Xa | 1 | s], then every trace and quadratic form from M⁻¹[Xa | 1],
// Z'M⁻¹Xa and N = Z'M⁻¹Z = diag(1_h'D_h⁻¹1_h) − Yz R Yz' (Yz = Z'D⁻¹U),
// which is never formed: with P = Yz'Yz and Pn = Yz'diag(nd)Yz,
//
//	tr N = Σ nd_h − tr(RP),  ‖N‖²_F = Σ nd_h² − 2 tr(R Pn) + tr(RPRP),
//	Xa'M⁻¹ZNZ'M⁻¹Xa = rg'diag(nd)rg − (Yz'rg)'R(Yz'rg),  rg = Z'M⁻¹Xa.
func (e *evaluator) evalWoodbury(s2 [2]float64, deriv bool, o *evalOut) error {
	q, lay, w := e.q, e.lay, e.wb
	for c := 0; c < lay.nclust(); c++ {
		st, n := lay.start[c], lay.start[c+1]-lay.start[c]
		m := e.fillY(c, q)
		ld, r, err := e.blockSolve(c, s2, m)
		if err != nil {
			return err
		}
		o.ldM += ld
		y := w.y[:n*m]
		xa := e.xa[st*q : (st+n)*q]
		for a := 0; a < n; a++ {
			xr, yr := xa[a*q:(a+1)*q], y[a*m:a*m+q]
			for i, xi := range xr {
				if xi == 0 {
					continue
				}
				si := o.s0[i*q : (i+1)*q]
				for j, yj := range yr {
					si[j] += xi * yj
				}
			}
		}
		if !deriv {
			continue
		}
		g := lay.ninner[c]
		inner := lay.inner[st : st+n]
		rg, rs, nd, yz := w.rg[:g*q], w.rs[:g], w.ws.nd[:g], w.ws.yz[:2*g]
		for i := range rg {
			rg[i] = 0
		}
		for i := range rs {
			rs[i] = 0
		}
		r1 := w.vq[:q]
		for j := range r1 {
			r1[j] = 0
		}
		var tot float64
		for a := 0; a < n; a++ {
			h := inner[a]
			ya := y[a*m : (a+1)*m]
			rh := rg[h*q : (h+1)*q]
			for j := 0; j < q; j++ {
				rh[j] += ya[j]
				r1[j] += ya[j]
			}
			rs[h] += ya[q]
			tot += ya[q]
		}
		// Traces of N and N².
		var snd, snd2, p11, p12, p22, n11, n12, n22, t12 float64
		for h := 0; h < g; h++ {
			d, a, b := nd[h], yz[2*h], yz[2*h+1]
			snd += d
			snd2 += d * d
			p11 += a * a
			p12 += a * b
			p22 += b * b
			n11 += d * a * a
			n12 += d * a * b
			n22 += d * b * b
			t12 += rs[h] * rs[h]
		}
		trN := snd - (r[0]*p11 + 2*r[1]*p12 + r[2]*p22)
		// RP (2×2).
		rp00, rp01 := r[0]*p11+r[1]*p12, r[0]*p12+r[1]*p22
		rp10, rp11 := r[1]*p11+r[2]*p12, r[1]*p12+r[2]*p22
		trRPRP := rp00*rp00 + 2*rp01*rp10 + rp11*rp11
		t22 := snd2 - 2*(r[0]*n11+2*r[1]*n12+r[2]*n22) + trRPRP
		o.t[0] += tot
		o.t[1] += trN
		o.tt[0][0] += tot * tot
		o.tt[0][1] += t12
		o.tt[1][1] += t22
		// w = rg'rs; T = Yz'rg.
		wv, tq := w.vq[q:2*q], w.tq[:2*q]
		for j := range wv {
			wv[j] = 0
		}
		for i := range tq {
			tq[i] = 0
		}
		for h := 0; h < g; h++ {
			rh := rg[h*q : (h+1)*q]
			a, b, sh, d := yz[2*h], yz[2*h+1], rs[h], nd[h]
			for j, x := range rh {
				wv[j] += sh * x
				tq[j] += a * x
				tq[q+j] += b * x
			}
			for i, xi := range rh {
				if xi == 0 {
					continue
				}
				f1 := o.f[1][i*q : (i+1)*q]
				g2 := o.g22[i*q : (i+1)*q]
				dxi := d * xi
				for j, xj := range rh {
					f1[j] += xi * xj
					g2[j] += dxi * xj
				}
			}
		}
		for i := 0; i < q; i++ {
			ti0, ti1 := tq[i], tq[q+i]
			a0, a1 := r[0]*ti0+r[1]*ti1, r[1]*ti0+r[2]*ti1
			for j := 0; j < q; j++ {
				o.f[0][i*q+j] += r1[i] * r1[j]
				o.g11[i*q+j] += tot * r1[i] * r1[j]
				o.g12[i*q+j] += r1[i] * wv[j]
				o.g22[i*q+j] -= a0*tq[j] + a1*tq[q+j]
			}
		}
	}
	o.tt[1][0] = o.tt[0][1]
	return nil
}

// weightedX returns M⁻¹X (k×p, rows in the layout's sorted order) at σ² =
// s2, cluster by cluster through blockSolve.
func (e *evaluator) weightedX(s2 [2]float64) ([]float64, error) {
	p, lay, w := e.p, e.lay, e.wb
	out := make([]float64, e.k*p)
	for c := 0; c < lay.nclust(); c++ {
		st, n := lay.start[c], lay.start[c+1]-lay.start[c]
		m := e.fillY(c, p)
		if _, _, err := e.blockSolve(c, s2, m); err != nil {
			return nil, err
		}
		for a := 0; a < n; a++ {
			copy(out[(st+a)*p:(st+a+1)*p], w.y[a*m:a*m+p])
		}
	}
	return out, nil
}
