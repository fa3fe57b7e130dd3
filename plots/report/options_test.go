package report

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// TestOptionsCheck: a resolution that is not a positive finite number of
// dots per inch is refused before any work, as an invalid option.
func TestOptionsCheck(t *testing.T) {
	for _, dpi := range []float64{0, -72, math.NaN(), math.Inf(1), 1e6} {
		if err := (Options{DPI: dpi}).Check(); errs.KindOf(err) != errs.InvalidOption {
			t.Errorf("DPI %v: %v", dpi, err)
		}
	}
	for _, dpi := range []float64{72, DefaultDPI, 600} {
		if err := (Options{DPI: dpi}).Check(); err != nil {
			t.Errorf("DPI %v: %v", dpi, err)
		}
	}
}
