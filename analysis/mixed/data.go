package mixed

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Data holds the columns a formula refers to, by name (names are matched
// exactly). All columns must have the same length, one entry per row. A
// Model keeps the slices, not copies (its rows are made from them when a
// profile, a bootstrap or ranova needs them, and refits read them): they
// must not be modified while the Model is used.
//
// Numeric columns are used as numbers in the fixed part and as random-slope
// variables; as grouping factors their distinct values are the levels. Text
// columns are factors: in the fixed part they are coded with treatment
// contrasts against the first level in sorted (byte) order, and columns are
// named as R names them, variable then level (groupB). Rows holding NaN in
// any numeric column the model uses are dropped, as R's na.omit does; text
// values are used as given (map missing codes before calling Fit).
type Data struct {
	Numeric map[string][]float64
	Text    map[string][]string
	// Factors are text columns given as codes into their labels, as a
	// reader that meets each distinct value once can hand them over without
	// a string per row; they are used exactly as a Text column holding
	// Labels[Codes[i]] would be (levels sorted by label).
	Factors map[string]Factor
	// Source and Line, when set, name the data's file and the line of data
	// row i (0-based), for messages about a row ("file.csv line 12" instead
	// of "data row 11"). Line is a function so that a reader's own line
	// table serves without a copy per row (datasets.Table.Line).
	Source string
	Line   func(i int) int
}

// Factor is a text column coded as Codes[i], an index into Labels, for
// each row. Labels need not be sorted or all used: the levels are the
// labels of the rows a model uses, in sorted (byte) order, as for Text.
type Factor struct {
	Codes  []int32
	Labels []string
}

// rowName names data row i (0-based) for a message.
func (d Data) rowName(i int) string {
	if d.Line != nil {
		if d.Source != "" {
			return fmt.Sprintf("%s line %d", d.Source, d.Line(i))
		}
		return fmt.Sprintf("line %d", d.Line(i))
	}
	return fmt.Sprintf("data row %d", i+1)
}

// column kinds
type column struct {
	num    []float64
	text   []string
	coded  *Factor  // a text column given coded (Data.Factors)
	factor bool     // factor(x): a factor even when numeric
	levels []string // sorted levels (when used as a factor)
	codes  []int32  // level index per kept row (when used as a factor)
	// polyDegree is k of poly(x, k) (num holds x) and poly its basis,
	// fitted over the rows used (poly.go).
	polyDegree int
	poly       *polyBasis
	contrast   string // a factor's coding: "" (treatment), "sum" or "helmert"
	// expr is the parsed transform of a transformed variable, or the
	// argument of poly(); nil for a plain column.
	expr *expr
}

// lookup finds the column of a formula variable; factor(x) is column x
// marked to be coded as a factor.
func (d Data) lookup(name string) (*column, error) {
	if v, ok := d.Numeric[name]; ok {
		return &column{num: v}, nil
	}
	if v, ok := d.Text[name]; ok {
		return &column{text: v}, nil
	}
	if v, ok := d.Factors[name]; ok {
		for i, c := range v.Codes {
			if c < 0 || int(c) >= len(v.Labels) {
				return nil, errs.New(errs.InvalidOption, "mixed", "factor %q: row %d has code %d, which is not an index into its %d labels", name, i+1, c, len(v.Labels))
			}
		}
		return &column{coded: &v}, nil
	}
	if x, ok := FactorOf(name); ok {
		c, err := d.lookup(x)
		if err != nil {
			return nil, err
		}
		c.factor = true
		return c, nil
	}
	if e, ok := transformOf(name); ok {
		c, err := d.transformColumn(name, e)
		if err == nil {
			c.expr = e
		}
		return c, err
	}
	if arg, k, ok := polyOf(name); ok {
		c, err := d.polyColumn(name, arg, k)
		if err == nil {
			c.expr = arg
		}
		return c, err
	}
	var have []string
	for k := range d.Numeric {
		have = append(have, k)
	}
	for k := range d.Text {
		have = append(have, k)
	}
	for k := range d.Factors {
		have = append(have, k)
	}
	sort.Strings(have)
	return nil, errs.New(errs.InvalidOption, "mixed", "the formula uses column %q, which the data do not have (columns: %s)", name, strings.Join(have, ", "))
}

func (c *column) len() int {
	switch {
	case c.num != nil:
		return len(c.num)
	case c.coded != nil:
		return len(c.coded.Codes)
	}
	return len(c.text)
}

// label returns the text of row i of a text column (plain or coded).
func (c *column) label(i int) string {
	if c.coded != nil {
		return c.coded.Labels[c.coded.Codes[i]]
	}
	return c.text[i]
}

// makeFactor codes the rows keep of the column: levels sorted (text in byte
// order, numbers numerically), codes[k] the level of row keep[k]. Labels of
// numeric levels are formatted as R prints them (shortest round-trip).
func (c *column) makeFactor(keep []int) {
	if c.codes != nil {
		return
	}
	if c.num != nil {
		var vals []float64
		c.codes, vals = codeLevels(keep, func(i int) float64 { return c.num[i] })
		c.relabel(sortedPerm(vals), func(i int) string { return strconv.FormatFloat(vals[i], 'g', -1, 64) })
		return
	}
	if f := c.coded; f != nil {
		vals := c.codeCoded(keep)
		labels := make([]string, len(vals))
		for k, v := range vals {
			labels[k] = f.Labels[v]
		}
		c.relabel(sortedLabelPerm(labels), func(i int) string { return labels[i] })
		return
	}
	var vals []string
	c.codes, vals = codeLevels(keep, func(i int) string { return c.text[i] })
	c.relabel(sortedLabelPerm(vals), func(i int) string { return vals[i] })
}

// codeLevels numbers the distinct values of rows keep in order of first
// appearance: codes[k] is the number of value(keep[k]), vals the values.
func codeLevels[T comparable](keep []int, value func(int) T) (codes []int32, vals []T) {
	codes = make([]int32, len(keep))
	id := map[T]int32{}
	var last T
	for k, i := range keep {
		v := value(i)
		if k > 0 && v == last { // rows of a group are usually contiguous
			codes[k] = codes[k-1]
			continue
		}
		last = v
		x, ok := id[v]
		if !ok {
			x = int32(len(vals))
			id[v] = x
			vals = append(vals, v)
		}
		codes[k] = x
	}
	return codes, vals
}

// codeCoded is codeLevels for a coded column: the labels' indices are
// small integers, so a slice (one entry per label) numbers them instead of
// a map. It sets c.codes and returns the label index of each number.
func (c *column) codeCoded(keep []int) (vals []int32) {
	f := c.coded
	id := make([]int32, len(f.Labels))
	for i := range id {
		id[i] = -1
	}
	c.codes = make([]int32, len(keep))
	for k, i := range keep {
		v := f.Codes[i]
		x := id[v]
		if x < 0 {
			x = int32(len(vals))
			id[v] = x
			vals = append(vals, v)
		}
		c.codes[k] = x
	}
	return vals
}

// sortedPerm returns the indices of vals in increasing order of value.
func sortedPerm[T cmp.Ordered](vals []T) []int {
	perm := make([]int, len(vals))
	for i := range perm {
		perm[i] = i
	}
	slices.SortFunc(perm, func(a, b int) int { return cmp.Compare(vals[a], vals[b]) })
	return perm
}

// relabel renumbers codes so that level perm[i] becomes i.
func (c *column) relabel(perm []int, label func(int) string) {
	inv := make([]int32, len(perm))
	c.levels = make([]string, len(perm))
	for newi, old := range perm {
		inv[old] = int32(newi)
		c.levels[newi] = label(old)
	}
	for k, x := range c.codes {
		c.codes[k] = inv[x]
	}
}

// groupFactor codes the interaction of the columns (already coded by
// makeFactor over the same rows): level labels are the variables' labels
// joined by ":" (as lme4 pastes them), sorted with the last variable most
// significant.
func groupFactor(cols []*column) (codes []int32, labels []string) {
	if len(cols) == 1 {
		return cols[0].codes, cols[0].levels
	}
	if c, l, ok := nestedIn(cols); ok {
		return c, l
	}
	n := len(cols[0].codes)
	codes = make([]int32, n)
	// The key of a row is its codes in mixed radix (the level counts) when
	// that fits an int, else their bytes.
	radix := fitsRadix(cols)
	// The finest column's level count is the usual number of groups.
	hint := 0
	for _, c := range cols {
		hint = max(hint, len(c.levels))
	}
	idInt := make(map[int]int, hint)
	id := map[string]int{}
	var tuples [][]int
	key := make([]byte, 0, 8*len(cols))
	for k := 0; k < n; k++ {
		if k > 0 { // rows of a group are usually contiguous
			same := true
			for _, c := range cols {
				if c.codes[k] != c.codes[k-1] {
					same = false
					break
				}
			}
			if same {
				codes[k] = codes[k-1]
				continue
			}
		}
		var x int
		var ok bool
		if radix {
			kv := 0
			for _, c := range cols {
				kv = kv*max(len(c.levels), 1) + int(c.codes[k])
			}
			if x, ok = idInt[kv]; !ok {
				idInt[kv] = len(tuples)
			}
		} else {
			key = key[:0]
			for _, c := range cols {
				v := int(c.codes[k])
				key = append(key, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
			}
			if x, ok = id[string(key)]; !ok {
				id[string(key)] = len(tuples)
			}
		}
		if !ok {
			x = len(tuples)
			t := make([]int, len(cols))
			for v, c := range cols {
				t[v] = int(c.codes[k])
			}
			tuples = append(tuples, t)
		}
		codes[k] = int32(x)
	}
	order := tupleOrder(cols, len(tuples), func(v, t int) int { return tuples[t][v] })
	labels = tupleLabels(cols, order, func(v, t int) int { return tuples[t][v] })
	inv := make([]int, len(order))
	for r, t := range order {
		inv[t] = r
	}
	for k := range codes {
		codes[k] = int32(inv[codes[k]])
	}
	return codes, labels
}

// nestedIn is groupFactor when each level of one column f (the last, else
// the one with the most levels) occurs with one level of every other column (patients
// nested in therapists, each patient with an id of its own): the
// interaction's levels are then f's, one tuple each, and only their order
// (the last variable most significant) and labels are made — no map over
// the rows' tuples. When f is the last column that order is f's own and
// its codes serve as they are. ok is false when a level of f meets two
// levels of another column, or none (no row has it).
func nestedIn(cols []*column) (codes []int32, labels []string, ok bool) {
	last, finest := len(cols)-1, 0
	for v, c := range cols {
		if len(c.levels) > len(cols[finest].levels) {
			finest = v
		}
	}
	if codes, labels, ok = nestedOn(cols, last); ok || finest == last {
		return codes, labels, ok
	}
	return nestedOn(cols, finest)
}

// nestedOn is nestedIn with column f as the one that determines the others.
func nestedOn(cols []*column, f int) (codes []int32, labels []string, ok bool) {
	fine := cols[f]
	nl := len(fine.levels)
	of := make([][]int32, len(cols)) // of[v][l]: the level of column v with fine level l
	for v := range cols {
		if v == f {
			continue
		}
		of[v] = make([]int32, nl)
		for l := range of[v] {
			of[v][l] = -1
		}
	}
	for k, l := range fine.codes {
		for v, c := range cols {
			if v == f {
				continue
			}
			switch x := of[v][l]; {
			case x < 0:
				of[v][l] = c.codes[k]
			case x != c.codes[k]:
				return nil, nil, false
			}
		}
	}
	level := func(v, l int) int { // column v's level in fine level l's tuple
		if v == f {
			return l
		}
		return int(of[v][l])
	}
	for l := range nl {
		if level((f+1)%len(cols), l) < 0 { // a level no row has: the general path leaves it out
			return nil, nil, false
		}
	}
	if f == len(cols)-1 { // the tuples' order is the fine levels' own
		order := make([]int, nl)
		for l := range order {
			order[l] = l
		}
		return fine.codes, tupleLabels(cols, order, level), true
	}
	order := tupleOrder(cols, nl, level) // order[r]: the fine level of rank r
	labels = tupleLabels(cols, order, level)
	rank := make([]int32, nl)
	for r, l := range order {
		rank[l] = int32(r)
	}
	codes = make([]int32, len(fine.codes))
	for k, l := range fine.codes {
		codes[k] = rank[l]
	}
	return codes, labels, true
}

// fitsRadix reports whether a tuple of the columns' levels fits an int in
// mixed radix (the product of the level counts below 2⁶²).
func fitsRadix(cols []*column) bool {
	span := 1
	for _, c := range cols {
		if span > (1<<62)/max(len(c.levels), 1) {
			return false
		}
		span *= max(len(c.levels), 1)
	}
	return true
}

// tupleOrder orders nt tuples of the columns' levels (level(v, t): column
// v's level in tuple t) with the last variable most significant, as lme4
// orders an interaction's levels: order[r] is the tuple of rank r. Tuples
// that fit a mixed-radix int are radix-sorted by it (sortKeys); others are
// compared variable by variable.
func tupleOrder(cols []*column, nt int, level func(v, t int) int) []int {
	nv := len(cols)
	order := make([]int, nt)
	if fitsRadix(cols) {
		keys := make([]labelKey, nt)
		for t := range keys {
			kv := 0
			for v := nv - 1; v >= 0; v-- {
				kv = kv*max(len(cols[v].levels), 1) + level(v, t)
			}
			keys[t] = labelKey{uint64(kv), t}
		}
		sortKeys(keys)
		for r, key := range keys {
			order[r] = key.i
		}
		return order
	}
	for t := range order {
		order[t] = t
	}
	slices.SortFunc(order, func(a, b int) int {
		for v := nv - 1; v >= 0; v-- {
			if la, lb := level(v, a), level(v, b); la != lb {
				return cmp.Compare(la, lb)
			}
		}
		return 0
	})
	return order
}

// tupleLabels labels the tuples in order as lme4 pastes them: the
// variables' levels joined by ":".
func tupleLabels(cols []*column, order []int, level func(v, t int) int) []string {
	labels := make([]string, len(order))
	parts := make([]string, len(cols))
	for r, t := range order {
		for v, c := range cols {
			parts[v] = c.levels[level(v, t)]
		}
		labels[r] = strings.Join(parts, ":")
	}
	return labels
}

// isFactor reports whether the column is coded as a factor in the fixed
// part: text, or factor(x) of a numeric column.
func (c *column) isFactor() bool { return c.text != nil || c.coded != nil || c.factor }

// codeFactors codes the fixed part's factors (makeFactor), sets their
// contrasts (Options.Contrasts) and moves each reference level of ref
// (variable → level) first, as R's relevel; a reference for a variable
// that is not a factor of the fixed part, or a level the data do not have,
// is an error.
func codeFactors(f Formula, cols map[string]*column, keep []int, ref map[string]string, contrasts string) error {
	switch contrasts {
	case "", "treatment", "sum", "helmert":
	default:
		return errs.New(errs.InvalidOption, "mixed", "contrasts %q: give treatment, sum or helmert", contrasts).WithHint("Contrasts")
	}
	used := map[string]bool{}
	for _, t := range f.Fixed {
		for _, v := range t {
			c := cols[v]
			if !c.isFactor() {
				continue
			}
			c.makeFactor(keep)
			c.contrast = contrasts
			name, level, ok := v, "", false
			if level, ok = ref[v]; !ok {
				if x, isF := FactorOf(v); isF {
					name = x
					level, ok = ref[x]
				}
			}
			if !ok || used[v] {
				continue
			}
			used[v], used[name] = true, true
			i := slices.Index(c.levels, level)
			if i < 0 {
				return errs.New(errs.InvalidOption, "mixed", "reference level %s=%s: %s has no level %q (levels: %s)", name, level, name, level, strings.Join(c.levels, ", ")).WithHint("Ref")
			}
			perm := []int{i}
			for j := range c.levels {
				if j != i {
					perm = append(perm, j)
				}
			}
			old := append([]string(nil), c.levels...)
			c.relabel(perm, func(j int) string { return old[j] })
		}
	}
	for v := range ref {
		if !used[v] {
			return errs.New(errs.InvalidOption, "mixed", "reference level for %q: it is not a factor of the fixed part of the model", v).WithHint("Ref")
		}
	}
	return nil
}

// factorPart is the columns of factor v in a term: an indicator of every
// level when the term without v is absent (full), and otherwise the
// columns of its contrast matrix C (levels × levels−1) — treatment:
// indicators of levels 2…L, named v + level; sum (contr.sum): C[l][j] = 1
// for l = j, −1 for the last level; Helmert (contr.helmert): C[l][j] = −1
// for l ≤ j, j+1 for l = j+1, 0 above — named v1 … v(L−1), as R names them.
func factorPart(v string, c *column, full bool) termPart {
	L := len(c.levels)
	var p termPart
	add := func(name string, coding []float64) {
		code := c.codes
		p.names = append(p.names, name)
		p.levels, p.degrees, p.coding = append(p.levels, 0), append(p.degrees, 0), append(p.coding, coding)
		p.vals = append(p.vals, func(_, k int) float64 { return coding[code[k]] })
	}
	if full || c.contrast == "" || c.contrast == "treatment" {
		first := 1
		if full {
			first = 0
		}
		for l := first; l < L; l++ {
			ind := make([]float64, L)
			ind[l] = 1
			add(v+c.levels[l], ind)
		}
		return p
	}
	for j := 0; j < L-1; j++ {
		col := make([]float64, L)
		switch c.contrast {
		case "sum":
			col[j], col[L-1] = 1, -1
		case "helmert":
			for l := 0; l <= j; l++ {
				col[l] = -1
			}
			col[j+1] = float64(j + 1)
		}
		add(v+strconv.Itoa(j+1), col)
	}
	return p
}

// factorCodings lists the fixed part's factors in formula order.
func (d *design) factorCodings() []FactorCoding {
	var out []FactorCoding
	seen := map[string]bool{}
	for _, t := range d.formula.Fixed {
		for _, v := range t {
			c := d.cols[v]
			if seen[v] || !c.isFactor() {
				continue
			}
			seen[v] = true
			ct := c.contrast
			if ct == "" {
				ct = "treatment"
			}
			out = append(out, FactorCoding{Variable: v, Levels: append([]string(nil), c.levels...), Contrasts: ct})
		}
	}
	return out
}
