package parallel

import (
	"sync/atomic"
	"testing"
	"time"
)

// Every item of every pass runs exactly once, with a worker number below
// Workers() that no other item holds at the same time, and Run returns
// only when its items are done; helpers end after teamIdle without a pass.
func TestTeamPasses(t *testing.T) {
	for _, workers := range []int{0, 1, 2, 3, 8} {
		tm := NewTeam(workers)
		busy := make([]atomic.Int32, tm.Workers())
		for pass := 0; pass < 300; pass++ {
			n := pass % 17
			hits := make([]atomic.Int32, n)
			var bad atomic.Bool
			tm.Run(n, func(w, i int) {
				if w < 0 || w >= tm.Workers() || busy[w].Add(1) != 1 {
					bad.Store(true)
				}
				hits[i].Add(1)
				busy[w].Add(-1)
			})
			if bad.Load() {
				t.Fatalf("workers %d pass %d: a worker number out of range or used twice at once", workers, pass)
			}
			for i := range hits {
				if h := hits[i].Load(); h != 1 {
					t.Fatalf("workers %d pass %d: item %d ran %d times", workers, pass, i, h)
				}
			}
			if pass%100 == 99 { // let the helpers fall asleep, then wake them
				time.Sleep(2 * teamSpin)
			}
		}
		deadline := time.Now().Add(teamSpin + 20*teamIdle)
		for tm.running() > 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if r := tm.running(); r > 0 {
			t.Fatalf("workers %d: %d helper(s) still running long after the last pass", workers, r)
		}
		// A team whose helpers ended starts new ones.
		var sum atomic.Int64
		tm.Run(100, func(_, i int) { sum.Add(int64(i)) })
		if sum.Load() != 4950 {
			t.Fatalf("workers %d: after the helpers ended, a pass summed %d, want 4950", workers, sum.Load())
		}
	}
	var nilTeam *Team
	k := 0
	nilTeam.Run(5, func(w, _ int) { k += 1 + w })
	if k != 5 || nilTeam.Workers() != 1 {
		t.Fatalf("nil team: %d items, %d workers", k, nilTeam.Workers())
	}
}

// running counts the live helpers.
func (t *Team) running() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, a := range t.alive {
		if a {
			n++
		}
	}
	return n
}

// A panic in a body reaches the caller of Run, Each or Chunks (where the
// command's recover reports it) after the other items are done, and the
// team runs the next pass normally; a Run from inside a body runs on its
// caller.
func TestPanicsReachTheCaller(t *testing.T) {
	catch := func(f func()) (v any) {
		defer func() { v = recover() }()
		f()
		return nil
	}
	tm := NewTeam(3)
	for _, k := range []int{0, 5, 9} {
		var ran atomic.Int32
		v := catch(func() {
			tm.Run(10, func(_, i int) {
				ran.Add(1)
				if i == k {
					panic("boom")
				}
			})
		})
		if v != "boom" || ran.Load() != 10 {
			t.Errorf("Run, panic at item %d: recovered %v, %d items ran, want boom and 10", k, v, ran.Load())
		}
	}
	var sum atomic.Int64
	tm.Run(100, func(_, i int) {
		sum.Add(int64(i))
		if i == 50 { // nested: runs on this goroutine
			tm.Run(3, func(_, j int) { sum.Add(int64(1000 * (j + 1))) })
		}
	})
	if sum.Load() != 4950+6000 {
		t.Errorf("after a panic, with a nested Run: sum %d, want %d", sum.Load(), 4950+6000)
	}
	if v := catch(func() {
		Each(20, 4, func(_, i int) {
			if i == 7 {
				panic("each")
			}
		})
	}); v != "each" {
		t.Errorf("Each: recovered %v, want each", v)
	}
	if v := catch(func() {
		Chunks(20, 4, func(_, lo, _ int) {
			if lo > 0 {
				panic("chunks")
			}
		})
	}); v != "chunks" {
		t.Errorf("Chunks: recovered %v, want chunks", v)
	}
}
