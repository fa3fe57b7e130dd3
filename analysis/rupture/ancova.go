package rupture

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/wald"
	"gonum.org/v1/gonum/mat"
)

// Coef is one estimate of the ANCOVA, named as R's lm names coefficients,
// with the t test of the one Wald helper (analysis/internal/wald). It keeps
// its own type (not meta.Coef) for rupture's JSON conventions: Float
// fields that encode NaN as null under encoding/json, and an integer df.
type Coef struct {
	Name      string `json:"name"`
	Estimate  Float  `json:"estimate"`
	SE        Float  `json:"se"`
	Statistic Float  `json:"statistic"`
	DF        int    `json:"df"`
	P         Float  `json:"p"`
	CILB      Float  `json:"ci_lb"`
	CIUB      Float  `json:"ci_ub"`
}

// ANCOVA is the least-squares fit of post ~ class + pre, R's
// lm(post ~ class + pre) with treatment contrasts.
type ANCOVA struct {
	// N is the number of patients with pre and post; DF = N − p.
	N  int `json:"n"`
	DF int `json:"df"`
	// Reference is the baseline class (none when present).
	Reference Class `json:"reference"`
	// Coefficients are "(Intercept)", "class<level>" for each other class
	// present, and "pre".
	Coefficients []Coef `json:"coefficients"`
	// Contrasts are the adjusted differences in post between the classes
	// present ("repaired - unrepaired", "repaired - none",
	// "unrepaired - none"), in raw units (not oriented), with t tests on DF.
	Contrasts []Coef `json:"contrasts"`
	// Sigma is the residual SD, RSquared the multiple R².
	Sigma    Float `json:"sigma"`
	RSquared Float `json:"r_squared"`
}

// fitANCOVA fits post ~ class + pre: coefficients by QR decomposition,
// covariance σ²(XᵀX)⁻¹ by Cholesky. cls holds class
// indices (0 none, 1 repaired, 2 unrepaired, 3 censored).
func fitANCOVA(post, pre []float64, cls []int, level float64) (*ANCOVA, error) {
	var count [4]int
	for _, k := range cls {
		count[k]++
	}
	var levels []int // classes present, reference first
	for k := range count {
		if count[k] > 0 {
			levels = append(levels, k)
		}
	}
	if len(levels) < 2 {
		return nil, errs.New(errs.TooFew, "", "fewer than two classes have patients with pre and post scores")
	}
	n := len(post)
	p := len(levels) + 1 // intercept, dummies for levels[1:], pre
	if n <= p {
		return nil, errs.New(errs.TooFew, "", "%d patients with pre and post scores for %d coefficients", n, p)
	}
	col := make(map[int]int, len(levels))
	for j, k := range levels[1:] {
		col[k] = 1 + j
	}
	// XᵀX and Xᵀy accumulated row by row (no n × p design in memory: the
	// sample may hold every patient of a registry); b solves the normal
	// equations by Cholesky.
	row := make([]float64, p)
	fill := func(i int) {
		clear(row)
		row[0] = 1
		if j, ok := col[cls[i]]; ok {
			row[j] = 1
		}
		row[p-1] = pre[i]
	}
	xtx := mat.NewSymDense(p, nil)
	xty := make([]float64, p)
	for i := 0; i < n; i++ {
		fill(i)
		for a := 0; a < p; a++ {
			xty[a] += row[a] * post[i]
			for c := a; c < p; c++ {
				xtx.SetSym(a, c, xtx.At(a, c)+row[a]*row[c])
			}
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(xtx) || ch.Cond() > 1e24 {
		return nil, errs.New(errs.Singular, "", "the design is singular or nearly so (pre is constant or collinear with class)")
	}
	var b mat.VecDense
	if err := ch.SolveVecTo(&b, mat.NewVecDense(p, xty)); err != nil {
		return nil, fmt.Errorf("least squares: %w", err)
	}
	var rss, my, tss float64
	for i := 0; i < n; i++ {
		my += post[i]
	}
	my /= float64(n)
	for i := 0; i < n; i++ {
		fill(i)
		fit := 0.0
		for a := 0; a < p; a++ {
			fit += row[a] * b.AtVec(a)
		}
		rss += (post[i] - fit) * (post[i] - fit)
		tss += (post[i] - my) * (post[i] - my)
	}
	df := n - p
	s2 := rss / float64(df)
	var cov mat.SymDense // σ²(XᵀX)⁻¹
	if err := ch.InverseTo(&cov); err != nil {
		return nil, fmt.Errorf("inverting XᵀX: %w", err)
	}
	cov.ScaleSym(s2, &cov)
	ref := wald.StudentT(float64(df), level)
	coef := func(name string, c []float64) Coef {
		var est, v float64
		for i := range c {
			est += c[i] * b.AtVec(i)
			for j := range c {
				v += c[i] * c[j] * cov.At(i, j)
			}
		}
		w := ref.Coef(est, v)
		return Coef{Name: name, Estimate: Float(w.Estimate), SE: Float(w.SE), Statistic: Float(w.Statistic), DF: df,
			P: Float(w.P), CILB: Float(w.CILB), CIUB: Float(w.CIUB)}
	}
	a := &ANCOVA{N: n, DF: df, Reference: Classes[levels[0]], Sigma: Float(math.Sqrt(s2)), RSquared: Float(1 - rss/tss)}
	unit := func(j int) []float64 { c := make([]float64, p); c[j] = 1; return c }
	a.Coefficients = append(a.Coefficients, coef("(Intercept)", unit(0)))
	for _, k := range levels[1:] {
		a.Coefficients = append(a.Coefficients, coef("class"+string(Classes[k]), unit(col[k])))
	}
	a.Coefficients = append(a.Coefficients, coef("pre", unit(p-1)))
	for _, cc := range Contrasts {
		k1, k2 := classIndex(cc[0]), classIndex(cc[1])
		if count[k1] == 0 || count[k2] == 0 {
			continue
		}
		c := make([]float64, p)
		if j, ok := col[k1]; ok {
			c[j] += 1
		}
		if j, ok := col[k2]; ok {
			c[j] -= 1
		}
		a.Contrasts = append(a.Contrasts, coef(string(cc[0])+" - "+string(cc[1]), c))
	}
	return a, nil
}
