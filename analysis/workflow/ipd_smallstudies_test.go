package workflow

import (
	"bytes"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/datasets/simulate"
)

// ipdAgreement runs the IPD of k simulated studies of n patients each
// (one therapist per 4 patients, at least 2) and returns the two-stage
// and one-stage within-patient estimates with their SEs.
func ipdAgreement(t *testing.T, k, n int, seed int64) (two, twoSE, one, oneSE float64, ok bool) {
	t.Helper()
	p := simulate.DefaultSessionParams()
	p.Seed, p.Patients, p.Therapists = seed, n, max(2, n/4)
	var b bytes.Buffer
	if _, err := simulate.WriteMultiStudyCSV(&b, p, k, 0.3, nil); err != nil {
		t.Fatal(err)
	}
	tab, err := datasets.ReadBytes("sim.csv", b.Bytes(), datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	run, err := IPD(FileSource("sim.csv", tab), IPDOptions{Terms: []string{"within"}, Test: "z"})
	if err != nil || len(run.Comparison) != 1 {
		return 0, 0, 0, 0, false
	}
	c := run.Comparison[0]
	return c.TwoStage, c.TwoStageSE, c.OneStage, c.OneStageSE, true
}

// TestIPDSmallStudies is the simulation of docs/ipd-small-studies.md: the
// two-stage and the one-stage within-patient estimates agree within their
// SEs when studies are large, and drift apart when most studies are
// small (Burke, Ensor & Riley 2017; Riley et al. 2023). With
// ALLIANCE_IPD_SIM=N it runs N replications per design (6 × 150, 40 × 8
// and 80 × 3 studies × patients) and logs the table; without, 3, checking
// that the large-study estimates differ by less than one SE on average and
// that the 80 × 3 design's differences, in SE units, are larger.
func TestIPDSmallStudies(t *testing.T) {
	reps := 3
	if v, err := strconv.Atoi(os.Getenv("ALLIANCE_IPD_SIM")); err == nil && v > 0 {
		reps = v
	}
	type design struct{ k, n int }
	res := map[design][4]float64{} // mean |diff|/SE, share > 1 SE, mean two-stage, mean one-stage
	for _, d := range []design{{6, 150}, {40, 8}, {80, 3}} {
		var sumZ, over, sumTwo, sumOne float64
		m := 0
		for r := 0; r < reps; r++ {
			two, twoSE, one, oneSE, ok := ipdAgreement(t, d.k, d.n, int64(5000+r))
			if !ok {
				continue
			}
			z := math.Abs(two-one) / math.Max(twoSE, oneSE)
			sumZ += z
			if z > 1 {
				over++
			}
			sumTwo, sumOne = sumTwo+two, sumOne+one
			m++
		}
		if m == 0 {
			t.Fatalf("%d studies × %d patients: no replication fitted", d.k, d.n)
		}
		f := float64(m)
		res[d] = [4]float64{sumZ / f, over / f, sumTwo / f, sumOne / f}
		t.Logf("%d studies × %d patients (%d replications): mean |two − one|/SE %.2f, share > 1 SE %.0f %%, mean two-stage %.3f, one-stage %.3f",
			d.k, d.n, m, sumZ/f, 100*over/f, sumTwo/f, sumOne/f)
	}
	large, small := res[design{6, 150}], res[design{80, 3}]
	if !(large[0] < 1) {
		t.Errorf("large studies: mean |difference| %.2f SE, want < 1", large[0])
	}
	if !(small[0] > large[0]) {
		t.Errorf("small studies: mean |difference| %.2f SE, not above the large studies' %.2f", small[0], large[0])
	}
}
