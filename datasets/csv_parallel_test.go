package datasets

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// A file of several MB without quotes is parsed in parallel parts
// (splitLines); the table — cells, physical line of every row, problems
// with their lines — is the one the serial parse gives, with LF and CRLF
// line ends, blank lines in any part and a malformed row in a later part.
func TestParallelParseMatchesSerial(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n"} {
		var b strings.Builder
		b.WriteString("patient,session,score" + eol)
		for i := 0; i < 150000; i++ {
			fmt.Fprintf(&b, "p%d,%d,%d.%d%s", i/20, i%20, i%97, i%10, eol)
			if i%40000 == 39999 {
				b.WriteString(eol) // a blank line
			}
		}
		good := b.String()
		bad := good + "p1,2" + eol + "p1,3,4" + eol // a short row in the last part
		for _, text := range []string{good, bad} {
			prev := runtime.GOMAXPROCS(4)
			if parts, _ := splitLines([]byte(text), 0); len(parts) < 4 {
				t.Fatalf("%q line ends: %d parts for %d bytes with 4 processors, want 3 or more", eol, len(parts)-1, len(text))
			}
			par, perr := ReadBytes("big.csv", []byte(text), ReadOptions{})
			runtime.GOMAXPROCS(1)
			ser, serr := ReadBytes("big.csv", []byte(text), ReadOptions{})
			runtime.GOMAXPROCS(prev)
			if (perr == nil) != (serr == nil) {
				t.Fatalf("parallel error %v, serial error %v", perr, serr)
			}
			if serr != nil {
				var pe, se *InputError
				if !errors.As(perr, &pe) || !errors.As(serr, &se) || !reflect.DeepEqual(pe, se) {
					t.Fatalf("parallel error %v, serial %v", perr, serr)
				}
				if se.Problems[0].Line != 150000+3+2 { // after the header, the rows and 3 blank lines
					t.Errorf("the short row is reported on line %d, want %d", se.Problems[0].Line, 150000+3+2)
				}
				continue
			}
			if par.NumRows() != 150000 || !reflect.DeepEqual(par.line, ser.line) || !reflect.DeepEqual(par.start, ser.start) || !reflect.DeepEqual(par.end, ser.end) || !reflect.DeepEqual(par.lstart, ser.lstart) {
				t.Fatalf("%q line ends: the parallel parse differs from the serial one (%d rows vs %d)", eol, par.NumRows(), ser.NumRows())
			}
			if got := par.Line(140000); got != 140000+2+3 { // header, then three blank lines before it
				t.Errorf("row 140000 is on line %d, want %d", got, 140000+2+3)
			}
		}
	}
}

// Line ends mixed within one file (lone CR, LF, CRLF) each end a record.
func TestMixedLineEnds(t *testing.T) {
	tb, err := ReadBytes("mixed.csv", []byte("a,b\r1,2\n3,4\r5,6\r\n7,8\r9,10"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tb.NumRows() != 5 {
		t.Fatalf("%d rows, want 5", tb.NumRows())
	}
	c, _ := tb.Column("b")
	if got := c.String(4); got != "10" {
		t.Errorf("last cell %q, want 10", got)
	}
	if tb.Line(4) != 6 {
		t.Errorf("last row on line %d, want 6", tb.Line(4))
	}
}
