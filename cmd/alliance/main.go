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
// 2 bad usage or bad input.
package main

import (
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line args with the given streams and returns the
// process exit code. It is the testable entry point of the program.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(&env{stdin: stdin, stdout: stdout, stderr: stderr})
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	return exitCode(err, stderr)
}
