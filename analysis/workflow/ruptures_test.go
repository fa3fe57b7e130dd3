package workflow

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/datasets"
)

// handRuptures: p1–p4 dip from 4 to 2 at session 4 and recover at 5
// (repaired), q1–q4 dip at 4 and stay (unrepaired, window seen), c1–c4 dip
// at 7 of 8 (censored), n1–n4 wobble (none). Outcome change over 8
// sessions: repaired −10, unrepaired −2, none −5, censored −6 (± 1).
func handRuptures(t *testing.T) Source {
	var b strings.Builder
	b.WriteString("patient,session,wai,phq\n")
	for i := 1; i <= 4; i++ {
		e := float64(2*(i%2) - 1)
		for _, c := range []struct {
			id        string
			at, until int
			change    float64
		}{{"p", 4, 4, 10}, {"q", 4, 8, 2}, {"c", 7, 8, 6}, {"n", 0, 0, 5}} {
			for s := 1; s <= 8; s++ {
				a := 4 + 0.05*float64(s%2)
				if c.at > 0 && s >= c.at && s <= c.until {
					a = 2
				}
				fmt.Fprintf(&b, "%s%d,%d,%g,%g\n", c.id, i, s, a, 20-(c.change+e)*float64(s-1)/7)
			}
		}
	}
	tab, err := datasets.Read("hand.csv", strings.NewReader(b.String()), datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return FileSource("hand.csv", tab)
}

func TestRupturesHandMade(t *testing.T) {
	run, err := Ruptures(handRuptures(t), RupturesOptions{Columns: datasets.SessionColumns{Alliance: "wai", Outcome: "phq"}, Threshold: fp(1), Sensitivity: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range run.Patients {
		want := map[byte]string{'p': "repaired", 'q': "unrepaired", 'n': "none", 'c': "censored"}[p.Patient[0]]
		if string(p.Class) != want {
			t.Errorf("%s: %s, want %s", p.Patient, p.Class, want)
		}
	}
	// oriented (lower = better) differences of mean change: repaired vs
	// unrepaired −2 − (−10) = 8; censored vs none −5 − (−6) = 1.
	diffs := map[string]float64{}
	for _, e := range run.Effects {
		diffs[e.Contrast] = float64(e.Diff)
	}
	if abs(diffs["repaired vs unrepaired"]-8) > 1e-9 || abs(diffs["censored vs none"]-1) > 1e-9 {
		t.Errorf("differences %v", diffs)
	}
	tab := run.Section().Tables()[0]
	if tab.Rows[3][0] != "censored" || tab.Rows[3][1] != "4" {
		t.Errorf("class table %v", tab.Rows)
	}
	if e := run.RepairEffect(); e == nil || e.N1 != 4 || e.N2 != 4 {
		t.Errorf("repair effect %+v", e)
	}
	figs := run.Section().Figures()
	if len(figs) != 1 || figs[0].Spec.(RuptureSpec).Patients[0] != "p1" {
		t.Errorf("figures %+v", figs)
	}
	if st := run.Steps()[0]; !strings.Contains(st.Command, "--method threshold --threshold 1") || !strings.Contains(st.Command, "--alliance wai") {
		t.Errorf("command %s", st.Command)
	}
	if _, err := Ruptures(handRuptures(t), RupturesOptions{Preset: "larsson2018", K: fp(3)}); err == nil {
		t.Error("preset with a rule parameter: no error")
	}
}

// A setting of another rule than the one that runs is refused, never
// accepted and ignored; a reliability of the rci rule outside [0, 1) names
// the reliability (it used to be reported as a bad method).
func TestRuptureSettingOfAnotherRule(t *testing.T) {
	cols := datasets.SessionColumns{Alliance: "wai", Outcome: "phq"}
	for _, c := range []struct {
		opt   RupturesOptions
		field string
	}{
		{RupturesOptions{Columns: cols, Reliability: fp(.9)}, "Reliability"},
		{RupturesOptions{Columns: cols, Threshold: fp(1), RCISD: 2}, "RCISD"},
		{RupturesOptions{Columns: cols, Method: "rci", Reliability: fp(.9), LossCutoff: fp(3)}, "LossCutoff"},
		{RupturesOptions{Columns: cols, Method: "rci", Reliability: fp(1.5)}, "Reliability"},
		{RupturesOptions{Columns: cols, Method: "rci", Reliability: fp(-.1)}, "Reliability"},
	} {
		_, err := Ruptures(handRuptures(t), c.opt)
		if OptionOf(err) != c.field {
			t.Errorf("%+v: error %v names %q, want %s", c.opt, err, OptionOf(err), c.field)
		}
	}
	if _, err := Ruptures(handRuptures(t), RupturesOptions{Columns: cols, Method: "rci", Reliability: fp(.9)}); err != nil {
		t.Errorf("rci with a reliability: %v", err)
	}
}

func readCSV(t *testing.T, s string) *datasets.Table {
	t.Helper()
	tab, err := datasets.Read("x.csv", strings.NewReader(s), datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tab
}
