package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestOffWritesNothing: with on false nothing is written and the update
// functions are nil (the commands then pass no callback to the analyses).
func TestOffWritesNothing(t *testing.T) {
	var w bytes.Buffer
	Busy(&w, false, "x")()
	set, done := Bar(&w, false, 10, "x")
	done()
	up, done2 := Counter(&w, false, "x")
	done2()
	lz, done3 := Lazy(&w, false, "x")
	done3()
	wk, done4 := Working(&w, false, "x")
	done4()
	if w.Len() != 0 || set != nil || up != nil || lz != nil || wk != nil {
		t.Errorf("wrote %q; set %v, update %v, lazy %v", w.String(), set != nil, up != nil, lz != nil)
	}
	if OnTerminal(&w) {
		t.Error("a buffer is not a terminal")
	}
}

// TestOnShowsWork: with on true the bar and the counter show their text.
func TestOnShowsWork(t *testing.T) {
	var w bytes.Buffer
	set, done := Bar(&w, true, 4, "permutations")
	set(2)
	done()
	up, done2 := Counter(&w, true, "ruptures")
	time.Sleep(120 * time.Millisecond) // past the throttle
	up(1000, 50)
	done2()
	lz, done3 := Lazy(&w, true, "GOSH subset fits")
	lz(3, 6)
	done3()
	wk, done4 := Working(&w, true, "fitting the session model")
	time.Sleep(200 * time.Millisecond) // the spinner turns without updates
	wk(2000, 100)
	time.Sleep(200 * time.Millisecond)
	done4()
	for _, want := range []string{"permutations", "ruptures: 1000 rows read, 50 patients done", "GOSH subset fits", "fitting the session model: 2000 rows read, 100 patients done"} {
		if !strings.Contains(w.String(), want) {
			t.Errorf("missing %q in %q", want, w.String())
		}
	}
}
