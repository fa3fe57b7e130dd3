package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an analysis failure. A Kind is itself an error, so that
// errors.Is(err, errs.NoConvergence) tests the kind of any *Error in a chain.
type Kind uint8

// The kinds of analysis failure.
const (
	// NoConvergence: an iterative fit stopped before its convergence
	// criterion was met.
	NoConvergence Kind = iota + 1
	// Singular: a singular or degenerate fit (collinear or constant
	// predictors, unidentifiable variances, a matrix that is not positive
	// definite).
	Singular
	// TooFew: too few observations, studies, clusters or groups for the
	// model asked for.
	TooFew
	// InvalidOption: a bad argument to a library function (unknown method,
	// out-of-range setting, slices of different lengths, nil model).
	InvalidOption
)

var kindNames = [...]string{
	NoConvergence: "no convergence",
	Singular:      "singular or degenerate fit",
	TooFew:        "too few observations",
	InvalidOption: "invalid option",
}

// String returns the kind's name, e.g. "no convergence".
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("errs.Kind(%d)", uint8(k))
}

// Error makes a Kind usable as the target of errors.Is.
func (k Kind) Error() string { return k.String() }

// Error is an analysis that could not be carried out as asked.
type Error struct {
	Kind     Kind   // what class of failure
	Analysis string // the analysis, e.g. "meta" or "meta: trim and fill"
	Reason   string // what went wrong and what would fix it, in library terms
	// Hint is machine-readable: the option whose setting would fix the
	// problem, optionally "name=value" (see the package documentation).
	Hint string
	// Advice is what to do, in library terms, naming the option that acts
	// on Hint; Error prints it in parentheses after Reason. A front end
	// replaces it with its own words for the same option.
	Advice string
	Err    error // the cause, or nil
}

// Error returns "analysis: reason", followed by " (advice)" when Advice is
// set.
func (e *Error) Error() string {
	s := e.Reason
	if e.Analysis != "" {
		s = e.Analysis + ": " + s
	}
	if e.Advice != "" {
		s += " (" + e.Advice + ")"
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Kind.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// WithHint sets e.Hint and returns e.
func (e *Error) WithHint(hint string) *Error {
	e.Hint = hint
	return e
}

// WithAdvice sets e.Advice and returns e.
func (e *Error) WithAdvice(advice string) *Error {
	e.Advice = advice
	return e
}

// New returns an *Error of the given kind for analysis, with the reason
// formatted as by fmt.Errorf: a %w verb wraps its operand as the cause.
func New(kind Kind, analysis, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Kind: kind, Analysis: analysis, Reason: err.Error(), Err: errors.Unwrap(err)}
}

// KindOf returns the Kind of the first *Error in err's chain, or 0 when
// there is none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}
