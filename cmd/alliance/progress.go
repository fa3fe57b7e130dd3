package main

import "github.com/alliance-research/alliance/cmd/internal/progress"

// The progress display of long work (cmd/internal/progress), shown only
// on a terminal and without --quiet.

func (e *env) onTerminal() bool { return !e.quiet && progress.OnTerminal(e.stderr) }

func (e *env) busy(desc string) func() { return progress.Busy(e.stderr, e.onTerminal(), desc) }

func (e *env) progress(n int, desc string) (func(int), func()) {
	return progress.Bar(e.stderr, e.onTerminal(), n, desc)
}

func (e *env) counter(desc string) (func(rows, patients int), func()) {
	return progress.Counter(e.stderr, e.onTerminal(), desc)
}

func (e *env) lazyProgress(desc string) (func(done, total int), func()) {
	return progress.Lazy(e.stderr, e.onTerminal(), desc)
}

func (e *env) working(desc string) (func(rows, patients int), func()) {
	return progress.Working(e.stderr, e.onTerminal(), desc)
}
