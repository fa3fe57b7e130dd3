package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Team runs many short passes (a likelihood evaluation of a tenth of a
// millisecond, hundreds of times in a row) on a set of helper goroutines
// that stay awake between passes. Starting goroutines for each pass, as
// Each does, costs the wake-up of a sleeping thread (tens of microseconds
// on a virtual machine) every time; a Team's helpers spin for up to
// teamSpin waiting for the next pass, then sleep, and end after teamIdle
// without one, so an idle Team holds no goroutine. The zero Team and a nil
// *Team run every pass on the calling goroutine.
type Team struct {
	helpers int
	mu      sync.Mutex
	alive   []bool // helper w (1..helpers) is running; under mu
	cur     atomic.Pointer[teamPass]
	wake    chan struct{}
	busy    atomic.Bool // a pass is in flight
}

// teamPass is one call of Run.
type teamPass struct {
	n          int
	body       func(w, i int)
	next, done atomic.Int64
}

// teamSpin is how long a helper waits awake for the next pass; teamIdle
// how long it then sleeps before it ends.
const (
	teamSpin = 300 * time.Microsecond
	teamIdle = 20 * time.Millisecond
)

// NewTeam returns a team of workers goroutines, the caller of Run being
// one of them (workers − 1 helpers); fewer than two make a serial team.
func NewTeam(workers int) *Team {
	h := max(0, workers-1)
	return &Team{helpers: h, alive: make([]bool, h+1), wake: make(chan struct{}, h)}
}

// Workers is the number of goroutines a pass may use (at least one).
func (t *Team) Workers() int {
	if t == nil {
		return 1
	}
	return t.helpers + 1
}

// Run calls body(w, i) for every i in [0, n), items taken in turn by the
// caller (w = 0) and the helpers (w = 1 … Workers()−1), and returns when
// every item is done; a panic in a body on a helper goes to OnPanic (on
// the caller it unwinds the caller, as any panic). No two items of a pass run concurrently with the same
// w. A Run made while another is in flight (from a body, or from another
// goroutine) runs its items on its own caller with w = 0, so bodies that
// keep scratch per w must not nest.
func (t *Team) Run(n int, body func(w, i int)) {
	if n <= 0 {
		return
	}
	if t == nil || t.helpers == 0 || n == 1 || !t.busy.CompareAndSwap(false, true) {
		for i := 0; i < n; i++ {
			body(0, i)
		}
		return
	}
	defer t.busy.Store(false)
	p := &teamPass{n: n, body: body}
	t.mu.Lock()
	prev := t.cur.Load()
	for w := 1; w <= t.helpers; w++ {
		if !t.alive[w] {
			t.alive[w] = true
			go t.helper(w, prev)
		}
	}
	t.cur.Store(p)
	t.mu.Unlock()
	for k := 0; k < t.helpers; k++ { // wake sleeping helpers (spinning ones see the pass anyway)
		select {
		case t.wake <- struct{}{}:
		default:
		}
	}
	p.work(0)
	for spins := 0; p.done.Load() < int64(n); spins++ {
		if spins > 64 {
			runtime.Gosched()
		}
	}
}

// work takes items of the pass until there are none left.
func (p *teamPass) work(w int) {
	for i := p.next.Add(1) - 1; i < int64(p.n); i = p.next.Add(1) - 1 {
		p.item(w, int(i))
	}
}

// item runs one body and counts it done (also when it panics: then, on a
// helper, the panic goes to OnPanic).
func (p *teamPass) item(w, i int) {
	defer func() {
		if h := OnPanic; h != nil && w > 0 {
			if v := recover(); v != nil {
				h(v)
			}
		}
		p.done.Add(1)
	}()
	p.body(w, i)
}

// helper runs the passes after last as helper w: it spins for teamSpin
// waiting for a new one, then sleeps until woken, and ends after teamIdle
// without a pass.
func (t *Team) helper(w int, last *teamPass) {
	for {
		start := time.Now()
		for spins := 0; t.cur.Load() == last; spins++ {
			if spins&63 == 63 && time.Since(start) > teamSpin {
				break
			}
			runtime.Gosched()
		}
		if t.cur.Load() == last {
			select {
			case <-t.wake:
			case <-time.After(teamIdle):
				t.mu.Lock()
				if t.cur.Load() == last { // no pass came: end (Run starts a new helper)
					t.alive[w] = false
					t.mu.Unlock()
					return
				}
				t.mu.Unlock()
			}
		}
		if p := t.cur.Load(); p != last {
			last = p
			p.work(w)
		}
	}
}
