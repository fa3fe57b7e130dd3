package metamv

import (
	"errors"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

func TestTypedErrors(t *testing.T) {
	yi := []float64{0.1, 0.3, 0.2, 0.5}
	vi := []float64{0.01, 0.02, 0.01, 0.03}
	for _, c := range []struct {
		name         string
		outer, inner []string
		opt          Options
		kind         errs.Kind
	}{
		{"one cluster", []string{"a", "a", "a", "a"}, nil, Options{}, errs.TooFew},
		{"one effect per cluster", []string{"a", "b", "c", "d"}, nil, Options{}, errs.Singular},
		{"unknown method", []string{"a", "a", "b", "b"}, nil, Options{Method: "DL"}, errs.InvalidOption},
		{"label count", []string{"a", "b"}, nil, Options{}, errs.InvalidOption},
	} {
		_, err := Fit(yi, vi, c.outer, c.inner, c.opt)
		if !errors.Is(err, c.kind) {
			t.Errorf("%s: %v (%T), want errs.%v", c.name, err, err, c.kind)
		}
	}
	_, err := Fit(yi, vi, []string{"a", "", "b", "b"}, nil, Options{})
	var ie *errs.InputError
	if !errors.As(err, &ie) {
		t.Errorf("empty cluster label: %v (%T), want *errs.InputError", err, err)
	}
}
