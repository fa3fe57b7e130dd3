package datasets

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// randomSessions writes a random long session table: patients with ids
// that need quoting now and then, sessions with gaps, missing scores, an
// extra text column with quoted line breaks. sorted groups the patients'
// rows; otherwise two patients' rows interleave somewhere.
func randomSessions(rng *rand.Rand, sorted bool) string {
	var b strings.Builder
	b.WriteString("patient,therapist,session,alliance,outcome,note\n")
	np := 1 + rng.IntN(60)
	type row struct{ p, line string }
	var rows []row
	for p := range np {
		id := fmt.Sprintf("p%d", p)
		if rng.IntN(5) == 0 {
			id = fmt.Sprintf("\"p,%d\"", p)
		}
		th := fmt.Sprintf("t%d", rng.IntN(4))
		s := rng.IntN(2)
		for range 1 + rng.IntN(25) {
			a, o := fmt.Sprintf("%.2f", 4+rng.NormFloat64()), fmt.Sprintf("%d", rng.IntN(30))
			if rng.IntN(8) == 0 {
				a = "NA"
			}
			if rng.IntN(9) == 0 {
				o = ""
			}
			note := "x"
			if rng.IntN(10) == 0 {
				note = "\"two\nlines, \"\"quoted\"\"\""
			}
			rows = append(rows, row{id, fmt.Sprintf("%s,%s,%d,%s,%s,%s\n", id, th, s, a, o, note)})
			s += 1 + rng.IntN(2)
		}
	}
	if !sorted && np >= 2 {
		// move one row of the first patient after a row of the second
		for i := 1; i < len(rows); i++ {
			if rows[i].p != rows[0].p {
				k := i - 1 // last row of patient 0
				if k > 0 && i+1 <= len(rows) {
					r := rows[k]
					copy(rows[k:i], rows[k+1:i+1])
					rows[i] = r
				}
				break
			}
		}
	}
	for _, r := range rows {
		b.WriteString(r.line)
	}
	return b.String()
}

// patientsOf splits an in-memory Sessions into per-patient row lists in
// order of first appearance (what a stream of a grouped file yields).
func patientsOf(ss *Sessions) []string {
	var order []string
	by := map[string][]string{}
	for i := 0; i < ss.Len(); i++ {
		id := ss.Patient.Value(i)
		if _, ok := by[id]; !ok {
			order = append(order, id)
		}
		by[id] = append(by[id], rowString(ss, i))
	}
	out := make([]string, len(order))
	for k, id := range order {
		out[k] = id + ":" + strings.Join(by[id], "|")
	}
	return out
}

func rowString(ss *Sessions, i int) string {
	f := func(v []float64) string {
		if v == nil {
			return "-"
		}
		if math.IsNaN(v[i]) {
			return "NaN"
		}
		return fmt.Sprint(v[i])
	}
	th := ""
	if ss.Therapist.Codes != nil {
		th = ss.Therapist.Value(i)
	}
	s := fmt.Sprintf("%s/%d/%s/%s/L%d", th, ss.Session[i], f(ss.Alliance), f(ss.Outcome), ss.Line[i])
	for _, v := range ss.Extra {
		if v.Numeric {
			s += "/" + f(v.Num)
		} else {
			s += "/" + v.Text[i]
		}
	}
	return s
}

func streamAll(t *testing.T, path string, opt StreamOptions) ([]string, error) {
	t.Helper()
	st, err := OpenSessionStream(path, opt)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	var out []string
	for {
		p, err := st.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		var rows []string
		for i := 0; i < p.Len(); i++ {
			rows = append(rows, rowString(p, i))
		}
		out = append(out, p.Patient.Levels[0]+":"+strings.Join(rows, "|"))
	}
}

