package mixed

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Formula is a parsed model formula in the lme4 subset that Fit accepts.
//
//	y ~ x1 + x2 + x1:x2 + x1*x2 + (1 | g)      random intercept
//	y ~ t + (1 + t | g)                         correlated intercept and slope
//	y ~ t + (0 + t | g)                         slope only
//	y ~ x + (1 | g1/g2)                         nested: terms g1 and g2:g1
//	y ~ x + (1 | therapist) + (1 | patient)     several terms on nested factors
//	y ~ x + (1 | patient) + (1 | rater)         crossed (or partially crossed) factors
//	y ~ t + (1 + t || g)                        uncorrelated intercept and slope
//	y ~ t + (1 | g) + (0 + t | g)               the same, written out
//	y ~ t + z + (1 + t + z | g)                 several random slopes
//	y ~ 0 + x + ...  or  y ~ x - 1 + ...        no fixed intercept
//
//	y ~ factor(arm) + time + (1 | patient)     numeric codes as a factor
//
// factor(x) codes x as a factor with treatment contrasts whether x is
// numeric or text (R's factor(): levels sorted, numbers numerically), and
// names its columns as R does: factor(arm)2, factor(arm)3, factor(arm)2:time.
// It may stand wherever a variable does in the fixed part or the grouping.
//
//	log(y) ~ Days + I(Days^2) + (1 | g)        transformed variables
//
// Transformed variables (I(), log(), log2(), log10(), exp(), sqrt(), abs();
// see transform.go) are numeric and named as R names them.
//
// poly(x, k) is R's orthogonal polynomial basis (poly.go), one term of k
// columns.
//
// Not supported (an error says so): other functions of variables (scale,
// poly's raw = TRUE, …) and factor-valued random slopes. Crossed factors and
// several terms on one factor are fitted by the general sparse path
// (general.go); nested ones by the faster group-by-group path.
type Formula struct {
	Response  string
	Intercept bool       // fixed intercept present
	Fixed     [][]string // fixed terms (interactions as variable lists), R's order: by degree, then as written
	Random    []RandomTerm
}

// RandomTerm is one (lhs | group) term.
type RandomTerm struct {
	Intercept bool       // random intercept present
	Slopes    [][]string // numeric slope terms (products of numeric variables)
	Group     []string   // grouping variables; more than one means their interaction
	Name      string     // group name as lme4 prints it, e.g. "patient:therapist"
	// Uncorrelated is the double-bar form (1 + t || g): lme4 splits it into
	// one scalar term per column, (1 | g) + (0 + t | g), so the columns get
	// separate variances and no correlations.
	Uncorrelated bool
}

type token struct {
	kind string // "id", "num", or the operator itself
	text string
	pos  int
}

func tokenize(s string) ([]token, error) {
	var toks []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '`':
			j := i + 1
			for j < len(rs) && rs[j] != '`' {
				j++
			}
			if j == len(rs) {
				return nil, errs.New(errs.InvalidOption, "mixed", "formula %q: unterminated backquote at %d", shortFormula(s), i+1)
			}
			toks = append(toks, token{"id", string(rs[i+1 : j]), i})
			i = j + 1
		case unicode.IsLetter(c) || c == '.' || c == '_':
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '.' || rs[j] == '_') {
				j++
			}
			name := string(rs[i:j])
			k := j
			for k < len(rs) && unicode.IsSpace(rs[k]) {
				k++
			}
			if k < len(rs) && rs[k] == '(' {
				if name == "poly" {
					arg, deg, end, err := parsePolyCall(s, rs, k)
					if err != nil {
						return nil, err
					}
					toks = append(toks, token{"id", polyName(arg, deg), i})
					i = end
					continue
				}
				if transformFuncs[name] != nil {
					e, end, err := parseTransformCall(s, name, rs, k)
					if err != nil {
						return nil, err
					}
					toks = append(toks, token{"id", e.String(), i})
					i = end
					continue
				}
				if name != "factor" {
					return nil, errs.New(errs.InvalidOption, "mixed", "formula %q: %s() is not supported (%s); compute the column first and use its name", shortFormula(s), name, transformList)
				}
				arg, end, err := factorArg(s, rs, k+1)
				if err != nil {
					return nil, err
				}
				toks = append(toks, token{"id", "factor(" + arg + ")", i})
				i = end
				continue
			}
			toks = append(toks, token{"id", name, i})
			i = j
		case unicode.IsDigit(c):
			j := i
			for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.') {
				j++
			}
			toks = append(toks, token{"num", string(rs[i:j]), i})
			i = j
		case c == '|':
			if i+1 < len(rs) && rs[i+1] == '|' {
				toks = append(toks, token{"||", "||", i})
				i += 2
				continue
			}
			toks = append(toks, token{"|", "|", i})
			i++
		case strings.ContainsRune("~+-*:/()", c):
			toks = append(toks, token{string(c), string(c), i})
			i++
		default:
			return nil, errs.New(errs.InvalidOption, "mixed", "formula %q: character %q at position %d is not supported", shortFormula(s), c, i+1)
		}
	}
	return toks, nil
}

