package workflow

import (
	"bytes"
	"encoding/csv"

	"github.com/alliance-research/alliance/datasets"
)

// retable writes rows of t (all rows when rows is nil), each cell passed
// through cell when it is not nil, and reads them back through the strict
// CSV reader under name, so that the new table is validated as a file is
// (with t's decimal separator and missing-value codes).
func retable(t *datasets.Table, name string, rows []int, cell func(row, col int, v string) string) (*datasets.Table, error) {
	if rows == nil {
		rows = make([]int, t.NumRows())
		for i := range rows {
			rows[i] = i
		}
	}
	cols := make([]*datasets.Column, t.NumCols())
	for k := range cols {
		cols[k] = t.Col(k)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(t.Header)
	rec := make([]string, len(cols))
	for _, i := range rows {
		for k, c := range cols {
			rec[k] = c.String(i)
			if cell != nil {
				rec[k] = cell(i, k, rec[k])
			}
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return datasets.ReadBytes(name, b.Bytes(), datasets.ReadOptions{Decimal: t.Decimal, NA: t.NA()})
}
