package workflow

import (
	"testing"
)

// TestOptionDecisions: the choices front ends used to make themselves
// (a second spelling of an option, a check across options) are the
// workflow's, each refused with the option it concerns.
func TestOptionDecisions(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	// change: --wide PRE,POST and the significance level.
	o, err := ChangeOptions{WideColumns: []string{"a", "b"}, Reliability: f(.8), Significance: f(.1)}.withDefaults()
	if err != nil || !o.Wide || o.Pre != "a" || o.Post != "b" || o.Level != 0.9 {
		t.Errorf("wide and significance: %+v, %v", o, err)
	}
	for _, c := range []struct {
		o    ChangeOptions
		hint string
	}{
		{ChangeOptions{WideColumns: []string{"a"}, Reliability: f(.8)}, "WideColumns"},
		{ChangeOptions{WideColumns: []string{"a", "b"}, Pre: "1", Reliability: f(.8)}, "WideColumns"},
		{ChangeOptions{Significance: f(.05), Level: .9, Reliability: f(.8)}, "Significance"},
		{ChangeOptions{Significance: f(1), Reliability: f(.8)}, "Significance"},
	} {
		if _, err := c.o.withDefaults(); OptionOf(err) != c.hint {
			t.Errorf("%+v: want an invalid %s, got %v", c.o, c.hint, err)
		}
	}
	// gains: criterion 1 from the RCI needs the reliability.
	if _, err := (GainsOptions{CutoffFromRCI: true}).withDefaults(); OptionOf(err) != "Reliability" {
		t.Errorf("cutoff from RCI without reliability: %v", err)
	}
	if g, err := (GainsOptions{CutoffFromRCI: true, Reliability: f(.9)}).withDefaults(); err != nil || *g.Reliability != .9 {
		t.Errorf("cutoff from RCI: %v", err)
	}
	// ruptures: the session model in words.
	for word, want := range map[string][2]bool{"": {false, false}, "auto": {false, false}, "true": {true, false}, "FALSE": {false, true}} {
		st, err := NewRupturesStage(RupturesOptions{SessionModel: word})
		if err != nil || st.opt.SessionModelAlways != want[0] || st.opt.NoSessionModel != want[1] {
			t.Errorf("session model %q: %+v, %v", word, st, err)
		}
	}
	if _, err := NewRupturesStage(RupturesOptions{SessionModel: "maybe"}); OptionOf(err) != "SessionModel" {
		t.Errorf("session model maybe: %v", err)
	}
	// ipd: panel options without the panel stage 1; study names of one file.
	for _, p := range []PanelOptions{{Model: "clpm"}, {Estimator: "MLR"}, {Waves: []int{1, 2}}, {Constrain: []string{"cov"}}} {
		if p.given() == "" {
			t.Errorf("%+v: not seen as given", p)
		}
	}
	if (PanelOptions{Level: .9, Listwise: true}).given() != "" {
		t.Error("options IPD does not pass seen as given")
	}
	if _, err := IPD(Source{}, IPDOptions{StudyNames: []string{"a"}}); OptionOf(err) != "StudyNames" {
		t.Errorf("study names of one file: %v", err)
	}
	// report: the demo input is simulated and says so.
	if s, ss, n := ReportDemo(); s != "demo-studies" || ss != "demo-sessions" || n.Level != Warning {
		t.Errorf("demo: %s %s %+v", s, ss, n)
	}
}
