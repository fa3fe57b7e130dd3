package workflow

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/datasets"
)

// ItemColumns resolves an item specification — a comma-separated list of
// column names (matched case-insensitively) or a prefix ending in "*" — to
// the table's column names, in order.
func ItemColumns(t *datasets.Table, spec string) ([]string, error) {
	if strings.HasSuffix(spec, "*") && !strings.Contains(spec, ",") {
		prefix := strings.ToLower(strings.TrimSuffix(spec, "*"))
		var out []string
		for _, h := range t.Header {
			if strings.HasPrefix(strings.ToLower(h), prefix) {
				out = append(out, h)
			}
		}
		if len(out) == 0 {
			return nil, inputErr(datasets.Problem{File: t.Name, Msg: fmt.Sprintf("no column starts with %q; columns are: %s", prefix, t.ColumnList())})
		}
		return out, nil
	}
	var names, missing []string
	for _, n := range strings.Split(spec, ",") {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		j := t.ColumnIndex(n)
		if j < 0 {
			missing = append(missing, n)
			continue
		}
		names = append(names, t.Header[j])
	}
	if len(missing) > 0 {
		return nil, inputErr(datasets.Problem{File: t.Name, Msg: fmt.Sprintf("item column(s) %s not found; columns are: %s", datasets.ListNames(missing), t.ColumnList())})
	}
	if len(names) == 0 {
		return nil, invalid("Items", "name the item columns (a comma-separated list, or a prefix ending in *)")
	}
	return names, nil
}

// itemMatrix reads the named numeric columns as rows × items (NaN =
// missing); every non-numeric cell is an input error with its line.
func itemMatrix(t *datasets.Table, names []string) ([][]float64, error) {
	cols := make([][]float64, len(names))
	var problems []error
	for j, n := range names {
		c, err := t.Column(n)
		if err == nil {
			cols[j], err = c.Floats()
		}
		if err != nil {
			problems = append(problems, err)
		}
	}
	if len(problems) > 0 {
		return nil, joinInput(problems)
	}
	rows := make([][]float64, t.NumRows())
	for i := range rows {
		rows[i] = make([]float64, len(names))
		for j := range names {
			rows[i][j] = cols[j][i]
		}
	}
	return rows, nil
}

// indexFold is the index of s in list, case-insensitively, or −1.
func indexFold(list []string, s string) int {
	for i, x := range list {
		if strings.EqualFold(x, s) {
			return i
		}
	}
	return -1
}
