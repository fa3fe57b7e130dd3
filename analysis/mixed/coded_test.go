package mixed

import (
	"math"
	"strings"
	"testing"
)

// TestCodedFactorsAsText: grouping factors given coded (Data.Factors, with
// unsorted labels and labels no row uses) fit exactly as the same columns
// given as text, which fixes the coded path's numbering of levels; a code
// that indexes no label is an error naming the row.
func TestCodedFactorsAsText(t *testing.T) {
	d := simSessions(6, 5, 8, 11)
	coded := Data{Numeric: d.Numeric, Factors: map[string]Factor{}}
	for name, col := range d.Text {
		// Labels in reverse order of first appearance, after two unused ones.
		f := Factor{Labels: []string{"unused-b", "unused-a"}, Codes: make([]int32, len(col))}
		var seen []string
		for _, v := range col {
			if len(seen) == 0 || seen[len(seen)-1] != v {
				seen = append(seen, v)
			}
		}
		idx := map[string]int32{}
		for i := len(seen) - 1; i >= 0; i-- {
			if _, ok := idx[seen[i]]; !ok {
				idx[seen[i]] = int32(len(f.Labels))
				f.Labels = append(f.Labels, seen[i])
			}
		}
		for i, v := range col {
			f.Codes[i] = idx[v]
		}
		coded.Factors[name] = f
	}
	for _, form := range []string{"y ~ session + x + (1 + session | patient)", "y ~ session + (1 | therapist/patient)"} {
		mt, err := Fit(form, d, Options{})
		if err != nil {
			t.Fatal(err)
		}
		mc, err := Fit(form, coded, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if mt.Result.LogLik != mc.Result.LogLik || len(mt.Result.Fixed) != len(mc.Result.Fixed) {
			t.Fatalf("%s: logLik %v (text) and %v (coded)", form, mt.Result.LogLik, mc.Result.LogLik)
		}
		for i, c := range mt.Result.Fixed {
			if c.Estimate != mc.Result.Fixed[i].Estimate || c.SE != mc.Result.Fixed[i].SE || math.IsNaN(c.DF) || c.DF != mc.Result.Fixed[i].DF {
				t.Errorf("%s: %s: text %+v, coded %+v", form, c.Name, c, mc.Result.Fixed[i])
			}
		}
		bt, bc := mt.Result.Ranef, mc.Result.Ranef
		if len(bt) != len(bc) {
			t.Fatalf("%s: %d BLUPs (text), %d (coded)", form, len(bt), len(bc))
		}
		for i := range bt {
			if bt[i] != bc[i] {
				t.Fatalf("%s: BLUP %d is %+v (text), %+v (coded)", form, i, bt[i], bc[i])
			}
		}
	}
	bad := coded
	bad.Factors = map[string]Factor{"patient": {Labels: []string{"a"}, Codes: make([]int32, len(d.Numeric["y"]))}}
	bad.Factors["patient"].Codes[3] = 1
	_, err := Fit("y ~ session + (1 | patient)", bad, Options{})
	if err == nil || !strings.Contains(err.Error(), "row 4 has code 1") {
		t.Errorf("a code beyond the labels: %v", err)
	}
}
