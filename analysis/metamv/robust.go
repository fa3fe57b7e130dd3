package metamv

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/alliance-research/alliance/analysis/meta"
)

// Cluster-robust variance estimators accepted in RobustOptions.Type.
const (
	CR1 = "CR1" // metafor robust(x, cluster, adjust = TRUE)
	CR2 = "CR2" // clubSandwich vcovCR(type = "CR2") with Satterthwaite df
)

// RobustOptions configures ClusterRobust and ClusterRobustUni.
type RobustOptions struct {
	// Type is CR2 (default) or CR1.
	Type string
	// Level is the confidence level (default: the model's, else 0.95).
	Level float64
}

// RobustCoef is one coefficient under cluster-robust inference: t test with
// DF degrees of freedom (J − p for CR1, Satterthwaite for CR2).
type RobustCoef struct {
	Name      string  `json:"name"`
	Estimate  float64 `json:"estimate"`
	SE        float64 `json:"se"`
	Statistic float64 `json:"statistic"`
	DF        float64 `json:"df"`
	P         float64 `json:"p"`
	CILB      float64 `json:"ci_lb"`
	CIUB      float64 `json:"ci_ub"`
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
	Type     string  `json:"type"`     // CR1 or CR2
	Clusters int     `json:"clusters"` // J
	Level    float64 `json:"level"`
	// SE, DF, P, CILB and CIUB repeat the first coefficient's robust
	// inference (the pooled estimate of an intercept-only model), the flat
	// "robust" block of DESIGN.md's JSON contract.
	SE           float64      `json:"se"`
	DF           float64      `json:"df"`
	P            float64      `json:"p"`
	CILB         float64      `json:"ci_lb"`
	CIUB         float64      `json:"ci_ub"`
	Coefficients []RobustCoef `json:"coefficients"`
	QM           *WaldTest    `json:"QM,omitempty"`
	// Vcov is the p×p robust covariance of the coefficients (row-major).
	Vcov []float64 `json:"-"`
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
}

