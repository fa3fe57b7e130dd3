package metamv

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"github.com/alliance-research/alliance/analysis/internal/wald"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/alliance-research/alliance/analysis/meta"
)

// Cluster-robust variance estimators accepted in RobustOptions.Type.
const (
	CR0 = "CR0" // metafor robust(x, cluster, adjust = FALSE); clubSandwich vcovCR(type = "CR0")
	CR1 = "CR1" // metafor robust(x, cluster, adjust = TRUE)
	CR2 = "CR2" // clubSandwich vcovCR(type = "CR2") with Satterthwaite df
)

// RobustOptions configures ClusterRobust and ClusterRobustUni.
type RobustOptions struct {
	// Type is CR2 (default), CR1 or CR0.
	Type string
	// Level is the confidence level (default: the model's, else 0.95).
	Level float64

	// quadAll makes every robust cluster of a three-level fit take the CR2
	// quadrature, however small (tests compare it with the dense path).
	quadAll bool
}

// WaldTest is the robust test of the moderators (all coefficients but the
// intercept; the intercept alone in an intercept-only model): an F test,
// for CR2 the HTZ Hotelling-T² approximation (Pustejovsky & Tipton 2018;
// clubSandwich Wald_test(test = "HTZ")), for CR1 metafor's F(m, J − p).
type WaldTest struct {
	Test    string  `json:"test"`  // "HTZ", "F" or "t²" (intercept only, CR2)
	Fstat   float64 `json:"Fstat"` // δ·Q/q
	Delta   float64 `json:"delta"` // HTZ scale factor (1 otherwise)
	DFNum   float64 `json:"df_num"`
	DFDenom float64 `json:"df_denom"`
	P       float64 `json:"p"`
}

// Robust is cluster-robust inference for a fitted model (the DESIGN's
// "robust" block).
type Robust struct {
	Type     string  `json:"type"`     // CR0, CR1 or CR2
	Clusters int     `json:"clusters"` // J
	Level    float64 `json:"level"`
	// SE, DF, P, CILB and CIUB repeat the first coefficient's robust
	// inference (the pooled estimate of an intercept-only model), the flat
	// "robust" block of DESIGN.md's JSON contract.
	SE   float64 `json:"se"`
	DF   float64 `json:"df"`
	P    float64 `json:"p"`
	CILB float64 `json:"ci_lb"`
	CIUB float64 `json:"ci_ub"`
	// Coefficients are the robust t tests, one meta.Coef each with DF set
	// (J − p for CR0 and CR1, Satterthwaite for CR2).
	Coefficients []meta.Coef `json:"coefficients"`
	QM           *WaldTest   `json:"QM,omitempty"`
	// Vcov is the p×p robust covariance of the coefficients (row-major).
	Vcov []float64 `json:"-"`

	beta []float64 // the coefficients, for TestCoefficients
	sat  *satt     // CR2's moments, for HTZ tests of subsets
}

// robustIn is what the sandwich needs: the model matrix, residuals and the
// model (working) covariance within each robust cluster.
type robustIn struct {
	k, p   int
	x      []float64 // k×p
	e      []float64 // residuals y − Xβ̂
	beta   []float64
	names  []string
	groups [][]int                // rows of each robust cluster
	theta  func(a, b int) float64 // model covariance of rows a, b of one cluster
	// wx, if set, is W·X (k×p by row, W the block-diagonal inverse working
	// covariance), from which X_j'W_j is taken without n×n blocks.
	wx []float64
	// cr2, if set, returns X_j'W_jA_j[X_j e_j] (p×(p+1)) for the robust
	// cluster of rows without n×n matrices, given B; false leaves
	// the cluster to the dense adjustment.
	cr2 func(rows []int, bread []float64) ([]float64, bool)
}

// maxCR2Rows bounds the size of a robust cluster whose CR2 adjustment
// matrix must be formed densely (several n×n arrays and an n×n eigen
// decomposition): univariate fits, ρ < 0, or a (nearly) singular
// adjustment; three-level fits otherwise use the quadrature of cr2quad.go.
const maxCR2Rows = 3000

