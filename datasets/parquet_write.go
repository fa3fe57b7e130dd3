package datasets

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// ParquetRowGroupRows is the number of rows per row group WriteParquet
// writes: a reader holds about one row group of every column at a time.
const ParquetRowGroupRows = 1 << 17

// WriteParquet writes t as a Parquet file (Snappy-compressed, one top-level
// column per header name, in header order, ParquetRowGroupRows rows per row
// group) that ReadFile reads back into a table with the same values. Each
// column gets the narrowest of three types that holds all its non-missing
// cells without changing them:
//
//   - INT64 when every cell is an integer written canonically ("12", "-3":
//     no sign "+", no leading zero, no decimals), so that the text reads
//     back the same;
//   - DOUBLE when every cell is a number (Column.Float) and none has a
//     leading zero before other digits ("007" is a label, not 7): the cell
//     is stored as the float64 the CSV loader reads from it, and reads back
//     as the shortest text of that float64 ("-0.060" becomes "-0.06", the
//     same number);
//   - STRING (UTF-8 BYTE_ARRAY) otherwise.
//
// A column with missing cells (NA codes, Column.Missing) is OPTIONAL and
// stores them as nulls; the others are REQUIRED. Duplicate column names
// (Parquet needs unique names) are an error, as is a write error of w.
func WriteParquet(w io.Writer, t *Table) error {
	ncol := t.NumCols()
	if ncol == 0 {
		return fmt.Errorf("%s: no columns to write", t.Name)
	}
	seen := make(map[string]bool, ncol)
	for _, h := range t.Header {
		if seen[h] {
			return &InputError{Problems: []Problem{{File: t.Name, Column: h, Msg: "the column name appears twice; Parquet needs unique column names: rename one"}}, Total: 1}
		}
		seen[h] = true
	}
	kinds := make([]parquetKind, ncol)
	optional := make([]bool, ncol)
	group := parquet.Group{}
	for j := range ncol {
		c := t.Col(j)
		kinds[j], optional[j] = columnParquetKind(c)
		var node parquet.Node
		switch kinds[j] {
		case pqInt64:
			node = parquet.Leaf(parquet.Int64Type)
		case pqDouble:
			node = parquet.Leaf(parquet.DoubleType)
		default:
			node = parquet.String()
		}
		if optional[j] {
			node = parquet.Optional(node)
		} else {
			node = parquet.Required(node)
		}
		group[t.Header[j]] = node
	}
	schema := parquet.NewSchema("alliance", orderedGroup{Group: group, order: t.Header})
	pw := parquet.NewWriter(w, schema,
		parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(ParquetRowGroupRows))
	const batch = 1024
	rows := make([]parquet.Row, 0, batch)
	vals := make([]parquet.Value, batch*ncol)
	n := t.NumRows()
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		rows = rows[:0]
		for i := lo; i < hi; i++ {
			row := vals[(i-lo)*ncol : (i-lo+1)*ncol : (i-lo+1)*ncol]
			for j := range ncol {
				c := t.Col(j)
				row[j] = cellParquetValue(c, i, kinds[j], optional[j]).Level(0, 0, j)
				if optional[j] && !row[j].IsNull() {
					row[j] = row[j].Level(0, 1, j)
				}
			}
			rows = append(rows, row)
		}
		if _, err := pw.WriteRows(rows); err != nil {
			return fmt.Errorf("writing Parquet: %w", err)
		}
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("writing Parquet: %w", err)
	}
	return nil
}

// columnParquetKind chooses a column's type for WriteParquet (pqInt64,
// pqDouble or pqText) and whether it has missing cells.
func columnParquetKind(c *Column) (parquetKind, bool) {
	isInt, isNum, missing, any := true, true, false, false
	for i := 0; i < c.Len(); i++ {
		if c.Missing(i) {
			missing = true
			continue
		}
		any = true
		b := c.Bytes(i)
		if isInt && !canonicalInt(b) {
			isInt = false
		}
		if isNum && !isInt {
			if _, _, err := c.Float(i); err != nil || leadingZero(b) {
				isNum = false
			}
		}
		if !isNum {
			break
		}
	}
	switch {
	case !any || !isNum:
		// An all-missing column is stored as text; its cells are nulls.
		// Missing cells are found on every row of a text column too.
		for i := 0; !missing && i < c.Len(); i++ {
			missing = c.Missing(i)
		}
		return pqText, missing
	case isInt:
		return pqInt64, missing
	default:
		return pqDouble, missing
	}
}

// canonicalInt reports whether b is an int64 written as strconv writes it.
func canonicalInt(b []byte) bool {
	v, err := strconv.ParseInt(string(b), 10, 64)
	return err == nil && strconv.FormatInt(v, 10) == string(b)
}

// leadingZero reports whether the integer part of the number b has a
// leading zero followed by another digit ("007", "-01.5").
func leadingZero(b []byte) bool {
	b = bytes.TrimLeft(b, "+-")
	return len(b) > 1 && b[0] == '0' && b[1] >= '0' && b[1] <= '9'
}

// cellParquetValue is cell i of c as a Parquet value of kind k; a missing
// cell of an optional column is a null.
func cellParquetValue(c *Column, i int, k parquetKind, optional bool) parquet.Value {
	if optional && c.Missing(i) {
		return parquet.Value{}
	}
	switch k {
	case pqInt64:
		v, _ := strconv.ParseInt(string(c.Bytes(i)), 10, 64)
		return parquet.Int64Value(v)
	case pqDouble:
		v, _, _ := c.Float(i)
		return parquet.DoubleValue(v)
	}
	return parquet.ByteArrayValue(c.Bytes(i))
}

// orderedGroup is a parquet.Group (a map, whose fields parquet-go sorts by
// name) whose fields come in the given order: the header's.
type orderedGroup struct {
	parquet.Group
	order []string
}

// Fields returns the group's fields in g.order.
func (g orderedGroup) Fields() []parquet.Field {
	fields := slices.Clone(g.Group.Fields())
	rank := make(map[string]int, len(g.order))
	for k, n := range g.order {
		rank[n] = k
	}
	slices.SortStableFunc(fields, func(a, b parquet.Field) int { return rank[a.Name()] - rank[b.Name()] })
	return fields
}

// IsParquetPath reports whether path names a Parquet file (".parquet",
// any case), the extension by which front ends choose WriteParquet.
func IsParquetPath(path string) bool {
	return strings.HasSuffix(strings.ToLower(path), ".parquet")
}

// ParquetFromCSV turns render, which writes one comma-separated CSV table,
// into a render that writes the same table as Parquet: the CSV is held in
// memory, read by the CSV loader (so the column types and missing cells
// are those a reader of the CSV file would get) and written by
// WriteParquet. Front ends use it to write as Parquet any table they write
// as CSV.
func ParquetFromCSV(render func(w io.Writer) error) func(w io.Writer) error {
	return func(w io.Writer) error {
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			return err
		}
		t, err := ReadBytes("the CSV table", buf.Bytes(), ReadOptions{Delimiter: ','})
		if err != nil {
			return err
		}
		return WriteParquet(w, t)
	}
}
