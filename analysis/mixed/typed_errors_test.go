package mixed

import (
	"errors"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Each failure class comes back as a typed error (errors.Is on errs.Kind).
func TestTypedErrors(t *testing.T) {
	data := Data{
		Numeric: map[string][]float64{"y": {1, 2, 3, 4, 5, 6}, "x": {1, 2, 3, 4, 5, 6}, "x2": {2, 4, 6, 8, 10, 12}},
		Text:    map[string][]string{"g": {"a", "a", "b", "b", "c", "c"}, "one": {"a", "a", "a", "a", "a", "a"}},
	}
	for _, c := range []struct {
		formula string
		kind    errs.Kind
	}{
		{"y ~ scale(x) + (1 | g)", errs.InvalidOption},
		{"y ~ log(x, 2) + (1 | g)", errs.InvalidOption},
		{"y ~ x + (1 | one)", errs.TooFew},
		{"y ~ x + x2 + (1 | g)", errs.Singular},
		{"y ~ x + (1 | nosuch)", errs.InvalidOption},
	} {
		_, err := Fit(c.formula, data, Options{})
		var ae *errs.Error
		if !errors.Is(err, c.kind) || !errors.As(err, &ae) || ae.Analysis != "mixed" {
			t.Errorf("%s: %v (%T), want errs.%v from mixed", c.formula, err, err, c.kind)
		}
	}
}
