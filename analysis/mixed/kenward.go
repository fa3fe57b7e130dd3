package mixed

import (
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
)

// Denominator-df methods of Options.DDF.
const (
	// DDFSatterthwaite is Satterthwaite's df (lmerTest's default).
	DDFSatterthwaite = "satterthwaite"
	// DDFKenwardRoger is Kenward & Roger's (1997) adjusted covariance and
	// df, as pbkrtest 0.5.2 (lmerTest's ddf = "Kenward-Roger", emmeans'
	// lmer.df = "kenward-roger").
	DDFKenwardRoger = "kenward-roger"
)

// krMaxGroupRows bounds the rows of one top-level group: the adjustment
// holds a few dense n_g × n_g matrices per variance parameter.
const krMaxGroupRows = 3000

// checkDDF validates Options.DDF before a fit.
func checkDDF(o Options) error {
	switch strings.ToLower(o.DDF) {
	case "", DDFSatterthwaite:
		return nil
	case DDFKenwardRoger:
	default:
		return errs.New(errs.InvalidOption, "mixed", "denominator df %q: give satterthwaite or kenward-roger", o.DDF)
	}
	if o.ML {
		return errs.New(errs.InvalidOption, "mixed", "Kenward–Roger df need a REML fit (as lmerTest's); drop the ML fit or use Satterthwaite df")
	}
	if o.AR1 != "" {
		return errs.New(errs.InvalidOption, "mixed", "Kenward–Roger df are not available with AR(1) residuals (pbkrtest, their reference, has no residual correlation; the covariance is not linear in φ); use Satterthwaite df")
	}
	return nil
}

// isKR says whether the model's inference is Kenward–Roger's.
func (m *Model) isKR() bool { return strings.EqualFold(m.opts.DDF, DDFKenwardRoger) }

// krAdj holds the Kenward–Roger ingredients at the REML estimate: Φ =
// (XᵀΣ⁻¹X)⁻¹ (p × p), the adjusted Φ_A, the matrices P_i = −XᵀΣ⁻¹G_iΣ⁻¹X
// of the k variance parameters and W = 2·I_E⁻¹, their asymptotic
// covariance (k × k).
type krAdj struct {
	p, k  int
	Phi   []float64
	PhiA  []float64
	P     [][]float64
	W     []float64
	ginv  bool // I_E was near singular and W its pseudo-inverse
	names []string
}

