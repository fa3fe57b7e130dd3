package change

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/errs"
)

// DuplicateError is a patient given twice: the same time value in two rows
// of long data (PairsAt, PairsFirstLast, SeriesFromLong, HLMDistribution,
// HLMCombined), or two pairs with the same ID. Rows are the 0-based
// indices of both records in the slices passed, first one first, so that a
// caller holding a table can name both lines of the file. It unwraps to an
// *errs.InputError (errors.As finds either).
type DuplicateError struct {
	Patient string
	Time    float64 // the time (session) given twice; NaN for pairs
	Pairs   bool    // two pairs with the same ID, not a repeated time
	Rows    [2]int
}

func (e *DuplicateError) Error() string { return e.input().Error() }

// Unwrap is the same problem as an input error tied to the second row.
func (e *DuplicateError) Unwrap() error { return e.input() }

func (e *DuplicateError) input() *errs.InputError {
	return errs.Inputf("change", e.Rows[1]+1, "%s (rows %d and %d): %s", e.What(), e.Rows[0]+1, e.Rows[1]+1, e.Fix())
}

// Fix says what to do: "remove one of the rows", or for pairs "keep one
// row per patient".
func (e *DuplicateError) Fix() string {
	if e.Pairs {
		return "keep one row per patient (wide data) or one pair per patient"
	}
	return "remove one of the rows"
}

// What says what is duplicated, without the rows or the fix: `patient
// "p2" has session 3 twice`.
func (e *DuplicateError) What() string {
	if e.Pairs {
		return fmt.Sprintf("patient %q appears twice", e.Patient)
	}
	return fmt.Sprintf("patient %q has session %v twice", e.Patient, e.Time)
}
