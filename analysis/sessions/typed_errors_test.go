package sessions

import (
	"errors"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

func TestTypedErrors(t *testing.T) {
	d := Data{
		Patient:  []string{"a", "a", "a", "b", "b", "b"},
		Session:  []int{1, 2, 3, 1, 2, 3},
		Alliance: []float64{4, 5, 6, 3, 4, 4},
		Outcome:  []float64{20, 18, 15, 25, 24, 20},
	}
	if _, err := Fit(d, Options{Model: "bogus"}); !errors.Is(err, errs.InvalidOption) {
		t.Errorf("unknown model: %v, want errs.InvalidOption", err)
	}
	one := Data{Patient: d.Patient[:3], Session: d.Session[:3], Alliance: d.Alliance[:3], Outcome: d.Outcome[:3]}
	if _, err := Fit(one, Options{}); !errors.Is(err, errs.TooFew) {
		t.Errorf("one patient: %v, want errs.TooFew", err)
	}
	bad := d
	bad.Patient = []string{"a", "", "a", "b", "b", "b"}
	var ie *errs.InputError
	if _, err := Fit(bad, Options{}); !errors.As(err, &ie) {
		t.Errorf("empty patient id: %v, want *errs.InputError", err)
	}
}