// ClusterRobust gives CR0, CR1 or CR2 cluster-robust inference for a three-level
// fit, clustering by cluster (one label per input row, as given to Fit;
// usually the outer cluster). Every outer cluster must lie within one robust
// cluster. The working model is the fitted one: W = M⁻¹ blockwise, as
// metafor's robust() and clubSandwich's vcovCR.rma.mv.
func ClusterRobust(r *Result, cluster []string, opt RobustOptions) (*Robust, error) {
	if r == nil || r.ev == nil {
		return nil, errs.New(errs.InvalidOption, "metamv", "ClusterRobust needs a fitted model")
	}
	ev, lay := r.ev, r.ev.lay
	var maxRow int
	for _, i := range r.Rows {
		if i > maxRow {
			maxRow = i
		}
	}
	if len(cluster) <= maxRow {
		return nil, errs.New(errs.InvalidOption, "metamv", "%d robust cluster labels, but the model used input row %d; give one label per input row", len(cluster), maxRow+1)
	}
	outerOf := make([]int, lay.k)
	for c := 0; c < lay.nclust(); c++ {
		for a := lay.start[c]; a < lay.start[c+1]; a++ {
			outerOf[a] = c
		}
	}
	in := robustIn{k: lay.k, p: ev.p, x: make([]float64, lay.k*ev.p), e: make([]float64, lay.k), names: r.names}
	in.beta = make([]float64, ev.p)
	for j, c := range r.Coefficients {
		in.beta[j] = c.Estimate
	}
	for a := 0; a < lay.k; a++ {
		row := ev.xa[a*ev.q : (a+1)*ev.q]
		copy(in.x[a*ev.p:(a+1)*ev.p], row[:ev.p])
		e := row[ev.p]
		for j := 0; j < ev.p; j++ {
			e -= row[j] * in.beta[j]
		}
		in.e[a] = e
	}
	idx := map[string]int{}
	rc := make([]int, lay.nclust())
	for c := range rc {
		rc[c] = -1
	}
	for a := 0; a < lay.k; a++ {
		lab := strings.TrimSpace(cluster[r.Rows[lay.order[a]]])
		if lab == "" {
			return nil, errs.Inputf("metamv", 0, "input row %d has an empty robust cluster label", r.Rows[lay.order[a]]+1)
		}
		g, ok := idx[lab]
		if !ok {
			g = len(in.groups)
			idx[lab] = g
			in.groups = append(in.groups, nil)
		}
		c := outerOf[a]
		if rc[c] >= 0 && rc[c] != g {
			return nil, errs.New(errs.InvalidOption, "metamv", "outer cluster %q spans several robust clusters; the random effects must be nested within the robust clustering variable (cluster by the outer level)", lay.names[c])
		}
		rc[c] = g
		in.groups[g] = append(in.groups[g], a)
	}
	s2 := r.Sigma2
	in.theta = func(a, b int) float64 {
		if outerOf[a] != outerOf[b] {
			return 0
		}
		return ev.covEntry(a, b, s2)
	}
	if opt.Level == 0 {
		opt.Level = r.Level
	}
	if !ev.dense {
		wx, err := ev.weightedX(s2)
		if err != nil {
			return nil, err
		}
		in.wx = wx
		if t := strings.ToUpper(opt.Type); t == "" || t == CR2 {
			cq := newCR2Quad(ev, s2, in.x, in.e, wx, outerOf)
			if opt.quadAll {
				cq.minRows = 0
			}
			in.cr2 = cq.forms
		}
	}
	return robustCore(in, opt)
}

