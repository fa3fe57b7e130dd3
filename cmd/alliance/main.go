// Command alliance is the command-line front end of the alliance toolkit for
// psychotherapy alliance–outcome research: study-level meta-analysis of
// alliance–outcome correlations, session-by-session models, rupture–repair
// detection, sudden gains, reliable change, reliability and scoring.
//
// Usage:
//
//	alliance <command> [flags] [FILE]
//
// FILE may be "-" for standard input. Commands with a natural example run on an
// embedded dataset when no FILE is given and say so on standard error.
//
// Exit codes: 0 success; 1 the analysis failed (for example no convergence);
// 2 bad usage or bad input; 3 an internal error (a bug in alliance: a panic
// is caught and reported in one line, never as exit 2); 130 interrupted (SIGINT), 143 terminated
// (SIGTERM): an interrupted run removes its temporary files and leaves every
// target as it was.
package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/alliance-research/alliance/datasets/fileout"
	"github.com/alliance-research/alliance/internal/gcpace"
	"github.com/alliance-research/alliance/internal/parallel"
	"github.com/alliance-research/alliance/plots/textout"
)

func main() {
	catchSignals()
	softMemoryLimit()
	gcpace.SmallHeap(smallHeapGOGC, smallHeapLive)
	// A bug in a body run on a worker goroutine of internal/parallel, where
	// run's recover cannot catch it, is reported the same way.
	parallel.OnPanic = func(v any) {
		reportInternal(os.Stderr, v)
		os.Exit(exitInternal)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// defaultMemoryLimit is the heap size the Go runtime is asked to stay
// under (a soft limit: it collects garbage more often near it, it never
// fails an allocation). Without it the heap may grow to twice the live
// data before a collection, which on a registry-sized file (10⁷ session
// rows: about 1.4 GB live) is what the peak memory would be.
const defaultMemoryLimit = 1536 << 20

// smallHeapGOGC is the collector's percentage while the live heap is below
// smallHeapLive (see gcpace): a run on a small file collects once instead of
// four times.
const (
	smallHeapGOGC = 300
	smallHeapLive = 16 << 20
)

// softMemoryLimit sets defaultMemoryLimit unless GOMEMLIMIT is set.
func softMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

// catchSignals makes SIGINT and SIGTERM remove this process's temporary
// files and directories (fileout.Interrupted) and exit with 128 + the signal number, as shells
// report a process killed by it.
func catchSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-ch
		fileout.Interrupted()
		code := 130
		if sig == syscall.SIGTERM {
			code = 143
		}
		fmt.Fprintf(os.Stderr, "alliance: %v: stopped, its temporary files removed\n", sig)
		os.Exit(code)
	}()
}

// reportInternal removes this run's temporary files (Interrupted would
// hold the registry for good) and says that panic value v is a bug.
func reportInternal(stderr io.Writer, v any) {
	fileout.Cleanup()
	msg := string(textout.EscapeControls([]byte(fmt.Sprint(v))))
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	fmt.Fprintf(stderr, "alliance: internal error: %s\nThis is a bug in alliance, not in your data or command: please report it with the command line (alliance %s).\n", msg, version)
}

// run executes the command line args with the given streams and returns the
// process exit code. It is the testable entry point of the program.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if v := recover(); v != nil {
			reportInternal(stderr, v)
			code = exitInternal
		}
	}()
	root := newRootCmdFor(&env{stdin: stdin, stdout: stdout, stderr: stderr}, args)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	return exitCode(err, stderr)
}
