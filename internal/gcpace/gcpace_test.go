package gcpace

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// percent reads the collector's percentage (setting it and back: only
// when no watcher may restore the default meanwhile).
func percent() int {
	p := debug.SetGCPercent(Default)
	debug.SetGCPercent(p)
	return p
}

// collectUntil runs collections until cond holds or two seconds pass
// (cleanups run on their own goroutine after a cycle).
func collectUntil(cond func() bool) bool {
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
		runtime.GC()
		if cond() {
			return true
		}
		time.Sleep(time.Millisecond)
	}
	return cond()
}

func TestSmallHeapKeepsPercentWhileSmall(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(Default)
	SmallHeap(300, 1<<40)
	if p := percent(); p != 300 {
		t.Fatalf("percent after SmallHeap = %d, want 300", p)
	}
	for range 5 {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if p := percent(); p != 300 {
		t.Errorf("percent after collections with a small live heap = %d, want 300", p)
	}
}

func TestSmallHeapRestoresDefault(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(Default)
	live := make([]byte, 8<<20)
	for i := range live {
		live[i] = byte(i)
	}
	SmallHeap(300, 1<<20)
	if p := percent(); p != 300 {
		t.Fatalf("percent after SmallHeap = %d, want 300", p)
	}
	if !collectUntil(restored.Load) {
		t.Fatalf("no collection restored the default with %d MB live, bound 1 MB", len(live)>>20)
	}
	if p := percent(); p != Default {
		t.Errorf("percent with %d MB live, bound 1 MB = %d, want %d", len(live)>>20, p, Default)
	}
	runtime.KeepAlive(live)
}

func TestSmallHeapRespectsGOGC(t *testing.T) {
	t.Setenv("GOGC", "100")
	defer debug.SetGCPercent(Default)
	debug.SetGCPercent(Default)
	SmallHeap(300, 1<<40)
	if p := percent(); p != Default {
		t.Errorf("percent with GOGC set = %d, want %d (the user's choice)", p, Default)
	}
}

func TestLiveHeap(t *testing.T) {
	live := make([]byte, 16<<20)
	runtime.GC()
	if got := liveHeap(); got < uint64(len(live)) {
		t.Errorf("liveHeap = %d with a %d-byte slice live", got, len(live))
	}
	runtime.KeepAlive(live)
}

// numGC is the number of completed collections.
func numGC() uint32 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.NumGC
}

// TestReleased checks that a release collects only in a paced process and
// only from ReleaseMin on, and that a collection then completes.
func TestReleased(t *testing.T) {
	defer debug.SetGCPercent(Default)
	defer paced.Store(false)
	paced.Store(false)
	before := numGC()
	if Released(1 << 30) {
		t.Error("Released collected in a process SmallHeap did not pace")
	}
	t.Setenv("GOGC", "50")
	SmallHeap(300, 1<<40)
	if Released(1 << 30) {
		t.Error("Released collected though the user set GOGC")
	}
	t.Setenv("GOGC", "")
	SmallHeap(300, 1<<40)
	if Released(ReleaseMin - 1) {
		t.Errorf("Released collected for %d bytes, below ReleaseMin", ReleaseMin-1)
	}
	if numGC() != before {
		t.Skip("a collection ran on its own meanwhile; cannot tell whose it was")
	}
	if !Released(ReleaseMin) {
		t.Fatal("Released did not collect ReleaseMin bytes in a paced process")
	}
	if numGC() == before {
		t.Error("Released reported a collection, but none completed")
	}
}
