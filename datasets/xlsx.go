package datasets

import (
	"fmt"
	"math"
	"strings"
)

// readXLSX reads one worksheet of an .xlsx workbook: the first sheet, or
// opt.Sheet. Cells are taken as stored (raw values, not as displayed), so
// numbers always use '.' as decimal separator. The first non-empty row is the
// header; rows that are entirely empty are skipped; row numbers are the
// spreadsheet's. Table.Name is "file[Sheet]".
func readXLSX(name string, data []byte, opt ReadOptions) (t *Table, err error) {
	defer func() {
		// The workbook is untrusted input: should the reader have a bug
		// that panics on it, the panic does not cross our API.
		if r := recover(); r != nil {
			t, err = nil, inputErr(name, 0, "not a readable .xlsx workbook (%v)", r)
		}
	}()
	if len(data) == 0 {
		return nil, inputErr(name, 0, "empty file: no header and no data")
	}
	// Bound what a (possibly corrupt or hostile) archive may make us unzip.
	limit := min(max(int64(len(data))*100, 64<<20), 4<<30)
	// Damage is found before any cell is read (see xlsx_verify.go).
	zr, parts, err := checkArchive(name, data, limit)
	if err != nil {
		return nil, err
	}
	sheets := parts.order
	if len(sheets) == 0 {
		return nil, inputErr(name, 0, "the workbook has no worksheets")
	}
	sheet := sheets[0]
	if opt.Sheet != "" {
		sheet = ""
		for _, s := range sheets {
			if strings.EqualFold(s, opt.Sheet) {
				sheet = s
				break
			}
		}
		if sheet == "" {
			return nil, sheetErr(name, fmt.Sprintf("sheet %q not found; sheets are: %s", opt.Sheet, strings.Join(sheets, ", ")), sheets)
		}
	}
	tname := fmt.Sprintf("%s[%s]", name, sheet)
	zf := findPart(zr, parts.sheets[sheet])
	if zf == nil {
		return nil, inputErr(tname, 0, "the workbook has no worksheet part for sheet %q (a chart sheet, or a damaged file)", sheet)
	}
	shared, err := readSharedStrings(zr, parts.shared, limit)
	if err != nil {
		return nil, damaged(name, parts.shared, "", err)
	}
	dec, err := opt.decimalSeparator(tname, '.')
	if err != nil {
		return nil, err
	}

	t = &Table{Name: tname, Decimal: rune(dec)}
	probs := newProblems(tname)
	var buf []byte
	ncol := -1
	rowErr, err := readSheet(zf, shared, limit, func(r int, cells []string) error {
		// Trim cells and drop trailing empty ones.
		for k := range cells {
			cells[k] = strings.TrimSpace(cells[k])
		}
		n := len(cells)
		for n > 0 && cells[n-1] == "" {
			n--
		}
		if n == 0 {
			return nil // empty row
		}
		if ncol < 0 {
			t.Header = cleanHeader(append([]string(nil), cells...))
			ncol = len(t.Header)
			t.start = make([][]uint32, ncol)
			t.end = make([][]uint32, ncol)
			return nil
		}
		if n > ncol {
			probs.addf(r, "", nil, "%d cells, but the header row has %d columns (cells to the right of the header)", n, ncol)
			return nil
		}
		if r > math.MaxInt32 || len(buf) > math.MaxUint32-1<<20 {
			return inputErr(tname, r, "sheet too large")
		}
		for j := range ncol {
			s := uint32(len(buf))
			if j < n {
				buf = append(buf, cells[j]...)
			}
			t.start[j] = append(t.start[j], s)
			t.end[j] = append(t.end[j], uint32(len(buf)))
		}
		t.line = append(t.line, int32(r))
		return nil
	})
	if rowErr != nil {
		return nil, rowErr
	}
	if err != nil {
		return nil, damaged(name, parts.sheets[sheet], sheet, err)
	}
	if err := probs.err(); err != nil {
		return nil, err
	}
	others := ""
	if len(sheets) > 1 {
		others = fmt.Sprintf("; the workbook's sheets are %s: choose the one with the data (ReadOptions.Sheet)", strings.Join(sheets, ", "))
	}
	if ncol < 0 {
		return nil, sheetErr(tname, "empty sheet: no header and no data"+others, sheets)
	}
	if len(t.line) == 0 {
		return nil, sheetErr(tname, fmt.Sprintf("header only, no data rows (columns: %s)%s", t.columnList(), others), sheets)
	}
	if len(sheets) > 1 && opt.Sheet == "" {
		t.sheets = sheets
	}
	t.buf = buf
	return t, nil
}

// sheetErr is an input error about the chosen worksheet whose hint lists
// the workbook's sheets ("sheet=Name,Other"), so a front end can name its
// own way of choosing one.
func sheetErr(name, msg string, sheets []string) error {
	return &InputError{Problems: []Problem{{File: name, Msg: msg, Hint: "sheet=" + strings.Join(sheets, ",")}}, Total: 1}
}