// factorArg reads the argument of factor( … ) from rs[i:]: one variable
// name, plain or backquoted, then ')'. It returns the name and the index
// after ')'.
func factorArg(s string, rs []rune, i int) (string, int, error) {
	bad := errs.New(errs.InvalidOption, "mixed", "formula %q: factor() at position %d takes one variable name, as factor(arm)", shortFormula(s), i)
	for i < len(rs) && unicode.IsSpace(rs[i]) {
		i++
	}
	j := i
	var name string
	switch {
	case i < len(rs) && rs[i] == '`':
		j = i + 1
		for j < len(rs) && rs[j] != '`' {
			j++
		}
		if j == len(rs) {
			return "", 0, bad
		}
		name = string(rs[i+1 : j])
		j++
	case i < len(rs) && (unicode.IsLetter(rs[i]) || rs[i] == '.' || rs[i] == '_'):
		for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '.' || rs[j] == '_') {
			j++
		}
		name = string(rs[i:j])
	default:
		return "", 0, bad
	}
	for j < len(rs) && unicode.IsSpace(rs[j]) {
		j++
	}
	if j == len(rs) || rs[j] != ')' || name == "" {
		return "", 0, bad
	}
	return name, j + 1, nil
}

// FactorOf reports whether the formula variable name is factor(x), and x:
// a variable to be coded as a factor whatever its column type.
func FactorOf(name string) (string, bool) {
	if strings.HasPrefix(name, "factor(") && strings.HasSuffix(name, ")") {
		return name[len("factor(") : len(name)-1], true
	}
	return "", false
}

type parser struct {
	src  string
	toks []token
	i    int
}

func (p *parser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i].kind
	}
	return ""
}

func (p *parser) errf(format string, a ...any) error {
	pos := len(p.src)
	if p.i < len(p.toks) {
		pos = p.toks[p.i].pos
	}
	return errs.New(errs.InvalidOption, "mixed", "formula %q at position %d: %s", shortFormula(p.src), pos+1, fmt.Sprintf(format, a...))
}

// shortFormula is s for a message: at most 200 runes, longer ones cut in
// the middle with the number of runes left out.
func shortFormula(s string) string {
	const max = 200
	rs := []rune(s)
	if len(rs) <= max {
		return s
	}
	return fmt.Sprintf("%s … (%d characters left out) … %s", string(rs[:max/2]), len(rs)-max, string(rs[len(rs)-max/2:]))
}

// item is one summand of a right-hand side.
type item struct {
	sign    int        // +1 or −1
	num     string     // "0" or "1" for an intercept item
	terms   [][]string // expanded interaction terms
	random  *RandomTerm
	product bool
}

// ParseFormula parses an lme4-style formula; see Formula for the subset.
func ParseFormula(s string) (Formula, error) {
	f, err := parseFormulaAny(s)
	if err == nil && len(f.Random) == 0 {
		return f, errs.New(errs.InvalidOption, "mixed", "formula %q has no random-effect term such as (1 | patient); a model without one is an ordinary regression", shortFormula(s))
	}
	return f, err
}

