package datasets

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Table is a raw, column-oriented table of text cells as read from a file:
// a header and, for each column, the cells of every data row. It keeps the
// physical line (CSV/TSV) or row number (XLSX) of each record for error
// messages. Cells are stored as byte ranges into one buffer, so reading a
// large file allocates a few large slices rather than one string per cell.
//
// A Table is not modified by its methods and may be shared between
// goroutines for reading.
type Table struct {
	Name      string   // file name used in messages ("stdin" for -, "name[Sheet]" for XLSX)
	Header    []string // column names, trimmed; blank names become "V1", "V2", ... (1-based position)
	Delimiter rune     // field delimiter used (0 for XLSX)
	Decimal   rune     // decimal separator used for numbers ('.' or ',')
	// Encoding is the text encoding decoded to UTF-8 ("" for UTF-8):
	// "windows-1252" when the file was not valid UTF-8 (front ends say so).
	Encoding string

	frame bool // made by FromDataFrame: lines are 1-based row numbers

	// sheets lists the workbook's worksheets when this table is the first
	// sheet of a workbook with several, read because none was chosen: a
	// missing role column then says the data may be on another sheet.
	sheets []string

	buf   []byte
	start [][]uint32 // per column, start offset of each cell in buf
	end   [][]uint32 // per column, end offset of each cell in buf
	// lstart, for a table cut by plainRows, holds each row's line start;
	// start is then nil and end[j][i] is where field j's text ends before
	// trimming (the delimiter or line end after it): field j begins after
	// end[j−1][i] (field 0 at lstart[i]) and the cell is that text without
	// its surrounding blanks (when padded: some field had blanks around
	// it; else the text is the cell). Four bytes a cell instead of eight.
	lstart []uint32
	padded bool
	line   []int32 // per row, physical line of the record
	// typed holds, per column, the numbers of a numeric Parquet column of a
	// streamed block (nil: the column is cell text, as every column of a
	// table read whole); start and end are then unused for it.
	typed []*typedCol
	na    naSet
	naTxt []string
}

// NumRows returns the number of data rows (the header is not counted).
func (t *Table) NumRows() int { return len(t.line) }

// HeapBytes is about how much memory the table holds: its text and the
// cells' offsets (and a streamed block's typed numbers). A caller that has
// taken what it needs from a large table can say so to the collector
// (gcpace.Released).
func (t *Table) HeapBytes() int64 {
	n := int64(cap(t.buf)) + 4*int64(cap(t.lstart)+cap(t.line))
	for j := range t.end {
		n += 4 * int64(cap(t.end[j]))
		if j < len(t.start) {
			n += 4 * int64(cap(t.start[j]))
		}
	}
	for _, tc := range t.typed {
		if tc != nil {
			n += 8*int64(cap(tc.i64)+cap(tc.f64)) + int64(cap(tc.null))
		}
	}
	return n
}

// NumCols returns the number of columns.
func (t *Table) NumCols() int { return len(t.Header) }

// Line returns the physical line (or XLSX row number) of data row i; for
// a table made by FromDataFrame, its 1-based row number (i + 1).
func (t *Table) Line(i int) int { return int(t.line[i]) }

// LineFunc returns Line as a function that holds the line numbers only, not
// the table's cells (which it leaves collectable), without copying them.
func (t *Table) LineFunc() func(i int) int {
	line := t.line
	return func(i int) int { return int(line[i]) }
}

// Lines returns the physical line (or XLSX row number) of every data row
// (row numbers for a table made by FromDataFrame).
func (t *Table) Lines() []int {
	out := make([]int, len(t.line))
	for i, l := range t.line {
		out[i] = int(l)
	}
	return out
}

// NA returns the missing-value codes in force: the defaults ("", "NA", ".")
// and those given in ReadOptions.NA.
func (t *Table) NA() []string { return append([]string(nil), t.naTxt...) }

// ColumnIndex returns the position of the column whose name equals name
// ignoring case and surrounding blanks, or -1. It returns -2 when several
// columns match.
func (t *Table) ColumnIndex(name string) int {
	name = strings.TrimSpace(name)
	idx := -1
	for j, h := range t.Header {
		if strings.EqualFold(h, name) {
			if idx >= 0 {
				return -2
			}
			idx = j
		}
	}
	return idx
}

// Column returns the column named name (case-insensitive). The error lists
// the available columns.
func (t *Table) Column(name string) (*Column, error) {
	switch j := t.ColumnIndex(name); j {
	case -1:
		p := t.problems()
		p.addf(0, "", nil, "column %q not found; columns are: %s", name, t.columnList())
		return nil, p.err()
	case -2:
		p := t.problems()
		p.addf(0, "", nil, "column name %q is ambiguous: several columns match it ignoring case; rename them", name)
		return nil, p.err()
	default:
		return t.Col(j), nil
	}
}

