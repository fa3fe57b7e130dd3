package workflow

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

// Every note at the top of the demo report is a sentence: it starts with a
// capital letter or a number (issue 14: several started in lower case).
func TestTopNotesAreSentences(t *testing.T) {
	st, se := embedded(t, "demo-studies"), embedded(t, "demo-sessions")
	doc, _, err := Report(ReportInput{Studies: &st, Sessions: &se}, ReportOptions{Sessions: ReportSessionOptions{Reliability: 0.84}})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Notes) < 3 {
		t.Fatalf("only %d notes", len(doc.Notes))
	}
	for _, n := range doc.Notes {
		r, _ := utf8.DecodeRuneInString(n.Text)
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			t.Errorf("note starts in lower case: %.80s", n.Text)
		}
	}
}
