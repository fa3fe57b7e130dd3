package datasets

import (
	"strings"
	"testing"

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
	if _, err := ReadBytes("u.csv", []byte("a\n1\n"), ReadOptions{Encoding: "ebcdic"}); err == nil {
		t.Error("unknown encoding accepted")
	}
}

func FuzzDecodeText(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n"), "")
	f.Add([]byte("a;b\nFalkenstr\xf6m;1\n"), "")
	f.Add([]byte{0x80, 0x81, 0xff}, "utf-8")
	f.Fuzz(func(t *testing.T, data []byte, enc string) {
		out, _, err := decodeText("f.csv", data, enc)
		if err == nil && (enc == "" || enc == "utf-8") && !strings.Contains(string(out), "\uFFFD") && len(out) < len(data) {
			t.Errorf("decoding lost bytes: %q → %q", data, out)
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
	if err == nil || !strings.Contains(err.Error(), "the workbook's sheets are Notes, Data: choose the one with the data") {
		t.Fatalf("error %v", err)
	}
	tab, err := ReadBytes("book.xlsx", buf.Bytes(), ReadOptions{Sheet: "data"})
	if err != nil || tab.NumRows() != 1 {
		t.Errorf("sheet Data: %v", err)
	}
}
