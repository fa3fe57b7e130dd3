package datasets

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/go-gota/gota/dataframe"
)

// sessionFile writes into a temporary directory a deterministic long-format session CSV of
// 1,000,000 rows x 5 columns (about 24 MB): 50,000 patients of 2,000
// therapists, 20 sessions each, alliance with two decimals, integer outcome.
func sessionFile(b *testing.B) string {
	path := filepath.Join(b.TempDir(), "sessions.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	{
		w := bufio.NewWriterSize(f, 1<<20)
		w.WriteString("patient,therapist,session,alliance,outcome\n")
		x := uint64(20260101)
		next := func() uint64 { // a 64-bit linear congruential generator (Knuth's MMIX constants)
			x = x*6364136223846793005 + 1442695040888963407
			return x >> 33
		}
		var buf []byte
		for p := range 50000 {
			for s := 1; s <= 20; s++ {
				buf = buf[:0]
				buf = append(buf, "pt"...)
				buf = strconv.AppendInt(buf, int64(100000+p), 10)
				buf = append(buf, ",th"...)
				buf = strconv.AppendInt(buf, int64(1000+p/25), 10)
				buf = append(buf, ',')
				buf = strconv.AppendInt(buf, int64(s), 10)
				buf = append(buf, ',')
				buf = strconv.AppendFloat(buf, 1+float64(next()%401)/100, 'f', 2, 64)
				buf = append(buf, ',')
				buf = strconv.AppendInt(buf, int64(next()%28), 10)
				buf = append(buf, '\n')
				w.Write(buf)
			}
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	return path
}

// BenchmarkLoadSessions measures reading a 1e6-row session CSV from disk
// into a validated, typed session table (ours) beside gota's
// dataframe.ReadCSV on the same file (which only splits and guesses types).
// Budget (DESIGN.md): <= 0.3 s and <= 150 MB for ours.
func BenchmarkLoadSessions(b *testing.B) {
	path := sessionFile(b)
	if fi, err := os.Stat(path); err == nil {
		b.Logf("input: %s, %.1f MB", path, float64(fi.Size())/1e6)
	}
	b.Run("alliance", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tab, err := ReadFile(path, ReadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			s, err := tab.Sessions(SessionColumns{}, SessionOptions{RequireTherapist: true, RequireAlliance: true, RequireOutcome: true})
			if err != nil {
				b.Fatal(err)
			}
			if s.Len() != 1000000 {
				b.Fatalf("%d rows", s.Len())
			}
		}
	})
	b.Run("gota", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			df := dataframe.ReadCSV(bufio.NewReader(f))
			f.Close()
			if df.Err != nil || df.Nrow() != 1000000 {
				b.Fatalf("%v %d", df.Err, df.Nrow())
			}
		}
	})
}
