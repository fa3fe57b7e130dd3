package sem

import "fmt"

// Matrix names the RAM matrix a parameter lives in.
type Matrix int

const (
	// Path is a directed effect A[To][From] (lavaan "To ~ From", or
	// "From =~ To" for a loading).
	Path Matrix = iota
	// Cov is a (co)variance S[To][From] = S[From][To] (lavaan "~~").
	Cov
	// Mean is an intercept m[To] (lavaan "To ~ 1").
	Mean
)

// Param is one entry of A, S or m: free (estimated) or fixed at Value.
// Free parameters with the same non-empty Label are one parameter
// (an equality constraint).
type Param struct {
	Matrix   Matrix
	To, From int // variable indices; From is unused for Mean
	Free     bool
	Value    float64 // the fixed value, or the start value of a free one
	Label    string
	// Op is lavaan's operator for output ("~", "=~", "~~", "~1").
	Op string
}

// Model is a RAM model: variable names (the first NObs observed, in the
// order of the data columns, then the latent ones) and parameters.
type Model struct {
	Names  []string
	NObs   int
	Params []Param
}

// NVars is the number of variables, observed and latent.
func (m *Model) NVars() int { return len(m.Names) }

// Index returns the index of a variable, or −1.
func (m *Model) Index(name string) int {
	for i, n := range m.Names {
		if n == name {
			return i
		}
	}
	return -1
}

// Var appends a variable and returns its index.
func (m *Model) Var(name string) int {
	m.Names = append(m.Names, name)
	return len(m.Names) - 1
}

// Regress adds a free path to ← from (lavaan "to ~ from").
func (m *Model) Regress(to, from int, label string) {
	m.Params = append(m.Params, Param{Matrix: Path, To: to, From: from, Free: true, Label: label, Op: "~"})
}

// Load adds a loading of indicator on factor fixed at value (lavaan
// "factor =~ value*indicator").
func (m *Model) Load(factor, indicator int, value float64) {
	m.Params = append(m.Params, Param{Matrix: Path, To: indicator, From: factor, Value: value, Op: "=~"})
}

// Covary adds a free (co)variance of a and b (a variance when a == b).
func (m *Model) Covary(a, b int, label string, start float64) {
	m.Params = append(m.Params, Param{Matrix: Cov, To: a, From: b, Free: true, Value: start, Label: label, Op: "~~"})
}

// FixCov fixes a (co)variance at value.
func (m *Model) FixCov(a, b int, value float64) {
	m.Params = append(m.Params, Param{Matrix: Cov, To: a, From: b, Value: value, Op: "~~"})
}

// Intercept adds a free intercept (mean) of v.
func (m *Model) Intercept(v int, label string, start float64) {
	m.Params = append(m.Params, Param{Matrix: Mean, To: v, Free: true, Value: start, Label: label, Op: "~1"})
}

// freeIndex maps each parameter to its free-parameter index (−1 when
// fixed), merging labels, and returns the number of free parameters.
func (m *Model) freeIndex() ([]int, int, error) {
	idx := make([]int, len(m.Params))
	byLabel := map[string]int{}
	n := 0
	seen := map[[3]int]bool{}
	for i, p := range m.Params {
		if p.To < 0 || p.To >= m.NVars() || (p.Matrix != Mean && (p.From < 0 || p.From >= m.NVars())) {
			return nil, 0, fmt.Errorf("sem: parameter %d refers to a variable that does not exist", i)
		}
		a, b := p.To, p.From
		if p.Matrix == Cov && a > b {
			a, b = b, a
		}
		if p.Matrix == Mean {
			b = 0
		}
		key := [3]int{int(p.Matrix), a, b}
		if seen[key] {
			return nil, 0, fmt.Errorf("sem: %s %s %s is specified twice", m.Names[p.To], p.Op, m.Names[p.From])
		}
		seen[key] = true
		if !p.Free {
			idx[i] = -1
			continue
		}
		if p.Label != "" {
			if j, ok := byLabel[p.Label]; ok {
				idx[i] = j
				continue
			}
			byLabel[p.Label] = n
		}
		idx[i] = n
		n++
	}
	return idx, n, nil
}
