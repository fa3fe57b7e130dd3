package sessions

import (
	"math"
	"testing"
)

// FuzzFit feeds arbitrary small tables to Derive and Fit: they must return a
// result or an error, never panic, and Derive must keep one row per input.
func FuzzFit(f *testing.F) {
	f.Add([]byte{1, 1, 30, 20, 1, 2, 40, 18, 2, 1, 20, 25, 2, 2, 25, 24, 3, 1, 33, 10, 3, 3, 35, 12}, uint8(0))
	f.Add([]byte{1, 1, 255, 20, 1, 1, 40, 18}, uint8(3))
	f.Fuzz(func(t *testing.T, b []byte, opt uint8) {
		var d Data
		d.Therapist = []string{}
		for i := 0; i+3 < len(b) && i < 400; i += 4 {
			d.Patient = append(d.Patient, string(rune('a'+b[i]%6)))
			d.Therapist = append(d.Therapist, string(rune('A'+b[i]%2)))
			d.Session = append(d.Session, int(b[i+1]%12))
			a, y := float64(b[i+2])/50, float64(b[i+3])
			if b[i+2] == 255 {
				a = math.NaN()
			}
			d.Alliance = append(d.Alliance, a)
			d.Outcome = append(d.Outcome, y)
		}
		o := Options{Model: []Model{Lagged, Reverse, Concurrent, Growth}[opt%4], Detrend: opt&4 != 0,
			RandomSlope: opt&8 != 0, AR1: opt&16 != 0, IgnoreTherapist: opt&32 != 0, MaxEval: 2000}
		if tab, _, err := Derive(d, o); err == nil && tab.Len() != len(d.Session) {
			t.Fatalf("%d rows derived from %d", tab.Len(), len(d.Session))
		}
		_, _ = Fit(d, o)
	})
}
