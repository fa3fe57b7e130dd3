package workflow

import (
	"fmt"

	"github.com/alliance-research/alliance/datasets"
)

// OptionError is a choice that cannot be honoured: a value out of range, a
// combination of options that contradict each other, an option that needs
// another. Option names the options-struct field (e.g. "Cluster") so a
// front end can point at its own control (a flag, a form field).
type OptionError struct {
	Option string
	Msg    string
}

func (e *OptionError) Error() string { return e.Msg }

func invalid(option, format string, a ...any) error {
	return &OptionError{Option: option, Msg: fmt.Sprintf(format, a...)}
}

// inputErr wraps one located problem of the input as an input error.
func inputErr(p datasets.Problem) error {
	return &datasets.InputError{Problems: []datasets.Problem{p}, Total: 1}
}
