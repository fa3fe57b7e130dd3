package measures

import (
	"errors"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

func TestTypedErrors(t *testing.T) {
	if _, err := Get("nosuch"); !errors.Is(err, errs.InvalidOption) {
		t.Errorf("Get: %v, want errs.InvalidOption", err)
	}
	var ae *errs.Error
	if err := (Key{Name: "k", Items: 0}).Validate(); !errors.As(err, &ae) || ae.Kind != errs.InvalidOption || ae.Analysis != `measures: key "k"` {
		t.Errorf("Validate: %v (%+v)", err, ae)
	}
}
