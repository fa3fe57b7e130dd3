package optim

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

func TestRoot(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(float64) float64
		a, b float64
		want float64 // known analytically
	}{
		{"sqrt2", func(x float64) float64 { return x*x - 2 }, 0, 2, math.Sqrt2},
		{"cos=x", func(x float64) float64 { return math.Cos(x) - x }, 0, 1, 0.7390851332151607}, // Dottie number
		{"cubic", func(x float64) float64 { return (x - 1.5) * (x*x + 1) }, -10, 10, 1.5},
		{"steep", func(x float64) float64 { return math.Exp(20*x) - 3 }, -1, 1, math.Log(3) / 20},
		{"at end", func(x float64) float64 { return x - 4 }, 0, 4, 4},
	} {
		r, err := Root(tc.f, tc.a, tc.b, 0, 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if math.Abs(r.X-tc.want) > 4e-16*math.Max(1, math.Abs(tc.want)) {
			t.Errorf("%s: root %.17g, want %.17g", tc.name, r.X, tc.want)
		}
	}
	if _, err := Root(func(x float64) float64 { return x*x + 1 }, -1, 1, 0, 0); !errors.Is(err, ErrNoBracket) {
		t.Errorf("no bracket: err = %v", err)
	}
	if _, err := Root(func(x float64) float64 { return x - 0.3 }, 0, 1, 0, 1); err == nil {
		t.Error("maxIter 1: want an error")
	}
}

func ExampleRoot() {
	r, _ := Root(func(x float64) float64 { return x*x - 2 }, 0, 2, 0, 0)
	fmt.Printf("%.12f\n", r.X)
	// Output: 1.414213562373
}
