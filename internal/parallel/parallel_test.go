package parallel

import (
	"sync/atomic"
	"testing"
)

// Every index is visited exactly once, ranges are contiguous and cover
// [0, n), and worker numbers stay below workers (one when workers < 1),
// for any n and workers.
func TestEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 100, 1001} {
		for _, workers := range []int{0, 1, 2, 3, 8, 2000} {
			hits := make([]atomic.Int32, n)
			var bad atomic.Bool
			Chunks(n, workers, func(w, lo, hi int) {
				if w < 0 || w >= max(workers, 1) || lo >= hi {
					bad.Store(true)
				}
				for i := lo; i < hi; i++ {
					hits[i].Add(1)
				}
			})
			each := make([]atomic.Int32, n)
			Each(n, workers, func(w, i int) {
				if w < 0 || w >= max(workers, 1) {
					bad.Store(true)
				}
				each[i].Add(1)
			})
			for i := 0; i < n; i++ {
				if hits[i].Load() != 1 || each[i].Load() != 1 {
					t.Fatalf("n=%d workers=%d: index %d visited %d/%d times", n, workers, i, hits[i].Load(), each[i].Load())
				}
			}
			if bad.Load() {
				t.Fatalf("n=%d workers=%d: a bad worker number or empty range", n, workers)
			}
		}
	}
}