// ClusterRobust gives CR1 or CR2 cluster-robust inference for a three-level
// fit, clustering by cluster (one label per input row, as given to Fit;
// usually the outer cluster). Every outer cluster must lie within one robust
// cluster. The working model is the fitted one: W = M⁻¹ blockwise, as
// metafor's robust() and clubSandwich's vcovCR.rma.mv.
func ClusterRobust(r *Result, cluster []string, opt RobustOptions) (*Robust, error) {
	if r == nil || r.ev == nil {
		return nil, fmt.Errorf("metamv: ClusterRobust needs a fitted model")
	}
	ev, lay := r.ev, r.ev.lay
	var maxRow int
	for _, i := range r.Rows {
		if i > maxRow {
			maxRow = i
		}
	}
	if len(cluster) <= maxRow {
		return nil, fmt.Errorf("metamv: %d robust cluster labels, but the model used input row %d; give one label per input row", len(cluster), maxRow+1)
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
			return nil, fmt.Errorf("metamv: input row %d has an empty robust cluster label", r.Rows[lay.order[a]]+1)
		}
		g, ok := idx[lab]
		if !ok {
			g = len(in.groups)
			idx[lab] = g
			in.groups = append(in.groups, nil)
		}
		c := outerOf[a]
		if rc[c] >= 0 && rc[c] != g {
			return nil, fmt.Errorf("metamv: outer cluster %q spans several robust clusters; the random effects must be nested within the robust clustering variable (cluster by the outer level)", lay.names[c])
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
	return robustCore(in, opt)
}

// ClusterRobustUni gives CR1 or CR2 cluster-robust inference for a
// univariate fit from analysis/meta (weights 1/(vᵢ + τ̂²), as metafor's
// robust() and clubSandwich's vcovCR.rma.uni), clustering by cluster (one
// label per input row given to meta.Fit).
func ClusterRobustUni(res *meta.Result, cluster []string, opt RobustOptions) (*Robust, error) {
	if res == nil {
		return nil, fmt.Errorf("metamv: ClusterRobustUni needs a fitted model")
	}
	x, names := res.ModelMatrix()
	if x == nil {
		return nil, fmt.Errorf("metamv: the univariate model has no model matrix")
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
			return nil, fmt.Errorf("metamv: %d robust cluster labels, but the model used input row %d; give one label per input row", len(cluster), row+1)
		}
		lab := strings.TrimSpace(cluster[row])
		if lab == "" {
			return nil, fmt.Errorf("metamv: input row %d has an empty robust cluster label", row+1)
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
	if opt.Type == "" {
		opt.Type = CR2
	}
	opt.Type = strings.ToUpper(opt.Type)
	if opt.Type != CR1 && opt.Type != CR2 {
		return nil, fmt.Errorf("metamv: unknown robust type %q (use CR1 or CR2)", opt.Type)
	}
	if opt.Level == 0 {
		opt.Level = 0.95
	}
	if !(opt.Level > 0 && opt.Level < 1) {
		return nil, fmt.Errorf("metamv: level %g must be in (0, 1)", opt.Level)
	}
	p, J := in.p, len(in.groups)
	if J < 2 {
		return nil, fmt.Errorf("metamv: cluster-robust inference needs at least two clusters (found %d)", J)
	}
	if opt.Type == CR1 && J <= p {
		return nil, fmt.Errorf("metamv: CR1 needs more clusters (%d) than coefficients (%d)", J, p)
	}
	// Per cluster: Θ_j, its Cholesky factor and inverse W_j; bread.
	type blk struct {
		rows     []int
		th, l, w []float64
		xw       []float64 // X_j'W_j, p×n
	}
	bl := make([]blk, J)
	xwx := make([]float64, p*p)
	for g, rows := range in.groups {
		n := len(rows)
		b := blk{rows: rows, th: make([]float64, n*n), w: make([]float64, n*n), xw: make([]float64, p*n)}
		for a := 0; a < n; a++ {
			for c := 0; c <= a; c++ {
				v := in.theta(rows[a], rows[c])
				b.th[a*n+c], b.th[c*n+a] = v, v
			}
		}
		b.l = append([]float64(nil), b.th...)
		if _, err := cholesky(b.l, n); err != nil {
			return nil, fmt.Errorf("metamv: robust cluster %d: working covariance not positive definite: %v", g+1, err)
		}
		cholInverse(b.w, b.l, make([]float64, n*n), n)
		for i := 0; i < p; i++ {
			for c := 0; c < n; c++ {
				var t float64
				for a := 0; a < n; a++ {
					t += in.x[rows[a]*p+i] * b.w[a*n+c]
				}
				b.xw[i*n+c] = t
			}
		}
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				var t float64
				for c := 0; c < n; c++ {
					t += b.xw[i*n+c] * in.x[rows[c]*p+j]
				}
				xwx[i*p+j] += t
			}
		}
		bl[g] = b
	}
	bread, _, err := invertSPD(xwx, p)
	if err != nil {
		return nil, fmt.Errorf("metamv: X'WX is singular: %v", err)
	}
	// est[g] = E_j (p×n): X_j'W_j (CR1) or X_j'W_jA_j (CR2).
	est := make([][]float64, J)
	for g := range bl {
		b := &bl[g]
		n := len(b.rows)
		if opt.Type == CR1 {
			est[g] = b.xw
			continue
		}
		// G = L'(Θ − X B X')L with Θ = LL' (D = L').
		h := make([]float64, n*n)
		for a := 0; a < n; a++ {
			xa := in.x[b.rows[a]*p : (b.rows[a]+1)*p]
			for c := 0; c < n; c++ {
				xc := in.x[b.rows[c]*p : (b.rows[c]+1)*p]
				h[a*n+c] = b.th[a*n+c] - quadAB(xa, bread, xc, p)
			}
		}
		gm := make([]float64, n*n)
		tmp := make([]float64, n*n)
		// tmp = h L ; gm = L' tmp
		mulSq(tmp, h, b.l, n)
		for a := 0; a < n; a++ {
			for c := 0; c < n; c++ {
				var t float64
				for m := 0; m < n; m++ {
					t += b.l[m*n+a] * tmp[m*n+c]
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
			return nil, fmt.Errorf("metamv: robust cluster %d: %v", g+1, err)
		}
		// A = L G^{-1/2} L'
		mulSq(tmp, b.l, gp, n)
		am := make([]float64, n*n)
		for a := 0; a < n; a++ {
			for c := 0; c < n; c++ {
				var t float64
				for m := 0; m < n; m++ {
					t += tmp[a*n+m] * b.l[c*n+m]
				}
				am[a*n+c] = t
			}
		}
		e := make([]float64, p*n)
		for i := 0; i < p; i++ {
			for c := 0; c < n; c++ {
				var t float64
				for a := 0; a < n; a++ {
					t += b.xw[i*n+a] * am[a*n+c]
				}
				e[i*n+c] = t
			}
		}
		est[g] = e
	}
	meat := make([]float64, p*p)
	u := make([]float64, p)
	for g := range bl {
		n := len(bl[g].rows)
		for i := 0; i < p; i++ {
			var t float64
			for a := 0; a < n; a++ {
				t += est[g][i*n+a] * in.e[bl[g].rows[a]]
			}
			u[i] = t
		}
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				meat[i*p+j] += u[i] * u[j]
			}
		}
	}
	vc := make([]float64, p*p)
	tmp := make([]float64, p*p)
	mulSq(tmp, bread, meat, p)
	mulSq(vc, tmp, bread, p)
	if opt.Type == CR1 {
		f := float64(J) / float64(J-p)
		for i := range vc {
			vc[i] *= f
		}
	}
	out := &Robust{Type: opt.Type, Clusters: J, Level: opt.Level, Vcov: vc, Coefficients: make([]RobustCoef, p)}
	alpha := 1 - opt.Level
	var sat *satt
	if opt.Type == CR2 {
		sat = newSatt(in, bread, est, func(g int) ([]int, []float64) { return bl[g].rows, bl[g].th })
	}
	for j := 0; j < p; j++ {
		b, se := in.beta[j], math.Sqrt(vc[j*p+j])
		df := float64(J - p)
		if sat != nil {
			c := make([]float64, p)
			c[j] = 1
			df = sat.df(c)
		}
		td := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
		crit := td.Quantile(1 - alpha/2)
		st := b / se
		out.Coefficients[j] = RobustCoef{Name: in.names[j], Estimate: b, SE: se, Statistic: st, DF: df,
			P: 2 * td.Survival(math.Abs(st)), CILB: b - crit*se, CIUB: b + crit*se}
	}
	if p > 0 {
		c := out.Coefficients[0]
		out.SE, out.DF, out.P, out.CILB, out.CIUB = c.SE, c.DF, c.P, c.CILB, c.CIUB
	}
	// Test of the moderators.
	lo := 1
	if p == 1 {
		lo = 0
	}
	idx := make([]int, 0, p)
	for j := lo; j < p; j++ {
		idx = append(idx, j)
	}
	q, err := wald(in.beta, vc, p, idx)
	if err == nil {
		m := float64(len(idx))
		switch {
		case opt.Type == CR1:
			df2 := float64(J - p)
			out.QM = &WaldTest{Test: "F", Fstat: q / m, Delta: 1, DFNum: m, DFDenom: df2, P: distuv.F{D1: m, D2: df2}.Survival(q / m)}
		case p == 1:
			c := out.Coefficients[0]
			out.QM = &WaldTest{Test: "t²", Fstat: q, Delta: 1, DFNum: 1, DFDenom: c.DF, P: c.P}
		default:
			if w, err := sat.htz(idx, q); err == nil {
				out.QM = w
			}
		}
	}
	return out, nil
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
