package meta

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/wald"
)

// Prediction is the fitted value of a meta-regression at chosen moderator
// values (metafor's predict(res, newmods = x)).
type Prediction struct {
	// Values are the moderator values as given (numbers as text, factor
	// levels by name).
	Values map[string]string `json:"values"`
	// X is the row of the model matrix they code to, in the order of the
	// coefficients (intercept first).
	X    []float64 `json:"x"`
	Pred float64   `json:"pred"`  // x′β̂
	SE   float64   `json:"se"`    // √(x′ V x)
	CILB float64   `json:"ci_lb"` // confidence interval of the fitted value
	CIUB float64   `json:"ci_ub"`
	// PILB, PIUB are the prediction interval pred ± c·√(SE² + τ²), nil for
	// FE/EE models.
	PILB *float64 `json:"pi_lb,omitempty"`
	PIUB *float64 `json:"pi_ub,omitempty"`
	// R is the back-transform (tanh) to a correlation when the measure is
	// ZCOR.
	R *RBlock `json:"r,omitempty"`
}

// NamedMatrix is a square matrix with its row and column names, e.g. the
// covariance of the coefficients (metafor's vcov(res)).
type NamedMatrix struct {
	Names  []string    `json:"names"`
	Matrix [][]float64 `json:"matrix"`
}

// TermTest is the Wald test that a subset of the coefficients is zero
// (metafor's anova(res, btt = …)).
type TermTest struct {
	Terms []string `json:"terms"` // as given
	Coefs []string `json:"coefs"` // the coefficients tested
	QM    float64  `json:"QM"`    // Q (χ² test) or Q/m (F test)
	DF    int      `json:"df"`    // m, the number of coefficients
	DF2   *int     `json:"df2,omitempty"`
	P     float64  `json:"p"`
}

// CodeRow returns the model-matrix row of the design at moderator values:
// 1 for the intercept, the number given for a numeric moderator, and for a
// factor 1 in the column of the named level (all 0 for the reference
// level), treatment-coded as the fitted model. Every moderator needs a
// value; a level not seen in the fitted data is an error.
func (d *Design) CodeRow(values map[string]string) ([]float64, error) {
	return codeRow(d.Mods, d.Names, values)
}

func codeRow(mods []Moderator, names []string, values map[string]string) ([]float64, error) {
	known := map[string]bool{}
	for _, m := range mods {
		known[m.Name] = true
	}
	var extra []string
	for k := range values {
		if !known[k] {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		have := make([]string, len(mods))
		for i, m := range mods {
			have[i] = m.Name
		}
		return nil, errs.New(errs.InvalidOption, "meta", "%s is not a moderator of the model (moderators: %s)", strings.Join(extra, ", "), strings.Join(have, ", "))
	}
	x := []float64{1}
	for _, m := range mods {
		v, ok := values[m.Name]
		if !ok {
			return nil, errs.New(errs.InvalidOption, "meta", "no value for moderator %q: give every moderator a value", m.Name)
		}
		v = strings.TrimSpace(v)
		if m.Numeric != nil {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, errs.New(errs.InvalidOption, "meta", "moderator %q is numeric; %q is not a finite number", m.Name, v)
			}
			x = append(x, f)
			continue
		}
		lv := levels(m.Text)
		found := false
		for _, l := range lv {
			if l == v {
				found = true
			}
		}
		if !found {
			return nil, errs.New(errs.InvalidOption, "meta", "moderator %q has no level %q (levels: %s)", m.Name, v, strings.Join(lv, ", "))
		}
		for _, l := range lv[1:] {
			if l == v {
				x = append(x, 1)
			} else {
				x = append(x, 0)
			}
		}
	}
	if len(x) != len(names) {
		return nil, errs.New(errs.InvalidOption, "meta", "coded %d columns for a model with %d coefficients", len(x), len(names))
	}
	return x, nil
}

// termColumns returns the indices of the coefficients of each term: a
// moderator's name selects its column (numeric) or all its level columns
// (factor), a coefficient name ("intrcpt", "allocrandom") that column.
func termColumns(mods []Moderator, names []string, terms []string) ([]int, []string, error) {
	if len(terms) == 0 {
		return nil, nil, errs.New(errs.InvalidOption, "meta", "no terms to test")
	}
	start := map[string][2]int{}
	c := 1
	for _, m := range mods {
		w := 1
		if m.Numeric == nil {
			w = len(levels(m.Text)) - 1
		}
		start[m.Name] = [2]int{c, c + w}
		c += w
	}
	seen := map[int]bool{}
	var idx []int
	var coefs []string
	add := func(j int) {
		if !seen[j] {
			seen[j] = true
			idx = append(idx, j)
		}
	}
	for _, t := range terms {
		t = strings.TrimSpace(t)
		if s, ok := start[t]; ok {
			for j := s[0]; j < s[1]; j++ {
				add(j)
			}
			continue
		}
		j := -1
		for i, n := range names {
			if n == t {
				j = i
			}
		}
		if j < 0 {
			return nil, nil, errs.New(errs.InvalidOption, "meta", "%q is neither a moderator nor a coefficient of the model (coefficients: %s)", t, strings.Join(names, ", "))
		}
		add(j)
	}
	sort.Ints(idx)
	for _, j := range idx {
		coefs = append(coefs, names[j])
	}
	return idx, coefs, nil
}

