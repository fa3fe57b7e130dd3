package main

import (
	"fmt"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// onTerminal reports whether progress may be shown: standard error is a
// terminal and --quiet is not set. Nothing is written otherwise, so logs
// and pipes stay clean.
func (e *env) onTerminal() bool {
	f, ok := e.stderr.(interface{ Fd() uintptr })
	return !e.quiet && ok && term.IsTerminal(int(f.Fd()))
}

// busy shows a spinner with desc on standard error while long work runs
// (only on a terminal); it returns the function that clears it.
func (e *env) busy(desc string) func() {
	if !e.onTerminal() {
		return func() {}
	}
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(e.stderr), progressbar.OptionSetDescription(desc),
		progressbar.OptionSpinnerType(14), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(150 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = bar.Add(1)
			}
		}
	}()
	return func() {
		close(done)
		_ = bar.Finish()
	}
}

// progress shows a bar of n steps (only on a terminal): set reports the
// steps done, done clears it. set is nil when nothing is shown.
func (e *env) progress(n int, desc string) (set func(done int), done func()) {
	if !e.onTerminal() {
		return nil, func() {}
	}
	bar := progressbar.NewOptions(n, progressbar.OptionSetWriter(e.stderr), progressbar.OptionSetDescription(desc), progressbar.OptionClearOnFinish())
	return func(d int) { _ = bar.Set(d) }, func() { _ = bar.Finish() }
}

// counter shows, on a terminal only, the rows read and patients analysed
// and their rate while a command reads a file patient by patient; update
// is nil when nothing is shown.
func (e *env) counter(desc string) (update func(rows, patients int), done func()) {
	if !e.onTerminal() {
		return nil, func() {}
	}
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(e.stderr), progressbar.OptionSetDescription(desc),
		progressbar.OptionSpinnerType(14), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
	start := time.Now()
	return func(rows, patients int) {
			s := time.Since(start).Seconds()
			bar.Describe(fmt.Sprintf("%s: %d rows read, %d patients done (%.0f rows/s)", desc, rows, patients, float64(rows)/max(s, 1e-3)))
			_ = bar.Add(1)
		}, func() {
			_ = bar.Finish()
		}
}
