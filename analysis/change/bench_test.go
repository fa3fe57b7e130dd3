package change

import (
	"strconv"
	"testing"
)

// BenchmarkFind1e6x20 streams 1,000,000 patients × 20 sessions through
// Detector.Find with one reused buffer (budget: ≤ 20 s for the lot).
// Each op is the whole 10⁶-patient run.
func BenchmarkFind1e6x20(b *testing.B) {
	const pool = 1000
	series := make([]Series, pool)
	for i := range series {
		drops := map[int]float64{}
		if i%3 == 0 {
			drops[2+i%15] = 10
		}
		series[i] = NewSeries(strconv.Itoa(i), plant(20, uint32(i), drops))
	}
	d, _ := NewDetector(DefaultCriteria(Gains, 7))
	buf := make([]Gain, 0, 16)
	b.ReportAllocs()
	b.ResetTimer()
	total := 0
	for n := 0; n < b.N; n++ {
		for i := 0; i < 1_000_000; i++ {
			buf = d.Find(series[i%pool], buf[:0])
			total += len(buf)
		}
	}
	if total == 0 {
		b.Fatal("no gains")
	}
}
