package datasets

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/parquet-go/parquet-go"
)

// typedCol is a numeric Parquet column of a streamed block held as numbers
// rather than as cell text: an INT32, INT64 (signed, or unsigned 32-bit) or
// DOUBLE column read page by page straight into a Go slice. Its cells mean
// exactly what the cell text readParquet writes for them means (an integer
// in decimal, a double as its shortest round-trip text): text formats that
// text, and number returns the value the text path parses from it when it
// can tell without the text. The loaders' checks (missing-value codes,
// non-finite numbers, whole session numbers, ...) therefore stay the text
// path's, with its messages; they only skip the formatting and parsing of
// the ordinary cell, a finite number that is no missing-value code.
type typedCol struct {
	kind parquetKind // pqInt32, pqUint32 or pqInt64 (in i64), pqDouble (in f64)
	i64  []int64
	f64  []float64
	null []bool // nil when the block has no null
}

// typedKind reports whether a column of kind k is read as a typedCol.
func typedKind(k parquetKind) bool {
	return parquetTyped && (k == pqInt32 || k == pqUint32 || k == pqInt64 || k == pqDouble)
}

// parquetTyped switches typed columns on; tests turn it off to compare
// with the text path.
var parquetTyped = true

func (c *typedCol) isNull(i int) bool { return c.null != nil && c.null[i] }

// text is cell i's text as readParquet writes it (nil for a null), with
// the decimal separator dec.
func (c *typedCol) text(i int, dec byte) []byte {
	if c.isNull(i) {
		return nil
	}
	if c.kind != pqDouble {
		return strconv.AppendInt(nil, c.i64[i], 10)
	}
	b := strconv.AppendFloat(nil, c.f64[i], 'g', -1, 64)
	if dec == ',' {
		for k, x := range b {
			if x == '.' {
				b[k] = ','
			}
		}
	}
	return b
}

// number returns cell i as the number the text path reads from its text,
// and true, when the cell is a finite number that is not a missing-value
// code of na; otherwise false, and the caller reads the cell's text (a
// null, a code, NaN or ±Inf, with the text path's messages).
//
// Why the value is the text path's: parseNumber is correctly rounded, so
// it reads an integer's decimal text as float64(v) (Go's conversion rounds
// to nearest, ties to even, as does correct rounding) and the shortest
// round-trip text of a double as that double, −0 included. A cell whose
// text equals a code exactly is also one of na's numeric codes (codes that
// are numbers are kept parsed), so a value that is not one of those is no
// code.
func (c *typedCol) number(i int, na *naSet) (float64, bool) {
	if c.isNull(i) {
		return 0, false
	}
	var v float64
	if c.kind == pqDouble {
		v = c.f64[i]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, false
		}
	} else {
		v = float64(c.i64[i])
	}
	if len(na.nums) > 0 && na.isNum(v) {
		return 0, false
	}
	return v, true
}

// same reports whether cells i and k are both non-null with the same text.
func (c *typedCol) same(i, k int) bool {
	if c.isNull(i) || c.isNull(k) {
		return false
	}
	if c.kind == pqDouble {
		return math.Float64bits(c.f64[i]) == math.Float64bits(c.f64[k])
	}
	return c.i64[i] == c.i64[k]
}

// typed returns column j's typedCol, or nil for a column of cell text.
func (t *Table) typedCol(j int) *typedCol {
	if t.typed == nil {
		return nil
	}
	return t.typed[j]
}

