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
// median (GOGC=300). Released adds a collection where a command drops a
// large structure, so that its pages are reused (see there).
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
	paced.Store(true)
	debug.SetGCPercent(pct)
	watch(until)
}

// paced is set once SmallHeap has taken effect: the process (a command,
// not a library caller or a test) has chosen how it is collected.
var paced atomic.Bool

// ReleaseMin is the smallest release that Released collects: below it a
// collection (~0.3 ms) costs more than the pages it lets be reused.
const ReleaseMin = 2 << 20

// Released tells the pacer that the caller has just let go of about bytes
// of heap it will not use again (a parsed table once a model's columns
// have been taken from it). In a process paced by SmallHeap a release of
// at least ReleaseMin is collected at once, so that what is allocated next
// reuses those pages instead of touching new ones: a page first touched
// costs its fault and its release at exit, about 1.7 µs per 4 KB on the
// 2-CPU VM of the README's timings. Elsewhere, and when the user set
// GOGC, it does nothing: forcing a collection is the process's choice.
// It reports whether it collected.
//
// Measured on `alliance lmm` with 100,000 rows (therapist/patient
// nested): the 4.7 MB table collected before the fit, 3,822 → 3,333 page
// faults and 21.2 → 19.6 ms whole process (perf stat, 30 runs).
func Released(bytes int64) bool {
	if !paced.Load() || bytes < ReleaseMin {
		return false
	}
	runtime.GC()
	return true
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
