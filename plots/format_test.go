package plots

import "testing"

// A log axis over many decades labels about six powers of ten, readably
// ("1e−43", not 43 digits of a float), and every decade gets a tick.
func TestPowerTicks(t *testing.T) {
	ticks := powerTicks{}.Ticks(3e-44, 0.02)
	var labels []string
	for _, tk := range ticks {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if len(ticks) != 42 || len(labels) < 4 || len(labels) > 7 || labels[len(labels)-1] != "0.01" {
		t.Fatalf("%d ticks, labels %v", len(ticks), labels)
	}
	for _, l := range labels {
		if len(l) > 8 {
			t.Errorf("label %q is long", l)
		}
	}
	if got := (powerTicks{}).Ticks(0.01, 10000); len(got) != 7 || got[0].Label != "0.01" || got[6].Label != "10000" {
		t.Errorf("0.01 … 10000: %v", got)
	}
}
