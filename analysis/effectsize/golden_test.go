package effectsize

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// yv is a pair of yi, vi columns in a golden file.
type yv struct {
	Yi []float64 `json:"yi"`
	Vi []float64 `json:"vi"`
}

func load(t *testing.T, name string, v any) {
	t.Helper()
	if err := golden.Load(name, v); err != nil {
		t.Fatal(err)
	}
}

// near reports whether |got − want| ≤ rel·|want| + abs.
func near(got, want, rel, abs float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)+abs
}

func checkCol(t *testing.T, what string, got, want []float64, rel, abs float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !near(got[i], want[i], rel, abs) {
			t.Errorf("%s[%d] = %.17g, want %.17g (rel. diff %.3g)", what, i, got[i], want[i], (got[i]-want[i])/want[i])
		}
	}
}
