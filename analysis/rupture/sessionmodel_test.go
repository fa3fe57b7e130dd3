package rupture

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// TestSessionModelIndicators checks the after-rupture indicators on hand-made
// episodes (written out below) by fitting the same model to hand-coded
// columns with mixed.Fit: the coefficients must agree exactly.
func TestSessionModelIndicators(t *testing.T) {
	res := &Result{Episodes: []Episode{
		{Patient: "a", Session: 3, Repaired: true, RepairSession: NullInt{V: 5, Valid: true}},
		{Patient: "b", Session: 4, Repaired: false},
		{Patient: "c", Session: 2, Repaired: true, RepairSession: NullInt{V: 3, Valid: true}},
		{Patient: "c", Session: 6, Repaired: false},
	}}
	// Hand-coded indicators for sessions 1..8 of patients a–f.
	wantRep := map[string][]float64{"a": {0, 0, 0, 0, 1, 1, 1, 1}, "c": {0, 0, 1, 1, 1, 1, 1, 1}}
	wantUnr := map[string][]float64{"b": {0, 0, 0, 0, 1, 1, 1, 1}, "c": {0, 0, 0, 0, 0, 0, 1, 1}}
	var rows []SessionRow
	d := mixed.Data{Numeric: map[string][]float64{}, Text: map[string][]string{}}
	for p, id := range []string{"a", "b", "c", "d", "e", "f"} {
		for s := 1; s <= 8; s++ {
			y := 20 - float64(s) + float64(p%3) + 0.7*math.Sin(float64(3*s+p)) // deterministic noise
			rep, unr := 0.0, 0.0
			if v, ok := wantRep[id]; ok {
				rep = v[s-1]
			}
			if v, ok := wantUnr[id]; ok {
				unr = v[s-1]
			}
			y += -2*rep + 1.5*unr
			rows = append(rows, SessionRow{Patient: id, Session: s, Outcome: y})
			d.Numeric["outcome"] = append(d.Numeric["outcome"], y)
			d.Numeric["session"] = append(d.Numeric["session"], float64(s))
			d.Numeric["after_repaired"] = append(d.Numeric["after_repaired"], rep)
			d.Numeric["after_unrepaired"] = append(d.Numeric["after_unrepaired"], unr)
			d.Text["patient"] = append(d.Text["patient"], id)
		}
	}
	got, err := SessionModel(res, rows, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if got.SessionsAfterRepaired != 10 || got.SessionsAfterUnrepaired != 6 {
		t.Errorf("indicator counts %d, %d; want 10, 6", got.SessionsAfterRepaired, got.SessionsAfterUnrepaired)
	}
	m, err := mixed.Fit("outcome ~ session + after_repaired + after_unrepaired + (1 | patient)", d, mixed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range m.Result.Fixed {
		var g *mixed.Coef
		switch c.Name {
		case "after_repaired":
			g = got.AfterRepaired
		case "after_unrepaired":
			g = got.AfterUnrepaired
		default:
			continue
		}
		if g == nil || math.Abs(g.Estimate-c.Estimate) > 1e-12 || math.Abs(g.SE-c.SE) > 1e-12 {
			t.Errorf("%s: %+v, hand-coded model %+v", c.Name, g, c)
		}
	}
	if got.Formula != "outcome ~ session + after_repaired + after_unrepaired + (1 | patient)" || got.Text == "" {
		t.Errorf("formula %q text %q", got.Formula, got.Text)
	}
}
