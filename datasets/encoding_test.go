package datasets

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/xuri/excelize/v2"
)

// A Windows-1252 CSV (Excel's "CSV" in European locales) is decoded, not
// corrupted, and the table says so; forcing UTF-8 locates the bad byte
// (issue 14).
func TestWindows1252(t *testing.T) {
	data := []byte("study;ri;ni\nFalkenstr\xf6m 2013;0,31;120\nM\xfcller;0,2;80\n")
	tab, err := ReadBytes("eu.csv", append([]byte(nil), data...), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Encoding != Windows1252 {
		t.Errorf("encoding %q, want windows-1252", tab.Encoding)
	}
	if got := tab.Col(0).String(0); got != "Falkenström 2013" {
		t.Errorf("label %q, want Falkenström 2013", got)
	}
	_, err = ReadBytes("eu.csv", append([]byte(nil), data...), ReadOptions{Encoding: "utf-8"})
	if err == nil || !strings.Contains(err.Error(), "eu.csv:2: byte 0xF6 at character 10 is not UTF-8") {
		t.Errorf("forced UTF-8: %v", err)
	}
	lat, err := ReadBytes("eu.csv", append([]byte(nil), data...), ReadOptions{Encoding: "latin-1"})
	if err != nil || lat.Col(0).String(1) != "Müller" || lat.Encoding != Latin1 {
		t.Errorf("latin-1: %v %q", err, lat.Col(0).String(1))
	}
	utf, err := ReadBytes("u.csv", []byte("study,ri,ni\nFalkenström,.3,50\n"), ReadOptions{})
	if err != nil || utf.Encoding != "" {
		t.Errorf("UTF-8 file: %v %q", err, utf.Encoding)
	}
}

// Bytes that Windows-1252 leaves undefined are refused at their line and
// column, never decoded to U+FFFD; Latin-1 decodes every byte; the column
// counts characters (UTF-8 characters when UTF-8 is forced).
func TestEncodingRefusals(t *testing.T) {
	for _, c := range []struct {
		name, enc string
		data      string
		want      string
	}{
		{"auto", "", "study,ri\nA\x81b,.3\n", `x.csv:2: byte 0x81 at character 2 is neither UTF-8 nor Windows-1252 text; save the file as UTF-8 ("CSV UTF-8" in Excel), or choose its encoding`},
		{"cp1252", "windows-1252", "study,ri\nM\xfcller,.3\nX\x9d,.2\n", `x.csv:3: byte 0x9D at character 2 has no character in Windows-1252; choose another encoding or save the file as UTF-8`},
		{"utf-8 column in characters", "UTF-8", "study,ri\nFalkenström \xf6,.3\n", `x.csv:2: byte 0xF6 at character 13 is not UTF-8; the file may be Windows-1252 or Latin-1 (choose that encoding) or save it as UTF-8`},
		{"unknown", "ebcdic", "a\n1\n", `x.csv: unknown encoding "ebcdic": give utf-8, windows-1252 or latin-1`},
	} {
		_, err := ReadBytes("x.csv", []byte(c.data), ReadOptions{Encoding: c.enc})
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got %v\nwant %s", c.name, err, c.want)
		}
	}
	tab, err := ReadBytes("x.csv", []byte("study,ri\nA\x81b,.3\n"), ReadOptions{Encoding: "latin-1"})
	if err != nil || tab.Col(0).String(0) != "A\u0081b" || tab.Encoding != Latin1 {
		t.Errorf("latin-1: %v", err)
	}
	// Windows-1252's own letters beyond Latin-1: € (0x80), Š (0x8A), „ (0x84).
	tab, err = ReadBytes("x.csv", []byte("label;cost\n\x84\x8aibenik\x93;\x80 5\n"), ReadOptions{})
	if err != nil || tab.Col(0).String(0) != "„Šibenik“" || tab.Col(1).String(0) != "€ 5" {
		t.Errorf("windows-1252 letters: %v %q", err, tab.Col(0).String(0))
	}
}

