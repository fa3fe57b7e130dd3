package rupture

import (
	"errors"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

func TestTypedErrors(t *testing.T) {
	if _, err := ParseMethod("bogus"); !errors.Is(err, errs.InvalidOption) {
		t.Errorf("ParseMethod: %v, want errs.InvalidOption", err)
	}
	if _, err := Preset("nosuch"); !errors.Is(err, errs.InvalidOption) {
		t.Errorf("Preset: %v, want errs.InvalidOption", err)
	}
}