// kenwardRoger returns the Kenward–Roger adjustment of the fitted model
// (Kenward & Roger 1997, Biometrics 53, 983–997), computed as pbkrtest
// 0.5.2's vcovAdj, in the covariance parameterisation
//
//	Σ = Σ_i σ_i G_i,
//
// σ_i running over every variance and covariance of every random-effects
// term (lme4's VarCorr, lower triangle) and the residual variance σ²
// (G = I): for term l and entries (a, b) of its covariance matrix,
// G_i = Z_l(I ⊗ (E_ab + E_ba))Z_lᵀ (E_aa once on the diagonal). With
// Φ = (XᵀΣ⁻¹X)⁻¹,
//
//	P_i  = −XᵀΣ⁻¹G_iΣ⁻¹X,
//	Q_ij = XᵀΣ⁻¹G_iΣ⁻¹G_jΣ⁻¹X,
//	I_ij = tr(Σ⁻¹G_iΣ⁻¹G_j) − 2 tr(ΦQ_ij) + tr(ΦP_iΦP_j)
//
// (twice the expected REML information), W = 2 I⁻¹ (a pseudo-inverse when
// the smallest |eigenvalue| of I is ≤ 1e-10, as pbkrtest), and
//
//	Φ_A = Φ + 2Φ [Σ_ij W_ij (Q_ij − P_iΦP_j)] Φ,
//
// the second-derivative terms R_ij of Kenward & Roger being 0 because Σ is
// linear in σ (pbkrtest sets them to 0 in general).
//
// The top-level groups are independent, so Σ is block diagonal and every
// sum above is accumulated group by group from dense n_g × n_g blocks:
// the cost is O(Σ_g k·n_g³), not O(n³).
func (m *Model) kenwardRoger() (*krAdj, error) {
	if m.kr != nil {
		return m.kr, nil
	}
	d := m.d
	if d.rows == nil {
		return nil, errs.New(errs.InvalidOption, "mixed", "Kenward–Roger df need the data rows; a model fitted from sufficient statistics has none (use Satterthwaite df)")
	}
	if d.time != nil {
		return nil, errs.New(errs.InvalidOption, "mixed", "Kenward–Roger df are not available with AR(1) residuals")
	}
	if m.opts.ML {
		return nil, errs.New(errs.InvalidOption, "mixed", "Kenward–Roger df need a REML fit")
	}
	p, m0 := d.p, d.m0
	Q := m0 - p - 1
	nl := len(d.levels)
	s2 := m.Result.ResidualVariance

	// The variance parameters: per level, the lower triangle of its
	// covariance matrix D_l (from the reported components), then σ².
	type param struct {
		l, a, b int // level and entry; l = −1 for σ²
	}
	var pars []param
	var names []string
	D := make([][]float64, nl)
	vi, ci := 0, 0
	for l, lv := range d.levels {
		q := lv.q
		D[l] = make([]float64, q*q)
		sd := make([]float64, q)
		for a := 0; a < q; a++ {
			D[l][a*q+a] = m.Result.Random[vi].Variance
			sd[a] = m.Result.Random[vi].SD
			vi++
		}
		for b := 0; b < q; b++ {
			for a := b + 1; a < q; a++ {
				c := m.Result.Correlations[ci].Corr * sd[a] * sd[b]
				D[l][a*q+b], D[l][b*q+a] = c, c
				ci++
			}
		}
		for b := 0; b < q; b++ {
			for a := b; a < q; a++ {
				pars = append(pars, param{l, a, b})
				if a == b {
					names = append(names, lv.name+": var("+lv.colNames[a]+")")
				} else {
					names = append(names, lv.name+": cov("+lv.colNames[a]+", "+lv.colNames[b]+")")
				}
			}
		}
	}
	pars = append(pars, param{l: -1})
	names = append(names, "residual variance")
	k := len(pars)

	// Top-level group of every finest node.
	nodes0 := d.levels[0].nodes
	nodeAt := make([][]int, nl) // nodeAt[l][finest node] = its node at level l
	for l := 0; l < nl; l++ {
		nodeAt[l] = make([]int, nodes0)
		for j := 0; j < nodes0; j++ {
			if l == 0 {
				nodeAt[l][j] = j
			} else {
				nodeAt[l][j] = d.levels[l-1].parent[nodeAt[l-1][j]]
			}
		}
	}
	top := nodeAt[nl-1]
	ntop := d.levels[nl-1].nodes
	members := make([][]int, ntop)
	for j := 0; j < nodes0; j++ {
		members[top[j]] = append(members[top[j]], j)
	}

	XtVX := make([]float64, p*p)
	P := make([][]float64, k)
	Qm := make([][]float64, k*k) // Q_ij for i ≤ j
	K := make([]float64, k*k)
	for i := range P {
		P[i] = make([]float64, p*p)
	}
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			Qm[i*k+j] = make([]float64, p*p)
		}
	}
	for g := 0; g < ntop; g++ {
		var rows, fine []int
		for _, j := range members[g] {
			for r := d.start[j]; r < d.start[j+1]; r++ {
				rows = append(rows, r)
				fine = append(fine, j)
			}
		}
		n := len(rows)
		if n == 0 {
			continue
		}
		if n > krMaxGroupRows {
			return nil, errs.New(errs.TooFew, "mixed", "Kenward–Roger df: group %q of %q has %d rows, more than the %d the dense per-group computation allows; use Satterthwaite df", d.levels[nl-1].labels[g], d.levels[nl-1].name, n, krMaxGroupRows)
		}
		z := func(r, l, a int) float64 { return d.rows[rows[r]*m0+d.levels[l].off+a] }
		// Σ_g = σ²I + Σ_l Z_l (I ⊗ D_l) Z_lᵀ.
		V := make([]float64, n*n)
		for r := 0; r < n; r++ {
			for s := 0; s <= r; s++ {
				v := 0.0
				for l, lv := range d.levels {
					if nodeAt[l][fine[r]] != nodeAt[l][fine[s]] {
						continue
					}
					q := lv.q
					for a := 0; a < q; a++ {
						za := z(r, l, a)
						if za == 0 {
							continue
						}
						for b := 0; b < q; b++ {
							v += za * D[l][a*q+b] * z(s, l, b)
						}
					}
				}
				if r == s {
					v += s2
				}
				V[r*n+s], V[s*n+r] = v, v
			}
		}
		if err := linalg.Cholesky(V, n); err != nil {
			return nil, fmt.Errorf("mixed: Kenward–Roger: the covariance of group %q is not positive definite: %w", d.levels[nl-1].labels[g], err)
		}
		Vi := make([]float64, n*n)
		linalg.Inverse(V, n, Vi, make([]float64, n*n))
		X := make([]float64, n*p)
		for r := 0; r < n; r++ {
			copy(X[r*p:(r+1)*p], d.rows[rows[r]*m0+Q:rows[r]*m0+Q+p])
		}
		B := matMul(Vi, X, n, n, p) // Σ⁻¹X
		addTMul(XtVX, X, B, n, p, p, 1)
		A := make([][]float64, k) // Σ⁻¹G_i
		H := make([][]float64, k) // G_iΣ⁻¹X
		N := make([][]float64, k) // Σ⁻¹G_iΣ⁻¹X
		for i, pr := range pars {
			if pr.l < 0 {
				A[i], H[i] = Vi, B
			} else {
				G := make([]float64, n*n)
				for r := 0; r < n; r++ {
					for s := 0; s < n; s++ {
						if nodeAt[pr.l][fine[r]] != nodeAt[pr.l][fine[s]] {
							continue
						}
						v := z(r, pr.l, pr.a) * z(s, pr.l, pr.b)
						if pr.a != pr.b {
							v += z(r, pr.l, pr.b) * z(s, pr.l, pr.a)
						}
						G[r*n+s] = v
					}
				}
				A[i] = matMul(Vi, G, n, n, n)
				H[i] = matMul(G, B, n, n, p)
			}
			N[i] = matMul(Vi, H[i], n, n, p)
			addTMul(P[i], B, H[i], n, p, p, -1)
		}
		for i := 0; i < k; i++ {
			for j := i; j < k; j++ {
				t := 0.0
				Ai, Aj := A[i], A[j]
				for a := 0; a < n; a++ {
					for b := 0; b < n; b++ {
						t += Ai[a*n+b] * Aj[b*n+a]
					}
				}
				K[i*k+j] += t
				addTMul(Qm[i*k+j], H[i], N[j], n, p, p, 1)
			}
		}
	}
	Phi, _, err := linalg.InvertSPD(XtVX, p)
	if err != nil {
		return nil, fmt.Errorf("mixed: Kenward–Roger: XᵀΣ⁻¹X: %w", err)
	}
	// I_E and W = 2 I_E⁻¹.
	PhiP := make([][]float64, k)
	for i := range P {
		PhiP[i] = matMul(Phi, P[i], p, p, p)
	}
	IE := mat.NewSymDense(k, nil)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			v := K[i*k+j] - 2*frob(Phi, Qm[i*k+j]) + traceProd(PhiP[i], PhiP[j], p)
			IE.SetSym(i, j, v)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(IE, true) {
		return nil, fmt.Errorf("mixed: Kenward–Roger: eigen-decomposition of the information matrix failed")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	condi, vmax := math.Inf(1), 0.0
	for _, v := range vals {
		condi = math.Min(condi, math.Abs(v))
		vmax = math.Max(vmax, math.Abs(v))
	}
	kr := &krAdj{p: p, k: k, Phi: Phi, P: P, names: names}
	// MASS::ginv drops singular values ≤ √ε · the largest.
	tol := 0.0
	if !(condi > 1e-10) {
		kr.ginv = true
		tol = math.Sqrt(2.220446049250313e-16) * vmax
	}
	W := make([]float64, k*k)
	for t, ev := range vals {
		if kr.ginv && !(math.Abs(ev) > tol) {
			continue
		}
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				W[i*k+j] += 2 * vecs.At(i, t) * vecs.At(j, t) / ev
			}
		}
	}
	kr.W = W
	// U = Σ_ij W_ij (Q_ij − P_iΦP_j), Q_ji = Q_ijᵀ.
	U := make([]float64, p*p)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			w := W[i*k+j]
			PPj := matMul(P[i], PhiP[j], p, p, p) // P_i Φ P_j
			Qij := Qm[i*k+j]
			for a := 0; a < p; a++ {
				for b := 0; b < p; b++ {
					v := w * (Qij[a*p+b] - PPj[a*p+b])
					U[a*p+b] += v
					if i != j {
						U[b*p+a] += v
					}
				}
			}
		}
	}
	L := matMul(matMul(Phi, U, p, p, p), Phi, p, p, p)
	kr.PhiA = make([]float64, p*p)
	for a := 0; a < p; a++ {
		for b := 0; b < p; b++ {
			kr.PhiA[a*p+b] = Phi[a*p+b] + (L[a*p+b] + L[b*p+a]) // Φ + 2Λ, symmetrised
		}
	}
	m.kr = kr
	return kr, nil
}