// ParseGLSFormula is ParseFormula allowing a formula without random terms,
// which Fit fits by generalised least squares (nlme's gls).
func ParseGLSFormula(s string) (Formula, error) { return parseFormulaAny(s) }

// parseFormulaAny is ParseFormula allowing a formula without random terms.
func parseFormulaAny(s string) (Formula, error) {
	toks, err := tokenize(s)
	if err != nil {
		return Formula{}, err
	}
	p := &parser{src: s, toks: toks}
	var f Formula
	if p.peek() != "id" {
		return f, p.errf("expected the response variable before '~'")
	}
	f.Response = p.toks[p.i].text
	p.i++
	if p.peek() != "~" {
		return f, p.errf("expected '~' after the response")
	}
	p.i++
	items, err := p.sum(true)
	if err != nil {
		return f, err
	}
	if p.i != len(p.toks) {
		return f, p.errf("unexpected %q", p.toks[p.i].text)
	}
	f.Intercept = true
	seen := map[string]bool{}
	var fixed [][]string
	for _, it := range items {
		switch {
		case it.random != nil:
			if it.sign < 0 {
				return f, errs.New(errs.InvalidOption, "mixed", "formula %q: a random term cannot be subtracted", shortFormula(s))
			}
			f.Random = append(f.Random, expandNested(*it.random)...)
		case it.num != "":
			switch {
			case it.num == "0" && it.sign > 0, it.num == "1" && it.sign < 0:
				f.Intercept = false
			case it.num == "1" && it.sign > 0:
				f.Intercept = true
			default:
				return f, errs.New(errs.InvalidOption, "mixed", "formula %q: number %s is not a model term (use 0, 1 or -1)", shortFormula(s), it.num)
			}
		default:
			for _, t := range it.terms {
				k := termKey(t)
				if it.sign < 0 {
					if !seen[k] {
						return f, errs.New(errs.InvalidOption, "mixed", "formula %q: cannot remove term %s that is not in the model", shortFormula(s), strings.Join(t, ":"))
					}
					delete(seen, k)
					for j := range fixed {
						if fixed[j] != nil && termKey(fixed[j]) == k {
							fixed[j] = nil
						}
					}
					continue
				}
				if !seen[k] {
					seen[k] = true
					fixed = append(fixed, t)
					if len(seen) > MaxFixedTerms {
						return f, errs.New(errs.InvalidOption, "mixed", "formula %q has more than %d fixed-effect terms after expanding '*'", shortFormula(s), MaxFixedTerms)
					}
				}
			}
		}
	}
	// R orders the variables of an interaction by their first appearance in
	// the formula (y ~ g + t:g gives the term g:t).
	first := map[string]int{}
	for _, it := range items {
		for _, t := range it.terms {
			for _, v := range t {
				if _, ok := first[v]; !ok {
					first[v] = len(first)
				}
			}
		}
	}
	for _, t := range fixed {
		if t != nil {
			sort.SliceStable(t, func(a, b int) bool { return first[t[a]] < first[t[b]] })
			f.Fixed = append(f.Fixed, t)
		}
	}
	sort.SliceStable(f.Fixed, func(a, b int) bool { return len(f.Fixed[a]) < len(f.Fixed[b]) })
	return f, nil
}

func termKey(t []string) string {
	c := append([]string(nil), t...)
	sort.Strings(c)
	return strings.Join(c, "\x00")
}

// sum parses item {(+|-) item}.
func (p *parser) sum(allowRandom bool) ([]item, error) {
	var items []item
	sign := 1
	if p.peek() == "+" || p.peek() == "-" {
		if p.peek() == "-" {
			sign = -1
		}
		p.i++
	}
	for {
		it, err := p.item(allowRandom)
		if err != nil {
			return nil, err
		}
		it.sign = sign
		items = append(items, it)
		switch p.peek() {
		case "+":
			sign = 1
		case "-":
			sign = -1
		default:
			return items, nil
		}
		p.i++
	}
}