// ClusterRobustUni gives CR0, CR1 or CR2 cluster-robust inference for a
// univariate fit from analysis/meta (weights 1/(vᵢ + τ̂²), as metafor's
// robust() and clubSandwich's vcovCR.rma.uni), clustering by cluster (one
// label per input row given to meta.Fit).
func ClusterRobustUni(res *meta.Result, cluster []string, opt RobustOptions) (*Robust, error) {
	if res == nil {
		return nil, errs.New(errs.InvalidOption, "metamv", "ClusterRobustUni needs a fitted model")
	}
	x, names := res.ModelMatrix()
	if x == nil {
		return nil, errs.New(errs.InvalidOption, "metamv", "the univariate model has no model matrix")
	}
	k, p := res.K, res.P
	in := robustIn{k: k, p: p, x: x, e: make([]float64, k), names: names, beta: make([]float64, p)}
	for j, c := range res.Coefficients {
		in.beta[j] = c.Estimate
	}
	for i := 0; i < k; i++ {
		e := res.Yi[i]
		for j := 0; j < p; j++ {
			e -= x[i*p+j] * in.beta[j]
		}
		in.e[i] = e
	}
	idx := map[string]int{}
	for i, row := range res.Rows {
		if row >= len(cluster) {
			return nil, errs.New(errs.InvalidOption, "metamv", "%d robust cluster labels, but the model used input row %d; give one label per input row", len(cluster), row+1)
		}
		lab := strings.TrimSpace(cluster[row])
		if lab == "" {
			return nil, errs.Inputf("metamv", 0, "input row %d has an empty robust cluster label", row+1)
		}
		g, ok := idx[lab]
		if !ok {
			g = len(in.groups)
			idx[lab] = g
			in.groups = append(in.groups, nil)
		}
		in.groups[g] = append(in.groups[g], i)
	}
	tau2 := res.Tau2
	in.wx = make([]float64, k*p)
	for i := 0; i < k; i++ {
		w := 1 / (res.Vi[i] + tau2)
		for j := 0; j < p; j++ {
			in.wx[i*p+j] = w * x[i*p+j]
		}
	}
	in.theta = func(a, b int) float64 {
		if a != b {
			return 0
		}
		return res.Vi[a] + tau2
	}
	if opt.Level == 0 {
		opt.Level = res.Level
	}
	return robustCore(in, opt)
}

// robustCore computes the sandwich estimators. With bread B = (X'WX)⁻¹,
// W_j = Θ_j⁻¹ and residuals e_j,
//
//	CR0: V = B [Σ X_j'W_j e_j e_j'W_j X_j] B
//	CR1: V = J/(J − p) · B [Σ X_j'W_j e_j e_j'W_j X_j] B
//	CR2: V = B [Σ X_j'W_j A_j e_j e_j'A_j W_j X_j] B,
//	     A_j = D_j' G_j^{−1/2} D_j, Θ_j = D_j'D_j, G_j = D_j(Θ_j − X_jBX_j')D_j'
//
// (Bell & McCaffrey 2002; Tipton 2015; Pustejovsky & Tipton 2018; the
// adjustment clubSandwich uses when the weights are the inverse working
// covariance). Satterthwaite df for coefficient c: with a_j = A_jW_jX_jBc,
// s_j = a_j'Θ_ja_j, z_j = X_j'a_j,
//
//	df = [Σ(s_j − z_j'Bz_j)]² / [Σs_j² − 2Σs_j z_j'Bz_j + tr(BSBS)],  S = Σz_jz_j'.
func robustCore(in robustIn, opt RobustOptions) (*Robust, error) {
	if err := robustOptions(in, &opt); err != nil {
		return nil, err
	}
	bl, bread, err := robustBlocks(in, opt.Type)
	if err != nil {
		return nil, err
	}
	sc, err := clusterScores(in, opt.Type, bl, bread)
	if err != nil {
		return nil, err
	}
	vc := sandwich(sc.u, bread, in.p, opt.Type)
	var sat *satt
	if opt.Type == CR2 {
		sat = &satt{p: in.p, bread: bread, hx: sc.hx, ete: sc.ete}
	}
	return robustTable(in, opt, vc, sat), nil
}

// robustOptions fills the defaults of opt (CR2, level 0.95) and refuses an
// unknown type, a level outside (0, 1) and too few clusters.
func robustOptions(in robustIn, opt *RobustOptions) error {
	if opt.Type == "" {
		opt.Type = CR2
	}
	opt.Type = strings.ToUpper(opt.Type)
	if opt.Type != CR0 && opt.Type != CR1 && opt.Type != CR2 {
		return errs.New(errs.InvalidOption, "metamv", "unknown robust type %q (use CR2, CR1 or CR0)", opt.Type)
	}
	if opt.Level == 0 {
		opt.Level = 0.95
	}
	if !(opt.Level > 0 && opt.Level < 1) {
		return errs.New(errs.InvalidOption, "metamv", "level %g must be in (0, 1)", opt.Level)
	}
	p, J := in.p, len(in.groups)
	if J < 2 {
		return errs.New(errs.TooFew, "metamv", "cluster-robust inference needs at least two clusters (found %d)", J)
	}
	if opt.Type != CR2 && J <= p {
		return errs.New(errs.TooFew, "metamv", "%s needs more clusters (%d) than coefficients (%d)", opt.Type, J, p)
	}
	return nil
}

