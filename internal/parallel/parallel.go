// Package parallel is the one home of the project's worker pools (the
// analysis packages, and the readers in datasets): contiguous ranges for work of even cost (likelihood sums over
// studies, leave-one-out refits of equal size) and one index at a time for
// work of uneven cost (refits that converge in different numbers of steps).
// Each body gets its worker's number w in [0, workers), so that it can use
// scratch state of its own without locking.
package parallel

import (
	"sync"
	"sync/atomic"
)

// Chunks splits [0, n) into at most workers contiguous ranges of nearly
// equal length and runs body(w, lo, hi) for range w on a goroutine of its
// own; it returns when every range is done. With one range it runs on the
// calling goroutine.
func Chunks(n, workers int, body func(w, lo, hi int)) {
	if n <= 0 {
		return
	}
	workers = max(1, min(workers, n)) // fewer than one worker is one
	chunk := (n + workers - 1) / workers
	if workers == 1 || chunk >= n {
		body(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w*chunk < n; w++ {
		wg.Add(1)
		go func(w int) {
			defer workerDone(&wg)
			body(w, w*chunk, min((w+1)*chunk, n))
		}(w)
	}
	wg.Wait()
}

// OnPanic, when set, is called with the value of a panic in a body run on
// a worker goroutine, where no recover of the caller can catch it (the
// command's "internal error" report). Without it such a panic ends the
// process with Go's trace. It is set once, before any pass; the command
// makes it report the bug and exit.
var OnPanic func(v any)

// workerDone ends a worker goroutine, handing a panic to OnPanic.
func workerDone(wg *sync.WaitGroup) {
	if h := OnPanic; h != nil {
		if v := recover(); v != nil {
			h(v)
		}
	}
	wg.Done()
}

// Each runs body(w, i) for every i in [0, n) on workers goroutines, each
// taking the next index when it is free (items of uneven cost balance
// out); w is the goroutine's number. It returns when every item is done.
// In Chunks and Each a panic in a body goes to OnPanic.
func Each(n, workers int, body func(w, i int)) {
	if n <= 0 {
		return
	}
	workers = max(1, min(workers, n)) // fewer than one worker is one
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer workerDone(&wg)
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				body(w, i)
			}
		}(w)
	}
	wg.Wait()
}
