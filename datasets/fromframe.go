package datasets

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// FromDataFrame turns a gota DataFrame into a Table, the library boundary
// for users who hold their data in gota: the table is then validated by
// Studies or Sessions exactly as a file is (the same NA vocabulary plus
// opt.NA, the same non-numeric checks, duplicate ids, order), and every
// problem names the column and the row. A problem of a DataFrame has no
// file: Problem.Source is name, Problem.Row the 1-based row, and messages
// index the column from 0 as gota's Elem does:
//
//	frame: ri[1] = 0,35 is not a number (decimal comma? ...)
//
// Table.Line (and Studies.Line, Sessions.Line) give the 1-based row.
// gota's missing values become missing cells; floats are written with full
// precision (strconv 'g', -1), so they parse back to the same float64.
// name is used in messages (e.g. "frame"). Only opt.NA is used; the other
// ReadOptions concern files.
func FromDataFrame(name string, df dataframe.DataFrame, opt ReadOptions) (*Table, error) {
	if err := df.Error(); err != nil {
		return nil, inputErr(name, 0, "the DataFrame carries an error: %v", err)
	}
	nr, nc := df.Nrow(), df.Ncol()
	if nc == 0 {
		return nil, inputErr(name, 0, "the DataFrame has no columns")
	}
	if nr == 0 {
		return nil, inputErr(name, 0, "header only, no data rows (columns: %s)", strings.Join(df.Names(), ", "))
	}
	t := &Table{Name: name, Header: make([]string, nc), Delimiter: 0, Decimal: '.', frame: true,
		start: make([][]uint32, nc), end: make([][]uint32, nc), line: make([]int32, nr)}
	seen := map[string]bool{}
	for j, h := range df.Names() {
		h = strings.TrimSpace(h)
		if h == "" {
			h = fmt.Sprintf("V%d", j+1)
		}
		if seen[strings.ToLower(h)] {
			return nil, inputErr(name, 0, "column name %q appears twice; rename one", h)
		}
		seen[strings.ToLower(h)] = true
		t.Header[j] = h
	}
	var buf []byte
	for j := 0; j < nc; j++ {
		s := df.Col(df.Names()[j])
		t.start[j] = make([]uint32, nr)
		t.end[j] = make([]uint32, nr)
		for i := 0; i < nr; i++ {
			t.start[j][i] = uint32(len(buf))
			buf = append(buf, cellText(s, i)...)
			t.end[j][i] = uint32(len(buf))
		}
	}
	for i := range t.line {
		t.line[i] = int32(i + 1)
	}
	t.buf = buf
	t.naTxt = append(append([]string(nil), DefaultNA...), opt.NA...)
	t.na = newNASet(opt.NA, '.')
	return t, nil
}

// cellText is the text of element i of s: "" for gota's missing values,
// floats with the shortest exact representation.
func cellText(s series.Series, i int) string {
	e := s.Elem(i)
	if e.IsNA() {
		return ""
	}
	if s.Type() == series.Float {
		x := e.Float()
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return e.String()
}

// DataFrame returns the table as a gota DataFrame: numeric columns (every
// non-missing cell a number) as floats with NaN for missing, the others as
// strings with "" for missing. Cells that do not parse are not guessed:
// a mostly numeric column with a typo stays text (validate with Studies or
// Sessions for located errors).
func (t *Table) DataFrame() dataframe.DataFrame {
	cols := make([]series.Series, t.NumCols())
	for j := range cols {
		c := t.Col(j)
		if v, numeric, err := c.Numbers(); err == nil && numeric {
			cols[j] = series.New(v, series.Float, t.Header[j])
			continue
		}
		cols[j] = series.New(c.Strings(), series.String, t.Header[j])
	}
	return dataframe.New(cols...)
}
