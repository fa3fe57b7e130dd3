package sessions

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// heapOf returns the heap in use after a collection.
func heapOf() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestStatsMemoryBounded: the statistics of the session model are
// O(patients), whatever the number of rows: 20,000 patients with 50 and
// with 500 sessions each (10⁶ and 10⁷ rows), generated patient by patient
// and never held, give statistics of the same size (heap within 2×), and
// the fit of the larger runs in the same memory.
func TestStatsMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("10⁷ rows")
	}
	sizes := map[int]uint64{}
	for _, ns := range []int{50, 500} {
		base := heapOf()
		st, err := NewStats(Columns{Therapist: true, Alliance: true, Outcome: true}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(uint64(ns), 1))
		p := Patient{Session: make([]int, ns), Alliance: make([]float64, ns), Outcome: make([]float64, ns)}
		for k := 0; k < 20000; k++ {
			p.ID, p.Therapist = fmt.Sprint(k), fmt.Sprint(k%400)
			up := rng.NormFloat64()
			for s := 0; s < ns; s++ {
				p.Session[s] = s + 1
				p.Alliance[s] = 4 + 0.4*up + 0.3*rng.NormFloat64()
				p.Outcome[s] = 15 - 2*up + 2*rng.NormFloat64()
			}
			if aerr := st.AddPatient(p); aerr != nil {
				t.Fatal(aerr)
			}
		}
		sizes[ns] = heapOf() - base
		res, err := FitStatsConsuming(st)
		if err != nil {
			t.Fatal(err)
		}
		if res.NObs != 20000*(ns-1) {
			t.Fatalf("%d rows in the fit, want %d", res.NObs, 20000*(ns-1))
		}
		t.Logf("%d rows: statistics %.1f MB", 20000*ns, float64(sizes[ns])/1e6)
		runtime.KeepAlive(st)
	}
	if sizes[500] > 2*sizes[50] {
		t.Errorf("statistics of 10⁷ rows take %d bytes, of 10⁶ rows %d: not bounded by the patients", sizes[500], sizes[50])
	}
}
