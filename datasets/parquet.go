package datasets

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// parquetMagic starts and ends every Parquet file.
var parquetMagic = []byte("PAR1")

// parquetBatch is the number of values read from a column chunk at a time.
const parquetBatch = 4096

// readParquet reads a Parquet file (held in memory) into a Table, row group
// by row group and column chunk by column chunk, so that the table is the
// one a CSV file with the same cells gives:
//
//   - the header is the file's top-level column names, in file order;
//   - an int32 or int64 value (signed or unsigned INT logical type, or none)
//     is written in decimal; a double as strconv's shortest representation
//     that reads back to the same float64, a float as the shortest that
//     reads back to the same float32 (so 0.1f is "0.1", as a CSV holds it);
//     a boolean as TRUE or FALSE (as R writes it); a string (BYTE_ARRAY
//     with a STRING or ENUM logical type, or none) as its text, trimmed of
//     surrounding blanks like a CSV cell;
//   - a null of an optional column is an empty cell, a missing value
//     exactly as an NA cell of a CSV file; NaN and ±Inf stay "NaN", "+Inf"
//     and "-Inf", which are refused where a number is needed, as in CSV;
//   - with ReadOptions.Decimal ',' (for text columns written with decimal
//     commas) the float and double cells are written with ',' too, so that
//     the table has one decimal separator;
//   - Table.Line(i) is the 1-based row number in the file (row groups
//     counted in order), and errors name it as the line of a CSV file.
//
// Every column is read: the loaders' options do not name the columns a
// command needs, so there is no projection below the table. Nested groups,
// repeated fields (lists, maps) and other logical types (DECIMAL, DATE,
// TIME, TIMESTAMP, UUID, JSON, ...) and INT96 are input errors naming the
// column and its type, since reading them as plain numbers or text would
// change their meaning.
//
// parquet-go is third-party code decoding untrusted bytes: a panic in it is
// recovered and reported as a damaged file, never crossing our API.
func readParquet(name string, data []byte, opt ReadOptions) (t *Table, err error) {
	row := 0
	column := ""
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, parquetDamaged(name, row, column, fmt.Errorf("%v", r))
		}
	}()
	if len(data) == 0 {
		return nil, inputErr(name, 0, "empty file: no header and no data")
	}
	if len(data) < 12 || !bytes.HasPrefix(data, parquetMagic) || !bytes.HasSuffix(data, parquetMagic) {
		return nil, inputErr(name, 0, "not a Parquet file: it does not start and end with the PAR1 marker (a file cut short, or another format named .parquet)")
	}
	dec, err := opt.decimalSeparator(name, '.')
	if err != nil {
		return nil, err
	}
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)),
		parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, parquetDamaged(name, 0, "", err)
	}
	fields := f.Schema().Fields()
	if len(fields) == 0 {
		return nil, inputErr(name, 0, "empty file: the schema has no columns")
	}
	header := make([]string, len(fields))
	kinds := make([]parquetKind, len(fields))
	probs := newProblems(name)
	for j, fl := range fields {
		header[j] = fl.Name()
		k, what := parquetColumnKind(fl)
		if k == pqUnsupported {
			probs.addf(0, fl.Name(), nil, "%s is not supported; give numbers (int32, int64, float, double), text or booleans, one value per row (write the column as plain values, or drop it)", what)
		}
		kinds[j] = k
	}
	if err := probs.err(); err != nil {
		return nil, err
	}
	total := f.NumRows()
	if total > math.MaxInt32 {
		return nil, inputErr(name, 0, "%d rows: too many for one table (at most %d)", total, math.MaxInt32)
	}
	if total == 0 {
		return nil, inputErr(name, 0, "header only, no data rows (columns: %s)", ListNames(header))
	}
	t = &Table{Name: name, Header: cleanHeader(header), Decimal: rune(dec)}
	ncol := len(fields)
	t.start = make([][]uint32, ncol)
	t.end = make([][]uint32, ncol)
	for j := range ncol {
		t.start[j] = make([]uint32, 0, total)
		t.end[j] = make([]uint32, 0, total)
	}
	t.line = make([]int32, total)
	for i := range t.line {
		t.line[i] = int32(i + 1)
	}
	buf := make([]byte, 0, min(int64(len(data))*4, 1<<30))
	vals := make([]parquet.Value, parquetBatch)
	first := 0 // row number (0-based) of the row group's first row
	for _, rg := range f.RowGroups() {
		n := rg.NumRows()
		if n < 0 || int64(first)+n > total {
			return nil, parquetDamaged(name, first+1, "", fmt.Errorf("a row group declares %d rows, more than the file's %d", n, total))
		}
		chunks := rg.ColumnChunks()
		if len(chunks) != ncol {
			return nil, parquetDamaged(name, first+1, "", fmt.Errorf("a row group has %d columns, the schema %d", len(chunks), ncol))
		}
		for j, cc := range chunks {
			column = t.Header[j]
			row = first + 1
			var err error
			if buf, t.start[j], t.end[j], err = appendParquetChunk(name, column, cc, n, first, kinds[j], dec, buf, t.start[j], t.end[j], vals, &row); err != nil {
				return nil, err
			}
		}
		first += int(n)
	}
	row, column = 0, ""
	if int64(first) != total {
		return nil, parquetDamaged(name, 0, "", fmt.Errorf("the row groups hold %d rows, the footer says %d", first, total))
	}
	t.buf = buf
	return t, nil
}

