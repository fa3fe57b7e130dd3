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

// A panic in a body on a worker goroutine goes to OnPanic (the command
// reports it as an internal error), the other items still run, and a Run
// from inside a body runs on its caller. On the calling goroutine a panic
// unwinds the caller as usual.
func TestPanicsGoToOnPanic(t *testing.T) {
	var got atomic.Int32
	OnPanic = func(v any) {
		if v == "boom" {
			got.Add(1)
		}
	}
	defer func() { OnPanic = nil }()
	tm := NewTeam(3)
	var ran atomic.Int32
	var callerPanic any
	func() {
		defer func() { callerPanic = recover() }()
		tm.Run(10, func(w, i int) {
			ran.Add(1)
			if w > 0 || i == 9 {
				time.Sleep(time.Millisecond) // let the helpers take items
				panic("boom")
			}
		})
	}()
	if callerPanic == nil && got.Load() == 0 {
		t.Fatal("no panic was reported")
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
	got.Store(0)
	var items atomic.Int32
	Each(20, 4, func(_, i int) {
		items.Add(1)
		if i == 7 {
			panic("boom")
		}
	})
	if got.Load() != 1 || items.Load() != 20 {
		t.Errorf("Each: %d panics reported, %d items ran; want 1 and 20", got.Load(), items.Load())
	}
	got.Store(0)
	Chunks(20, 4, func(_, lo, _ int) {
		if lo > 0 {
			panic("boom")
		}
	})
	if got.Load() != 3 {
		t.Errorf("Chunks: %d panics reported, want 3", got.Load())
	}
}
