package workflow

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"strconv"
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

// A study-level moderator enters stage 2 as meta.Fit's meta-regression on
// the stage-1 estimates (one value per study, read from its rows); the
// standardised analysis equals stage 1 on z-scores computed here.
func TestIPDModsAndStandardize(t *testing.T) {
	b, err := os.ReadFile("testdata/ipd_sim.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	year := map[string]string{"S1": "2001", "S2": "2010", "S3": "2004", "S4": "2020"}
	var all strings.Builder
	all.WriteString(strings.Join(recs[0], ",") + ",year\n")
	for _, r := range recs[1:] {
		all.WriteString(strings.Join(r, ",") + "," + year[r[0]] + "\n")
	}
	run, err := IPD(csvSource(t, "ipd.csv", all.String()), IPDOptions{Terms: []string{"within"}, Mods: []string{"year"}, Method: "ML", Test: "z", NoOneStage: true})
	if err != nil {
		t.Fatal(err)
	}
	var yi, vi, x []float64
	for _, s := range run.Stage1 {
		if s.usable() {
			yi, vi = append(yi, s.Estimate), append(vi, s.SE*s.SE)
			v, _ := strconv.ParseFloat(year[s.Study], 64)
			x = append(x, v)
		}
	}
	want, err := meta.Fit(yi, vi, meta.Options{Method: "ML", Mods: []meta.Moderator{{Name: "year", Numeric: x}}})
	if err != nil {
		t.Fatal(err)
	}
	got := run.pooledTerm("within").Model
	if len(got.Coefficients) != 2 || got.Coefficients[1].Estimate != want.Coefficients[1].Estimate || got.Tau2 != want.Tau2 {
		t.Errorf("meta-regression %+v, want %+v", got.Coefficients, want.Coefficients)
	}

	// --standardize: z-scores of alliance and outcome within S1, by hand.
	std, err := IPD(csvSource(t, "ipd.csv", string(b)), IPDOptions{Terms: []string{"within"}, Standardize: true, NoOneStage: true})
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for _, r := range recs[1:] {
		if r[0] == "S1" {
			rows = append(rows, r[1:])
		}
	}
	for _, col := range []int{3, 4} { // alliance, outcome
		var s, ss float64
		for _, r := range rows {
			v, _ := strconv.ParseFloat(r[col], 64)
			s += v
		}
		m := s / float64(len(rows))
		for _, r := range rows {
			v, _ := strconv.ParseFloat(r[col], 64)
			ss += (v - m) * (v - m)
		}
		sd := math.Sqrt(ss / float64(len(rows)-1))
		for _, r := range rows {
			v, _ := strconv.ParseFloat(r[col], 64)
			r[col] = strconv.FormatFloat((v-m)/sd, 'g', -1, 64)
		}
	}
	var sub strings.Builder
	sub.WriteString(strings.Join(recs[0][1:], ",") + "\n")
	for _, r := range rows {
		sub.WriteString(strings.Join(r, ",") + "\n")
	}
	one, err := Sessions(csvSource(t, "S1.csv", sub.String()), SessionsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range one.Effects {
		if e.Role == "within" && math.Abs(e.Estimate-std.Stage1[0].Estimate) > 1e-9*math.Abs(e.Estimate) {
			t.Errorf("standardised S1: %v, by hand %v", std.Stage1[0].Estimate, e.Estimate)
		}
	}
	if !std.Standardized || !strings.Contains(std.Methods(), "z-standardising") {
		t.Errorf("methods %q", std.Methods())
	}
}
