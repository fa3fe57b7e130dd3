package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/cmd/internal/flagx"
	"github.com/alliance-research/alliance/plots/textout"
)

// Exit codes of the command-line contract (DESIGN.md).
const (
	exitOK       = 0
	exitAnalysis = 1 // the analysis failed: no convergence, degenerate model, ...
	exitUsage    = 2 // bad usage or bad input
	exitInternal = 3 // a bug: a panic caught by run
)

// usageError marks an error caused by the command line or the input data; it
// maps to exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usageError with a formatted message.
func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// exitCode prints err (if any) to stderr, with the command-line spelling of
// any setting the library's error names (withFlagHints), and returns the
// exit code it maps to. The mapping is by type (errors.As), never by text:
//
//	usageError, *errs.InputError (datasets.InputError), errs.InvalidOption,
//	cobra's own flag errors                                  → 2 (bad usage or input)
//	errs.NoConvergence, errs.Singular, errs.TooFew, untyped  → 1 (analysis failed)
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	msg := string(textout.EscapeControls([]byte(strings.TrimRight(withFlagHints(err), "\n"))))
	fmt.Fprintf(stderr, "alliance: %s\n", msg)
	switch {
	case isUsage(err):
		return exitUsage
	case errs.KindOf(err) != 0: // a typed analysis failure, whatever its text
		return exitAnalysis
	case flagx.IsUsage(err):
		return exitUsage
	}
	return exitAnalysis
}

// isUsage reports whether err is bad usage or bad input by its type: a
// usageError of this program, an input error (file, line, column, value)
// from a loader or an analysis, or a library call with an invalid option.
// The outermost typed analysis error decides, so that an analysis that
// failed while using a bad sub-result is still an analysis failure.
func isUsage(err error) bool {
	var ue usageError
	var ie *errs.InputError
	return errors.As(err, &ue) || errors.As(err, &ie) || errs.KindOf(err) == errs.InvalidOption
}

// hintFlags turns a library error's machine-readable hint (errs.Problem.Hint,
// errs.Error.Hint: a role or option name, optionally "=value") into this
// program's words. %s is the hint's value. Role hints (column names) are
// only added to problems that are not about a cell's value.
var hintFlags = map[string]struct {
	text string
	role bool
}{
	"study": {"name it with --study", true}, "r": {"name it with --r", true}, "n": {"name it with --n", true},
	"yi": {"name it with --yi", true}, "vi": {"name it with --vi or --sei", true}, "sei": {"name it with --sei", true},
	"mods": {"see --mods", true}, "cluster": {"see --cluster", true},
	"effects": {"name them with --r and --n, or --yi with --vi or --sei", true},
	"patient": {"name it with --patient", true}, "therapist": {"name it with --therapist", true},
	"session":  {"name it with --session, or give --wide for one row per patient", true},
	"alliance": {"name it with --alliance", true}, "outcome": {"name it with --outcome", true},
	"wide":  {"see --wide", true},
	"group": {"name it with --group", true}, "pre": {"see --pre", true}, "post": {"see --post", true},
	"decimal":         {"try --decimal %s", false},
	"decimal=,":       {"decimal comma? try --decimal ,", false},
	"decimal=.":       {"decimal point? try --decimal .", false},
	"na":              {"declare missing-value codes with --na", false},
	"delimiter":       {"try --delimiter", false},
	"nfactors":        {"try --nfactors %s", false},
	"drop-incomplete": {"try --drop-incomplete", false},
	"robust-type":     {"try --robust-type %s", false},
	"Measure":         {"see --measure", false},
	"sheet":           {"choose it with --sheet", false},
	"max-bytes":       {"raise it with --max-bytes", false},
	"table":           {"choose one with --table", false},
	"studies":         {"--study-sd needs --studies K", false},
	"study-sd":        {"see --study-sd", false},
}

// flagHint returns the command-line hint for a library hint, or "".
func flagHint(hint string, cell bool) string {
	name, val, _ := strings.Cut(hint, "=")
	h, ok := hintFlags[hint]
	if !ok {
		h, ok = hintFlags[name]
	}
	if !ok || h.role && cell {
		return ""
	}
	if strings.Contains(h.text, "%s") {
		return fmt.Sprintf(h.text, val)
	}
	return h.text
}

// withFlagHints returns err's message with the library's advice on each
// problem or analysis error that carries a hint (errs.Problem.Advice,
// errs.Error.Advice: what to set, in library terms) replaced by the flag
// that acts on it, in parentheses; where the library gave no advice the
// flag is added. The advice is replaced by field, not by matching words, so
// each hint is said once.
func withFlagHints(err error) string {
	msg := err.Error()
	var ie *errs.InputError
	if errors.As(err, &ie) {
		cli := ie.Advised(func(p errs.Problem) string { return flagHint(p.Hint, p.Value != "") })
		msg = strings.Replace(msg, ie.Error(), cli.Error(), 1)
	}
	var ae *errs.Error
	if errors.As(err, &ae) {
		if h := flagHint(ae.Hint, false); h != "" {
			cli := *ae
			cli.Advice = h
			msg = strings.Replace(msg, ae.Error(), cli.Error(), 1)
		}
	}
	return msg
}

// withOptionFlag names the command's flag for a workflow option that
// cannot be honoured (an errs.InvalidOption whose hint is the option's
// field name); other errors pass unchanged, classified by type.
func withOptionFlag(err error, flags map[string]string) error {
	if err == nil {
		return nil
	}
	if opt := workflow.OptionOf(err); opt != "" {
		if f := flags[opt]; f != "" {
			return usagef("%v (%s)", err, f)
		}
		return usageError{err}
	}
	return err
}