// krStat is the Kenward–Roger test of H0: Lβ = 0 for L of full row rank q
// (pbkrtest's .KR_adjust): the scale λ, the denominator df m and the
// unscaled Wald statistic (Lβ̂)ᵀ(LΦ_ALᵀ)⁻¹(Lβ̂)/q.
type krStat struct {
	q              int
	ddf, scale, Fu float64
}

// test computes Kenward & Roger's approximation (their section 4) for the
// rows L: with Θ = Lᵀ(LΦLᵀ)⁻¹L and M_i = ΘΦP_iΦ,
//
//	A₁ = Σ_ij W_ij tr(M_i) tr(M_j),  A₂ = Σ_ij W_ij tr(M_iM_j),
//	B = (A₁ + 6A₂)/(2q),  g = ((q+1)A₁ − (q+4)A₂)/((q+2)A₂),
//	c₁ = g/(3q + 2(1−g)),  c₂ = (q−g)/(3q + 2(1−g)),  c₃ = (q+2−g)/(3q + 2(1−g)),
//	E* = 1/(1 − A₂/q),  V* = (2/q)(1 + c₁B)/((1 − c₂B)²(1 − c₃B)),
//	ρ = V*/(2E*²),  m = 4 + (q+2)/(qρ − 1),  λ = m/(E*(m − 2)),
//
// with pbkrtest's guards: 1 + c₁B set to 0 below 1e-10 in absolute value,
// (1 − A₂/q)/(1 − c₂B) set to 1 when both are below 1e-14, and λ = 1 when
// |m − 2| < 0.01. beta nil skips the Wald statistic.
func (kr *krAdj) test(L [][]float64, beta []float64) krStat {
	p, k := kr.p, kr.k
	q := len(L)
	// (LΦLᵀ)⁻¹ and Θ.
	LPL := make([]float64, q*q)
	for a := 0; a < q; a++ {
		for b := 0; b < q; b++ {
			LPL[a*q+b] = bilinear(L[a], kr.Phi, L[b], p)
		}
	}
	inv, _, err := linalg.InvertSPD(LPL, q)
	if err != nil {
		return krStat{q: q, ddf: math.NaN(), scale: math.NaN(), Fu: math.NaN()}
	}
	Theta := make([]float64, p*p)
	for a := 0; a < q; a++ {
		for b := 0; b < q; b++ {
			w := inv[a*q+b]
			if w == 0 {
				continue
			}
			for i := 0; i < p; i++ {
				if L[a][i] == 0 {
					continue
				}
				for j := 0; j < p; j++ {
					Theta[i*p+j] += L[a][i] * w * L[b][j]
				}
			}
		}
	}
	TP := matMul(Theta, kr.Phi, p, p, p)
	M := make([][]float64, k)
	tr := make([]float64, k)
	for i := range M {
		M[i] = matMul(matMul(TP, kr.P[i], p, p, p), kr.Phi, p, p, p)
		for a := 0; a < p; a++ {
			tr[i] += M[i][a*p+a]
		}
	}
	A1, A2 := 0.0, 0.0
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			w := kr.W[i*k+j]
			A1 += w * tr[i] * tr[j]
			A2 += w * traceProd(M[i], M[j], p)
		}
	}
	fq := float64(q)
	B := (A1 + 6*A2) / (2 * fq)
	g := ((fq+1)*A1 - (fq+4)*A2) / ((fq + 2) * A2)
	den := 3*fq + 2*(1-g)
	c1, c2, c3 := g/den, (fq-g)/den, (fq+2-g)/den
	V0, V1, V2 := 1+c1*B, 1-c2*B, 1-c3*B
	if math.Abs(V0) < 1e-10 {
		V0 = 0
	}
	num := 1 - A2/fq
	ratio := num / V1
	if math.Abs(num) < 1e-14 && math.Abs(V1) < 1e-14 {
		ratio = 1
	}
	rho := ratio * ratio * V0 / V2 / fq
	ddf := 4 + (fq+2)/(fq*rho-1)
	scale := 1.0
	if math.Abs(ddf-2) >= 1e-2 {
		scale = ddf * num / (ddf - 2)
	}
	st := krStat{q: q, ddf: ddf, scale: scale, Fu: math.NaN()}
	if beta != nil {
		LA := make([]float64, q*q)
		lb := make([]float64, q)
		for a := 0; a < q; a++ {
			for i := range beta {
				lb[a] += L[a][i] * beta[i]
			}
			for b := 0; b < q; b++ {
				LA[a*q+b] = bilinear(L[a], kr.PhiA, L[b], p)
			}
		}
		if l, err := choleskyCopy(LA, q); err == nil {
			st.Fu = linalg.QuadInv(l, q, lb, make([]float64, q)) / fq
		}
	}
	return st
}

