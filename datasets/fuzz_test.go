package datasets

import (
	"errors"
	"testing"
)

// checkTable asserts the invariants of a successfully read table: every
// column has one cell per row, cells lie inside the buffer, lines increase,
// and the typed loaders return a value or an *InputError without panicking.
func checkTable(t *testing.T, tab *Table, err error) {
	t.Helper()
	if err != nil {
		var ie *InputError
		if !errors.As(err, &ie) || ie.Total < len(ie.Problems) || len(ie.Problems) == 0 || len(ie.Problems) > MaxProblems {
			t.Fatalf("error %T %v is not a well-formed *InputError", err, err)
		}
		return
	}
	if tab.NumRows() == 0 || tab.NumCols() == 0 {
		t.Fatalf("table without rows or columns and no error: %d x %d", tab.NumRows(), tab.NumCols())
	}
	plain := tab.lstart != nil // cut by plainRows: line starts and field ends
	if plain && (tab.start != nil || len(tab.lstart) != tab.NumRows()) || !plain && len(tab.start) != tab.NumCols() || len(tab.end) != tab.NumCols() {
		t.Fatalf("%d columns stored for %d header names (%d line starts)", len(tab.end), tab.NumCols(), len(tab.lstart))
	}
	for j := range tab.Header {
		if tab.Header[j] == "" {
			t.Fatalf("blank header name at %d", j)
		}
		if !plain && len(tab.start[j]) != tab.NumRows() || len(tab.end[j]) != tab.NumRows() {
			t.Fatalf("column %d has %d cells for %d rows", j, len(tab.end[j]), tab.NumRows())
		}
		for i := range tab.NumRows() {
			var s uint32
			switch {
			case !plain:
				s = tab.start[j][i]
			case j == 0:
				s = tab.lstart[i]
			default:
				s = tab.end[j-1][i] + 1
			}
			if s > tab.end[j][i] || int(tab.end[j][i]) > len(tab.buf) {
				t.Fatalf("cell (%d, %d) out of bounds", i, j)
			}
		}
	}
	for i := 1; i < tab.NumRows(); i++ {
		if tab.Line(i) <= tab.Line(i-1) {
			t.Fatalf("line %d after line %d", tab.Line(i), tab.Line(i-1))
		}
	}
	for j := range tab.Header {
		c := tab.Col(j)
		if v, err := c.Floats(); err == nil && len(v) != tab.NumRows() {
			t.Fatalf("Floats: %d values", len(v))
		}
		_ = c.Strings()
	}
	if s, err := tab.Studies(StudyColumns{}, StudyOptions{FisherZ: true}); err == nil {
		if s.K() != tab.NumRows() || s.DataFrame().Err != nil {
			t.Fatalf("studies: k %d rows %d", s.K(), tab.NumRows())
		}
		for i := range s.R {
			if !(s.R[i] > -1 && s.R[i] < 1) || !(s.N[i] > 3) {
				t.Fatalf("studies: r %v n %v passed validation", s.R[i], s.N[i])
			}
		}
	} else {
		checkTable(t, nil, err)
	}
	if s, err := tab.Sessions(SessionColumns{}, SessionOptions{}); err == nil {
		if s.Len() != tab.NumRows() || s.DataFrame().Err != nil {
			t.Fatalf("sessions: %d rows of %d", s.Len(), tab.NumRows())
		}
	} else {
		checkTable(t, nil, err)
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, seed := range []string{
		"study,ri,ni\nA,0.3,20\nB,-0.1,45\n",
		"\xEF\xBB\xBFstudy;ri;ni\r\nA;0,3;20\r\n\"B;x\";\"-0,1\";45\r\n",
		"patient\ttherapist\tsession\talliance\toutcome\n1\t1\t1\t4.5\t20\n1\t1\t2\tNA\t18\n",
		"id,note\n1,\"multi\nline \"\"quoted\"\"\"\n2,.\n",
		"a,b\n1,\"open\n",
		"a,b\n1,\"x\"y\n",
		"a,b,\n1,2,\n\n,,\n3\n",
		"patient,session\n1,2\n1,1\n1,2\n",
		"yi,vi,sei\n1e400,-0,0x10\n",
		"\r\r\n\n",
		"\"\"\n\"\"\"\"\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		orig := append([]byte(nil), data...)
		tab, err := ReadBytes("fuzz.csv", data, ReadOptions{NA: []string{"-99"}})
		checkTable(t, tab, err)
		// The same input with the delimiter forced and decimal commas.
		tab, err = ReadBytes("fuzz.csv", orig, ReadOptions{Delimiter: ';', Decimal: ','})
		checkTable(t, tab, err)
	})
}

func FuzzReadXLSX(f *testing.F) {
	f.Add(writeXLSX(f, map[string][][]any{"S": {{"study", "ri", "ni"}, {"A", 0.3, 20}, nil, {"B", "-0.1", 45}}}, []string{"S"}))
	f.Add(writeXLSX(f, map[string][][]any{"S": {{"patient", "session", "outcome"}, {1, 1, 20}, {1, 2, nil}, {2, 1, "x"}}}, []string{"S"}))
	f.Add(writeXLSX(f, map[string][][]any{"A": {{"only header"}}, "B": {}}, []string{"A", "B"}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := ReadBytes("fuzz.xlsx", data, ReadOptions{})
		checkTable(t, tab, err)
		if err == nil && tab.Delimiter != 0 {
			t.Fatalf("a .xlsx name read as delimited text")
		}
	})
}
