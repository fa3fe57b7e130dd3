// Package errs holds the typed errors that the alliance packages return, so
// that a front end can tell bad input from a failed analysis with errors.As
// and errors.Is instead of matching message text.
//
// # Two families
//
// An *InputError says that the data handed to a loader or to an analysis are
// wrong: a cell that is not a number, a correlation outside (−1, 1), a
// missing role column. It lists Problems, each with the file, line, column
// and value when they are known, what is wrong, and a machine-readable Hint
// (see below). A loader knows the file and line; an analysis function called
// on slices knows only the position of the value (Problem.Row), and a front
// end that knows where each row came from attaches the file and lines with
// InputError.At.
//
// An *Error says that an analysis could not be carried out as asked. Its Kind
// is one of
//
//	NoConvergence  an iterative fit did not converge
//	Singular       a singular or degenerate fit: collinear or constant
//	               predictors, a variance that cannot be identified, a
//	               covariance matrix that is not positive definite
//	TooFew         too few observations, studies, clusters or groups for
//	               the model asked for
//	InvalidOption  a bad argument to a library function: an unknown method
//	               name, a level outside (0, 1), slices of different lengths
//
// Each carries the name of the analysis ("meta", "meta: trim and fill") and
// a human reason that says what would fix it in library terms (option and
// field names, never a command-line flag). An *Error may wrap a cause
// (Unwrap), and errors.Is(err, errs.NoConvergence) tests the kind anywhere
// in a chain.
//
// # Exit codes
//
// The alliance command maps these to its exit codes: *InputError and
// InvalidOption are bad usage or bad input (exit 2); NoConvergence,
// Singular and TooFew are analyses that failed on legal input (exit 1), as
// is any error without a type.
//
// # Hints
//
// Library text names no command-line flag. Where a setting would fix the
// problem, the error carries it in Hint, as a role or option name,
// optionally with a value after '=': "r" (the correlation column), "n",
// "patient", "decimal=,", "na", "nfactors=3". A front end maps a hint to its
// own spelling ("--r", "--decimal ,") and adds it to the message.
package errs
