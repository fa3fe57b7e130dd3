package workflow

import (
	"bytes"
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/meta"
)

// Two-stage IPD: each study's estimate equals 'alliance sessions' on that
// study's rows alone (written out independently here), the pooled estimate
// equals meta.Fit of those estimates, and the study that cannot be fitted
// is listed with its reason, not dropped silently.
func TestIPDTwoStage(t *testing.T) {
	b, err := os.ReadFile("testdata/ipd_sim.csv")
	if err != nil {
		t.Fatal(err)
	}
	run, err := IPD(csvSource(t, "ipd.csv", string(b)), IPDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var yi, vi []float64
	for _, st := range run.Studies {
		var sub bytes.Buffer
		sub.WriteString(strings.Join(recs[0][1:], ",") + "\n")
		for _, r := range recs[1:] {
			if r[0] == st.Study {
				sub.WriteString(strings.Join(r[1:], ",") + "\n")
			}
		}
		one, serr := Sessions(csvSource(t, st.Study+".csv", sub.String()), SessionsOptions{})
		if st.Study == "S4" {
			if serr == nil || st.Error == "" {
				t.Errorf("S4 (one patient): err %v, listed error %q", serr, st.Error)
			}
			continue
		}
		if serr != nil {
			t.Fatal(serr)
		}
		for _, e := range one.Effects {
			if e.Role == "within" {
				if e.Estimate != st.Estimate || e.SE != st.SE {
					t.Errorf("%s: IPD %v (%v), alone %v (%v)", st.Study, st.Estimate, st.SE, e.Estimate, e.SE)
				}
				yi, vi = append(yi, e.Estimate), append(vi, e.SE*e.SE)
			}
		}
	}
	want, err := meta.Fit(yi, vi, meta.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(yi) != 3 || run.Pooled.Coefficients[0].Estimate != want.Coefficients[0].Estimate || run.Pooled.Tau2 != want.Tau2 {
		t.Errorf("pooled %v τ² %v, want %v τ² %v (k %d)", run.Pooled.Coefficients[0].Estimate, run.Pooled.Tau2, want.Coefficients[0].Estimate, want.Tau2, len(yi))
	}
	if len(run.TopNotes()) == 0 || !strings.Contains(run.TopNotes()[0].Text, "1 of 4 studies could not contribute") {
		t.Errorf("notes %v", run.TopNotes())
	}
}
