package datasets

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// typedRowA has integer ids and sessions, optional doubles (one column
// dictionary-encoded, so that its pages are read value by value) and
// unsigned and optional integer extras.
type typedRowA struct {
	Patient   int64    `parquet:"patient"`
	Therapist *int32   `parquet:"therapist,optional"`
	Session   int32    `parquet:"session"`
	Alliance  *float64 `parquet:"alliance,optional"`
	Outcome   *float64 `parquet:"outcome,optional,dict"`
	U         uint32   `parquet:"u"`
	X         *int64   `parquet:"x,optional,dict"`
}

// typedRowB has double ids and sessions (whole or not), text therapists.
type typedRowB struct {
	Patient   float64  `parquet:"patient"`
	Therapist string   `parquet:"therapist"`
	Session   *float64 `parquet:"session,optional"`
	Alliance  float64  `parquet:"alliance"`
	Outcome   *int32   `parquet:"outcome,optional"`
}

// hostileFloat is a random double, now and then one that tests a rule:
// NaN, ±Inf, −0, the missing-value code −99, extremes, 17 digits.
func hostileFloat(rng *rand.Rand, nonFinite bool) float64 {
	k := rng.IntN(14)
	if !nonFinite && k < 2 {
		k = 2 + rng.IntN(12)
	}
	switch k {
	case 0:
		return math.NaN()
	case 1:
		return math.Inf(1 - 2*rng.IntN(2))
	case 2:
		return math.Copysign(0, -1)
	case 3:
		return -99
	case 4:
		return 5e-324
	case 5:
		return 1e300 * (rng.Float64() + 1)
	case 6:
		return 0.1 + 0.2
	case 7:
		return float64(rng.IntN(7))
	}
	return math.Round(rng.NormFloat64()*1e4) / 1e3
}

