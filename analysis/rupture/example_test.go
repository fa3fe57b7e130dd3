package rupture_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/rupture"
)

// Three patients rated the alliance (1–7) after every session. With a drop
// of at least 1.5 points from the previous session as the rupture rule,
// patient A has a V-episode repaired two sessions later, B a rupture that
// is not repaired within three sessions, and C none.
func Example() {
	series := []rupture.Series{
		{Patient: "A", Score: []float64{5.5, 5.8, 6.0, 4.2, 5.1, 6.1, 6.2}},
		{Patient: "B", Score: []float64{5.0, 5.2, 3.4, 3.6, 3.9, 4.0, 4.1}},
		{Patient: "C", Score: []float64{4.8, 5.0, 5.1, 5.3, 5.2, 5.6, 5.8}},
	}
	o := rupture.DefaultOptions()
	o.Method, o.Threshold = rupture.MethodThreshold, 1.5
	res, err := rupture.Analyze(series, o)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range res.Episodes {
		fmt.Printf("%s: rupture at session %d, drop %.1f, repaired %v (session %v)\n",
			e.Patient, e.Session, float64(e.Drop), e.Repaired, e.RepairSession.V)
	}
	for _, p := range res.Patients {
		fmt.Printf("%s: %s\n", p.Patient, p.Class)
	}
	fmt.Printf("repair rate %.2f\n", float64(res.Summary.RepairRate))

	// Outcome: symptom change (lower = better), repaired vs unrepaired
	// (R: metafor escalc("SMD") g = 2.8108 [0.5547, 5.0669]; cor() r = .9073).
	e := rupture.TwoGroup([]float64{-12, -9, -14}, []float64{-4, -6, -3}, -1, 0.95)
	fmt.Printf("g = %.2f [%.2f, %.2f], r = %.2f, yi = %.3f, vi = %.3f\n",
		float64(e.G), float64(e.CILB), float64(e.CIUB), float64(e.R), float64(e.YI), float64(e.VI))
	// Output:
	// A: rupture at session 4, drop 1.8, repaired true (session 6)
	// B: rupture at session 3, drop 1.8, repaired false (session 0)
	// A: repaired
	// B: unrepaired
	// C: none
	// repair rate 0.50
	// g = 2.81 [0.55, 5.07], r = 0.91, yi = 1.512, vi = 0.333
}
