package mixed

import (
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/alliance-research/alliance/analysis/errs"
)

// A transformed variable is a numeric function of data columns written in
// the formula, as R evaluates it inside model.frame:
//
//	y ~ Days + I(Days^2) + (1 | Subject)        arithmetic inside I()
//	log(Reaction) ~ sqrt(Days + 1) + (1 | g)    log, log2, log10, exp, sqrt, abs
//
// I(e) evaluates the arithmetic e (+ − * / ^, unary minus, parentheses,
// numbers, columns and the functions above); the functions take one
// argument. The variable is named as R names the model-matrix column, the
// call deparsed: binary + − * spaced, / and ^ not, numbers as R prints them
// (1e+05, 0.5), so "I(Days^2)", "I(Days * 2)", "log(Days + 1)".
//
// A missing value in a column the transform reads makes the row missing (R's
// NA); a finite input giving a non-finite value (log(0), sqrt(−1), x/0) is an
// error naming the row, where R would stop on the infinite value or carry
// NaN into the fit.

// transformFuncs are the functions a formula may apply to variables.
var transformFuncs = map[string]func(float64) float64{
	"I": func(x float64) float64 { return x }, "log": math.Log, "log2": math.Log2, "log10": math.Log10,
	"exp": math.Exp, "sqrt": math.Sqrt, "abs": math.Abs,
}

// expr is a node of a transform: a number, a column, a unary minus, a
// binary operator, a parenthesis or a function call (args[0] its argument).
type expr struct {
	op   string // "num", "var", "neg", "(", "call", or one of + - * / ^
	num  float64
	name string // the column (var) or the function (call)
	args []*expr
}

// exprParser parses the argument of a transform call.
type exprParser struct {
	rs  []rune
	i   int
	src string // the whole formula, for messages
}

func (p *exprParser) errf(format string, a ...any) error {
	return errs.New(errs.InvalidOption, "mixed", "formula %q: "+format, append([]any{shortFormula(p.src)}, a...)...)
}

func (p *exprParser) space() {
	for p.i < len(p.rs) && unicode.IsSpace(p.rs[p.i]) {
		p.i++
	}
}

func (p *exprParser) peek() rune {
	p.space()
	if p.i < len(p.rs) {
		return p.rs[p.i]
	}
	return 0
}

// sum := product (('+' | '-') product)*
func (p *exprParser) sum() (*expr, error) {
	l, err := p.product()
	for err == nil && (p.peek() == '+' || p.peek() == '-') {
		op := string(p.rs[p.i])
		p.i++
		var r *expr
		if r, err = p.product(); err == nil {
			l = &expr{op: op, args: []*expr{l, r}}
		}
	}
	return l, err
}

// product := unary (('*' | '/') unary)*
func (p *exprParser) product() (*expr, error) {
	l, err := p.unary()
	for err == nil && (p.peek() == '*' || p.peek() == '/') {
		op := string(p.rs[p.i])
		p.i++
		var r *expr
		if r, err = p.unary(); err == nil {
			l = &expr{op: op, args: []*expr{l, r}}
		}
	}
	return l, err
}

// unary := '-' unary | power; R binds ^ tighter than unary minus (-x^2 is
// -(x^2)).
func (p *exprParser) unary() (*expr, error) {
	if p.peek() == '-' {
		p.i++
		a, err := p.unary()
		return &expr{op: "neg", args: []*expr{a}}, err
	}
	return p.power()
}

// power := primary ('^' unary)?, right-associative.
func (p *exprParser) power() (*expr, error) {
	b, err := p.primary()
	if err == nil && p.peek() == '^' {
		p.i++
		var e *expr
		if e, err = p.unary(); err == nil {
			b = &expr{op: "^", args: []*expr{b, e}}
		}
	}
	return b, err
}