// Col returns column j (0-based); it panics if j is out of range, like a slice index.
func (t *Table) Col(j int) *Column { return &Column{t: t, j: j, Name: t.Header[j]} }

// where names lines of t in a message: "line 3", "lines 3 and 5"; for a
// table made by FromDataFrame, the 0-based row indices, "index 2",
// "indices 2 and 4" (as Problem.String indexes a column).
func (t *Table) where(lines ...int) string {
	word, plural, off := "line", "lines", 0
	if t.frame {
		word, plural, off = "index", "indices", 1
	}
	if len(lines) == 1 {
		return fmt.Sprintf("%s %d", word, lines[0]-off)
	}
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = strconv.Itoa(l - off)
	}
	return plural + " " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func (t *Table) columnList() string { return ListNames(t.Header) }

// ColumnList is the table's column names for a message: ListNames(Header).
func (t *Table) ColumnList() string { return ListNames(t.Header) }

// MaxListed is the number of names a message lists before it counts the
// rest.
const MaxListed = 30

// ListNames joins names for a message with ", ": at most MaxListed names,
// each cut to 60 characters, then "… and N more", so that a 100,000-column
// header gives a one-line message.
func ListNames(names []string) string {
	n := min(len(names), MaxListed)
	parts := make([]string, n, n+1)
	for i := range parts {
		parts[i] = cutValue(names[i], 60)
	}
	if len(names) > n {
		parts = append(parts, fmt.Sprintf("… and %d more", len(names)-n))
	}
	return strings.Join(parts, ", ")
}

// cell returns the trimmed bytes of cell (i, j). The slice aliases the
// table's buffer and must not be modified.
func (t *Table) cell(i, j int) []byte {
	if t.typed != nil && t.typed[j] != nil {
		return t.typed[j].text(i, byte(t.Decimal))
	}
	if t.lstart != nil {
		c := t.cells(j)
		return c.at(i)
	}
	return t.buf[t.start[j][i]:t.end[j][i]]
}

// cellCutter gives the trimmed bytes of one column's text cells with the
// table's lookups made once (cells).
type cellCutter struct {
	buf    []byte
	starts []uint32 // cell starts; cut by plainRows, line starts (column 0) or the previous field's ends
	end    []uint32
	off    uint32 // 1 when starts are the previous field's ends (the delimiter is skipped)
	trim   bool   // cut by plainRows from padded text: the text between is trimmed here
	delim  byte
}

// cells is the cutter of column j (not a typed one).
func (t *Table) cells(j int) cellCutter {
	c := cellCutter{buf: t.buf, end: t.end[j], delim: byte(t.Delimiter), trim: t.padded}
	switch {
	case t.lstart == nil:
		c.starts = t.start[j]
	case j == 0:
		c.starts = t.lstart
	default:
		c.starts, c.off = t.end[j-1], 1
	}
	return c
}

// at is cell i of the column.
func (c *cellCutter) at(i int) []byte {
	b := c.buf[c.starts[i]+c.off : c.end[i]]
	if c.trim {
		return trimSpace(b, c.delim)
	}
	return b
}

// Column is a view of one column of a Table.
type Column struct {
	Name string // header name as spelled in the file
	t    *Table
	j    int
}

// Len returns the number of cells (rows).
func (c *Column) Len() int { return c.t.NumRows() }

// Index returns the column's position in the header.
func (c *Column) Index() int { return c.j }

// Bytes returns the text of cell i without surrounding blanks, unquoted.
// The slice aliases the table and must not be modified.
func (c *Column) Bytes(i int) []byte { return c.t.cell(i, c.j) }

// String returns the text of cell i without surrounding blanks, unquoted.
func (c *Column) String(i int) string { return string(c.t.cell(i, c.j)) }

// Missing reports whether cell i is a missing-value code: empty, "NA", ".",
// or one of ReadOptions.NA (numeric codes also match the same number written
// differently, e.g. -99.0 for -99).
func (c *Column) Missing(i int) bool {
	if tc := c.t.typedCol(c.j); tc != nil {
		if _, ok := tc.number(i, &c.t.na); ok {
			return false
		}
	}
	return c.t.textMissing(c.t.cell(i, c.j))
}

// textMissing reports whether the text cell b is missing: empty, a
// missing-value code, or a number equal to a numeric one.
func (t *Table) textMissing(b []byte) bool {
	if t.na.isCode(b) {
		return true
	}
	if len(t.na.nums) > 0 {
		if v, err := parseNumber(b, byte(t.Decimal)); err == nil && t.na.isNum(v) {
			return true
		}
	}
	return false
}

