package datasets

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestPlainRowsMatchesRecords parses random unquoted text with the line
// fast path (plainRows) and with the general record parser: the tables
// (every cell's bytes, the line of every row) and the problems must be the
// same. The texts mix delimiters (space and tab included), blanks around
// fields, blank and blank-looking lines, short and long rows, trailing
// delimiters and a missing final line feed, in files of one part and of
// several parallel parts; half of them without any blank, so that usual
// lines take the whole-line path, some with hundreds of fields.
func TestPlainRowsMatchesRecords(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	fieldChars := []string{"a", "b", "7", "3.5", "-1", "NA", " ", "\t", "", "xyz"}
	for trial := range 800 {
		delim := []string{",", ";", "\t", " ", "|"}[trial%5]
		// Every other trial has no blank at all: its usual lines are stored
		// at once (plainRows' whole-line path), the others field by field.
		chars, blankish := fieldChars, " \t"
		if trial%2 == 1 {
			chars, blankish = fieldChars[:6], ""
		}
		ncol := 1 + rng.IntN(4)
		if trial%10 == 9 {
			ncol = 1 + rng.IntN(300) // lines of up to 300 fields (more than a buffer of boundaries for some)
		}
		var b strings.Builder
		head := make([]string, ncol)
		for k := range head {
			head[k] = "v" + string(rune('a'+k))
		}
		b.WriteString(strings.Join(head, delim) + "\n")
		lines := 1 + rng.IntN(40)
		if trial%100 == 0 || trial%100 == 51 {
			lines = 700000 // over a megabyte: several parts
		}
		for l := range lines {
			switch rng.IntN(12) {
			case 0:
				b.WriteString("\n") // blank
				continue
			case 1:
				b.WriteString(strings.Repeat(delim, rng.IntN(3)) + blankish + "\n") // blank-looking
				continue
			}
			nf := ncol
			if rng.IntN(8) == 0 {
				nf += rng.IntN(3) - 1
			}
			fields := make([]string, max(nf, 1))
			for k := range fields {
				for range rng.IntN(3) {
					fields[k] += chars[rng.IntN(len(chars))]
				}
			}
			row := strings.Join(fields, delim)
			if rng.IntN(10) == 0 {
				row += delim // a trailing delimiter
			}
			b.WriteString(row)
			if l < lines-1 || rng.IntN(2) == 0 {
				b.WriteString("\n")
			}
		}
		text := b.String()
		if parts, _ := splitLines([]byte(text), 0); lines == 700000 && len(parts) < 3 {
			t.Fatalf("trial %d: %d bytes in one part", trial, len(text))
		}
		if msg := compareParsers([]byte(text), ReadOptions{Delimiter: rune(delim[0])}); msg != "" {
			t.Fatalf("trial %d: %s", trial, msg)
		}
	}
}

// compareParsers reads data with the line fast path and with the record
// parser and says how the two differ ("" when they do not): one failing
// and not the other, different problems, row counts, lines or cells.
func compareParsers(data []byte, opt ReadOptions) string {
	plainParse = false
	want, werr := ReadBytes("t.csv", append([]byte(nil), data...), opt)
	plainParse = true
	got, gerr := ReadBytes("t.csv", append([]byte(nil), data...), opt)
	if (gerr == nil) != (werr == nil) {
		return fmt.Sprintf("fast path error %v, record parser error %v", gerr, werr)
	}
	if werr != nil {
		var ge, we *InputError
		if !errors.As(gerr, &ge) || !errors.As(werr, &we) || !reflect.DeepEqual(ge, we) {
			return fmt.Sprintf("fast path error %v, record parser %v", gerr, werr)
		}
		return ""
	}
	if got.NumRows() != want.NumRows() || !reflect.DeepEqual(got.line, want.line) {
		return fmt.Sprintf("%d rows (lines %v…), record parser %d", got.NumRows(), got.line[:min(5, len(got.line))], want.NumRows())
	}
	for j := range want.NumCols() {
		for i := range want.NumRows() {
			if g, w := got.Col(j).String(i), want.Col(j).String(i); g != w {
				return fmt.Sprintf("cell (%d, %d) = %q, record parser %q", i, j, g, w)
			}
		}
	}
	return ""
}

// FuzzPlainRowsMatchesRecords: on any text without a double quote or a
// carriage return, the line fast path and the record parser give the same
// table or the same problems.
func FuzzPlainRowsMatchesRecords(f *testing.F) {
	for _, seed := range []string{
		"a,b\n1,2\n\n3,4,\n5\n6,7,8\n",
		"x y\n1  2\n 3 4 \n",
		"p\tq\n\t1\t2\n3\t\n",
		"a;b\n1,5;2\n;\n",
		"h\n\n\n",
		"a,b\n1,2",
		"a,b\n1,2,",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.IndexByte(data, '"') >= 0 || bytes.IndexByte(data, '\r') >= 0 {
			return
		}
		for _, opt := range []ReadOptions{{}, {Delimiter: ' '}, {Delimiter: '\t', Decimal: ','}} {
			if msg := compareParsers(data, opt); msg != "" {
				t.Fatal(msg)
			}
		}
	})
}
