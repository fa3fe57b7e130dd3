package metamv

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// satt holds what the CR2 small-sample corrections need: the bread B and,
// per cluster, H_j = E_jX_j and E_jΘ_jE_j' (E_j = X_j'W_jA_j, Θ_j the
// working covariance). Under the working model y ~ N(Xβ, Θ) the robust
// variance of c'β̂ is a quadratic form Σ_j (u_j'y)², and with W = Θ⁻¹ its
// moments reduce to per-cluster sums:
//
//	Cov(terms j, j') = δ_jj' a_j'Θ_ja_j − z_j'Bz_j',  a_j = E_j'Bc,
//	a_j'Θ_ja_j = (Bc)'E_jΘ_jE_j'(Bc),  z_j = X_j'a_j = H_j'Bc,
//
// so neither the k×k hat matrix nor the J×J arrays of clubSandwich are
// formed, and nothing here depends on the cluster sizes.
type satt struct {
	p       int
	bread   []float64
	hx, ete [][]float64
}

// moments returns, for contrasts cs (each a p-vector), z[s][g] = X_g'a_sg
// and sm[g][s*q+t] = a_sg'Θ_g a_tg.
func (s *satt) moments(cs [][]float64) (z [][][]float64, sm [][]float64) {
	p, q := s.p, len(cs)
	J := len(s.hx)
	bc := make([][]float64, q)
	for a, c := range cs {
		bc[a] = make([]float64, p)
		for i := 0; i < p; i++ {
			var t float64
			for j := 0; j < p; j++ {
				t += s.bread[i*p+j] * c[j]
			}
			bc[a][i] = t
		}
	}
	z = make([][][]float64, q)
	for a := range z {
		z[a] = make([][]float64, J)
	}
	sm = make([][]float64, J)
	for g := 0; g < J; g++ {
		h, et := s.hx[g], s.ete[g]
		for a := 0; a < q; a++ {
			zz := make([]float64, p)
			for i := 0; i < p; i++ {
				var t float64
				for m := 0; m < p; m++ {
					t += h[m*p+i] * bc[a][m]
				}
				zz[i] = t
			}
			z[a][g] = zz
		}
		m := make([]float64, q*q)
		for a := 0; a < q; a++ {
			for b := a; b < q; b++ {
				t := quadAB(bc[a], et, bc[b], p)
				m[a*q+b], m[b*q+a] = t, t
			}
		}
		sm[g] = m
	}
	return z, sm
}

// inner returns Σ_{j,j'} P_st[j,j']·P_uv[j,j'] for the covariance arrays
// P_st[j,j'] = δ_jj' S_st,j − z_sj'Bz_tj'.
func (s *satt) inner(z [][][]float64, sm [][]float64, q, st, tt, u, v int) float64 {
	p := s.p
	B := s.bread
	var a, b1, b2 float64
	for g := range sm {
		sst, suv := sm[g][st*q+tt], sm[g][u*q+v]
		a += sst * suv
		b1 += sst * quadAB(z[u][g], B, z[v][g], p)
		b2 += suv * quadAB(z[st][g], B, z[tt][g], p)
	}
	// tr(B C_tv B C_us), C_ab = Σ_j z_aj z_bj'.
	ctv, cus := make([]float64, p*p), make([]float64, p*p)
	for g := range sm {
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				ctv[i*p+j] += z[tt][g][i] * z[v][g][j]
				cus[i*p+j] += z[u][g][i] * z[st][g][j]
			}
		}
	}
	m1, m2 := make([]float64, p*p), make([]float64, p*p)
	mulSq(m1, B, ctv, p)
	mulSq(m2, B, cus, p)
	var tr float64
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			tr += m1[i*p+j] * m2[j*p+i]
		}
	}
	return a - b1 - b2 + tr
}

// df returns the Satterthwaite degrees of freedom of c'β̂ (clubSandwich
// coef_test(test = "Satterthwaite")): 2E²/Var with E and Var the mean and
// variance of the robust variance under the working model.
func (s *satt) df(c []float64) float64 {
	z, sm := s.moments([][]float64{c})
	var e float64
	for g := range sm {
		e += sm[g][0] - quadAB(z[0][g], s.bread, z[0][g], s.p)
	}
	return e * e / s.inner(z, sm, 1, 0, 0, 0, 0)
}

// htz is the HTZ robust Wald test of β[idx] = 0 (Pustejovsky & Tipton
// 2018; clubSandwich Wald_test(test = "HTZ")): with Ω = E(CV^CR C') under
// the working model, the contrasts are whitened by Ω^{−1/2}, the degrees of
// freedom of a matching Wishart are ν = q(q + 1)/Σ_st Var_st, and
// F = δQ/q ~ F(q, ν − q + 1), δ = (ν − q + 1)/ν.
func (s *satt) htz(idx []int, Q float64) (*WaldTest, error) {
	p, q := s.p, len(idx)
	cs := make([][]float64, q)
	for a, j := range idx {
		cs[a] = make([]float64, p)
		cs[a][j] = 1
	}
	z, sm := s.moments(cs)
	om := make([]float64, q*q)
	for a := 0; a < q; a++ {
		for b := 0; b < q; b++ {
			var t float64
			for g := range sm {
				t += sm[g][a*q+b] - quadAB(z[a][g], s.bread, z[b][g], p)
			}
			om[a*q+b] = t
		}
	}
	ons, err := symPower(om, q, -0.5)
	if err != nil {
		return nil, fmt.Errorf("metamv: HTZ test: %w", err)
	}
	ct := make([][]float64, q)
	for a := 0; a < q; a++ {
		ct[a] = make([]float64, p)
		for b := 0; b < q; b++ {
			for j := 0; j < p; j++ {
				ct[a][j] += ons[a*q+b] * cs[b][j]
			}
		}
	}
	z, sm = s.moments(ct)
	var tot float64
	for a := 0; a < q; a++ {
		for b := 0; b < q; b++ {
			tot += s.inner(z, sm, q, a, b, b, a) + s.inner(z, sm, q, a, a, b, b)
		}
	}
	nu := float64(q*(q+1)) / tot
	fq := float64(q)
	delta := math.Max((nu-fq+1)/nu, 0)
	df2 := nu - fq + 1
	w := &WaldTest{Test: "HTZ", Fstat: delta * Q / fq, Delta: delta, DFNum: fq, DFDenom: df2, P: math.NaN()}
	if df2 > 0 {
		w.P = distuv.F{D1: fq, D2: df2}.Survival(w.Fstat)
	}
	return w, nil
}