// TestStreamMatchesTable: over random files and block sizes, the stream
// yields exactly the rows Table.Sessions reads, patient by patient; for an
// interleaved file it fails with the sort hint, never with other rows.
// Parquet copies give the same rows, by row group.
func TestStreamMatchesTable(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 21))
	for it := range 120 {
		sorted := it%4 != 3
		text := randomSessions(rng, sorted)
		path := filepath.Join(dir, fmt.Sprintf("s%d.csv", it))
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		tab, err := ReadFile(path, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ss, err := tab.Sessions(SessionColumns{}, SessionOptions{})
		if err != nil {
			t.Fatalf("%d: %v", it, err)
		}
		want := patientsOf(ss)
		grouped := true
		seen := map[string]bool{}
		for i := 0; i < ss.Len(); i++ {
			id := ss.Patient.Value(i)
			if seen[id] && ss.Patient.Value(i-1) != id {
				grouped = false
			}
			seen[id] = true
		}
		for _, chunk := range []int{17, 64, 301, 1 << 20} {
			got, err := streamAll(t, path, StreamOptions{ChunkBytes: chunk})
			if !grouped {
				var in *InputError
				if !errors.As(err, &in) || in.Problems[0].Hint != HintSort || !strings.Contains(in.Problems[0].Msg, "sort -t ',' -k1,1 -k3,3n") {
					t.Fatalf("%d/%d: interleaved file: got %v", it, chunk, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%d/%d: %v", it, chunk, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%d/%d: stream differs\n got %q\nwant %q", it, chunk, got, want)
			}
		}
		if !grouped || it%10 != 0 {
			continue
		}
		var pq bytes.Buffer
		if err := WriteParquet(&pq, tab); err != nil {
			t.Fatal(err)
		}
		ppath := filepath.Join(dir, fmt.Sprintf("s%d.parquet", it))
		if err := os.WriteFile(ppath, pq.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := streamAll(t, ppath, StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// Parquet lines are row numbers: compare without them.
		strip := func(v []string) string {
			s := strings.Join(v, "\n")
			var b strings.Builder
			for _, f := range strings.Split(s, "/") {
				if strings.HasPrefix(f, "L") {
					continue
				}
				b.WriteString(f + "/")
			}
			return b.String()
		}
		if strip(got) != strip(want) {
			t.Fatalf("%d: parquet stream differs\n got %q\nwant %q", it, got, want)
		}
	}
}

// TestStreamErrors: a bad cell, a repeated session across a block boundary
// and a session going back are input errors naming file, line and column,
// as Table.Sessions names them.
func TestStreamErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ text, want string }{
		{"patient,session,alliance\n1,1,4\n1,2,abc\n", "e0.csv:3: column \"alliance\": \"abc\""},
		{"patient,session,alliance\n1,1,4\n1,2,5\n1,2,5\n", "has session 2 twice"},
		{"patient,session,alliance\n1,1,4\n1,3,5\n1,2,5\n", "session 2 comes after session 3"},
		{"patient,session\n1,1\n", "no alliance column"},
		{"patient,session,alliance\n", "header only"},
	}
	for k, c := range cases {
		path := filepath.Join(dir, fmt.Sprintf("e%d.csv", k))
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, chunk := range []int{9, 1 << 20} {
			_, err := streamAll(t, path, StreamOptions{ChunkBytes: chunk, Session: SessionOptions{RequireAlliance: true}})
			var in *InputError
			if !errors.As(err, &in) || !strings.Contains(err.Error(), c.want) || in.Problems[0].File != path {
				t.Errorf("case %d chunk %d: got %v, want an input error with %q", k, chunk, err, c.want)
			}
			if chunk > 100 && k < 3 {
				// one block: exactly the in-memory loader's problems
				tab, _ := ReadFile(path, ReadOptions{})
				_, werr := tab.Sessions(SessionColumns{}, SessionOptions{RequireAlliance: true})
				if werr == nil || werr.Error() != err.Error() {
					t.Errorf("case %d: stream %v, table %v", k, err, werr)
				}
			}
		}
	}
}
