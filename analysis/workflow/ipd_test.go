package workflow

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/meta"
)

// studyCSV returns the rows of one study of a file with a study column
// (the first), without that column.
func studyCSV(t *testing.T, recs [][]string, study string) string {
	t.Helper()
	var sub bytes.Buffer
	sub.WriteString(strings.Join(recs[0][1:], ",") + "\n")
	for _, r := range recs[1:] {
		if r[0] == study {
			sub.WriteString(strings.Join(r[1:], ",") + "\n")
		}
	}
	return sub.String()
}

// Two-stage IPD: each study's estimate equals 'alliance sessions' on that
// study's rows alone (written out independently here), the pooled estimate
// equals meta.Fit of those estimates with Knapp–Hartung (the default), and
// the study that cannot be fitted is listed with its reason.
func TestIPDTwoStage(t *testing.T) {
	b, err := os.ReadFile("testdata/ipd_sim.csv")
	if err != nil {
		t.Fatal(err)
	}
	run, err := IPD(csvSource(t, "ipd.csv", string(b)), IPDOptions{NoOneStage: true})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Terms) == 0 {
		t.Fatal("no terms")
	}
	for _, term := range run.Terms {
		var yi, vi []float64
		for _, st := range run.Stage1 {
			if st.Term != term {
				continue
			}
			one, serr := Sessions(csvSource(t, st.Study+".csv", studyCSV(t, recs, st.Study)), SessionsOptions{})
			if st.Study == "S4" {
				if serr == nil || !strings.Contains(st.Note, "not fitted") || !math.IsNaN(st.Estimate) {
					t.Errorf("S4 (one patient): err %v, listed %+v", serr, st)
				}
				continue
			}
			if serr != nil {
				t.Fatal(serr)
			}
			for _, e := range one.Effects {
				if e.Role == term {
					if e.Estimate != st.Estimate || e.SE != st.SE || e.DF != st.DF || one.NObs != st.NSessions {
						t.Errorf("%s %s: IPD %+v, alone %v (%v) df %v", st.Study, term, st, e.Estimate, e.SE, e.DF)
					}
					yi, vi = append(yi, e.Estimate), append(vi, e.SE*e.SE)
				}
			}
		}
		want, err := meta.Fit(yi, vi, meta.Options{Test: "knha"})
		if err != nil {
			t.Fatal(err)
		}
		got := run.pooledTerm(term).Model
		if len(yi) != 3 || got.Coefficients[0].Estimate != want.Coefficients[0].Estimate || got.Tau2 != want.Tau2 || got.Coefficients[0].SE != want.Coefficients[0].SE {
			t.Errorf("%s: pooled %v τ² %v, want %v τ² %v (k %d)", term, got.Coefficients[0].Estimate, got.Tau2, want.Coefficients[0].Estimate, want.Tau2, len(yi))
		}
	}
	if len(run.TopNotes()) == 0 || !strings.Contains(run.TopNotes()[0].Text, "1 of 4 studies could not contribute") {
		t.Errorf("notes %v", run.TopNotes())
	}
}
