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

// checkDDF validates Options.DDF before a fit (CheckDDF).
func checkDDF(o Options) error {
	_, err := CheckDDF(o.DDF, o.ML, o.AR1 != "" || o.Correlation != "" || o.Weights != "")
	return err
}

// CheckDDF checks a denominator-df method (case-insensitive) for a model
// fitted by ML (ml) or with a residual structure (residual: an AR(1) or
// other correlation, or a variance function) and returns it as Options.DDF
// takes it: "" (Satterthwaite, the default) or DDFKenwardRoger.
// Kenward–Roger's df need a REML fit without a residual structure (as
// lmerTest's and pbkrtest's); each refusal is an errs.InvalidOption with
// hint "DDF".
func CheckDDF(ddf string, ml, residual bool) (string, error) {
	bad := func(format string, a ...any) (string, error) {
		return "", errs.New(errs.InvalidOption, "mixed", format, a...).WithHint("DDF")
	}
	switch strings.ToLower(strings.TrimSpace(ddf)) {
	case "", DDFSatterthwaite:
		return "", nil
	case DDFKenwardRoger:
	default:
		return bad("denominator df %q: give satterthwaite (the default) or kenward-roger", ddf)
	}
	switch {
	case ml:
		return bad("Kenward–Roger df need a REML fit (lmerTest refuses them for ML fits too); fit by REML, or use Satterthwaite df")
	case residual:
		return bad("Kenward–Roger df are not available with a residual structure (pbkrtest, their reference, fits lme4 models, which have no residual correlation or variance function); leave it out, or use Satterthwaite df")
	}
	return DDFKenwardRoger, nil
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
// Σ is block diagonal over independent blocks of rows and every sum above
// is accumulated block by block, with no n × n matrix: on the nested path
// the top-level groups, through their random effects (krGroupLowRank); on
// the general path (crossed factors, uncorrelated terms, several terms on
// one factor) the connected components of the random-effects graph, with
// the Woodbury identity and the groups of the finest factor eliminated
// first (krGeneralSums, kenward_general.go).
func (m *Model) kenwardRoger() (*krAdj, error) {
	if m.kr != nil {
		return m.kr, nil
	}
	kr, err := m.krCompute(krGroupLowRank)
	if err != nil {
		return nil, err
	}
	m.kr = kr
	return kr, nil
}

// krParam is one variance parameter: entry (a, b), a ≥ b, of the
// covariance matrix of level l's random effects; l = −1 for σ².
type krParam struct{ l, a, b int }

// pairs returns the nonzero entries of the parameter's q × q pattern E_ab
// + E_ba (E_aa once on the diagonal), as (row, column) pairs.
func (pr krParam) pairs() [][2]int {
	if pr.a == pr.b {
		return [][2]int{{pr.a, pr.a}}
	}
	return [][2]int{{pr.a, pr.b}, {pr.b, pr.a}}
}

// krSetup is what the sums need: the parameters, the covariance matrices
// D_l = σ²Λ_lΛ_lᵀ and the relative factors Λ_l (q_l × q_l, lower) at the
// estimate, σ², and for the nested path the node of every finest node at
// every level and the finest nodes of every top-level group.
type krSetup struct {
	pars    []krParam
	D       [][]float64
	lam     [][]float64
	nodeAt  [][]int
	members [][]int
	s2      float64
}

// krSums accumulates XᵀΣ⁻¹X, P_i, Q_ij (i ≤ j) and tr(Σ⁻¹G_iΣ⁻¹G_j) over
// the independent blocks of Σ (top-level groups, or connected components
// of the random-effects graph on the general path).
type krSums struct {
	XtVX, K []float64
	P, Qm   [][]float64
}

// krGroupFunc adds top-level group g (its rows, in node order, and the
// finest node of each) to the sums.
type krGroupFunc func(m *Model, st *krSetup, g int, rows, fine []int, acc *krSums) error

// krCompute is kenwardRoger with the per-group sums of group on the nested
// path; the general path (crossed factors, uncorrelated terms, several
// terms on one factor) has its own sums (kenward_general.go).
func (m *Model) krCompute(group krGroupFunc) (*krAdj, error) {
	if m.d.general {
		return m.krAssemble(func(st *krSetup, acc *krSums) error { return m.krGeneralSums(st, m.d.codes, acc) })
	}
	return m.krAssemble(func(st *krSetup, acc *krSums) error { return m.krNestedSums(st, group, acc) })
}

// krAssemble checks that the adjustment is defined, sets up the
// parameters, lets sums accumulate the pieces and finishes (krFinish).
func (m *Model) krAssemble(sums func(*krSetup, *krSums) error) (*krAdj, error) {
	d := m.d
	if !d.ensureRows() {
		return nil, errs.New(errs.InvalidOption, "mixed", "Kenward–Roger df need the data rows; a model fitted from sufficient statistics has none (use Satterthwaite df)")
	}
	if d.resid != nil {
		return nil, errs.New(errs.InvalidOption, "mixed", "Kenward–Roger df are not available with a residual structure")
	}
	if m.opts.ML {
		return nil, errs.New(errs.InvalidOption, "mixed", "Kenward–Roger df need a REML fit")
	}
	st, names := m.krParams()
	p, k := d.p, len(st.pars)
	acc := &krSums{XtVX: make([]float64, p*p), K: make([]float64, k*k), P: make([][]float64, k), Qm: make([][]float64, k*k)}
	for i := range acc.P {
		acc.P[i] = make([]float64, p*p)
		for j := i; j < k; j++ {
			acc.Qm[i*k+j] = make([]float64, p*p)
		}
	}
	if err := sums(st, acc); err != nil {
		return nil, err
	}
	kr, err := krFinish(acc, p, k)
	if err != nil {
		return nil, err
	}
	kr.names = names
	return kr, nil
}

// krParams returns the variance parameters — per level, the lower
// triangle of its covariance matrix, column by column, then σ² — with
// their names, Λ_l from the fitted θ and D_l = σ²Λ_lΛ_lᵀ (lme4's VarCorr).
func (m *Model) krParams() (*krSetup, []string) {
	d := m.d
	s2 := m.Result.ResidualVariance
	st := &krSetup{s2: s2, D: make([][]float64, len(d.levels)), lam: make([][]float64, len(d.levels))}
	var names []string
	for l, lv := range d.levels {
		q := lv.q
		L := make([]float64, q*q)
		lv.fillLambda(L, m.Result.Theta)
		st.lam[l] = L
		st.D[l] = scaled(matMul(L, transpose(L, q, q), q, q, q), s2)
		for b := 0; b < q; b++ {
			for a := b; a < q; a++ {
				st.pars = append(st.pars, krParam{l, a, b})
				if a == b {
					names = append(names, lv.name+": var("+lv.colNames[a]+")")
				} else {
					names = append(names, lv.name+": cov("+lv.colNames[a]+", "+lv.colNames[b]+")")
				}
			}
		}
	}
	st.pars = append(st.pars, krParam{l: -1})
	names = append(names, "residual variance")
	return st, names
}

// krNestedSums accumulates the sums top-level group by top-level group
// with group (nested factors: Σ is block diagonal over them).
func (m *Model) krNestedSums(st *krSetup, group krGroupFunc, acc *krSums) error {
	d := m.d
	nl := len(d.levels)
	// The node of every finest node at each level, and the finest nodes
	// of each top-level group.
	nodes0 := d.levels[0].nodes
	st.nodeAt = make([][]int, nl)
	for l := 0; l < nl; l++ {
		st.nodeAt[l] = make([]int, nodes0)
		for j := 0; j < nodes0; j++ {
			if l == 0 {
				st.nodeAt[l][j] = j
			} else {
				st.nodeAt[l][j] = d.levels[l-1].parent[st.nodeAt[l-1][j]]
			}
		}
	}
	top := st.nodeAt[nl-1]
	ntop := d.levels[nl-1].nodes
	st.members = make([][]int, ntop)
	for j := 0; j < nodes0; j++ {
		st.members[top[j]] = append(st.members[top[j]], j)
	}
	for g := 0; g < ntop; g++ {
		var rows, fine []int
		for _, j := range st.members[g] {
			for r := d.start[j]; r < d.start[j+1]; r++ {
				rows = append(rows, r)
				fine = append(fine, j)
			}
		}
		if len(rows) == 0 {
			continue
		}
		if err := group(m, st, g, rows, fine, acc); err != nil {
			return err
		}
	}
	return nil
}

// krFinish turns the sums into the adjustment: Φ = (XᵀΣ⁻¹X)⁻¹, the
// information I_E, W = 2 I_E⁻¹ (pseudo-inverse when near singular) and
// Φ_A (see kenwardRoger).
func krFinish(acc *krSums, p, k int) (*krAdj, error) {
	XtVX, K, P, Qm := acc.XtVX, acc.K, acc.P, acc.Qm
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
	kr := &krAdj{p: p, k: k, Phi: Phi, P: P}
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
// cov(β̂) and Satterthwaite df, or with a residual structure cov(β̂) and
// emmeans' df for nlme models (containmentDF).
func (m *Model) contrastInference() ([][]float64, contrastDF, error) {
	if m.isKR() {
		kr, err := m.kenwardRoger()
		if err != nil {
			return nil, nil, err
		}
		return kr.vcovA(), kr, nil
	}
	if m.d.resid != nil {
		return m.emmCovariance(), m.emmContainment(), nil
	}
	vd, err := m.vcovDerivs(math.Sqrt(m.Result.ResidualVariance))
	if err != nil {
		return nil, nil, fmt.Errorf("the Satterthwaite df: %w", err)
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
	out, _ := directions(L, kr.Phi, kr.p)
	if len(out) == len(L) {
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

// krGroupLowRank adds one top-level group to the sums through its r random
// effects (r = Σ_l q_l × its nodes at level l) rather than its n rows.
// With Z (n × r), D̃ = block-diag(D_l)/σ² over the group's nodes, the
// cross-products S = ZᵀZ, U = ZᵀX, XᵀX and R = (SD̃ + I)⁻¹, T = D̃R, so that
// σ²Σ⁻¹ = I − ZTZᵀ and σ²Σ⁻¹Z = ZRᵀ (Woodbury; push-through):
//
//	ZᵀΣ⁻¹Z = RS/σ²,       ZᵀΣ⁻²Z = RSRᵀ/σ⁴,
//	ZᵀΣ⁻¹X = RU/σ²,       ZᵀΣ⁻²X = RRU/σ⁴,
//	XᵀΣ⁻¹X = (XᵀX − UᵀTU)/σ²,  XᵀΣ⁻²X = WᵀW/σ⁴,  XᵀΣ⁻³X = (WᵀW − (RU)ᵀT(RU))/σ⁶,
//	tr Σ⁻² = (n − r + tr RR)/σ⁴,  W = X − ZTU,
//
// and every G_i of a random-effects parameter is ZE_iZᵀ with E_i a 0/1
// pattern (entries (a, b) and (b, a) of each node's block), so P_i, Q_ij and
// the traces are products of r × r and r × p matrices with E_i. The cost is
// O(n·(Σq)² + r³ + k²r²) per group, with no n × n matrix.
func krGroupLowRank(m *Model, st *krSetup, g int, rows, fine []int, acc *krSums) error {
	gr, err := newKRGroup(m, st, g, rows, fine)
	if err != nil {
		return err
	}
	r, p := gr.r, m.d.p
	s2 := st.s2
	S, U, XX := gr.crossProducts()
	R, err := gr.inverse(S)
	if err != nil {
		return err
	}
	T := matMul(gr.dt, R, r, r, r)
	symmetrize(T, r)
	RS := matMul(R, S, r, r, r)
	M := scaled(RS, 1/s2)
	symmetrize(M, r)
	M2 := scaled(matMul(RS, transpose(R, r, r), r, r, r), 1/(s2*s2))
	symmetrize(M2, r)
	RU := matMul(R, U, r, r, p)
	C := scaled(RU, 1/s2)
	C2 := scaled(matMul(R, RU, r, r, p), 1/(s2*s2))
	TU := matMul(T, U, r, r, p)
	X1 := make([]float64, p*p)
	copy(X1, XX)
	addTMul(X1, U, TU, r, p, p, -1)
	WW := gr.residualCross(TU)
	TRU := matMul(T, RU, r, r, p)
	X3 := make([]float64, p*p)
	copy(X3, WW)
	addTMul(X3, RU, TRU, r, p, p, -1)
	trRR := 0.0
	for i := 0; i < r; i++ {
		for j := 0; j < r; j++ {
			trRR += R[i*r+j] * R[j*r+i]
		}
	}
	for i := range X1 {
		acc.XtVX[i] += X1[i] / s2
	}
	gr.addParameterSums(acc, C, C2, M, M2)
	k := len(st.pars)
	s4, s6 := s2*s2, s2*s2*s2
	for i := range WW {
		acc.P[k-1][i] -= WW[i] / s4
		acc.Qm[(k-1)*k+k-1][i] += X3[i] / s6
	}
	acc.K[(k-1)*k+k-1] += (float64(len(rows)-r) + trRR) / s4
	return nil
}

// krGroup is one top-level group of krGroupLowRank: its rows, the column
// of Z of each of its nodes, and the scratch of one row's nonzeros.
type krGroup struct {
	m          *Model
	st         *krSetup
	g          int
	rows, fine []int
	base       []map[int]int // level → node → its first column
	nodeCols   [][]int       // first column of each node, per level
	r          int           // columns of Z
	dt         []float64     // D̃ = block-diag(D_l)/σ² (r × r)
	cols       []int
	vals       []float64
}

// newKRGroup lays out the group's columns of Z: each node of each level
// present gets q_l columns. A group with more than krMaxGroupEffects is
// refused.
func newKRGroup(m *Model, st *krSetup, g int, rows, fine []int) (*krGroup, error) {
	d := m.d
	nl := len(d.levels)
	gr := &krGroup{m: m, st: st, g: g, rows: rows, fine: fine, base: make([]map[int]int, nl), nodeCols: make([][]int, nl)}
	for l := range gr.base {
		gr.base[l] = map[int]int{}
	}
	for _, j := range st.members[g] {
		for l, lv := range d.levels {
			u := st.nodeAt[l][j]
			if _, ok := gr.base[l][u]; !ok {
				gr.base[l][u] = gr.r
				gr.nodeCols[l] = append(gr.nodeCols[l], gr.r)
				gr.r += lv.q
			}
		}
	}
	if gr.r > krMaxGroupEffects {
		return nil, errs.New(errs.TooFew, "mixed", "Kenward–Roger df: group %q of %q has %d random effects, more than the %d the per-group computation allows; use Satterthwaite df", gr.label(), d.levels[nl-1].name, gr.r, krMaxGroupEffects)
	}
	return gr, nil
}

func (gr *krGroup) label() string {
	d := gr.m.d
	return d.levels[len(d.levels)-1].labels[gr.g]
}

// rowCols sets cols and vals to the nonzero columns of row t of Z and
// their values.
func (gr *krGroup) rowCols(t int) {
	d := gr.m.d
	m0 := d.m0
	gr.cols, gr.vals = gr.cols[:0], gr.vals[:0]
	v := d.rows[gr.rows[t]*m0 : (gr.rows[t]+1)*m0]
	for l, lv := range d.levels {
		c := gr.base[l][gr.st.nodeAt[l][gr.fine[t]]]
		for a := 0; a < lv.q; a++ {
			gr.cols = append(gr.cols, c+a)
			gr.vals = append(gr.vals, v[lv.off+a])
		}
	}
}

// x is row t of X.
func (gr *krGroup) x(t int) []float64 {
	d := gr.m.d
	Q := d.m0 - d.p - 1
	return d.rows[gr.rows[t]*d.m0+Q : gr.rows[t]*d.m0+Q+d.p]
}

// crossProducts are S = ZᵀZ (r × r), U = ZᵀX (r × p) and XᵀX (p × p)
// over the group's rows.
func (gr *krGroup) crossProducts() (S, U, XX []float64) {
	r, p := gr.r, gr.m.d.p
	S, U, XX = make([]float64, r*r), make([]float64, r*p), make([]float64, p*p)
	for t := range gr.rows {
		gr.rowCols(t)
		x := gr.x(t)
		for u, cu := range gr.cols {
			vu := gr.vals[u]
			for w, cw := range gr.cols {
				S[cu*r+cw] += vu * gr.vals[w]
			}
			for j, xj := range x {
				U[cu*p+j] += vu * xj
			}
		}
		for i, xi := range x {
			for j, xj := range x {
				XX[i*p+j] += xi * xj
			}
		}
	}
	return S, U, XX
}

// inverse sets D̃ and returns R = (SD̃ + I)⁻¹; a singular system is an
// error naming the group.
func (gr *krGroup) inverse(S []float64) ([]float64, error) {
	d, r := gr.m.d, gr.r
	gr.dt = make([]float64, r*r)
	for l, lv := range d.levels {
		q := lv.q
		for _, c := range gr.nodeCols[l] {
			for a := 0; a < q; a++ {
				for b := 0; b < q; b++ {
					gr.dt[(c+a)*r+c+b] = gr.st.D[l][a*q+b] / gr.st.s2
				}
			}
		}
	}
	A := matMul(S, gr.dt, r, r, r)
	for i := 0; i < r; i++ {
		A[i*r+i]++
	}
	var lu mat.LU
	lu.Factorize(mat.NewDense(r, r, A))
	if c := lu.Cond(); !(c < 1e14) {
		return nil, fmt.Errorf("mixed: Kenward–Roger: the random-effects system of group %q is singular (condition %.2g)", gr.label(), c)
	}
	Rm := mat.NewDense(r, r, nil)
	eye := mat.NewDense(r, r, nil)
	for i := 0; i < r; i++ {
		eye.Set(i, i, 1)
	}
	if err := lu.SolveTo(Rm, false, eye); err != nil {
		return nil, fmt.Errorf("mixed: Kenward–Roger: group %q: %w", gr.label(), err)
	}
	return Rm.RawMatrix().Data, nil
}

// residualCross is WᵀW with W = X − Z(TU), row by row.
func (gr *krGroup) residualCross(TU []float64) []float64 {
	p := gr.m.d.p
	WW := make([]float64, p*p)
	w := make([]float64, p)
	for t := range gr.rows {
		gr.rowCols(t)
		copy(w, gr.x(t))
		for u, cu := range gr.cols {
			vu := gr.vals[u]
			for j := range w {
				w[j] -= vu * TU[cu*p+j]
			}
		}
		for i, wi := range w {
			for j, wj := range w {
				WW[i*p+j] += wi * wj
			}
		}
	}
	return WW
}

// addParameterSums adds each random-effects parameter's terms of P, Q and
// K, with E_i as the (row, column) pairs of its entry in every node's
// block (C = RU/σ², C2 = RRU/σ⁴, M = RS/σ², M2 = RSRᵀ/σ⁴).
func (gr *krGroup) addParameterSums(acc *krSums, C, C2, M, M2 []float64) {
	r, p := gr.r, gr.m.d.p
	k := len(gr.st.pars)
	EC := make([][]float64, k) // E_i C
	EM := make([][]float64, k) // E_i M
	for i, pr := range gr.st.pars {
		if pr.l < 0 {
			continue
		}
		var pairs [][2]int
		for _, c := range gr.nodeCols[pr.l] {
			pairs = append(pairs, [2]int{c + pr.a, c + pr.b})
			if pr.a != pr.b {
				pairs = append(pairs, [2]int{c + pr.b, c + pr.a})
			}
		}
		EC[i] = make([]float64, r*p)
		EM[i] = make([]float64, r*r)
		trEM2 := 0.0
		for _, xy := range pairs {
			x, y := xy[0], xy[1]
			for j := 0; j < p; j++ {
				EC[i][x*p+j] += C[y*p+j]
			}
			for j := 0; j < r; j++ {
				EM[i][x*r+j] += M[y*r+j]
			}
			trEM2 += M2[y*r+x]
		}
		addTMul(acc.P[i], C, EC[i], r, p, p, -1)
		acc.K[i*k+k-1] += trEM2
		addTMul(acc.Qm[i*k+k-1], EC[i], C2, r, p, p, 1)
	}
	for j := 0; j < k-1; j++ {
		MEC := matMul(M, EC[j], r, r, p)
		for i := 0; i <= j; i++ {
			addTMul(acc.Qm[i*k+j], EC[i], MEC, r, p, p, 1)
			acc.K[i*k+j] += traceProd(EM[i], EM[j], r)
		}
	}
}

// krMaxGroupEffects bounds the random effects of one top-level group (the
// per-group work is cubic in them).
const krMaxGroupEffects = 4000

// symmetrize replaces the r × r a by (a + aᵀ)/2.
func symmetrize(a []float64, r int) {
	for i := 0; i < r; i++ {
		for j := 0; j < i; j++ {
			v := (a[i*r+j] + a[j*r+i]) / 2
			a[i*r+j], a[j*r+i] = v, v
		}
	}
}

// scaled returns s·a.
func scaled(a []float64, s float64) []float64 {
	out := make([]float64, len(a))
	for i, v := range a {
		out[i] = v * s
	}
	return out
}

// transpose returns the c × r transpose of the r × c a.
func transpose(a []float64, r, c int) []float64 {
	out := make([]float64, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out[j*r+i] = a[i*c+j]
		}
	}
	return out
}