// df is the Kenward–Roger df of the contrast lᵀβ̂ (pbkrtest's Lb_ddf, the
// test's m for q = 1); it makes krAdj a contrastDF.
func (kr *krAdj) df(l []float64) float64 { return kr.test([][]float64{l}, nil).ddf }

// vcovA returns Φ_A as rows.
func (kr *krAdj) vcovA() [][]float64 {
	p := kr.p
	out := make([][]float64, p)
	for i := range out {
		out[i] = append([]float64(nil), kr.PhiA[i*p:(i+1)*p]...)
	}
	return out
}

// contrastDF gives the df of a contrast lᵀβ̂: Satterthwaite's (vcovDeriv)
// or Kenward–Roger's (krAdj).
type contrastDF interface {
	df(l []float64) float64
}

// contrastInference returns the covariance of β̂ and the df method the
// marginal means and their contrasts use: Φ_A and Kenward–Roger df, or
// cov(β̂) and Satterthwaite df.
func (m *Model) contrastInference() ([][]float64, contrastDF, error) {
	if m.isKR() {
		kr, err := m.kenwardRoger()
		if err != nil {
			return nil, nil, err
		}
		return kr.vcovA(), kr, nil
	}
	vd, err := m.vcovDerivs(math.Sqrt(m.Result.ResidualVariance))
	if err != nil {
		return nil, nil, fmt.Errorf("Satterthwaite df: %w", err)
	}
	return m.Result.Vcov, vd, nil
}