// PredictRows computes predictions at coded model-matrix rows x (each of
// length p) from coefficients b with covariance v (p×p, row-major):
// pred = x′b, SE = √(x′Vx), CI pred ± c·SE and, when pi is set, the
// prediction interval pred ± c·√(SE² + het), with c the normal quantile, or
// the t quantile with df degrees of freedom when df is finite (tests t,
// knha, adhoc: df = k − p). It is the shared arithmetic of
// Result.Predict and the three-level model's predictions (metafor
// predict.rma and predict.rma.mv, where het is τ² or the sum of the σ²).
func PredictRows(x [][]float64, values []map[string]string, b, v []float64, het float64, pi bool, df, level float64, zcor bool) []Prediction {
	p := len(b)
	ref := wald.Normal(level)
	if !math.IsInf(df, 1) {
		ref = wald.StudentT(df, level)
	}
	out := make([]Prediction, len(x))
	for i, row := range x {
		est, se, lb, ub := ref.Linear(row, b, v, p)
		pr := Prediction{Values: values[i], X: row, Pred: est, SE: se, CILB: lb, CIUB: ub}
		if pi {
			h := ref.Crit() * math.Sqrt(se*se+het)
			pr.PILB, pr.PIUB = f64(est-h), f64(est+h)
		}
		if zcor {
			pr.R = &RBlock{Estimate: math.Tanh(est), CILB: math.Tanh(lb), CIUB: math.Tanh(ub)}
			if pi {
				pr.R.PILB, pr.R.PIUB = f64(math.Tanh(*pr.PILB)), f64(math.Tanh(*pr.PIUB))
			}
		}
		out[i] = pr
	}
	return out
}

// Predict returns the fitted values of the model at each set of moderator
// values (metafor's predict(res, newmods = …)): with x the coded row
// (see Design.CodeRow), pred = x′β̂, SE = √(x′ Var(β̂) x) (Knapp–Hartung
// scaled under knha/adhoc), the CI pred ± c·SE and the prediction interval
// pred ± c·√(SE² + τ̂²) (Viechtbauer 2010; Riley, Higgins & Deeks 2011),
// c = z_{1−α/2}, or t_{k−p, 1−α/2} under tests t, knha and adhoc. For ZCOR
// the r block back-transforms with tanh.
func (r *Result) Predict(newmods []map[string]string) ([]Prediction, error) {
	if r == nil || r.d == nil {
		return nil, errs.New(errs.InvalidOption, "meta", "no fitted model to predict from")
	}
	if len(newmods) == 0 {
		return nil, errs.New(errs.InvalidOption, "meta", "no moderator values to predict at")
	}
	rows := make([][]float64, len(newmods))
	for i, nm := range newmods {
		x, err := codeRow(r.d.mods, r.d.names, nm)
		if err != nil {
			return nil, err
		}
		rows[i] = x
	}
	df := math.Inf(1)
	if r.opt.isT() {
		df = float64(r.K - r.P)
	}
	return PredictRows(rows, newmods, r.beta(), r.Vcov, r.Tau2, !r.opt.isFE(), df, r.Level, r.Measure == "ZCOR"), nil
}

func (r *Result) beta() []float64 {
	b := make([]float64, len(r.Coefficients))
	for i, c := range r.Coefficients {
		b[i] = c.Estimate
	}
	return b
}

// VcovMatrix returns the covariance of the coefficients with their names
// (metafor's vcov(res)).
func (r *Result) VcovMatrix() *NamedMatrix {
	return namedMatrix(r.d.names, r.Vcov)
}

func namedMatrix(names []string, v []float64) *NamedMatrix {
	p := len(names)
	m := &NamedMatrix{Names: names, Matrix: make([][]float64, p)}
	for i := range m.Matrix {
		m.Matrix[i] = append([]float64(nil), v[i*p:(i+1)*p]...)
	}
	return m
}

// TestTerms tests that the coefficients of the named terms are all zero
// (metafor's anova(res, btt = …)): QM = b′V⁻¹b over those m coefficients,
// against χ²_m under test z, or QM/m against F(m, k − p) under tests t,
// knha and adhoc. A term is a moderator (a factor selects all its level
// columns) or a coefficient name.
func (r *Result) TestTerms(terms []string) (*TermTest, error) {
	if r == nil || r.d == nil {
		return nil, errs.New(errs.InvalidOption, "meta", "no fitted model to test")
	}
	df := math.Inf(1)
	if r.opt.isT() {
		df = float64(r.K - r.P)
	}
	return TestColumns(r.d.mods, r.d.names, terms, r.beta(), r.Vcov, df)
}

// TestColumns is the arithmetic of Result.TestTerms for any coefficients b
// with covariance v coded from mods as Fit codes them; df is +Inf for a
// χ² test, else the denominator df of the F test.
func TestColumns(mods []Moderator, names, terms []string, b, v []float64, df float64) (*TermTest, error) {
	idx, coefs, err := termColumns(mods, names, terms)
	if err != nil {
		return nil, err
	}
	ref := wald.Normal(0.95)
	if !math.IsInf(df, 1) {
		ref = wald.StudentT(df, 0.95)
	}
	q, pv, err := ref.Omnibus(b, v, len(b), idx)
	if err != nil {
		return nil, errs.New(errs.Singular, "meta", "%v", err)
	}
	t := &TermTest{Terms: terms, Coefs: coefs, QM: q, DF: len(idx), P: pv}
	if ref.IsT() {
		d2 := int(df)
		t.DF2 = &d2
	}
	return t, nil
}
