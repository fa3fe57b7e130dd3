// Package progress shows the progress of long work on a terminal: a
// spinner while a fit runs, a bar of known steps, a counter of rows read
// and patients done. Every function takes on, whether the display may be
// shown (standard error is a terminal and the user did not ask for
// quiet); with on false nothing is written and the update functions are
// nil, so logs and pipes stay clean.
package progress

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// OnTerminal reports whether w is a terminal.
func OnTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

func spinner(w io.Writer, desc string) *progressbar.ProgressBar {
	return progressbar.NewOptions(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(desc),
		progressbar.OptionSpinnerType(14), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
}

func bar(w io.Writer, n int, desc string) *progressbar.ProgressBar {
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(desc), progressbar.OptionClearOnFinish())
}

// Busy shows a spinner with desc on w while long work runs; it returns
// the function that clears it.
func Busy(w io.Writer, on bool, desc string) func() {
	_, done := Working(w, on, desc)
	return done
}

// Working is Busy for work that may also report the rows read and patients
// done: the spinner turns from the start with desc, and each update
// rewrites its text with the counts and their rate (as Counter).
func Working(w io.Writer, on bool, desc string) (update func(rows, patients int), done func()) {
	if !on {
		return nil, func() {}
	}
	b := spinner(w, desc)
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(150 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				_ = b.Add(1)
			}
		}
	}()
	start := time.Now()
	return func(rows, patients int) {
			s := time.Since(start).Seconds()
			b.Describe(fmt.Sprintf("%s: %d rows read, %d patients done (%.0f rows/s)", desc, rows, patients, float64(rows)/max(s, 1e-3)))
		}, func() {
			close(stop)
			_ = b.Finish()
		}
}

// Bar shows a bar of n steps: set reports the steps done, done clears it.
func Bar(w io.Writer, on bool, n int, desc string) (set func(done int), done func()) {
	if !on {
		return nil, func() {}
	}
	b := bar(w, n, desc)
	return func(d int) { _ = b.Set(d) }, func() { _ = b.Finish() }
}

// Counter shows the rows read and patients analysed and their rate while
// a file is read patient by patient.
func Counter(w io.Writer, on bool, desc string) (update func(rows, patients int), done func()) {
	if !on {
		return nil, func() {}
	}
	b := spinner(w, desc)
	start := time.Now()
	return func(rows, patients int) {
			s := time.Since(start).Seconds()
			b.Describe(fmt.Sprintf("%s: %d rows read, %d patients done (%.0f rows/s)", desc, rows, patients, float64(rows)/max(s, 1e-3)))
			_ = b.Add(1)
		}, func() {
			_ = b.Finish()
		}
}

// Lazy is Bar for work whose size is known only when it starts: the bar
// appears at the first report of (done, total).
func Lazy(w io.Writer, on bool, desc string) (set func(done, total int), done func()) {
	if !on {
		return nil, func() {}
	}
	var b *progressbar.ProgressBar
	return func(d, n int) {
			if b == nil {
				b = bar(w, n, desc)
			}
			_ = b.Set(d)
		}, func() {
			if b != nil {
				_ = b.Finish()
			}
		}
}
