package textout

import (
	"bytes"
	"strings"
	"testing"
)

// TestCSVWriterChunks: cells split across writes are judged whole; a
// formula-like cell gets a leading ' (inside its quote when quoted), and
// numbers (-0.5, +1e3, -Inf) and a lone "-" or "@" stay as they are.
func TestCSVWriterChunks(t *testing.T) {
	var b bytes.Buffer
	w := NewCSVWriter(&b, ',')
	for _, chunk := range []string{"a,-0.5,+1e3,-Inf,", "\"-x\",\"=1\"\r\n-", ",@\n"} {
		_, _ = w.Write([]byte(chunk))
	}
	_ = w.Flush()
	if want := "a,-0.5,+1e3,-Inf,\"'-x\",\"'=1\"\r\n-,@\n"; b.String() != want {
		t.Errorf("CSVWriter: %q, want %q", b.String(), want)
	}
}

// TestCSVWriterSniffsTabs: with delimiter 0, tab-separated content (a
// stream whose first line has tabs) is neutralised per tab-separated cell,
// so a comma inside a cell does not start a new one.
func TestCSVWriterSniffsTabs(t *testing.T) {
	var sb strings.Builder
	w := NewCSVWriter(&sb, 0)
	_, _ = w.Write([]byte("id\tx\n-5\t-0.25\n=A1,b\t-inf\n"))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := sb.String(), "id\tx\n-5\t-0.25\n'=A1,b\t'-inf\n"; got != want {
		t.Errorf("tab-separated: %q, want %q", got, want)
	}
}

// TestCSVWriterNumbers: a spreadsheet's numbers are left alone; what Go
// parses but a spreadsheet does not (hex floats, -Infinity, 1_000) is text.
func TestCSVWriterNumbers(t *testing.T) {
	for cell, safe := range map[string]bool{"-1": true, "+.5": true, "-1e-3": true, "-1.5E+2": true, "-Inf": true, "+Inf": true,
		"-": true, "-0x1p2": false, "-Infinity": false, "-inf": false, "-1_000": false, "-1e": false, "=1": false, "@x": false, "-.": false} {
		var b bytes.Buffer
		w := NewCSVWriter(&b, ',')
		_, _ = w.Write([]byte(cell + "\n"))
		_ = w.Flush()
		if got := b.String() == cell+"\n"; got != safe {
			t.Errorf("%q: written %q, kept as it is: %v, want %v", cell, b.String(), got, safe)
		}
	}
}

// TestEscapeControls: ESC, BEL, DEL, a C1 control and an invalid byte are
// written as escapes; tab, newline, carriage return and UTF-8 text stay.
func TestEscapeControls(t *testing.T) {
	in := "a\x1b]0;x\x07\tb\r\n\x7fñ\u0085\xff"
	want := `a\x1b]0;x\x07` + "\tb\r\n" + `\x7fñ\u0085\xff`
	if got := string(EscapeControls([]byte(in))); got != want {
		t.Errorf("EscapeControls: %q, want %q", got, want)
	}
	if clean := "plain ñ\ttext\n"; string(EscapeControls([]byte(clean))) != clean {
		t.Errorf("EscapeControls changed %q", clean)
	}
}
