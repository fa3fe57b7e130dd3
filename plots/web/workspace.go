package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/alliance-research/alliance/plots/report"
)

// A workspace is one student's data, options and last report, kept in
// memory under an unguessable id.
type workspace struct {
	id string

	mu       sync.Mutex
	req      Request // the data and the options last run (or restored)
	tables   []Table
	inspect  string // why the data could not be inspected
	used     time.Time
	state    runState
	stage    string
	started  time.Time
	took     time.Duration
	files    []report.File
	errMsg   string
	errInput bool
	cancel   context.CancelFunc
	runID    int
}

type runState int

const (
	idle runState = iota
	running
	done
	failed
	cancelled
)

// snapshot is a consistent copy of a workspace for rendering.
type snapshot struct {
	ID       string
	Req      Request
	Tables   []Table
	Inspect  string
	State    runState
	Stage    string
	Elapsed  time.Duration
	Files    []report.File
	ErrMsg   string
	ErrInput bool
}

func (w *workspace) snapshot() snapshot {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := snapshot{ID: w.id, Req: w.req, Tables: w.tables, Inspect: w.inspect, State: w.state, Stage: w.stage,
		Files: w.files, ErrMsg: w.errMsg, ErrInput: w.errInput, Elapsed: w.took}
	if w.state == running {
		s.Elapsed = time.Since(w.started)
	}
	return s
}

// store holds the workspaces, at most max of them: a new one drops the
// least recently used one that is not running.
type store struct {
	mu  sync.Mutex
	max int
	m   map[string]*workspace
}

func newStore(max int) *store { return &store{max: max, m: map[string]*workspace{}} }

func (s *store) add(req Request) (*workspace, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	w := &workspace{id: hex.EncodeToString(b), req: req, used: time.Now()}
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.m) >= s.max {
		var old *workspace
		for _, x := range s.m {
			x.mu.Lock()
			busy, used := x.state == running, x.used
			x.mu.Unlock()
			if !busy && (old == nil || used.Before(old.used)) {
				old = x
			}
		}
		if old == nil {
			break // every one is running: keep them all
		}
		delete(s.m, old.id)
	}
	s.m[w.id] = w
	return w, nil
}

func (s *store) get(id string) *workspace {
	s.mu.Lock()
	w := s.m[id]
	s.mu.Unlock()
	if w != nil {
		w.mu.Lock()
		w.used = time.Now()
		w.mu.Unlock()
	}
	return w
}

func (s *store) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, w := range s.m {
		w.mu.Lock()
		if w.cancel != nil {
			w.cancel()
		}
		w.files = nil
		w.mu.Unlock()
		delete(s.m, id)
	}
}

// start runs the report of req in the background, replacing any run in
// progress (which is cancelled).
func (srv *Server) start(w *workspace, req Request) {
	ctx, cancel := context.WithCancel(context.Background())
	w.mu.Lock()
	if w.cancel != nil {
		w.cancel()
	}
	w.runID++
	id := w.runID
	w.req, w.state, w.stage, w.started, w.files, w.errMsg, w.cancel = req, running, "starting", time.Now(), nil, "", cancel
	w.mu.Unlock()
	go func() {
		defer cancel()
		files, err := srv.runSafe(ctx, req, func(stage string) {
			w.mu.Lock()
			if w.runID == id {
				w.stage = stage
			}
			w.mu.Unlock()
		})
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.runID != id {
			return // a newer run replaced this one
		}
		w.took, w.cancel = time.Since(w.started), nil
		switch {
		case ctx.Err() != nil:
			w.state = cancelled
		case err != nil:
			w.state = failed
			w.errMsg, w.errInput = srv.describe(err)
		default:
			w.state, w.files = done, files
		}
	}()
}

// runSafe calls Options.Run, turning a panic into an error.
func (srv *Server) runSafe(ctx context.Context, req Request, progress func(string)) (files []report.File, err error) {
	defer func() {
		if v := recover(); v != nil {
			srv.log.Printf("report: internal error: %v", v)
			files, err = nil, internalError{v}
		}
	}()
	return srv.opt.Run(ctx, req, progress)
}

type internalError struct{ v any }

func (e internalError) Error() string {
	return "internal error: the analysis stopped unexpectedly (please report this); the server goes on"
}

// describe words an error (internal errors in our own words).
func (srv *Server) describe(err error) (string, bool) {
	if _, ok := err.(internalError); ok {
		return err.Error(), false
	}
	msg, input := srv.opt.Describe(err)
	return trim(msg, 4000), input
}