// robustBlock is one robust cluster: its rows, X_j'W_j and F_j = X_j'W_jX_j,
// and (when needed) the dense Θ_j and its lower Cholesky factor.
type robustBlock struct {
	rows  []int
	th, l []float64 // dense Θ_j and its lower Cholesky factor (when needed)
	xw    []float64 // X_j'W_j, p×n
	f     []float64 // X_j'W_jX_j
}

// robustBlocks sets up every cluster — X_j'W_j from in.wx, or from a dense
// Θ_j, its Cholesky factor and inverse W_j — and returns them with the
// bread B = (Σ F_j)⁻¹.
func robustBlocks(in robustIn, typ string) ([]robustBlock, []float64, error) {
	p := in.p
	bl := make([]robustBlock, len(in.groups))
	xwx := make([]float64, p*p)
	for g, rows := range in.groups {
		n := len(rows)
		b := robustBlock{rows: rows, xw: make([]float64, p*n), f: make([]float64, p*p)}
		if in.wx != nil {
			for c, a := range rows {
				for i := 0; i < p; i++ {
					b.xw[i*n+c] = in.wx[a*p+i]
				}
			}
		} else {
			var err error
			if b.th, b.l, err = denseBlock(in, rows, g, typ); err != nil {
				return nil, nil, err
			}
			w := make([]float64, n*n)
			linalg.Inverse(b.l, n, w, make([]float64, n*n))
			for i := 0; i < p; i++ {
				for c := 0; c < n; c++ {
					var t float64
					for a := 0; a < n; a++ {
						t += in.x[rows[a]*p+i] * w[a*n+c]
					}
					b.xw[i*n+c] = t
				}
			}
		}
		for c, a := range rows {
			xr := in.x[a*p : (a+1)*p]
			for i := 0; i < p; i++ {
				xi := b.xw[i*n+c]
				for j := 0; j < p; j++ {
					b.f[i*p+j] += xi * xr[j]
				}
			}
		}
		for i := range xwx {
			xwx[i] += b.f[i]
		}
		bl[g] = b
	}
	bread, _, err := invertSPD(xwx, p)
	if err != nil {
		return nil, nil, errs.New(errs.Singular, "metamv: X'WX is singular", "%v", err)
	}
	return bl, bread, nil
}

// scores holds, per cluster, u_j = E_je_j with E_j = X_j'W_j (CR0, CR1) or
// X_j'W_jA_j (CR2), and for CR2 also H_j = E_jX_j and E_jΘ_jE_j' (all the
// Satterthwaite degrees of freedom need).
type scores struct {
	u, hx, ete [][]float64
}

// clusterScores computes the scores of every cluster: CR0 and CR1 directly, CR2 by
// the quadrature forms (in.cr2) where available and by the dense
// adjustment otherwise.
func clusterScores(in robustIn, typ string, bl []robustBlock, bread []float64) (scores, error) {
	p, J := in.p, len(bl)
	sc := scores{u: make([][]float64, J)}
	if typ == CR2 {
		sc.hx, sc.ete = make([][]float64, J), make([][]float64, J)
	}
	for g := range bl {
		b := &bl[g]
		n := len(b.rows)
		if typ != CR2 {
			ug := make([]float64, p)
			for i := 0; i < p; i++ {
				var t float64
				for a := 0; a < n; a++ {
					t += b.xw[i*n+a] * in.e[b.rows[a]]
				}
				ug[i] = t
			}
			sc.u[g] = ug
			continue
		}
		if in.cr2 != nil {
			if hxu, ok := in.cr2(b.rows, bread); ok {
				sc.u[g], sc.hx[g], sc.ete[g] = cr2FromForms(hxu, b.f, bread, p)
				continue
			}
		}
		if b.l == nil {
			var err error
			if b.th, b.l, err = denseBlock(in, b.rows, g, typ); err != nil {
				return sc, err
			}
		}
		e, err := cr2Adjusted(in, b.rows, b.th, b.l, b.xw, bread)
		if err != nil {
			return sc, fmt.Errorf("metamv: robust cluster %d: %w", g+1, err)
		}
		sc.u[g], sc.hx[g], sc.ete[g] = cr2FromDense(in, b, e)
	}
	return sc, nil
}