// Float parses cell i as a number with the table's decimal separator.
// A missing cell gives (NaN, true, nil); a cell that is neither missing nor
// a finite number gives an error explaining why.
func (c *Column) Float(i int) (v float64, missing bool, err error) {
	if tc := c.t.typedCol(c.j); tc != nil {
		if x, ok := tc.number(i, &c.t.na); ok {
			return x, false, nil
		}
	}
	return c.t.textFloat(c.t.cell(i, c.j))
}

// textFloat is Float of the text cell b: NaN and missing for a
// missing-value code (or a number equal to a numeric one), NaN and the
// error for text that is not a number.
func (t *Table) textFloat(b []byte) (v float64, missing bool, err error) {
	if t.na.isCode(b) {
		return math.NaN(), true, nil
	}
	v, err = parseNumber(b, byte(t.Decimal))
	if err != nil {
		return math.NaN(), false, err
	}
	if len(t.na.nums) > 0 && t.na.isNum(v) {
		return math.NaN(), true, nil
	}
	return v, false, nil
}

// Floats parses every cell as a number; missing cells become NaN. Cells that
// are not numbers are reported together in an *InputError, one problem per
// cell with file, line, column and value.
func (c *Column) Floats() ([]float64, error) {
	out := make([]float64, c.Len())
	p := c.t.problems()
	for i := range out {
		v, _, err := c.Float(i)
		if err != nil {
			p.num(c.t.Line(i), c.Name, c.Bytes(i), err)
		}
		out[i] = v
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Strings returns every cell as text; missing cells become "".
func (c *Column) Strings() []string {
	out := make([]string, c.Len())
	for i := range out {
		if !c.Missing(i) {
			out[i] = c.String(i)
		}
	}
	return out
}

// Thresholds of Column.Numbers: a column whose non-missing cells are at least
// MostlyNumbersShare numbers, and at least MostlyNumbersMin of them, but not
// all, is taken to hold numbers with typos rather than text.
const (
	MostlyNumbersShare = 0.8
	MostlyNumbersMin   = 3
)

// Numbers types the column and parses it in one pass. With m non-missing
// cells of which p are finite numbers (see Float):
//
//   - p = m ≥ 1: the column is numeric; v holds every cell, NaN where
//     missing, and numeric is true.
//   - p < m, p ≥ MostlyNumbersMin and p ≥ MostlyNumbersShare·m: the column
//     is mostly numbers, so the other cells are most likely typos ("199 4",
//     "12..5", "n/a" not declared as missing). Numbers returns an
//     *InputError with one problem per such cell (file, line, column,
//     value, and what to do; at most MaxProblems are listed), numeric false
//     and v nil, rather than silently reading the column as text labels.
//   - otherwise (few numbers, or no non-missing cell at all): the column is
//     text; v is nil, numeric is false and err is nil.
func (c *Column) Numbers() (v []float64, numeric bool, err error) {
	n := c.Len()
	v = make([]float64, n)
	m, p := c.parseAll(v)
	switch {
	case m > 0 && p == m:
		return v, true, nil
	case p < MostlyNumbersMin || float64(p) < MostlyNumbersShare*float64(m):
		return nil, false, nil
	}
	probs := c.t.problems()
	hint := fmt.Sprintf("; %d of the column's %d non-missing cells are numbers, so this looks like a typo: "+
		"correct it, or declare it a missing-value code "+
		"(if the column holds labels rather than numbers, start every label with a letter)", p, m)
	for i := 0; i < n; i++ {
		if _, _, perr := c.Float(i); perr != nil {
			h := numHint(perr)
			if h == "" {
				h = "na"
			}
			probs.addh(c.t.Line(i), c.Name, c.Bytes(i), h, "%s", perr.Error()+hint)
		}
	}
	return nil, false, probs.err()
}

// Codes codes the column as a factor: codes[i] is the index in levels of
// cell i's text (trimmed, unquoted), −1 where the cell is missing (see
// Missing); levels are the distinct texts in order of first appearance. A
// cell equal to the non-missing one above it takes its code without a
// lookup or a missing-value check (missingness is a property of the text),
// so that grouped rows (a patient's sessions) cost a comparison each.
func (c *Column) Codes() (codes []int32, levels []string) {
	n := c.Len()
	codes = make([]int32, n)
	ids := levelIndex{denseMax: 4*n + 1024}
	t := c.t
	typed := t.typedCol(c.j) != nil
	var cut cellCutter
	if !typed {
		cut = t.cells(c.j)
	}
	var prev []byte
	have := false
	cur := int32(-1) // the code of prev
	for i := range n {
		var b []byte
		if typed {
			b = c.Bytes(i)
		} else {
			b = cut.at(i)
		}
		if have && sameBytes(b, prev) {
			codes[i] = cur
			continue
		}
		if typed && c.Missing(i) || !typed && t.textMissing(b) {
			codes[i], have = -1, false
			continue
		}
		k, ok := ids.code(b)
		if !ok {
			k = int32(len(levels))
			ids.add(b, k)
			levels = append(levels, string(b))
		}
		codes[i] = k
		prev, have, cur = b, true, k
	}
	return codes, levels
}

// levelIndex maps a cell's text to its level code. Canonical non-negative
// integers ("0", "17"; not "017" or "+17", which are other texts) below
// denseMax are looked up by value in a slice, as id columns mostly number
// their groups 1…n; other texts through a map.
type levelIndex struct {
	denseMax int
	dense    []int32 // dense[v]: 1 + the code of the text of v, 0 if not seen
	other    map[string]int32
}

// denseID is the value of b if b is a canonical non-negative integer
// below max.
func denseID(b []byte, max int) (int, bool) {
	if len(b) == 0 || len(b) > 9 || (b[0] == '0' && len(b) > 1) {
		return 0, false
	}
	v := 0
	for _, c := range b {
		if c-'0' >= 10 {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, v < max
}

// code is the code of text b, if it has one.
func (x *levelIndex) code(b []byte) (int32, bool) {
	if v, ok := denseID(b, x.denseMax); ok {
		if v < len(x.dense) && x.dense[v] > 0 {
			return x.dense[v] - 1, true
		}
		return 0, false
	}
	k, ok := x.other[string(b)]
	return k, ok
}

// add gives text b code k.
func (x *levelIndex) add(b []byte, k int32) {
	if v, ok := denseID(b, x.denseMax); ok {
		if v >= len(x.dense) { // at least double, to at most denseMax
			old, n := len(x.dense), max(v+1, min(2*len(x.dense), x.denseMax))
			x.dense = slices.Grow(x.dense, n-old)[:n]
			clear(x.dense[old:])
		}
		x.dense[v] = k + 1
		return
	}
	if x.other == nil {
		x.other = map[string]int32{}
	}
	x.other[string(b)] = k
}

// sameBytes is bytes.Equal written out for the short cells of an id
// column, where the call to the runtime's comparison costs more than the
// comparison.
func sameBytes(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// parseAll sets v[i] to Float(i)'s value for every cell and counts the
// cells that are not missing (m) and those of them that are numbers (p).
// For a column of text cells the lookups Float makes per cell (the typed
// column, the cell's offsets, the separator) are made once.
func (c *Column) parseAll(v []float64) (m, p int) {
	t := c.t
	typed := t.typedCol(c.j) != nil
	var cut cellCutter
	if !typed {
		cut = t.cells(c.j)
	}
	if !typed && t.lstart != nil && !cut.trim && len(t.na.nums) == 0 {
		return t.parsePlainCells(v, cut)
	}
	for i := range v {
		var miss bool
		var perr error
		if typed {
			v[i], miss, perr = c.Float(i)
		} else {
			v[i], miss, perr = t.textFloat(cut.at(i))
		}
		if !miss {
			m++
			if perr == nil {
				p++
			}
		}
	}
	return m, p
}

// parsePlainCells is parseAll for the cells of a table cut by plainRows
// without blanks to trim and without numeric missing-value codes: a cell
// that is a plain number (plainNumber) and does not start as a missing-value
// code may start is read straight from its offsets; any other goes through
// textFloat. The values are textFloat's.
func (t *Table) parsePlainCells(v []float64, cut cellCutter) (m, p int) {
	dec := byte(t.Decimal)
	buf, starts, end, off := cut.buf, cut.starts[:len(v)], cut.end[:len(v)], cut.off
	for i := range v {
		b := buf[starts[i]+off : end[i]]
		if len(b) > 0 && !t.na.first[b[0]] {
			if x, ok := plainNumber(b, dec); ok {
				v[i] = x
				m++
				p++
				continue
			}
		}
		x, miss, err := t.textFloat(b)
		v[i] = x
		if !miss {
			m++
			if err == nil {
				p++
			}
		}
	}
	return m, p
}

// IsNumeric reports whether every non-missing cell is a number, and whether
// there is at least one such cell.
func (c *Column) IsNumeric() bool {
	any := false
	for i := 0; i < c.Len(); i++ {
		_, miss, err := c.Float(i)
		if err != nil {
			return false
		}
		any = any || !miss
	}
	return any
}
