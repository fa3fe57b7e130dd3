package mixed

import "testing"

// TestSumRows3MatchesSumRows: for designs whose rows have three distinct
// coordinates (an intercept and a column, a transformed column, two
// columns without an intercept), the written-out sum of a node's
// cross-products (sumRows3) equals the general one (sumRows) to the last
// bit at every node.
func TestSumRows3MatchesSumRows(t *testing.T) {
	data := simSessions(6, 8, 7, 41)
	for _, form := range []string{
		"y ~ session + (1 | patient)",
		"y ~ session + (1 + session | patient)",
		"y ~ session + (1 | therapist/patient)",
		"y ~ I(session^2) + (1 | patient)",
		"y ~ 0 + session + x + (0 + session | patient)",
	} {
		f, err := parseFormulaAny(form)
		if err != nil {
			t.Fatal(err)
		}
		d, err := buildDesign(f, data, Options{Level: 0.95})
		if err != nil {
			t.Fatalf("%s: %v", form, err)
		}
		_, nu := d.rowBasis()
		if nu != 3 || d.rows != nil || d.src == nil {
			t.Fatalf("%s: %d distinct coordinates (rows kept %v), want 3 made as summed", form, nu, d.rows != nil)
		}
		for j := 0; j < d.levels[0].nodes; j++ {
			a, b := make([]float64, 6), make([]float64, 6)
			sumRows(d, j, make([]float64, 3), a)
			sumRows3(d, j, make([]float64, 3), b)
			for k := range a {
				if a[k] != b[k] {
					t.Fatalf("%s, node %d: packed entry %d %v written out, %v general", form, j, k, b[k], a[k])
				}
			}
		}
	}
}
