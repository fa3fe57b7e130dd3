package change

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// table is a parsed CSV or tribble: column names and string cells.
type table struct {
	cols []string
	rows [][]string
}

func (t table) col(name string) int {
	for i, c := range t.cols {
		if c == name {
			return i
		}
	}
	return -1
}

// num parses a cell: "NA" or "" is NaN.
func num(tb testing.TB, s string) float64 {
	tb.Helper()
	s = strings.TrimSpace(s)
	if s == "NA" || s == "" {
		return math.NaN()
	}
	s = strings.TrimSuffix(s, "L")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		tb.Fatalf("cell %q: %v", s, err)
	}
	return v
}

func (t table) num(tb testing.TB, row int, name string) float64 {
	tb.Helper()
	j := t.col(name)
	if j < 0 {
		tb.Fatalf("no column %q", name)
	}
	return num(tb, t.rows[row][j])
}

func (t table) str(tb testing.TB, row int, name string) string {
	tb.Helper()
	j := t.col(name)
	if j < 0 {
		tb.Fatalf("no column %q", name)
	}
	return strings.Trim(strings.TrimSpace(t.rows[row][j]), `"`)
}

func readCSV(tb testing.TB, name string) table {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	return table{cols: recs[0], rows: recs[1:]}
}

var tribbleRE = regexp.MustCompile(`(?s)tribble\((.*?)\n\s*\)`)

// readTribbles returns every tibble::tribble(...) table of an R test file.
func readTribbles(tb testing.TB, name string) []table {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	var out []table
	for _, m := range tribbleRE.FindAllStringSubmatch(string(b), -1) {
		var t table
		var cells []string
		for _, line := range strings.Split(m[1], "\n") {
			for _, c := range strings.Split(line, ",") {
				c = strings.TrimSpace(c)
				if c == "" {
					continue
				}
				if strings.HasPrefix(c, "~") {
					t.cols = append(t.cols, c[1:])
				} else {
					cells = append(cells, c)
				}
			}
		}
		if len(t.cols) == 0 || len(cells)%len(t.cols) != 0 {
			tb.Fatalf("%s: cannot parse tribble (%d columns, %d cells)", name, len(t.cols), len(cells))
		}
		for i := 0; i < len(cells); i += len(t.cols) {
			t.rows = append(t.rows, cells[i:i+len(t.cols)])
		}
		out = append(out, t)
	}
	return out
}

// seriesOf builds series from the named columns of a table, with treatment
// start and end taken from the columns start and end.
func seriesOf(tb testing.TB, t table, id string, cols []string, start, end string) []Series {
	tb.Helper()
	out := make([]Series, len(t.rows))
	for i := range t.rows {
		v := make([]float64, len(cols))
		for j, c := range cols {
			v[j] = t.num(tb, i, c)
		}
		out[i] = Series{ID: t.str(tb, i, id), Values: v, Start: t.num(tb, i, start), End: t.num(tb, i, end)}
	}
	return out
}

func varList(prefix string, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, prefix+strconv.Itoa(i))
	}
	return out
}

// sameNum compares two numbers with NaN equal to NaN and a relative tolerance.
func sameNum(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b))
}

func readFile(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