func (p *parser) item(allowRandom bool) (item, error) {
	switch p.peek() {
	case "num":
		t := p.toks[p.i].text
		p.i++
		if k := p.peek(); k == ":" || k == "*" {
			return item{}, p.errf("a number cannot be part of an interaction")
		}
		return item{num: t}, nil
	case "(":
		if !allowRandom {
			return item{}, p.errf("nested parentheses are not supported inside a random-effect term")
		}
		p.i++
		lhs, err := p.sum(false)
		if err != nil {
			return item{}, err
		}
		if p.peek() != "|" && p.peek() != "||" {
			return item{}, p.errf("parentheses are only supported around random-effect terms (lhs | group)")
		}
		uncorrelated := p.peek() == "||"
		p.i++
		rt := RandomTerm{Intercept: true, Uncorrelated: uncorrelated}
		for _, it := range lhs {
			switch {
			case it.num != "":
				switch {
				case it.num == "0" && it.sign > 0, it.num == "1" && it.sign < 0:
					rt.Intercept = false
				case it.num == "1" && it.sign > 0:
					rt.Intercept = true
				default:
					return item{}, p.errf("number %s is not a random-effect term", it.num)
				}
			case it.sign < 0:
				return item{}, p.errf("only -1 may be subtracted in a random-effect term")
			default:
				for _, t := range it.terms {
					dup := false
					for _, s := range rt.Slopes {
						if termKey(s) == termKey(t) {
							dup = true
						}
					}
					if !dup {
						rt.Slopes = append(rt.Slopes, t)
					}
				}
			}
		}
		if !rt.Intercept && len(rt.Slopes) == 0 {
			return item{}, p.errf("random-effect term has no columns")
		}
		// group: id { ('/' | ':') id }
		var path [][]string // '/'-separated parts, each a ':'-interaction
		cur := []string{}
		for {
			if p.peek() != "id" {
				return item{}, p.errf("expected a grouping variable after '|'")
			}
			cur = append(cur, p.toks[p.i].text)
			p.i++
			if p.peek() == ":" {
				p.i++
				continue
			}
			path = append(path, cur)
			cur = []string{}
			if p.peek() == "/" {
				p.i++
				continue
			}
			break
		}
		if p.peek() != ")" {
			return item{}, p.errf("expected ')' to close the random-effect term")
		}
		p.i++
		rt.Group = nil
		groups := &RandomTerm{Intercept: rt.Intercept, Slopes: rt.Slopes, Uncorrelated: rt.Uncorrelated}
		// Encode the nesting path in Group with "/" separators; expandNested splits it.
		for k, part := range path {
			if k > 0 {
				groups.Group = append(groups.Group, "/")
			}
			groups.Group = append(groups.Group, part...)
		}
		return item{random: groups}, nil
	case "id":
		return p.product()
	default:
		if p.i >= len(p.toks) {
			return item{}, p.errf("formula ends where a term was expected")
		}
		return item{}, p.errf("unexpected %q", p.toks[p.i].text)
	}
}

// MaxCrossedFactors bounds the factors of one '*' product: n factors
// expand to 2ⁿ − 1 terms, so 10 give 1,023 (a product of 20 would give
// 1,048,575 terms and gigabytes before any check).
const MaxCrossedFactors = 10

// MaxFixedTerms bounds the number of fixed-effect terms of a formula after
// expansion.
const MaxFixedTerms = 1024