// FuzzDecodeText checks the encoding rules on any bytes: what is accepted
// is valid UTF-8; valid UTF-8 comes back unchanged; detected Windows-1252
// encodes back to the very bytes read (nothing replaced, nothing lost); a
// refusal names the line of the offending byte.
func FuzzDecodeText(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n"), "")
	f.Add([]byte("a;b\nFalkenstr\xf6m;1\n"), "")
	f.Add([]byte("a;b\nFalkenstr\xf6m;1\n"), "utf-8")
	f.Add([]byte{0x80, 0x81, 0xff}, "utf-8")
	f.Add([]byte("x\n\x9d"), "windows-1252")
	f.Add([]byte("\x84\x8a\x93"), "latin-1")
	f.Fuzz(func(t *testing.T, data []byte, enc string) {
		out, got, err := decodeText("f.csv", data, enc)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || len(ie.Problems) != 1 {
				t.Fatalf("%v is not one input problem", err)
			}
			if l := ie.Problems[0].Line; l > 0 && l > 1+bytes.Count(data, []byte{'\n'}) {
				t.Errorf("line %d beyond the text's %d lines", l, 1+bytes.Count(data, []byte{'\n'}))
			}
			return
		}
		if !utf8.Valid(out) {
			t.Fatalf("%q (%s) decoded to invalid UTF-8 %q", data, enc, out)
		}
		switch got {
		case "":
			if !bytes.Equal(out, data) {
				t.Errorf("UTF-8 text changed: %q → %q", data, out)
			}
		case Windows1252:
			back, err := charmap.Windows1252.NewEncoder().Bytes(out)
			if err != nil || !bytes.Equal(back, data) {
				t.Errorf("Windows-1252 %q → %q does not encode back (%v)", data, out, err)
			}
		case Latin1:
			if utf8.RuneCount(out) != len(data) {
				t.Errorf("Latin-1 %q → %q: %d characters for %d bytes", data, out, utf8.RuneCount(out), len(data))
			}
		default:
			t.Errorf("encoding %q", got)
		}
	})
}

// A workbook whose first sheet holds only notes names its sheets and says
// to choose one (issue 14).
func TestXLSXNamesSheets(t *testing.T) {
	f := excelize.NewFile()
	_ = f.SetSheetName("Sheet1", "Notes")
	_ = f.SetCellValue("Notes", "A1", "read me first")
	if _, err := f.NewSheet("Data"); err != nil {
		t.Fatal(err)
	}
	for i, row := range [][]any{{"study", "ri", "ni"}, {"a", 0.3, 50}} {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			_ = f.SetCellValue("Data", cell, v)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadBytes("book.xlsx", buf.Bytes(), ReadOptions{})
	want := "book.xlsx[Notes]: header only, no data rows (columns: read me first); the workbook's sheets are Notes, Data: choose the one with the data (ReadOptions.Sheet)"
	var ie *InputError
	if err == nil || err.Error() != want || !errors.As(err, &ie) || ie.Problems[0].Hint != "sheet=Notes,Data" {
		t.Fatalf("error:\n got %v\nwant %s", err, want)
	}
	// An empty first sheet says the same.
	_ = f.SetCellValue("Notes", "A1", nil)
	buf, err = f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadBytes("book.xlsx", buf.Bytes(), ReadOptions{})
	want = "book.xlsx[Notes]: empty sheet: no header and no data; the workbook's sheets are Notes, Data: choose the one with the data (ReadOptions.Sheet)"
	if err == nil || err.Error() != want {
		t.Fatalf("empty first sheet:\n got %v\nwant %s", err, want)
	}
	_, err = ReadBytes("book.xlsx", buf.Bytes(), ReadOptions{Sheet: "Daten"})
	if want := `book.xlsx: sheet "Daten" not found; sheets are: Notes, Data`; err == nil || err.Error() != want || !errors.As(err, &ie) || ie.Problems[0].Hint != "sheet=Notes,Data" {
		t.Errorf("unknown sheet:\n got %v\nwant %s", err, want)
	}
	tab, err := ReadBytes("book.xlsx", buf.Bytes(), ReadOptions{Sheet: "data"})
	if err != nil || tab.NumRows() != 1 {
		t.Errorf("sheet Data: %v", err)
	}
}
