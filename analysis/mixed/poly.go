package mixed

import (
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/alliance-research/alliance/analysis/errs"
)

// poly(x, k) is R's orthogonal polynomial basis of degree k in x, one term
// of k columns named "poly(x, k)1" … "poly(x, k)k". Over the rows used, the
// columns are the monic polynomials p_1 … p_k orthogonal to each other and
// to the constant, scaled to unit length, built by the three-term
// recurrence (Stieltjes; Kennedy & Gentle 1980, §8.7)
//
//	p_0 = 1,  p_1 = x − α_0,  p_{j+1} = (x − α_j) p_j − (‖p_j‖² / ‖p_{j−1}‖²) p_{j−1},
//	α_j = Σ x p_j² / ‖p_j‖²,   column j = p_j / ‖p_j‖,
//
// the basis R's poly() returns (its QR of the centred powers gives the same
// columns) and predict.poly() evaluates at new x with the same α and norms,
// which is how a reference grid (emmeans) evaluates it.

// polyBasis is a fitted basis: α_0…α_{k−1} and ‖p_0‖² … ‖p_k‖².
type polyBasis struct {
	alpha, norm2 []float64
}

// polyOf parses a variable name "poly(x, k)": the argument and the degree.
func polyOf(name string) (arg *expr, degree int, ok bool) {
	if !strings.HasPrefix(name, "poly(") || !strings.HasSuffix(name, ")") {
		return nil, 0, false
	}
	e, d, _, err := parsePolyCall(name, []rune(name), len("poly"))
	if err != nil {
		return nil, 0, false
	}
	return e, d, true
}

// parsePolyCall parses poly(e, k) from rs[open] (the '('): the argument,
// the degree and the index after ')'.
func parsePolyCall(src string, rs []rune, open int) (*expr, int, int, error) {
	p := &exprParser{rs: rs, i: open + 1, src: src}
	a, err := p.sum()
	if err != nil {
		return nil, 0, 0, err
	}
	bad := p.errf("poly() takes a variable and a whole-number degree, as poly(session, 2)")
	if p.peek() != ',' {
		return nil, 0, 0, bad
	}
	p.i++
	p.space()
	j := p.i
	for j < len(rs) && unicode.IsDigit(rs[j]) {
		j++
	}
	k, err := strconv.Atoi(string(rs[p.i:j]))
	p.i = j
	if err != nil || k < 1 || p.peek() != ')' {
		return nil, 0, 0, bad
	}
	if k > 10 {
		return nil, 0, 0, p.errf("poly(…, %d): give a degree of at most 10", k)
	}
	return a, k, p.i + 1, nil
}

// polyName is the variable's name as R deparses the call.
func polyName(arg *expr, degree int) string {
	return "poly(" + arg.String() + ", " + strconv.Itoa(degree) + ")"
}

// fitPoly builds the basis of degree k over the values x.
func fitPoly(name string, x []float64, k int) (polyBasis, error) {
	distinct := map[float64]bool{}
	for _, v := range x {
		distinct[v] = true
	}
	if k >= len(distinct) {
		return polyBasis{}, errs.New(errs.InvalidOption, "mixed", "%s: the degree must be less than the number of distinct values (%d)", name, len(distinct))
	}
	b := polyBasis{alpha: make([]float64, k), norm2: make([]float64, k+1)}
	prev, cur := make([]float64, len(x)), make([]float64, len(x))
	for i := range cur {
		cur[i] = 1
	}
	for j := 0; j <= k; j++ {
		var nn, xn float64
		for i, v := range x {
			nn += cur[i] * cur[i]
			xn += v * cur[i] * cur[i]
		}
		b.norm2[j] = nn
		if j == k {
			break
		}
		b.alpha[j] = xn / nn
		next := make([]float64, len(x))
		for i, v := range x {
			next[i] = (v - b.alpha[j]) * cur[i]
			if j > 0 {
				next[i] -= b.norm2[j] / b.norm2[j-1] * prev[i]
			}
		}
		prev, cur = cur, next
	}
	return b, nil
}

// eval returns column j (1…k) of the basis at x.
func (b polyBasis) eval(x float64, j int) float64 {
	prev, cur := 0.0, 1.0
	for m := 0; m < j; m++ {
		next := (x - b.alpha[m]) * cur
		if m > 0 {
			next -= b.norm2[m] / b.norm2[m-1] * prev
		}
		prev, cur = cur, next
	}
	return cur / math.Sqrt(b.norm2[j])
}

// polyColumn is the column of the variable poly(arg, k): the values of arg
// (missing where its inputs are), the basis fitted later over the rows
// used (column.poly).
func (d Data) polyColumn(name string, arg *expr, k int) (*column, error) {
	var c *column
	var err error
	if arg.op == "var" {
		c, err = d.lookup(arg.name)
		if err == nil && c.num == nil {
			return nil, errs.New(errs.InvalidOption, "mixed", "%s: column %q is text; poly() needs numbers", name, arg.name)
		}
	} else {
		c, err = d.transformColumn(name, &expr{op: "call", name: "I", args: []*expr{arg}})
	}
	if err != nil {
		return nil, err
	}
	return &column{num: c.num, polyDegree: k}, nil
}

// polyPart fits the basis of the poly() variable v over the rows keep and
// returns its k columns.
func polyPart(v string, c *column, keep []int) (termPart, error) {
	x := make([]float64, len(keep))
	for k, i := range keep {
		x[k] = c.num[i]
	}
	b, err := fitPoly(v, x, c.polyDegree)
	if err != nil {
		return termPart{}, err
	}
	c.poly = &b
	var p termPart
	for j := 1; j <= c.polyDegree; j++ {
		vals := make([]float64, len(c.num)) // by input row
		for i, xi := range c.num {
			vals[i] = b.eval(xi, j)
		}
		p.names = append(p.names, v+strconv.Itoa(j))
		p.levels, p.degrees, p.coding = append(p.levels, -1), append(p.degrees, j), append(p.coding, nil)
		p.vals = append(p.vals, func(i, _ int) float64 { return vals[i] })
	}
	return p, nil
}