// primary := number | column | function '(' sum ')' | '(' sum ')'
func (p *exprParser) primary() (*expr, error) {
	c := p.peek()
	switch {
	case c == '(':
		p.i++
		a, err := p.sum()
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, p.errf("a ')' is missing in a transformed variable")
		}
		p.i++
		return &expr{op: "(", args: []*expr{a}}, nil
	case unicode.IsDigit(c) || c == '.' && p.i+1 < len(p.rs) && unicode.IsDigit(p.rs[p.i+1]):
		j := p.i
		for j < len(p.rs) && (unicode.IsDigit(p.rs[j]) || p.rs[j] == '.' || p.rs[j] == 'e' || p.rs[j] == 'E' ||
			(p.rs[j] == '+' || p.rs[j] == '-') && j > p.i && (p.rs[j-1] == 'e' || p.rs[j-1] == 'E')) {
			j++
		}
		x, err := strconv.ParseFloat(string(p.rs[p.i:j]), 64)
		if err != nil {
			return nil, p.errf("%q is not a number", string(p.rs[p.i:j]))
		}
		p.i = j
		return &expr{op: "num", num: x}, nil
	case c == '`' || unicode.IsLetter(c) || c == '.' || c == '_':
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		if p.peek() != '(' {
			return &expr{op: "var", name: name}, nil
		}
		if transformFuncs[name] == nil || name == "I" {
			return nil, p.errf("%s() is not a function a formula can apply (%s)", name, transformList)
		}
		p.i++
		a, err := p.sum()
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, p.errf("%s() takes one argument", name)
		}
		p.i++
		return &expr{op: "call", name: name, args: []*expr{a}}, nil
	}
	if c == 0 {
		return nil, p.errf("a transformed variable ends early")
	}
	return nil, p.errf("%q cannot stand in a transformed variable", string(c))
}

// name reads a column name, plain or backquoted.
func (p *exprParser) name() (string, error) {
	if p.rs[p.i] == '`' {
		j := p.i + 1
		for j < len(p.rs) && p.rs[j] != '`' {
			j++
		}
		if j == len(p.rs) {
			return "", p.errf("unterminated backquote")
		}
		s := string(p.rs[p.i+1 : j])
		p.i = j + 1
		return s, nil
	}
	j := p.i
	for j < len(p.rs) && (unicode.IsLetter(p.rs[j]) || unicode.IsDigit(p.rs[j]) || p.rs[j] == '.' || p.rs[j] == '_') {
		j++
	}
	s := string(p.rs[p.i:j])
	p.i = j
	return s, nil
}

const transformList = "I(), log(), log2(), log10(), exp(), sqrt(), abs(), poly() and factor() are"

// parseTransformCall parses fn(...) starting at rs[open], the '(' after the
// function name, and returns the call and the index after its ')'.
func parseTransformCall(src string, fn string, rs []rune, open int) (*expr, int, error) {
	p := &exprParser{rs: rs, i: open + 1, src: src}
	a, err := p.sum()
	if err != nil {
		return nil, 0, err
	}
	if p.peek() != ')' {
		if p.peek() == ',' {
			return nil, 0, p.errf("%s() takes one argument here", fn)
		}
		return nil, 0, p.errf("a ')' is missing after %s(", fn)
	}
	return &expr{op: "call", name: fn, args: []*expr{a}}, p.i + 1, nil
}

// String deparses e as R does (see the package's transform notes).
func (e *expr) String() string {
	switch e.op {
	case "num":
		return rNumber(e.num)
	case "var":
		if !isSyntactic(e.name) {
			return "`" + e.name + "`"
		}
		return e.name
	case "neg":
		return "-" + e.args[0].String()
	case "(":
		return "(" + e.args[0].String() + ")"
	case "call":
		return e.name + "(" + e.args[0].String() + ")"
	case "/", "^":
		return e.args[0].String() + e.op + e.args[1].String()
	}
	return e.args[0].String() + " " + e.op + " " + e.args[1].String()
}

// isSyntactic reports whether R would print name without backquotes.
func isSyntactic(name string) bool {
	for i, r := range name {
		if !(unicode.IsLetter(r) || r == '.' || r == '_' && i > 0 || unicode.IsDigit(r) && i > 0) {
			return false
		}
	}
	return name != ""
}

// rNumber formats x as R's deparse does: 15 significant digits, fixed
// notation unless the scientific one is shorter (1e+05, 1e-04).
func rNumber(x float64) string {
	y, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'e', 14, 64), 64)
	fixed := strconv.FormatFloat(y, 'f', -1, 64)
	m, ex, _ := strings.Cut(strconv.FormatFloat(y, 'e', -1, 64), "e")
	digits := strings.TrimLeft(ex[1:], "0")
	for len(digits) < 2 {
		digits = "0" + digits
	}
	if sci := m + "e" + ex[:1] + digits; len(sci) < len(fixed) {
		return sci
	}
	return fixed
}

