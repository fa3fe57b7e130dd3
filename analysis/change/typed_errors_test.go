package change

import (
	"errors"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

func TestTypedErrors(t *testing.T) {
	if _, err := ParseRCIMethod("bogus"); !errors.Is(err, errs.InvalidOption) {
		t.Errorf("ParseRCIMethod: %v, want errs.InvalidOption", err)
	}
	if _, err := Distribution([]Pair{{ID: "a", Pre: 20, Post: 10}}, RCIOptions{Reliability: 0.8}); !errors.Is(err, errs.TooFew) {
		t.Errorf("one pair: %v, want errs.TooFew", err)
	}
	if _, err := Distribution([]Pair{{ID: "a", Pre: 20, Post: 10}, {ID: "b", Pre: 20, Post: 12}}, RCIOptions{Reliability: 0.8}); !errors.Is(err, errs.Singular) {
		t.Errorf("constant pre scores: %v, want errs.Singular", err)
	}
	if _, err := Distribution([]Pair{{ID: "a", Pre: 20, Post: 10}, {ID: "b", Pre: 22, Post: 12}}, RCIOptions{Reliability: 1.5}); !errors.Is(err, errs.InvalidOption) {
		t.Errorf("reliability 1.5: %v, want errs.InvalidOption", err)
	}
	var ie *errs.InputError
	if _, err := Distribution([]Pair{{ID: "a", Pre: 20, Post: 10}, {ID: "a", Pre: 22, Post: 12}}, RCIOptions{Reliability: 0.8}); !errors.As(err, &ie) {
		t.Errorf("duplicate patient: %v, want *errs.InputError", err)
	}
}
