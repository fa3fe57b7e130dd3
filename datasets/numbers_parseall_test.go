package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
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
		// Cut by plainRows without numeric codes (parsePlainCells), in the
		// first column (line starts) and the others (the previous field's
		// ends), with text codes starting as numbers do, a decimal comma,
		// and padded cells (trimmed: the general pass).
		{"x,y,z\n1,+2,3\n-3.5,-,4\n+,.,5\nNA,,6\n1e3,12345678901234567890,7\nabc,1.,8\n.5,0001,9\n007,-0,10\n9x,n/a,99\n", ReadOptions{NA: []string{"n/a", "9x"}}},
		{"x;y\n1,5;2\n-0,25;NA\n3.5;7,\n", ReadOptions{Decimal: ','}},
		{"x,y\n 1,2\n3 , 4\n", ReadOptions{}},
	} {
		tb, err := ReadBytes("t.csv", []byte(tc.csv), tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		for j := range tb.NumCols() {
			c := tb.Col(j)
			v := make([]float64, c.Len())
			m, p := c.parseAll(v)
			wm, wp := 0, 0
			for i := range v {
				x, miss, perr := c.Float(i)
				if !(math.Float64bits(x) == math.Float64bits(v[i]) || math.IsNaN(x) && math.IsNaN(v[i])) {
					t.Errorf("%q column %d row %d: parseAll %v, Float %v", tc.csv, j, i, v[i], x)
				}
				if !miss {
					wm++
					if perr == nil {
						wp++
					}
				}
			}
			if m != wm || p != wp {
				t.Errorf("%q column %d: parseAll counts %d non-missing, %d numbers; Float %d, %d", tc.csv, j, m, p, wm, wp)
			}
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

// TestCodesMatchesMapCoding checks Column.Codes, whose small canonical
// integers are looked up by value, against coding every cell's text through
// one map: "1", "01", "+1", "1.0" and " 1" (trimmed to "1") are told apart
// or joined exactly as their texts are, ids beyond the value table and
// negative ones go through the map, and missing cells (empty, NA, a
// numeric code written differently) are −1.
func TestCodesMatchesMapCoding(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	pieces := []func() string{
		func() string { return strconv.Itoa(r.IntN(50)) },
		func() string { return strconv.Itoa(r.IntN(5000)) },
		func() string { return "0" + strconv.Itoa(r.IntN(20)) },
		func() string { return "+" + strconv.Itoa(r.IntN(20)) },
		func() string { return "-" + strconv.Itoa(r.IntN(20)) },
		func() string { return strconv.Itoa(r.IntN(20)) + ".0" },
		func() string { return " " + strconv.Itoa(r.IntN(20)) },
		func() string { return strconv.Itoa(1_000_000_000 + r.IntN(3)) },
		func() string { return strconv.Itoa(4*400 + 1024 + r.IntN(3)) }, // at and past denseMax for 400 rows
		func() string { return "p" + strconv.Itoa(r.IntN(20)) },
		func() string { return "" },
		func() string { return "NA" },
		func() string { return "-99.0" },
		func() string { return "0" },
		func() string { return "00" },
	}
	for rep := range 200 {
		var sb strings.Builder
		sb.WriteString("id\n")
		prev := ""
		for range 400 {
			s := prev
			if r.IntN(3) > 0 || prev == "" { // runs of equal ids, as a patient's sessions
				s = pieces[r.IntN(len(pieces))]()
			}
			prev = s
			sb.WriteString(s + "\n")
		}
		tb, err := ReadBytes("t.csv", []byte(sb.String()), ReadOptions{NA: []string{"-99"}})
		if err != nil {
			t.Fatal(err)
		}
		c := tb.Col(0)
		codes, levels := c.Codes()
		ids := map[string]int32{}
		var want []string
		for i := range c.Len() {
			if c.Missing(i) {
				if codes[i] != -1 {
					t.Fatalf("rep %d row %d (%q): code %d, want −1 (missing)", rep, i, c.String(i), codes[i])
				}
				continue
			}
			s := c.String(i)
			k, ok := ids[s]
			if !ok {
				k = int32(len(want))
				ids[s] = k
				want = append(want, s)
			}
			if codes[i] != k {
				t.Fatalf("rep %d row %d (%q): code %d, want %d", rep, i, s, codes[i], k)
			}
		}
		if !slices.Equal(levels, want) {
			t.Fatalf("rep %d: levels %q, want %q", rep, levels, want)
		}
	}
}

// TestHeapBytes checks the table's memory estimate against what it must
// hold: the text and, per row, one offset per column, a line start and a
// line number (four bytes each), within the slack of the allocations.
func TestHeapBytes(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("a,b,c\n")
	for i := range 5000 {
		fmt.Fprintf(&sb, "%d,%d.5,x%d\n", i, i%7, i%3)
	}
	data := sb.String()
	tb, err := ReadBytes("t.csv", []byte(data), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	low := int64(len(data)) + 4*int64(tb.NumRows())*int64(tb.NumCols()+2)
	if got := tb.HeapBytes(); got < low || got > 2*low {
		t.Errorf("HeapBytes = %d, want between %d and %d", got, low, 2*low)
	}
}
