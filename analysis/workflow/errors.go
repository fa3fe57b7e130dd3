package workflow

import (
	"errors"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/datasets"
)

// invalid is a choice that cannot be honoured: a value out of range, a
// combination of options that contradict each other, an option that needs
// another. The error is an errs.InvalidOption whose Hint names the
// options-struct field (e.g. "Cluster"), so a front end can point at its
// own control (a flag, a form field).
func invalid(option, format string, a ...any) error {
	return errs.New(errs.InvalidOption, "", format, a...).WithHint(option)
}

// invalidOr is err as an invalid-option error naming the option the
// analysis package's error names (its Hint: rupture's K, Window, …), or
// option when it names none.
func invalidOr(option string, err error) error {
	if h := OptionOf(err); h != "" {
		option = h
	}
	return invalid(option, "%v", err)
}

// OptionOf returns the options field an invalid-option error names, or "".
func OptionOf(err error) string {
	var e *errs.Error
	if errors.As(err, &e) && e.Kind == errs.InvalidOption {
		return e.Hint
	}
	return ""
}

// inputErr wraps one located problem of the input as an input error.
func inputErr(p datasets.Problem) error {
	return &datasets.InputError{Problems: []datasets.Problem{p}, Total: 1}
}

// joinInput merges problems of the input found together into one input
// error: the located problems of input errors, and the text of others.
func joinInput(list []error) error {
	out := &datasets.InputError{}
	for _, err := range list {
		var ie *datasets.InputError
		if errors.As(err, &ie) {
			out.Problems = append(out.Problems, ie.Problems...)
			out.Total += max(ie.Total, len(ie.Problems))
			continue
		}
		out.Problems = append(out.Problems, datasets.Problem{Msg: err.Error()})
		out.Total++
	}
	if len(out.Problems) > errs.MaxProblems {
		out.Problems = out.Problems[:errs.MaxProblems]
	}
	return out
}
