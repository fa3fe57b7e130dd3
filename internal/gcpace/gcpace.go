// Package gcpace paces the garbage collector of a short command process.
//
// Go collects when the heap has grown by GOGC percent (100) over the live
// data of the last collection, from a 4 MB minimum on. A command that reads
// a small file and fits one model allocates a few tens of megabytes, and
// most of it stays live to the end: it pays for four collections at 4, 6,
// 13 and 13 MB whose work (marking while the parser runs on both
// processors, assists, sweeping) frees almost nothing. SmallHeap raises the
// percentage while the live heap is small and restores Go's default once a
// collection finds more live data than a bound, so that a large run keeps
// the peak memory it had (the soft memory limit set by the front end still
// applies throughout).
//
// Measured on `alliance lmm` with 100,000 rows (therapist/patient nested,
// whole process, 2-CPU VM): one collection instead of four, 26.8 → 24.6 ms
// median (GOGC=300); the 9.7 M-row fit keeps its 1.59 GB peak.
package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"sync/atomic"
)

// Default is the percentage Go uses without GOGC.
const Default = 100

// SmallHeap sets the collector's percentage to pct until a collection
// leaves more than until bytes of live heap, then to Default. It does
// nothing when the user set GOGC (their choice stands).
func SmallHeap(pct int, until uint64) {
	if os.Getenv("GOGC") != "" {
		return
	}
	restored.Store(false)
	debug.SetGCPercent(pct)
	watch(until)
}

// restored is set once check has restored Default (tests wait for it
// rather than read the percentage, which reading would race with).
var restored atomic.Bool

// watch arranges for check to run after the next collection: the cleanup
// of an object nothing references runs once a cycle has found it dead.
func watch(until uint64) {
	runtime.AddCleanup(new([4]uint64), check, until)
}

// check restores the default once the live heap exceeds until, and
// otherwise watches the next collection.
func check(until uint64) {
	if liveHeap() > until {
		debug.SetGCPercent(Default)
		restored.Store(true)
		return
	}
	watch(until)
}

// liveHeap is the heap in use just after a collection (the cleanup runs
// then): the live data and what was allocated since. runtime.ReadMemStats
// stops the world for microseconds; runtime/metrics would cost every
// process its package initialisation (0.08 ms) for one number.
func liveHeap() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
