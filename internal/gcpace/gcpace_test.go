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