// krFixed replaces the fixed-effect t tests by Kenward–Roger's, as
// lmerTest's summary(m, ddf = "Kenward-Roger"): SE √(Φ_A)_ii and the df of
// the unit contrast; the estimates are unchanged. Result.VcovAdj is set to
// Φ_A.
func (m *Model) krFixed() error {
	kr, err := m.kenwardRoger()
	if err != nil {
		return err
	}
	r := &m.Result
	p := kr.p
	r.VcovAdj = kr.vcovA()
	for i := 0; i < p; i++ {
		l := make([]float64, p)
		l[i] = 1
		c := r.Fixed[i]
		r.Fixed[i] = tTest(c.Name, c.Estimate, math.Sqrt(kr.PhiA[i*p+i]), kr.df(l), m.opts.Level)
	}
	r.DFMethod = "Kenward-Roger"
	if kr.ginv {
		r.Notes = append(r.Notes, "Kenward–Roger: the expected information of the variance parameters is (near) singular; its pseudo-inverse was used, as pbkrtest does")
	}
	return nil
}

// krAnova tests each term with Kenward–Roger's F (lmerTest's anova(m,
// ddf = "Kenward-Roger"), i.e. pbkrtest's KRmodcomp): F = λ·W/q with W the
// Wald statistic in Φ_A, the denominator df m; Sum Sq and Mean Sq are
// those of the unscaled W/q (times σ̂²), as lmerTest. A hypothesis of
// deficient rank is first reduced to its independent directions (the
// eigenvectors of LΦLᵀ above √ε of the largest, as the Satterthwaite
// table), which leaves the test of a full-rank L unchanged.
func (m *Model) krAnova(terms []string, Ls [][][]float64) (*AnovaResult, error) {
	kr, err := m.kenwardRoger()
	if err != nil {
		return nil, err
	}
	beta := make([]float64, kr.p)
	for i, c := range m.Result.Fixed {
		beta[i] = c.Estimate
	}
	s2 := m.Result.ResidualVariance
	out := &AnovaResult{}
	for t, L := range Ls {
		R := kr.reduce(L)
		if len(R) == 0 {
			out.Omitted = append(out.Omitted, terms[t])
			out.Notes = append(out.Notes, fmt.Sprintf("term %s is not tested: its hypothesis has rank 0 (the term is aliased with other terms of the model), so it has no F test", terms[t]))
			continue
		}
		st := kr.test(R, beta)
		F := st.scale * st.Fu
		p := fSurvival(F, float64(st.q), st.ddf)
		ms := st.Fu * s2
		out.Rows = append(out.Rows, AnovaRow{Term: terms[t], SumSq: ms * float64(st.q), MeanSq: ms, NumDF: st.q, DenDF: st.ddf, F: F, P: p})
	}
	return out, nil
}

