package meta

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// Orwin's fail-safe N follows metafor ≥ 4.4-0: weighted by default when
// variances are given. The three cases of metafor's own
// tests/testthat/test_misc_fsn.r expect 4, 104 and 65 weighted, 44, 186
// and 129 unweighted; testdata/golden/R/fsn.R reproduces them with
// metafor 3.8-1's weighted = TRUE / FALSE.
func TestOrwinWeightedDefault(t *testing.T) {
	p, err := golden.Path("fsn_orwin.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Cases []struct {
			Name                 string
			Yi, Vi               []float64
			Target               float64
			Weighted, Unweighted int
		}
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{"raudenbush1985": {4, 44}, "hackshaw1998": {104, 186}, "mcdaniel1994": {65, 129}}
	for _, c := range g.Cases {
		tgt := c.Target
		w, err := FailSafeN(c.Yi, c.Vi, FSNOptions{Target: &tgt})
		if err != nil {
			t.Fatal(err)
		}
		u, _ := FailSafeN(c.Yi, c.Vi, FSNOptions{Target: &tgt, OrwinUnweighted: true})
		if w.Orwin != c.Weighted || u.Orwin != c.Unweighted || w.Orwin != want[c.Name][0] || u.Orwin != want[c.Name][1] {
			t.Errorf("%s: Orwin weighted %d, unweighted %d; metafor %d, %d", c.Name, w.Orwin, u.Orwin, c.Weighted, c.Unweighted)
		}
	}
}