// renderSessions writes every value of a session table with its exact bits.
func renderSessions(ss *Sessions) string {
	var b strings.Builder
	f := func(v []float64, i int) {
		if v == nil {
			b.WriteString("-/")
			return
		}
		b.WriteString(strconv.FormatUint(math.Float64bits(v[i]), 16) + "/")
	}
	for i := 0; i < ss.Len(); i++ {
		fmt.Fprintf(&b, "%q/", ss.Patient.Value(i))
		if ss.Therapist.Codes != nil {
			fmt.Fprintf(&b, "%q/", ss.Therapist.Value(i))
		}
		fmt.Fprintf(&b, "%d/%d/", ss.Session[i], ss.Line[i])
		f(ss.Alliance, i)
		f(ss.Outcome, i)
		for _, v := range ss.Extra {
			if v.Numeric {
				f(v.Num, i)
			} else {
				fmt.Fprintf(&b, "%q/", v.Text[i])
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// streamRender reads path patient by patient and renders the rows, or the
// error that stops the read.
func streamRender(path string, opt StreamOptions) string {
	st, err := OpenSessionStream(path, opt)
	if err != nil {
		return "open: " + err.Error()
	}
	defer st.Close()
	var b strings.Builder
	for {
		p, err := st.Next()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			var in *InputError
			if !errors.As(err, &in) {
				return b.String() + "not an input error: " + err.Error()
			}
			return b.String() + "error: " + err.Error()
		}
		b.WriteString(renderSessions(p))
	}
}

// TestParquetTypedMatchesText: the streamed Parquet reader's numeric
// columns, decoded straight into numbers, give exactly the rows (bit for
// bit) or exactly the error (file, row, column, value, message) that the
// cell-text path gives on the same file, over random files with nulls,
// NaN, ±Inf, −0, missing-value codes, non-whole and repeated sessions,
// dictionary-encoded pages, several row groups, decimal commas and
// projected passes.
func TestParquetTypedMatchesText(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 9))
	ptr := func(v float64) *float64 { return &v }
	errs, rows := 0, 0
	for it := range 200 {
		path := filepath.Join(dir, fmt.Sprintf("t%d.parquet", it))
		np := 1 + rng.IntN(40)
		clean := it%3 == 0 // no hostile values: the read must succeed
		mild := it%3 == 1  // −0, extremes, codes, but no NaN, ±Inf or bad sessions
		hostile := func() float64 { return hostileFloat(rng, !mild) }
		var data []byte
		if it%2 == 0 {
			var rs []typedRowA
			for p := range np {
				id := int64(p*7 - 20)
				if rng.IntN(30) == 0 {
					id = math.MaxInt64 - int64(p)
				}
				th := int32(rng.IntN(5) - 1)
				s := int32(rng.IntN(3))
				for range 1 + rng.IntN(12) {
					r := typedRowA{Patient: id, Session: s, U: uint32(rng.Uint32())}
					if clean || mild || rng.IntN(9) > 0 {
						r.Therapist = &th
					}
					if rng.IntN(6) > 0 {
						v := math.Round(rng.NormFloat64()*100) / 10
						if !clean {
							v = hostile()
						}
						r.Alliance = &v
					}
					if rng.IntN(5) > 0 {
						v := float64(rng.IntN(40))
						if !clean && rng.IntN(4) == 0 {
							v = hostile()
						}
						r.Outcome = &v
					}
					if rng.IntN(3) > 0 {
						x := int64(rng.IntN(200) - 100)
						r.X = &x
					}
					rs = append(rs, r)
					s += int32(1 + rng.IntN(2))
					if !clean && !mild && rng.IntN(60) == 0 {
						s -= 2
					}
				}
			}
			data = writeTestParquet(t, rs)
		} else {
			var rs []typedRowB
			for p := range np {
				id := float64(p) / 4
				if !clean && !mild && rng.IntN(20) == 0 {
					id = hostile()
				}
				s := float64(rng.IntN(3))
				for range 1 + rng.IntN(12) {
					r := typedRowB{Patient: id, Therapist: fmt.Sprintf(" t%d ", rng.IntN(3)), Session: ptr(s), Alliance: hostile()}
					if clean {
						r.Alliance = float64(rng.IntN(50)) / 8
					}
					if !clean && !mild && rng.IntN(25) == 0 {
						r.Session = ptr(s + 0.5)
					}
					if !clean && !mild && rng.IntN(40) == 0 {
						r.Session = nil
					}
					if rng.IntN(4) > 0 {
						o := int32(rng.IntN(200) - 100)
						r.Outcome = &o
					}
					rs = append(rs, r)
					s++
				}
			}
			data = writeTestParquet(t, rs)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		read := ReadOptions{}
		switch it % 5 {
		case 1:
			read.NA = []string{"-99"}
		case 2:
			read.NA = []string{"-99.0", "NaN"}
		case 3:
			read.Decimal = ','
		}
		for _, opt := range []StreamOptions{
			{Read: read},
			{Read: read, Columns: SessionColumns{Extra: []string{}}, Session: SessionOptions{RequireAlliance: true}},
		} {
			parquetTyped = false
			want := streamRender(path, opt)
			parquetTyped = true
			got := streamRender(path, opt)
			if got != want {
				t.Fatalf("%d (%+v): typed columns differ from the text path\n got %.2000s\nwant %.2000s", it, opt.Read, got, want)
			}
			if (clean || mild) && strings.Contains(got, "error:") && read.Decimal == 0 && len(read.NA) == 0 {
				t.Fatalf("%d: a clean file fails: %s", it, got[strings.Index(got, "error:"):])
			}
			if strings.Contains(got, "error:") {
				errs++
			} else {
				rows += strings.Count(got, "\n")
			}
		}
	}
	if errs < 20 || rows < 1000 {
		t.Fatalf("the cases do not test enough: %d errors, %d rows read", errs, rows)
	}
	t.Logf("%d reads failed alike, %d rows read alike", errs, rows)
}

// TestParquetTypedRowGroups: a file of several row groups (WriteParquet's
// ParquetRowGroupRows) streams the same typed and as text.
func TestParquetTypedRowGroups(t *testing.T) {
	var b strings.Builder
	b.WriteString("patient,therapist,session,alliance,outcome\n")
	n := ParquetRowGroupRows + ParquetRowGroupRows/2
	for i := range n {
		a := strconv.FormatFloat(float64(i%97)/8, 'f', -1, 64)
		if i%13 == 0 {
			a = "NA"
		}
		fmt.Fprintf(&b, "%d,%d,%d,%s,%d\n", i/20, i/2000, i%20, a, i%31)
	}
	tab, err := ReadBytes("s.csv", []byte(b.String()), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "s.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteParquet(f, tab); err != nil {
		t.Fatal(err)
	}
	f.Close()
	parquetTyped = false
	want := streamRender(path, StreamOptions{})
	parquetTyped = true
	got := streamRender(path, StreamOptions{})
	if got != want || strings.Count(got, "\n") != n {
		t.Fatalf("typed %d rows, text %d rows, equal %v", strings.Count(got, "\n"), strings.Count(want, "\n"), got == want)
	}
}
