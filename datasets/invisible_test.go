package datasets

import (
	"errors"
	"strings"
	"testing"
)

// TestInvisibleLabelsRefused: a study label or a patient id made only of
// NUL bytes or other invisible characters (control, zero-width, BOM) names
// nobody a reader can see: it is an input error at file:line, column, while
// a label with visible characters beside them is kept.
func TestInvisibleLabelsRefused(t *testing.T) {
	for _, lab := range []string{"\x00\x00\x00", "\u200b", "\u200b\u200d\ufeff", "\x01\x7f"} {
		csv := "study,ri,ni\nA,0.3,40\n" + lab + ",0.2,50\nC,0.25,60\n"
		tab, err := ReadBytes("s.csv", []byte(csv), ReadOptions{})
		if err != nil {
			t.Fatalf("%q: read: %v", lab, err)
		}
		_, err = tab.Studies(StudyColumns{}, StudyOptions{})
		var ie *InputError
		if err == nil || !errors.As(err, &ie) {
			t.Errorf("study label %q accepted", lab)
			continue
		}
		p := ie.Problems[0]
		if p.File != "s.csv" || p.Line != 3 || p.Column != "study" || !strings.Contains(p.Msg, "invisible") {
			t.Errorf("study label %q: %+v", lab, p)
		}
		if strings.ContainsAny(err.Error(), "\x00\x01\x7f\u200b") {
			t.Errorf("study label %q: raw invisible characters in the message %q", lab, err.Error())
		}

		ses := "patient,session,alliance,outcome\np1,1,4,10\np1,2,5,9\n" + lab + ",1,4,11\n" + lab + ",2,5,8\n"
		tab, err = ReadBytes("d.csv", []byte(ses), ReadOptions{})
		if err != nil {
			t.Fatalf("%q: read: %v", lab, err)
		}
		_, err = tab.Sessions(SessionColumns{}, SessionOptions{})
		if err == nil || !errors.As(err, &ie) {
			t.Errorf("patient id %q accepted", lab)
			continue
		}
		p = ie.Problems[0]
		if p.Line != 4 || p.Column != "patient" || !strings.Contains(p.Msg, "invisible") {
			t.Errorf("patient id %q: %+v", lab, p)
		}
	}
	// Visible text beside invisible characters is a label (printed escaped).
	tab, err := ReadBytes("s.csv", []byte("study,ri,ni\nA\x00B,0.3,40\nC,0.2,50\n"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := tab.Studies(StudyColumns{}, StudyOptions{}); err != nil || s.Label[0] != "A\x00B" {
		t.Errorf("visible label with a NUL: %v", err)
	}
}