// reduce returns the independent directions P_mᵀL of the hypothesis L
// (eigenvalues of LΦLᵀ above √ε times the largest).
func (kr *krAdj) reduce(L [][]float64) [][]float64 {
	p, r := kr.p, len(L)
	if r == 0 {
		return nil
	}
	S := mat.NewSymDense(r, nil)
	for a := 0; a < r; a++ {
		for b := 0; b <= a; b++ {
			S.SetSym(a, b, bilinear(L[a], kr.Phi, L[b], p))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(S, true) {
		return nil
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	tol := math.Max(math.Sqrt(2.220446049250313e-16)*vals[r-1], 0)
	var out [][]float64
	for c := r - 1; c >= 0; c-- {
		if !(vals[c] > tol) {
			break
		}
		l := make([]float64, p)
		for a := 0; a < r; a++ {
			for i := 0; i < p; i++ {
				l[i] += vecs.At(a, c) * L[a][i]
			}
		}
		out = append(out, l)
	}
	if len(out) == r {
		return L // full rank: test L itself
	}
	return out
}

// fSurvival returns P(F_{d1,d2} > f) = I_{d2/(d2 + d1 f)}(d2/2, d1/2), the
// regularised incomplete beta function, accurate in the far tail (1 − the
// CDF stops at ~1e-16).
func fSurvival(f, d1, d2 float64) float64 {
	if !(f > 0) {
		return 1
	}
	return mathext.RegIncBeta(d2/2, d1/2, d2/(d2+d1*f))
}

// matMul returns the r × c product of the r × n a and the n × c b.
func matMul(a, b []float64, r, n, c int) []float64 {
	out := make([]float64, r*c)
	for i := 0; i < r; i++ {
		oi := out[i*c : (i+1)*c]
		for t := 0; t < n; t++ {
			v := a[i*n+t]
			if v == 0 {
				continue
			}
			bt := b[t*c : (t+1)*c]
			for j := range oi {
				oi[j] += v * bt[j]
			}
		}
	}
	return out
}

// addTMul adds s·aᵀb to out (c1 × c2) for the n × c1 a and n × c2 b.
func addTMul(out, a, b []float64, n, c1, c2 int, s float64) {
	for t := 0; t < n; t++ {
		at, bt := a[t*c1:(t+1)*c1], b[t*c2:(t+1)*c2]
		for i, v := range at {
			if v == 0 {
				continue
			}
			v *= s
			oi := out[i*c2 : (i+1)*c2]
			for j, w := range bt {
				oi[j] += v * w
			}
		}
	}
}

// frob returns Σ_ab a_ab b_ab.
func frob(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// traceProd returns tr(ab) for p × p a and b.
func traceProd(a, b []float64, p int) float64 {
	s := 0.0
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			s += a[i*p+j] * b[j*p+i]
		}
	}
	return s
}

// bilinear returns xᵀAy for the p × p A.
func bilinear(x, A, y []float64, p int) float64 {
	s := 0.0
	for i := 0; i < p; i++ {
		if x[i] == 0 {
			continue
		}
		t := 0.0
		for j := 0; j < p; j++ {
			t += A[i*p+j] * y[j]
		}
		s += x[i] * t
	}
	return s
}

// choleskyCopy returns the lower Cholesky factor of a copy of the n × n a.
func choleskyCopy(a []float64, n int) ([]float64, error) {
	l := append([]float64(nil), a[:n*n]...)
	return l, linalg.Cholesky(l, n)
}