// cr2FromForms unpacks the quadrature forms [H_j | u_j] (p×(p+1)) and sets
// E_jΘ_jE_j' = F_j + H_jBH_j'.
func cr2FromForms(hxu, f, bread []float64, p int) (u, h, et []float64) {
	u, h = make([]float64, p), make([]float64, p*p)
	for i := 0; i < p; i++ {
		copy(h[i*p:(i+1)*p], hxu[i*(p+1):i*(p+1)+p])
		u[i] = hxu[i*(p+1)+p]
	}
	hb := make([]float64, p*p)
	mulSq(hb, h, bread, p)
	et = append([]float64(nil), f...)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			var t float64
			for a := 0; a < p; a++ {
				t += hb[i*p+a] * h[j*p+a]
			}
			et[i*p+j] += t
		}
	}
	return u, h, et
}

// cr2FromDense forms u_j = E_je_j, H_j = E_jX_j and E_jΘ_jE_j' from the
// dense E_j (p×n) of cluster b.
func cr2FromDense(in robustIn, b *robustBlock, e []float64) (u, h, et []float64) {
	p, n := in.p, len(b.rows)
	u, h, et = make([]float64, p), make([]float64, p*p), make([]float64, p*p)
	tv := make([]float64, n)
	for i := 0; i < p; i++ {
		ei := e[i*n : (i+1)*n]
		var t float64
		for a := 0; a < n; a++ {
			t += ei[a] * in.e[b.rows[a]]
		}
		u[i] = t
		for j := 0; j < p; j++ {
			var t float64
			for a := 0; a < n; a++ {
				t += ei[a] * in.x[b.rows[a]*p+j]
			}
			h[i*p+j] = t
		}
		for a := 0; a < n; a++ {
			var t float64
			for c := 0; c < n; c++ {
				t += ei[c] * b.th[c*n+a]
			}
			tv[a] = t
		}
		for j := 0; j < p; j++ {
			var t float64
			for a := 0; a < n; a++ {
				t += tv[a] * e[j*n+a]
			}
			et[i*p+j] = t
		}
	}
	return u, h, et
}

// sandwich returns V = B (Σ u_ju_j') B, times J/(J − p) for CR1.
func sandwich(u [][]float64, bread []float64, p int, typ string) []float64 {
	meat := make([]float64, p*p)
	for _, ug := range u {
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				meat[i*p+j] += ug[i] * ug[j]
			}
		}
	}
	vc := make([]float64, p*p)
	tmp := make([]float64, p*p)
	mulSq(tmp, bread, meat, p)
	mulSq(vc, tmp, bread, p)
	if typ == CR1 {
		J := len(u)
		f := float64(J) / float64(J-p)
		for i := range vc {
			vc[i] *= f
		}
	}
	return vc
}

// robustTable sets the coefficient tests (t with J − p df for CR0 and CR1,
// Satterthwaite df for CR2) and the test of the moderators (F for CR0 and
// CR1, t² for one coefficient, HTZ for CR2).
func robustTable(in robustIn, opt RobustOptions, vc []float64, sat *satt) *Robust {
	p, J := in.p, len(in.groups)
	out := &Robust{Type: opt.Type, Clusters: J, Level: opt.Level, Vcov: vc, Coefficients: make([]meta.Coef, p), beta: in.beta, sat: sat}
	for j := 0; j < p; j++ {
		df := float64(J - p)
		if sat != nil {
			c := make([]float64, p)
			c[j] = 1
			df = sat.df(c)
		}
		c := wald.StudentT(df, opt.Level).Coef(in.beta[j], vc[j*p+j])
		c.Name = in.names[j]
		out.Coefficients[j] = c
	}
	if p > 0 {
		c := out.Coefficients[0]
		out.SE, out.DF, out.P, out.CILB, out.CIUB = c.SE, *c.DF, c.P, c.CILB, c.CIUB
	}
	lo := 1
	if p == 1 {
		lo = 0
	}
	idx := wald.Span(lo, p)
	q, err := wald.Q(in.beta, vc, p, idx)
	if err != nil {
		return out
	}
	m := float64(len(idx))
	switch {
	case opt.Type != CR2:
		df2 := float64(J - p)
		out.QM = &WaldTest{Test: "F", Fstat: q / m, Delta: 1, DFNum: m, DFDenom: df2, P: distuv.F{D1: m, D2: df2}.Survival(q / m)}
	case p == 1:
		c := out.Coefficients[0]
		out.QM = &WaldTest{Test: "t²", Fstat: q, Delta: 1, DFNum: 1, DFDenom: *c.DF, P: c.P}
	default:
		if w, err := sat.htz(idx, q); err == nil {
			out.QM = w
		}
	}
	return out
}

