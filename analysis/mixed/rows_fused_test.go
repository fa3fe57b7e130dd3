package mixed

import (
	"encoding/json"
	"math"
	"testing"
)

// TestFusedRowsMatchMaterialised fits models whose node cross-products are
// summed from row vectors made one at a time (a nested fit without a
// residual structure keeps no rows) and the same models with the rows
// materialised first, as the residual structures and Kenward–Roger need
// them: every reported number must be identical, bit for bit, since the
// arithmetic is the same in the same order.
func TestFusedRowsMatchMaterialised(t *testing.T) {
	d := simSessions(12, 15, 8, 3)
	y := d.Numeric["y"]
	grp := make([]string, len(y))
	for i := range y {
		if i%10 == 3 {
			y[i] = math.NaN() // rows dropped: keep is not the identity
		}
		grp[i] = []string{"a", "b", "c"}[i%3]
	}
	d.Text["grp"] = grp
	opts := Options{Level: 0.95}
	for _, f := range []string{
		"y ~ session + x + (1 | therapist/patient)",
		"y ~ session + (1 + session | patient)",
		"y ~ x * factor(grp) + I(session^2) + (1 | therapist) + (1 | therapist:patient)",
		"y ~ poly(session, 2) + (1 + x | patient)",
	} {
		fused, err := Fit(f, d, opts)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if fused.d.rows != nil {
			t.Errorf("%s: the fit materialised its rows", f)
		}
		form, err := parseFormulaAny(f)
		if err != nil {
			t.Fatal(err)
		}
		dm, err := buildDesign(form, d, opts)
		if err != nil {
			t.Fatal(err)
		}
		dm.materialise()
		if err = dm.checkRank(dm.rowsCrossX); err != nil {
			t.Fatal(err)
		}
		kept, err := fitDesign(f, d, opts, dm, newEngine(dm))
		if err != nil {
			t.Fatalf("%s, rows materialised: %v", f, err)
		}
		a, _ := json.Marshal(fused.Result)
		b, _ := json.Marshal(kept.Result)
		if k := firstDiff(string(a), string(b)); k >= 0 {
			t.Errorf("%s: results differ between rows summed as made and materialised rows, at …%s… vs …%s…", f, a[max(0, k-60):min(len(a), k+40)], b[max(0, k-60):min(len(b), k+40)])
		}
		if !fused.d.ensureRows() || len(fused.d.rows) != len(dm.rows) {
			t.Fatalf("%s: ensureRows did not materialise the rows", f)
		}
		for k := range dm.rows {
			if fused.d.rows[k] != dm.rows[k] {
				t.Fatalf("%s: materialised row entry %d = %v, want %v", f, k, fused.d.rows[k], dm.rows[k])
			}
		}
	}
}

// firstDiff is the first byte where a and b differ, or −1.
func firstDiff(a, b string) int {
	for k := 0; k < min(len(a), len(b)); k++ {
		if a[k] != b[k] {
			return k
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}
