package datasets

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// writeTestParquet writes rows of a Go struct type as Parquet.
func writeTestParquet[T any](t testing.TB, rows []T) []byte {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewGenericWriter[T](&b)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type nullableRow struct {
	Patient  int64    `parquet:"patient"`
	Session  int32    `parquet:"session"`
	Alliance *float64 `parquet:"alliance,optional"`
	Outcome  *float32 `parquet:"outcome,optional"`
	Rater    *string  `parquet:"rater,optional"`
	Flag     bool     `parquet:"flag"`
}

// TestParquetNullsAreNA: a Parquet file with nulls in optional columns and
// the CSV file with NA in the same cells give the same typed session table
// (missing alliance and outcome in the same rows, same values elsewhere).
func TestParquetNullsAreNA(t *testing.T) {
	f64 := func(v float64) *float64 { return &v }
	f32 := func(v float32) *float32 { return &v }
	s := func(v string) *string { return &v }
	rows := []nullableRow{
		{1, 1, f64(4.5), f32(20), s("p"), true},
		{1, 2, nil, f32(18.5), nil, false},
		{1, 3, f64(3.25), nil, s("t"), true},
		{2, 1, f64(5), f32(0.1), s("p"), false},
		{2, 2, f64(4), f32(12), s("p"), false},
	}
	pq, err := ReadBytes("s.parquet", writeTestParquet(t, rows), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	csv, err := ReadBytes("s.csv", []byte("patient,session,alliance,outcome,rater,flag\n"+
		"1,1,4.5,20,p,TRUE\n1,2,NA,18.5,NA,FALSE\n1,3,3.25,NA,t,TRUE\n2,1,5,0.1,p,FALSE\n2,2,4,12,p,FALSE\n"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(pq.Header, ",") != strings.Join(csv.Header, ",") {
		t.Fatalf("header %v, CSV %v", pq.Header, csv.Header)
	}
	for j := range csv.NumCols() {
		for i := range csv.NumRows() {
			a, b := csv.Col(j), pq.Col(j)
			if a.Missing(i) != b.Missing(i) {
				t.Errorf("row %d column %s: missing %v, CSV %v", i+1, a.Name, b.Missing(i), a.Missing(i))
			}
			x, _, e1 := a.Float(i)
			y, _, e2 := b.Float(i)
			if (e1 == nil) != (e2 == nil) || (e1 == nil && !(x == y || x != x && y != y)) {
				t.Errorf("row %d column %s: %q, CSV %q", i+1, a.Name, b.String(i), a.String(i))
			}
			if e1 != nil && a.String(i) != b.String(i) {
				t.Errorf("row %d column %s: %q, CSV %q", i+1, a.Name, b.String(i), a.String(i))
			}
		}
	}
	ps, err := pq.Sessions(SessionColumns{}, SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := csv.Sessions(SessionColumns{}, SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range cs.Alliance {
		if a, b := cs.Alliance[i], ps.Alliance[i]; a != b && !(a != a && b != b) {
			t.Errorf("alliance[%d] = %v, CSV %v", i, b, a)
		}
		if a, b := cs.Outcome[i], ps.Outcome[i]; a != b && !(a != a && b != b) {
			t.Errorf("outcome[%d] = %v, CSV %v", i, b, a)
		}
	}
}

type listRow struct {
	ID     int64     `parquet:"id"`
	Scores []float64 `parquet:"scores,list"`
}

// TestParquetUnsupportedType: a list column is an input error naming the
// column and what it is.
func TestParquetUnsupportedType(t *testing.T) {
	_, err := ReadBytes("l.parquet", writeTestParquet(t, []listRow{{1, []float64{1, 2}}}), ReadOptions{})
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), `"scores"`) || !strings.Contains(err.Error(), "not supported") {
		t.Fatalf("err = %v", err)
	}
}

// TestParquetDamaged: every truncation and many single-byte corruptions of
// a valid file give an *InputError or a table, never a panic.
func TestParquetDamaged(t *testing.T) {
	f64 := 2.5
	var rows []nullableRow
	for i := range 300 {
		rows = append(rows, nullableRow{int64(i / 10), int32(i%10 + 1), &f64, nil, nil, i%2 == 0})
	}
	data := writeTestParquet(t, rows)
	for n := 0; n < len(data); n += max(1, len(data)/200) {
		_, err := ReadBytes("cut.parquet", bytes.Clone(data[:n]), ReadOptions{})
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Fatalf("cut to %d bytes: err = %v, want an *InputError", n, err)
		}
	}
	for k := 4; k < len(data)-4; k += max(1, len(data)/300) {
		d := bytes.Clone(data)
		d[k] ^= 0xA5
		if _, err := ReadBytes("bad.parquet", d, ReadOptions{}); err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("byte %d flipped: err = %v, want an *InputError", k, err)
			}
		}
	}
}

// FuzzReadParquet: no input makes the Parquet reader panic; an error is
// always an *InputError. Seeds: valid files and damaged ones.
func FuzzReadParquet(f *testing.F) {
	f64 := 3.5
	s := "x"
	good := writeTestParquet(f, []nullableRow{{1, 1, &f64, nil, &s, true}, {1, 2, nil, nil, nil, false}})
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(writeTestParquet(f, []listRow{{1, []float64{1}}}))
	f.Add([]byte("PAR1PAR1"))
	f.Add([]byte("PAR1\x00\x00\x00\x00\x00\x00\x00\x00PAR1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := readParquet("f.parquet", data, ReadOptions{})
		var ie *InputError
		if err != nil && !errors.As(err, &ie) {
			t.Fatalf("err %v is not an *InputError", err)
		}
	})
}