// product parses id {(':'|'*') id} and expands '*' as R does:
// a*b:c = a + b:c + a:b:c.
func (p *parser) product() (item, error) {
	var groups [][]string // '*'-separated factors, each a ':'-interaction
	cur := []string{}
	for {
		if p.peek() != "id" {
			return item{}, p.errf("expected a variable name")
		}
		cur = append(cur, p.toks[p.i].text)
		p.i++
		switch p.peek() {
		case ":":
			p.i++
			continue
		case "*":
			p.i++
			groups = append(groups, cur)
			cur = []string{}
			continue
		case "/":
			return item{}, p.errf("'/' is only supported for nested grouping factors inside (… | g1/g2)")
		}
		break
	}
	groups = append(groups, cur)
	// A factor repeated in a product counts once (a*a*b = a + b + a:b in R).
	uniq := groups[:0]
	seenGroup := map[string]bool{}
	for _, g := range groups {
		if k := termKey(g); !seenGroup[k] {
			seenGroup[k] = true
			uniq = append(uniq, g)
		}
	}
	groups = uniq
	if len(groups) > MaxCrossedFactors {
		return item{}, p.errf("%d factors crossed with '*' expand to %d terms; at most %d factors (%d terms) may be crossed in one product: name the interactions wanted with ':'", len(groups), uint64(1)<<uint(min(len(groups), 63))-1, MaxCrossedFactors, 1<<MaxCrossedFactors-1)
	}
	var terms [][]string
	// All non-empty subsets of groups in R's order: by size, then lexicographic by position.
	n := len(groups)
	for size := 1; size <= n; size++ {
		var rec func(start int, acc []int)
		rec = func(start int, acc []int) {
			if len(acc) == size {
				var t []string
				seen := map[string]bool{}
				for _, g := range acc {
					for _, v := range groups[g] {
						if !seen[v] {
							seen[v] = true
							t = append(t, v)
						}
					}
				}
				terms = append(terms, t)
				return
			}
			for g := start; g < n; g++ {
				rec(g+1, append(acc, g))
			}
		}
		rec(0, nil)
	}
	return item{terms: terms, product: true}, nil
}

// expandNested turns (lhs | a/b/c) into (lhs | a), (lhs | b:a), (lhs | c:(b:a))
// with lme4's names; a group without '/' gives one term.
func expandNested(rt RandomTerm) []RandomTerm {
	var parts [][]string
	cur := []string{}
	for _, g := range rt.Group {
		if g == "/" {
			parts = append(parts, cur)
			cur = []string{}
			continue
		}
		cur = append(cur, g)
	}
	parts = append(parts, cur)
	var out []RandomTerm
	var vars []string
	name := ""
	for k, part := range parts {
		pn := strings.Join(part, ":")
		// Variables of the interaction, innermost first as lme4 pastes levels.
		vars = append(append([]string(nil), part...), vars...)
		if k == 0 {
			name = pn
		} else if strings.Contains(name, ":") {
			name = pn + ":(" + name + ")"
		} else {
			name = pn + ":" + name
		}
		out = append(out, RandomTerm{Intercept: rt.Intercept, Slopes: rt.Slopes, Group: append([]string(nil), vars...), Name: name, Uncorrelated: rt.Uncorrelated})
	}
	return out
}

// String writes the formula in lme4 syntax: y ~ 1 + a + a:b + (1 + t | g),
// which ParseFormula reads back to the same formula.
func (f Formula) String() string {
	var terms []string
	if !f.Intercept {
		terms = append(terms, "0")
	}
	for _, t := range f.Fixed {
		terms = append(terms, joinVars(t))
	}
	if len(terms) == 0 {
		terms = append(terms, "1")
	}
	for _, r := range f.Random {
		terms = append(terms, r.String())
	}
	return f.Response + " ~ " + strings.Join(terms, " + ")
}

// String writes the term as (1 + t | g), (0 + t | g) or (1 + t || g).
func (r RandomTerm) String() string {
	lhs := []string{"0"}
	if r.Intercept {
		lhs[0] = "1"
	}
	for _, s := range r.Slopes {
		lhs = append(lhs, joinVars(s))
	}
	bar := " | "
	if r.Uncorrelated {
		bar = " || "
	}
	return "(" + strings.Join(lhs, " + ") + bar + joinVars(r.Group) + ")"
}

// joinVars writes an interaction of variables, backquoting a plain name
// that R would (a call such as factor(arm) or I(t^2) is written as is).
func joinVars(vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v
		if !isSyntactic(v) && !strings.Contains(v, "(") {
			out[i] = "`" + v + "`"
		}
	}
	return strings.Join(out, ":")
}