// vars appends the columns e reads to out, once each.
func (e *expr) vars(out []string) []string {
	if e.op == "var" {
		for _, v := range out {
			if v == e.name {
				return out
			}
		}
		return append(out, e.name)
	}
	for _, a := range e.args {
		out = a.vars(out)
	}
	return out
}

// eval returns e at row i of the columns.
func (e *expr) eval(cols map[string][]float64, i int) float64 {
	switch e.op {
	case "num":
		return e.num
	case "var":
		return cols[e.name][i]
	case "neg":
		return -e.args[0].eval(cols, i)
	case "(":
		return e.args[0].eval(cols, i)
	case "call":
		return transformFuncs[e.name](e.args[0].eval(cols, i))
	}
	a, b := e.args[0].eval(cols, i), e.args[1].eval(cols, i)
	switch e.op {
	case "+":
		return a + b
	case "-":
		return a - b
	case "*":
		return a * b
	case "/":
		return a / b
	}
	return math.Pow(a, b)
}

// TransformOf parses a formula variable name such as "I(Days^2)" or
// "log(Days + 1)"; ok is false for a plain column or factor(x).
func transformOf(name string) (e *expr, ok bool) {
	i := strings.IndexByte(name, '(')
	if i <= 0 || !strings.HasSuffix(name, ")") || transformFuncs[name[:i]] == nil {
		return nil, false
	}
	rs := []rune(name)
	e, end, err := parseTransformCall(name, name[:i], rs, len([]rune(name[:i])))
	if err != nil || end != len(rs) {
		return nil, false
	}
	return e, true
}

// Columns returns the data columns a formula variable reads: x for x and
// factor(x), and every column inside a transform (I(Days^2): Days).
func Columns(name string) []string {
	if x, ok := FactorOf(name); ok {
		return []string{x}
	}
	if e, ok := transformOf(name); ok {
		return e.vars(nil)
	}
	if e, _, ok := polyOf(name); ok {
		return e.vars(nil)
	}
	return []string{name}
}

// inputsOf returns the columns a transform or poly() variable reads, and
// whether name is one.
func inputsOf(name string) ([]string, bool) {
	if e, ok := transformOf(name); ok {
		return e.vars(nil), true
	}
	if e, _, ok := polyOf(name); ok {
		return e.vars(nil), true
	}
	return nil, false
}

// transformColumn evaluates the transform e, named name, over the numeric
// columns of d (see the package's transform notes on missing and
// non-finite values).
func (d Data) transformColumn(name string, e *expr) (*column, error) {
	vars := e.vars(nil)
	cols := map[string][]float64{}
	n := -1
	for _, v := range vars {
		x, ok := d.Numeric[v]
		if !ok {
			_, text := d.Text[v]
			if _, coded := d.Factors[v]; text || coded {
				return nil, errs.New(errs.InvalidOption, "mixed", "%s: column %q is text; a transformed variable needs numbers", name, v)
			}
			_, err := d.lookup(v) // the message listing the columns
			return nil, err
		}
		cols[v], n = x, len(x)
	}
	if n < 0 {
		return nil, errs.New(errs.InvalidOption, "mixed", "%s reads no column: a constant is not a model term", name)
	}
	out := make([]float64, n)
	for i := range out {
		missing := false
		for _, v := range vars {
			missing = missing || math.IsNaN(cols[v][i])
		}
		if missing {
			out[i] = math.NaN()
			continue
		}
		out[i] = e.eval(cols, i)
		if math.IsNaN(out[i]) || math.IsInf(out[i], 0) {
			var at []string
			for _, v := range vars {
				at = append(at, v+" = "+strconv.FormatFloat(cols[v][i], 'g', -1, 64))
			}
			return nil, errs.New(errs.InvalidOption, "mixed", "%s is %v at %s (%s): not a number a model can use; choose another transformation or drop those rows", name, out[i], d.rowName(i), strings.Join(at, ", "))
		}
	}
	return &column{num: out}, nil
}

// transformInputs returns the numeric columns that the transformed
// variables of cols read and cols does not hold.
func transformInputs(cols map[string]*column, d Data) (map[string]*column, error) {
	out := map[string]*column{}
	for name := range cols {
		vars, ok := inputsOf(name)
		if !ok {
			continue
		}
		for _, v := range vars {
			if cols[v] != nil || out[v] != nil {
				continue
			}
			c, err := d.lookup(v)
			if err != nil {
				return nil, err
			}
			out[v] = c
		}
	}
	return out, nil
}