// denseBlock sets th (Θ_j) and l (its lower Cholesky factor) of robust
// cluster g; CR2 clusters larger than maxCR2Rows are refused.
func denseBlock(in robustIn, rows []int, g int, typ string) (th, l []float64, err error) {
	n := len(rows)
	if typ == CR2 && n > maxCR2Rows {
		return nil, nil, errs.New(errs.InvalidOption, "metamv: CR2", "robust cluster %d has %d effect sizes and needs the dense CR2 adjustment (n×n matrices), limited to %d rows per cluster; use CR1 for clusters this large", g+1, n, maxCR2Rows).WithHint("robust-type=CR1").WithAdvice(`set RobustOptions.Type = "CR1"`)
	}
	th = make([]float64, n*n)
	for a := 0; a < n; a++ {
		for c := 0; c <= a; c++ {
			v := in.theta(rows[a], rows[c])
			th[a*n+c], th[c*n+a] = v, v
		}
	}
	l = append([]float64(nil), th...)
	if err := linalg.Cholesky(l, n); err != nil {
		return nil, nil, errs.New(errs.Singular, "metamv", "robust cluster %d: working covariance not positive definite: %v", g+1, err)
	}
	return th, l, nil
}

// cr2Adjusted returns E_j = X_j'W_jA_j (p×n) with the dense adjustment
// A_j = L G^{−1/2} L', G = L'(Θ_j − X_jBX_j')L, Θ_j = LL' (D = L').
func cr2Adjusted(in robustIn, rows []int, th, l, xw, bread []float64) ([]float64, error) {
	p, n := in.p, len(rows)
	h := make([]float64, n*n)
	for a := 0; a < n; a++ {
		xa := in.x[rows[a]*p : (rows[a]+1)*p]
		for c := 0; c < n; c++ {
			xc := in.x[rows[c]*p : (rows[c]+1)*p]
			h[a*n+c] = th[a*n+c] - quadAB(xa, bread, xc, p)
		}
	}
	gm := make([]float64, n*n)
	tmp := make([]float64, n*n)
	// tmp = h L ; gm = L' tmp
	mulSq(tmp, h, l, n)
	for a := 0; a < n; a++ {
		for c := 0; c < n; c++ {
			var t float64
			for m := 0; m < n; m++ {
				t += l[m*n+a] * tmp[m*n+c]
			}
			gm[a*n+c] = t
		}
	}
	for a := 0; a < n; a++ { // symmetrise rounding
		for c := 0; c < a; c++ {
			v := 0.5 * (gm[a*n+c] + gm[c*n+a])
			gm[a*n+c], gm[c*n+a] = v, v
		}
	}
	gp, err := symPower(gm, n, -0.5)
	if err != nil {
		return nil, err
	}
	// A = L G^{-1/2} L'
	mulSq(tmp, l, gp, n)
	am := make([]float64, n*n)
	for a := 0; a < n; a++ {
		for c := 0; c < n; c++ {
			var t float64
			for m := 0; m < n; m++ {
				t += tmp[a*n+m] * l[c*n+m]
			}
			am[a*n+c] = t
		}
	}
	e := make([]float64, p*n)
	for i := 0; i < p; i++ {
		for c := 0; c < n; c++ {
			var t float64
			for a := 0; a < n; a++ {
				t += xw[i*n+a] * am[a*n+c]
			}
			e[i*n+c] = t
		}
	}
	return e, nil
}

// quadAB returns a'Mb for p-vectors a, b and p×p M.
func quadAB(a, m, b []float64, p int) float64 {
	var s float64
	for i := 0; i < p; i++ {
		var t float64
		for j := 0; j < p; j++ {
			t += m[i*p+j] * b[j]
		}
		s += a[i] * t
	}
	return s
}
