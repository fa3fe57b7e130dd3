package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestTableFormats(t *testing.T) {
	tb := &table{
		Title:   "Table 1",
		Columns: []string{"study", "r"},
		Right:   []bool{false, true},
		Rows:    [][]string{{"Axelsson (2009)", ".19"}, {"B|c", "−.05"}},
		Notes:   []string{"Note. x"},
	}
	var b bytes.Buffer
	if err := tb.render(&b, "text"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	// Right-aligned numbers end in the same column (rune count).
	if len([]rune(lines[4])) != len([]rune(lines[5])) {
		t.Errorf("rows not aligned:\n%s", b.String())
	}
	b.Reset()
	if err := tb.render(&b, "markdown"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "| --- | ---: |") || !strings.Contains(b.String(), `B\|c`) {
		t.Errorf("markdown:\n%s", b.String())
	}
	b.Reset()
	if err := tb.render(&b, "csv"); err != nil {
		t.Fatal(err)
	}
	if b.String() != "study,r\nAxelsson (2009),.19\nB|c,−.05\n" {
		t.Errorf("csv:\n%q", b.String())
	}
}
