package workflow

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/datasets"
)

func sessEmbedded(t *testing.T, name string) Source {
	t.Helper()
	info, err := datasets.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := datasets.ReadEmbedded(name, datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return EmbeddedSource(info, tab)
}

func fp(x float64) *float64 { return &x }

// TestChangeClinicalsignificance compares the categories with the published
// test snapshots of clinicalsignificance: cs_combined(claus_2020, id, time,
// hamd, pre = 1, post = 4, reliability = 0.8, m_functional = 8,
// sd_functional = 8, cutoff_type = "c") and the same with the HLM method
// (analysis/change/testdata/reference_test_snapshot_cs_combined.md).
func TestChangeClinicalsignificance(t *testing.T) {
	for _, c := range []struct {
		method string
		want   map[string]int
	}{
		{"JT", map[string]int{"recovered": 26, "improved": 3, "unchanged": 10, "deteriorated": 1, "harmed": 0}},
		{"EN", map[string]int{"recovered": 26, "improved": 6, "unchanged": 5, "deteriorated": 3, "harmed": 0}},
	} {
		run, err := Change(sessEmbedded(t, "claus2020"), ChangeOptions{Score: "hamd", Pre: "1", Post: "4", Method: c.method, Reliability: fp(.8),
			MFunctional: fp(8), SDFunctional: fp(8), CutoffType: "c"})
		if err != nil {
			t.Fatal(err)
		}
		if run.Approach != "combined" || run.NUsed != 40 || run.NOriginal != 43 {
			t.Errorf("%s: approach %s, n %d of %d", c.method, run.Approach, run.NUsed, run.NOriginal)
		}
		tab := run.Section().Tables()[0]
		for i, s := range run.Summary {
			if s.N != c.want[string(s.Category)] || tab.Rows[i][0] != string(s.Category) || tab.Rows[i][1] != strconv.Itoa(s.N) {
				t.Errorf("%s: %s = %d (table %v), snapshot %d", c.method, s.Category, s.N, tab.Rows[i], c.want[string(s.Category)])
			}
		}
		st := run.Steps()[0]
		for _, w := range []string{"cs_combined(", "pre = 1", "post = 4", "reliability = 0.8", `cutoff_type = "c"`, `rci_method = "` + c.method + `"`} {
			if !strings.Contains(st.RCode, w) {
				t.Errorf("%s: R code lacks %s:\n%s", c.method, w, st.RCode)
			}
		}
		if !strings.Contains(st.Command, "--pre 1 --post 4") || !strings.Contains(st.Command, "--dataset claus2020") {
			t.Errorf("command %s", st.Command)
		}
	}
}

// TestChangeHLMCombinedNeedsNorms is issue 13's crash: cutoff c without the
// functional SD is an option error, not a nil result.
func TestChangeHLMCombinedNeedsNorms(t *testing.T) {
	_, err := Change(sessEmbedded(t, "claus2020"), ChangeOptions{Score: "hamd", Method: "HLM", Approach: "combined", MFunctional: fp(8), CutoffType: "c"})
	if OptionOf(err) != "SDFunctional" {
		t.Fatalf("err %v, want an option error on SDFunctional", err)
	}
}

// TestChangeFirstLast: without pre and post time values each patient's
// first and last observed score are compared, and the note says so. By
// hand: SD_pre of (10, 20, 30) is 10, r = .75 → S_diff = √50, reliable
// change needs |Δ| > 1.96·√50 = 13.86.
func TestChangeFirstLast(t *testing.T) {
	csv := "patient,session,phq\na,1,10\na,2,20\na,3,30\nb,1,20\nb,3,15\nc,2,30\nc,5,NA\nc,6,50\n"
	tab, err := datasets.Read("s.csv", strings.NewReader(csv), datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	run, err := Change(FileSource("s.csv", tab), ChangeOptions{Score: "phq", Reliability: fp(.75), HigherBetter: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"improved", "unchanged", "improved"}
	for i, p := range run.Persons {
		if string(p.Category) != want[i] {
			t.Errorf("patient %s: %s, want %s", p.ID, p.Category, want[i])
		}
	}
	if n := run.TopNotes(); len(n) == 0 || !strings.Contains(n[0].Text, "first and last") {
		t.Errorf("notes %v", n)
	}
}

// TestChangeInvisibleIDs: a patient id made only of NUL bytes (or other
// invisible characters) is refused at its line, in long, wide and HLM data,
// as the loaders refuse such labels.
func TestChangeInvisibleIDs(t *testing.T) {
	long := readCSV(t, "id,time,score\na,1,20\na,2,10\n\x00\x00,1,22\n\x00\x00,2,12\nc,1,25\nc,2,9\n")
	wide := readCSV(t, "id,pre,post\na,20,10\n\u200b,22,12\nc,25,9\n")
	rel := 0.8
	for _, c := range []struct {
		name string
		tab  *datasets.Table
		opt  ChangeOptions
		line int
	}{
		{"long", long, ChangeOptions{Reliability: &rel}, 4},
		{"hlm", long, ChangeOptions{Method: "HLM"}, 4},
		{"wide", wide, ChangeOptions{Wide: true, Pre: "pre", Post: "post", Reliability: &rel}, 3},
	} {
		_, err := Change(FileSource("x.csv", c.tab), c.opt)
		var in *datasets.InputError
		if !errors.As(err, &in) || in.Problems[0].Line != c.line || !strings.Contains(in.Problems[0].Msg, "invisible") {
			t.Errorf("%s: %v, want an input error at line %d", c.name, err, c.line)
		}
	}
}