// appendParquetChunk appends the cell text of one column chunk of n rows
// (the row group starting at 0-based row first) to buf and the cells'
// offsets to start and end, as readParquet describes; *row follows the
// 1-based row being read, for the message of a panic.
func appendParquetChunk(name, column string, cc parquet.ColumnChunk, n int64, first int, kind parquetKind, dec byte, buf []byte, start, end []uint32, vals []parquet.Value, row *int) ([]byte, []uint32, []uint32, error) {
	got := 0
	r := parquet.NewColumnChunkValueReader(cc)
	for {
		m, rerr := r.ReadValues(vals)
		if int64(got+m) > n {
			r.Close()
			return buf, start, end, parquetDamaged(name, *row, column, fmt.Errorf("more values than the row group's %d rows", n))
		}
		for _, v := range vals[:m] {
			s := len(buf)
			if !v.IsNull() {
				buf = appendParquetValue(buf, v, kind)
				if dec == ',' && (kind == pqFloat || kind == pqDouble) {
					if k := bytes.IndexByte(buf[s:], '.'); k >= 0 {
						buf[s+k] = ','
					}
				}
			}
			if len(buf) > math.MaxUint32-1 {
				r.Close()
				return buf, start, end, inputErr(name, *row, "table too large: more than 4 GiB of cell text")
			}
			start = append(start, uint32(s))
			end = append(end, uint32(len(buf)))
		}
		got += m
		*row = first + got + 1
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			r.Close()
			return buf, start, end, parquetDamaged(name, *row, column, rerr)
		}
	}
	if err := r.Close(); err != nil {
		return buf, start, end, parquetDamaged(name, *row, column, err)
	}
	if int64(got) != n {
		return buf, start, end, parquetDamaged(name, *row, column, fmt.Errorf("%d values where the row group has %d rows", got, n))
	}
	return buf, start, end, nil
}

// parquetDamaged is the input error for a file parquet-go cannot decode,
// at a row (1-based, 0 when not known) and column ("" when not known).
func parquetDamaged(name string, row int, column string, err error) error {
	msg := "the Parquet file is damaged or not written by a standard writer (" + err.Error() + "); write it again"
	if errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "the Parquet file is cut short (" + err.Error() + "); copy or write it again"
	}
	return &InputError{Problems: []Problem{{File: name, Line: row, Column: column, Msg: msg}}, Total: 1}
}

// parquetKind is how a Parquet column's values become cell text.
type parquetKind uint8

const (
	pqUnsupported parquetKind = iota
	pqBool
	pqInt32
	pqUint32
	pqInt64
	pqUint64
	pqFloat
	pqDouble
	pqText
)

// parquetColumnKind classifies a top-level field; for an unsupported one it
// returns pqUnsupported and a description of the field for the message.
func parquetColumnKind(f parquet.Field) (parquetKind, string) {
	if !f.Leaf() {
		return pqUnsupported, "a nested group (struct, list or map)"
	}
	if f.Repeated() {
		return pqUnsupported, "a repeated field (a list of values per row)"
	}
	typ := f.Type()
	if lt := typ.LogicalType(); lt != nil && lt.Value != nil {
		switch v := lt.Value.(type) {
		case *format.StringType, *format.EnumType:
			if typ.Kind() == parquet.ByteArray {
				return pqText, ""
			}
		case *format.IntType:
			switch {
			case typ.Kind() == parquet.Int32 && v.IsSigned:
				return pqInt32, ""
			case typ.Kind() == parquet.Int32:
				return pqUint32, ""
			case typ.Kind() == parquet.Int64 && v.IsSigned:
				return pqInt64, ""
			case typ.Kind() == parquet.Int64:
				return pqUint64, ""
			}
		}
		return pqUnsupported, fmt.Sprintf("type %s (%s)", lt.String(), typ.Kind())
	}
	if ct := typ.ConvertedType(); ct != nil {
		switch *ct {
		case deprecated.UTF8, deprecated.Enum:
			if typ.Kind() == parquet.ByteArray {
				return pqText, ""
			}
		case deprecated.Int8, deprecated.Int16, deprecated.Int32, deprecated.Int64:
			switch typ.Kind() {
			case parquet.Int32:
				return pqInt32, ""
			case parquet.Int64:
				return pqInt64, ""
			}
		case deprecated.Uint8, deprecated.Uint16, deprecated.Uint32, deprecated.Uint64:
			switch typ.Kind() {
			case parquet.Int32:
				return pqUint32, ""
			case parquet.Int64:
				return pqUint64, ""
			}
		}
		return pqUnsupported, fmt.Sprintf("type %s (converted type %d)", typ, int32(*ct))
	}
	switch typ.Kind() {
	case parquet.Boolean:
		return pqBool, ""
	case parquet.Int32:
		return pqInt32, ""
	case parquet.Int64:
		return pqInt64, ""
	case parquet.Float:
		return pqFloat, ""
	case parquet.Double:
		return pqDouble, ""
	case parquet.ByteArray:
		return pqText, ""
	}
	return pqUnsupported, fmt.Sprintf("type %s", typ.Kind())
}

// appendParquetValue appends the cell text of a non-null value.
func appendParquetValue(buf []byte, v parquet.Value, k parquetKind) []byte {
	switch k {
	case pqBool:
		if v.Boolean() {
			return append(buf, "TRUE"...)
		}
		return append(buf, "FALSE"...)
	case pqInt32:
		return strconv.AppendInt(buf, int64(v.Int32()), 10)
	case pqUint32:
		return strconv.AppendUint(buf, uint64(v.Uint32()), 10)
	case pqInt64:
		return strconv.AppendInt(buf, v.Int64(), 10)
	case pqUint64:
		return strconv.AppendUint(buf, v.Uint64(), 10)
	case pqFloat:
		return strconv.AppendFloat(buf, float64(v.Float()), 'g', -1, 32)
	case pqDouble:
		return strconv.AppendFloat(buf, v.Double(), 'g', -1, 64)
	default:
		return append(buf, trimSpace(v.ByteArray(), 0)...)
	}
}