// readTypedChunk reads the n values of a numeric column chunk (the row
// group starting at 0-based row first) into a typedCol. Plain-encoded
// pages are copied as slices of their values (page.Data) with the nulls
// from the definition levels; dictionary-encoded or other pages are read
// value by value. *row follows the 1-based row being read, for messages.
func readTypedChunk(name, column string, cc parquet.ColumnChunk, n int64, first int, kind parquetKind, buf []parquet.Value, row *int) (c *typedCol, err error) {
	c = &typedCol{kind: kind}
	if kind == pqDouble {
		c.f64 = make([]float64, 0, n)
	} else {
		c.i64 = make([]int64, 0, n)
	}
	got := 0
	more := func(m int) error {
		if int64(got+m) > n {
			return parquetDamaged(name, *row, column, fmt.Errorf("more values than the row group's %d rows", n))
		}
		return nil
	}
	nullAt := func(i int) {
		if c.null == nil {
			c.null = make([]bool, n)
		}
		c.null[i] = true
	}
	pages := cc.Pages()
	defer func() {
		if cerr := pages.Close(); cerr != nil && err == nil {
			c, err = nil, parquetDamaged(name, *row, column, cerr)
		}
	}()
	for {
		p, perr := pages.ReadPage()
		if perr == io.EOF {
			break
		}
		if perr != nil {
			return nil, parquetDamaged(name, *row, column, perr)
		}
		m, ok, derr := c.appendPage(p, got, nullAt, more)
		if derr != nil {
			parquet.Release(p)
			return nil, parquetDamaged(name, *row, column, derr)
		}
		if !ok { // value by value
			r := p.Values()
			for {
				k, rerr := r.ReadValues(buf)
				if e := more(m + k); e != nil {
					parquet.Release(p)
					return nil, e
				}
				for _, v := range buf[:k] {
					if v.IsNull() {
						nullAt(got + m)
						c.appendZero()
					} else {
						c.appendValue(v)
					}
					m++
				}
				if rerr == io.EOF {
					break
				}
				if rerr != nil {
					parquet.Release(p)
					return nil, parquetDamaged(name, *row, column, rerr)
				}
			}
		} else if e := more(m); e != nil {
			parquet.Release(p)
			return nil, e
		}
		parquet.Release(p)
		got += m
		*row = first + got + 1
	}
	if int64(got) != n {
		return nil, parquetDamaged(name, *row, column, fmt.Errorf("%d values where the row group has %d rows", got, n))
	}
	return c, nil
}

func (c *typedCol) appendZero() {
	if c.kind == pqDouble {
		c.f64 = append(c.f64, 0)
	} else {
		c.i64 = append(c.i64, 0)
	}
}

func (c *typedCol) appendValue(v parquet.Value) {
	switch c.kind {
	case pqDouble:
		c.f64 = append(c.f64, v.Double())
	case pqInt32:
		c.i64 = append(c.i64, int64(v.Int32()))
	case pqUint32:
		c.i64 = append(c.i64, int64(v.Uint32()))
	default:
		c.i64 = append(c.i64, v.Int64())
	}
}

// appendPage appends a plain page's values (rows got, got+1, ...) and
// returns how many; ok is false, with nothing appended, for a page it does
// not read as a slice (dictionary-encoded, another physical type,
// repetition levels), which the caller reads value by value.
func (c *typedCol) appendPage(p parquet.Page, got int, nullAt func(int), more func(int) error) (int, bool, error) {
	want := parquet.Double
	switch c.kind {
	case pqInt32, pqUint32:
		want = parquet.Int32
	case pqInt64:
		want = parquet.Int64
	}
	if p.Dictionary() != nil || p.Type().Kind() != want || len(p.RepetitionLevels()) > 0 {
		return 0, false, nil
	}
	d := p.Data()
	var i32 []int32
	var i64 []int64
	var f64 []float64
	nv := 0
	switch want {
	case parquet.Int32:
		i32 = d.Int32()
		nv = len(i32)
	case parquet.Int64:
		i64 = d.Int64()
		nv = len(i64)
	default:
		f64 = d.Double()
		nv = len(f64)
	}
	defs := p.DefinitionLevels()
	rows := nv
	if len(defs) > 0 {
		rows = len(defs)
	}
	if err := more(rows); err != nil {
		return 0, false, err
	}
	put := func(k int) {
		switch {
		case i32 != nil && c.kind == pqUint32:
			c.i64 = append(c.i64, int64(uint32(i32[k])))
		case i32 != nil:
			c.i64 = append(c.i64, int64(i32[k]))
		case i64 != nil:
			c.i64 = append(c.i64, i64[k])
		default:
			c.f64 = append(c.f64, f64[k])
		}
	}
	if len(defs) == 0 {
		if int64(nv) != p.NumValues() {
			return 0, false, fmt.Errorf("a page holds %d values and declares %d", nv, p.NumValues())
		}
		switch {
		case i64 != nil:
			c.i64 = append(c.i64, i64...)
		case f64 != nil:
			c.f64 = append(c.f64, f64...)
		default:
			for k := range i32 {
				put(k)
			}
		}
		return nv, true, nil
	}
	k := 0
	for r, l := range defs {
		switch l {
		case 0:
			nullAt(got + r)
			c.appendZero()
		case 1:
			if k >= nv {
				return 0, false, fmt.Errorf("a page's definition levels count more values than the page holds (%d)", nv)
			}
			put(k)
			k++
		default:
			return 0, false, fmt.Errorf("definition level %d in a column of plain values", l)
		}
	}
	if k != nv {
		return 0, false, fmt.Errorf("a page holds %d values, its definition levels %d", nv, k)
	}
	return rows, true, nil
}
