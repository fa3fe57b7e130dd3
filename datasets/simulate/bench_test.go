package simulate

import (
	"io"
	"runtime"
	"testing"
)

// BenchmarkWriteSessionsCSV1M streams 1,000,000 patients × 20 sessions
// (20 million rows, about 425 MB of CSV) to a byte-counting writer that
// discards them (like io.Discard), and reports the heap
// in use at the end (bounded: one patient's rows plus the therapist effects).
func BenchmarkWriteSessionsCSV1M(b *testing.B) {
	p := DefaultSessionParams()
	p.Patients, p.Therapists = 1_000_000, 5_000
	p.MinSessions, p.MaxSessions = 20, 20
	b.ReportAllocs()
	var cw countWriter
	for b.Loop() {
		cw = 0
		if _, err := WriteSessionsCSV(&cw, p, nil); err != nil {
			b.Fatal(err)
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(cw)/1e6, "MB-csv")
	b.ReportMetric(float64(ms.HeapInuse)/1e6, "MB-heap-inuse")
}

// BenchmarkWriteSessionsCSVDemo generates the demo dataset (240 patients).
func BenchmarkWriteSessionsCSVDemo(b *testing.B) {
	p := DefaultSessionParams()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WriteSessionsCSV(io.Discard, p, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteStudiesCSV10k simulates 10,000 studies (about 14,000
// effects with n up to 500 simulated pairs each).
func BenchmarkWriteStudiesCSV10k(b *testing.B) {
	p := DefaultStudyParams()
	p.Studies = 10_000
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WriteStudiesCSV(io.Discard, p); err != nil {
			b.Fatal(err)
		}
	}
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
