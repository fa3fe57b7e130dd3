package datasets

import (
	"math"
	"slices"
	"testing"
)

// TestParseAllMatchesFloat checks Numbers' column pass against Float cell
// by cell: missing codes (default and numeric), numbers written
// differently from a numeric code, bad cells, a decimal comma, exponents
// and long mantissas.
func TestParseAllMatchesFloat(t *testing.T) {
	for _, tc := range []struct {
		csv string
		opt ReadOptions
	}{
		{"x\n1\n2.5\nNA\n.\n\n-99\n-99.0\nabc\n1e3\n12345678901234567890\n\"3,5\"\n", ReadOptions{NA: []string{"-99"}}},
		{"x;y\n1,5;a\n-99;b\nNA;c\n2,25;d\n1.5;e\n", ReadOptions{NA: []string{"-99"}}},
		{"x\n7\n8\n9\n", ReadOptions{}},
	} {
		tb, err := ReadBytes("t.csv", []byte(tc.csv), tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		c := tb.Col(0)
		v := make([]float64, c.Len())
		m, p := c.parseAll(v)
		wm, wp := 0, 0
		for i := range v {
			x, miss, perr := c.Float(i)
			if !(x == v[i] || math.IsNaN(x) && math.IsNaN(v[i])) {
				t.Errorf("%q row %d: parseAll %v, Float %v", tc.csv, i, v[i], x)
			}
			if !miss {
				wm++
				if perr == nil {
					wp++
				}
			}
		}
		if m != wm || p != wp {
			t.Errorf("%q: parseAll counts %d non-missing, %d numbers; Float %d, %d", tc.csv, m, p, wm, wp)
		}
	}
}

// TestCodesMatchesCells checks Column.Codes against the cells: equal
// texts share a code, levels are in order of first appearance, missing
// cells (default and user codes, a numeric code written differently) get
// −1, and a repeat after a missing cell is not missing.
func TestCodesMatchesCells(t *testing.T) {
	tb, err := ReadBytes("t.csv", []byte("id\np1\np1\nNA\nNA\np2\n p2 \n-99\n-99.0\np1\n\"\"\np3\n"), ReadOptions{NA: []string{"-99"}})
	if err != nil {
		t.Fatal(err)
	}
	c := tb.Col(0)
	codes, levels := c.Codes()
	if want := []string{"p1", "p2", "p3"}; !slices.Equal(levels, want) {
		t.Errorf("levels %q, want %q", levels, want)
	}
	for i, k := range codes {
		switch {
		case c.Missing(i) != (k < 0):
			t.Errorf("row %d (%q): code %d, Missing %v", i, c.String(i), k, c.Missing(i))
		case k >= 0 && levels[k] != c.String(i):
			t.Errorf("row %d: code %d is %q, cell %q", i, k, levels[k], c.String(i))
		}
	}
}
