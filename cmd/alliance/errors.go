package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
)

// Exit codes of the command-line contract (DESIGN.md).
const (
	exitOK       = 0
	exitAnalysis = 1 // the analysis failed: no convergence, degenerate model, ...
	exitUsage    = 2 // bad usage or bad input
)

// usageError marks an error caused by the command line or the input data; it
// maps to exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usageError with a formatted message.
func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// exitCode prints err (if any) to stderr and returns the exit code it maps to.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	msg := strings.TrimRight(err.Error(), "\n")
	fmt.Fprintf(stderr, "alliance: %s\n", msg)
	var ue usageError
	var ie *datasets.InputError
	switch {
	case errors.As(err, &ue), errors.As(err, &ie), isCobraUsage(err):
		return exitUsage
	default:
		return exitAnalysis
	}
}

// isCobraUsage recognises cobra's own flag and argument errors, which are not
// typed.
func isCobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand flag", "unknown command", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "requires at most", "bad flag syntax", "if any flags in the group"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// analysisOrInput classifies an analysis error: problems with the options or
// the data (bad method name, collinear moderators) are usage errors (exit 2);
// numerical failures are analysis errors (exit 1).
func analysisOrInput(err error) error {
	var oe *workflow.OptionError
	if errors.As(err, &oe) {
		return usageError{err}
	}
	s := err.Error()
	for _, p := range []string{"unknown", "collinear", "constant", "must", "need", "length", "at least", "invalid", "not allowed", "cannot be",
		"formula", "column", "not found", "not supported", "unsupported", "duplicate", "no usable", "single"} {
		if strings.Contains(s, p) {
			return usageError{err}
		}
	}
	return err
}

// withOptionFlag turns a workflow option error into a usage error that
// names the command's flag for the option; other errors are classified by
// analysisOrInput.
func withOptionFlag(err error, flags map[string]string) error {
	var oe *workflow.OptionError
	if errors.As(err, &oe) {
		if f, ok := flags[oe.Option]; ok {
			return usagef("%v (%s)", err, f)
		}
		return usageError{err}
	}
	var ie *datasets.InputError
	if errors.As(err, &ie) {
		return err
	}
	return analysisOrInput(err)
}
