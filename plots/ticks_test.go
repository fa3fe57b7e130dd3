package plots

import (
	"strings"
	"testing"
)

// TestTickLabelsUseMinusSign checks every tick ticker variant labels negative
// values with U+2212 and never with a hyphen-minus.
func TestTickLabelsUseMinusSign(t *testing.T) {
	for _, tk := range []niceTicks{{}, {noLead: true}, {integer: true}} {
		neg := 0
		for _, tick := range tk.Ticks(-3.2, 2.1) {
			if strings.Contains(tick.Label, "-") {
				t.Errorf("%+v: tick %g labelled %q with a hyphen-minus", tk, tick.Value, tick.Label)
			}
			if tick.Value < 0 {
				neg++
				if !strings.HasPrefix(tick.Label, "\u2212") {
					t.Errorf("%+v: negative tick %g labelled %q, want a leading U+2212", tk, tick.Value, tick.Label)
				}
			}
		}
		if neg == 0 {
			t.Errorf("%+v: no negative ticks on [-3.2, 2.1]", tk)
		}
	}
}
