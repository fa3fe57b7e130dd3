package errs_test

import (
	"errors"
	"fmt"

	"github.com/alliance-research/alliance/analysis/errs"
)

// An analysis error carries its kind; a front end picks the exit status
// with errors.Is / KindOf, not by reading the text.
func ExampleError_Error() {
	err := errs.New(errs.TooFew, "meta: trim and fill", "needs at least 3 studies, got %d", 2)
	fmt.Println(err)
	// Output:
	// meta: trim and fill: needs at least 3 studies, got 2
}

func ExampleError_Is() {
	var err error = errs.New(errs.NoConvergence, "mixed", "REML did not converge in %d iterations", 500)
	wrapped := fmt.Errorf("sessions: %w", err)
	fmt.Println(errors.Is(wrapped, errs.NoConvergence), errors.Is(wrapped, errs.Singular))
	// Output:
	// true false
}

// The cause of an error stays reachable.
func ExampleError_Unwrap() {
	cause := errors.New("matrix not positive definite")
	err := errs.New(errs.Singular, "metamv", "cannot factor V: %w", cause)
	fmt.Println(errors.Unwrap(err) == cause)
	// Output:
	// true
}

// The hint names the option that would fix the problem, in library terms;
// a front end turns it into its own flag.
func ExampleError_WithHint() {
	err := errs.New(errs.InvalidOption, "reliability: omega", "9 items cannot carry %d group factors", 5).WithHint("nfactors=3")
	fmt.Println(err, "| hint:", err.Hint)
	// Output:
	// reliability: omega: 9 items cannot carry 5 group factors | hint: nfactors=3
}

func ExampleKindOf() {
	err := fmt.Errorf("report: %w", errs.New(errs.Singular, "meta", "moderator is constant"))
	fmt.Println(errs.KindOf(err), errs.KindOf(errors.New("plain")) == 0)
	// Output:
	// singular or degenerate fit true
}

func ExampleKind_String() {
	for _, k := range []errs.Kind{errs.NoConvergence, errs.Singular, errs.TooFew, errs.InvalidOption} {
		fmt.Println(k.String())
	}
	// Output:
	// no convergence
	// singular or degenerate fit
	// too few observations
	// invalid option
}

// A Kind is itself an error, the target of errors.Is.
func ExampleKind_Error() {
	var target error = errs.TooFew
	fmt.Println(target.Error())
	// Output:
	// too few observations
}

// A bad value passed to a function: the message indexes the argument as Go
// code would (row 3 is ri[2]).
func ExampleBadValue() {
	err := errs.BadValue("effectsize: ZCOR", 3, "ri", 1.2, "is outside (-1, 1)")
	fmt.Println(err)
	// Output:
	// effectsize: ZCOR: ri[2] = 1.2 is outside (-1, 1)
}

func ExampleInputf() {
	err := errs.Inputf("meta", 0, "yi has %d values but vi has %d", 16, 15)
	fmt.Println(err)
	// Output:
	// meta: yi has 16 values but vi has 15
}

// Every problem is listed, one per line.
func ExampleInputError_Error() {
	e := &errs.InputError{Total: 2, Problems: []errs.Problem{
		{File: "studies.csv", Line: 3, Column: "ri", Value: "0,35", Msg: "is not a number"},
		{File: "studies.csv", Line: 4, Column: "ni", Value: "3", Msg: "is too small"},
	}}
	fmt.Println(e)
	// Output:
	// studies.csv:3: column "ri": "0,35" is not a number
	// studies.csv:4: column "ni": "3" is too small
}

func ExampleInputError_WithHint() {
	e := errs.BadValue("", 0, "ri", "0,35", "is not a number").WithHint("decimal=,")
	fmt.Println(e.Problems[0].Hint)
	// Output:
	// decimal=,
}

// With a file, a problem reads file:line: column "name": "value" message.
func ExampleProblem_String() {
	p := errs.Problem{File: "sessions.csv", Line: 17, Column: "alliance", Value: "n/a", Msg: "is not a number"}
	fmt.Println(p.String())
	// Output:
	// sessions.csv:17: column "alliance": "n/a" is not a number
}
