package mixed

import (
	"reflect"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// A numeric predictor with a few integer codes gets a note naming factor();
// factor(x), two-valued indicators, many-valued or fractional variables,
// random-slope and AR(1) time variables do not.
func TestCodeNotes(t *testing.T) {
	var g goldenFile
	if err := golden.Load("mixed_factor_numeric.json", &g); err != nil {
		t.Fatal(err)
	}
	data := g.data(t) // 180 rows: arm 1..3, time 0..4, 36 patients
	n := len(data.Numeric["y"])
	treated := make([]float64, n)
	dose := make([]float64, n)
	half := make([]float64, n)
	session := make([]float64, n)
	for i := range treated {
		treated[i] = float64(i % 2)
		dose[i] = float64(i % 7)
		half[i] = float64(i%3) / 2
		session[i] = data.Numeric["time"][i] + 1
	}
	data.Numeric["treated"], data.Numeric["dose"], data.Numeric["half"] = treated, dose, half
	data.Numeric["session"] = session
	armNote := "arm has 3 distinct integer values and is treated as a linear term; write factor(arm) to treat it as categorical"
	timeNote := "time has 5 distinct integer values and is treated as a linear term; write factor(time) to treat it as categorical"
	tests := []struct {
		formula string
		ar1     string
		want    []string
	}{
		{"y ~ arm + time + (1 | patient)", "", []string{armNote, timeNote}},
		{"y ~ arm * time + (1 + time | patient)", "", []string{armNote}},
		{"y ~ factor(arm) + time + (1 + time | patient)", "", nil},
		{"y ~ factor(arm) + session + (1 | patient)", "session", nil},
		{"y ~ treated + dose + half + (1 + time | patient)", "", nil},
	}
	for _, tc := range tests {
		m, err := Fit(tc.formula, data, Options{AR1: tc.ar1})
		if err != nil {
			t.Fatalf("%s: %v", tc.formula, err)
		}
		if !reflect.DeepEqual(m.Result.Notes, tc.want) {
			t.Errorf("%s: notes %q, want %q", tc.formula, m.Result.Notes, tc.want)
		}
	}
	// Few rows: 3 codes in 20 rows is not "fewer than a tenth of the rows".
	small := Data{Numeric: map[string][]float64{"y": data.Numeric["y"][:20], "arm": data.Numeric["arm"][:20]},
		Text: map[string][]string{"patient": data.Text["patient"][:20]}}
	m, err := Fit("y ~ arm + (1 | patient)", small, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Result.Notes) != 0 {
		t.Errorf("20 rows: notes %q, want none", m.Result.Notes)
	}
}
