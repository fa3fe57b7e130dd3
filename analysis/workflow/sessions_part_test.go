package workflow

import (
	"strings"
	"testing"
)

// TestSessionPartsCiteWhatTheyUse: every part cites only works its
// methods or section name (first author's surname), gives a command line
// of its own command, accounts for its data and says what it did.
func TestSessionPartsCiteWhatTheyUse(t *testing.T) {
	src := sessEmbedded(t, "demo-sessions")
	rel := .9
	s, err := Sessions(src, SessionsOptions{Concurrent: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Ruptures(src, RupturesOptions{Sensitivity: true})
	if err != nil {
		t.Fatal(err)
	}
	g, err := Gains(src, GainsOptions{Reliability: &rel})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Change(src, ChangeOptions{Reliability: &rel})
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]Part{"sessions": s, "ruptures": r, "gains": g, "change": c} {
		text := p.Methods()
		for _, b := range p.Section().Blocks {
			switch b := b.(type) {
			case *Paragraph:
				text += " " + b.Text
			case *Table:
				text += " " + strings.Join(b.Notes, " ")
			case *Figure:
				text += " " + b.Caption
			}
		}
		if p.Methods() == "" || p.Data() == nil || p.Data().Counts["patients"] == 0 {
			t.Errorf("%s: methods %q data %+v", name, p.Methods(), p.Data())
		}
		cits, unknown := Citations(p.Cites()...)
		if len(unknown) > 0 {
			t.Errorf("%s cites keys missing from the reference list: %v", name, unknown)
		}
		for _, cit := range cits {
			surname, _, _ := strings.Cut(cit.Before, ",")
			if !strings.Contains(text, surname) {
				t.Errorf("%s cites %s but never names %s", name, cit.Key, surname)
			}
		}
		st := p.Steps()
		if len(st) == 0 || !strings.HasPrefix(st[0].Command, "alliance "+name+" --dataset demo-sessions") {
			t.Errorf("%s: steps %+v", name, st)
		}
	}
}
