package rupture

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// benchSeries returns a pool of 1,000 generated 20-session series with
// planted episodes, reused cyclically to stream 10⁶ patients.
func benchSeries() []Series {
	rng := rand.New(rand.NewPCG(1, 2))
	pool := make([]Series, 1000)
	for i := range pool {
		x, _ := plant(rng, 20)
		pool[i] = Series{Patient: strconv.Itoa(i), Therapist: "T" + strconv.Itoa(i%50), Score: x}
	}
	return pool
}

func benchStream(b *testing.B, o Options) {
	pool := benchSeries()
	o, err := Prepare(pool, o)
	if err != nil {
		b.Fatal(err)
	}
	d, err := NewDetector(o)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]Episode, 0, 16)
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		var t Tally
		var st SampleStats
		for i := 0; i < 1_000_000; i++ {
			s := pool[i%len(pool)]
			st.Add(s.Score) // the first pass a sample SD needs, timed too
			var p Patient
			p, buf, err = d.Patient(s, buf[:0])
			if err != nil {
				b.Fatal(err)
			}
			t.Add(p, buf)
		}
		if t.Summary().Episodes == 0 {
			b.Fatal("no episodes")
		}
	}
}

// BenchmarkStream1e6x20SD streams 1,000,000 patients × 20 sessions through
// the default sd rule (budget with sudden gains: ≤ 20 s, ≤ 300 MB). One op
// is the whole run.
func BenchmarkStream1e6x20SD(b *testing.B) { benchStream(b, DefaultOptions()) }

// BenchmarkStream1e6x20Max uses SDMax with the mean of 3 preceding sessions.
func BenchmarkStream1e6x20Max(b *testing.B) {
	benchStream(b, opts(func(o *Options) { o.SDSource, o.Reference = SDMax, ReferenceMean }))
}

// BenchmarkStream1e6x20SuddenLoss streams the sudden-loss rule.
func BenchmarkStream1e6x20SuddenLoss(b *testing.B) {
	benchStream(b, opts(func(o *Options) { o.Method = MethodSuddenLoss }))
}
