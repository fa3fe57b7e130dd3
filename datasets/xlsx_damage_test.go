package datasets

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// workbook returns an .xlsx with sheet "Data": a header (study, r, n) and
// rows study rows, text cells stored as shared strings.
func workbook(t testing.TB, rows int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Data"); err != nil {
		t.Fatal(err)
	}
	_ = f.SetSheetRow("Data", "A1", &[]any{"study", "r", "n"})
	for i := 0; i < rows; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		_ = f.SetSheetRow("Data", cell, &[]any{fmt.Sprintf("Study %03d", i), 0.1 + float64(i%50)/100, 20 + i})
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rezip copies the archive data, passing each part's content through edit.
func rezip(t testing.TB, data []byte, edit func(name string, b []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(edit(zf.Name, b))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func tableText(tab *Table) string {
	var b strings.Builder
	b.WriteString(strings.Join(tab.Header, "|"))
	for i := 0; i < tab.NumRows(); i++ {
		for j := 0; j < tab.NumCols(); j++ {
			b.WriteString("|" + tab.Col(j).String(i))
		}
		fmt.Fprintf(&b, "@%d\n", tab.Line(i))
	}
	return b.String()
}

// TestXLSXDamageNamesSheet: a byte changed inside the worksheet's
// compressed data is an input error naming the sheet, never a table read
// short.
func TestXLSXDamageNamesSheet(t *testing.T) {
	data := workbook(t, 2000)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var off, size int64
	for _, zf := range zr.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			off, _ = zf.DataOffset()
			size = int64(zf.CompressedSize64)
		}
	}
	if size == 0 {
		t.Fatal("no sheet1.xml")
	}
	bad := bytes.Clone(data)
	bad[off+size/2] ^= 0x55
	_, err = ReadBytes("book.xlsx", bad, ReadOptions{})
	var ie *InputError
	if err == nil || !errors.As(err, &ie) || !strings.Contains(err.Error(), "Data") || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("damaged sheet: %v", err)
	}
}

// TestXLSXOneByteCorruptions: of many one-byte corruptions anywhere in a
// workbook, each is either an error or reads the same table as the intact
// file (a changed byte in unused zip metadata); never rows read short.
func TestXLSXOneByteCorruptions(t *testing.T) {
	data := workbook(t, 300)
	whole, err := ReadBytes("book.xlsx", bytes.Clone(data), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := tableText(whole)
	rng := rand.New(rand.NewSource(11))
	short := 0
	for i := 0; i < 400; i++ {
		bad := bytes.Clone(data)
		k := rng.Intn(len(bad))
		bad[k] ^= byte(1 + rng.Intn(255))
		tab, err := ReadBytes("book.xlsx", bad, ReadOptions{})
		if err == nil && tableText(tab) != want {
			short++
			t.Errorf("byte %d changed: read without error but differently (%d rows)", k, tab.NumRows())
		}
	}
	if short > 0 {
		t.Fatalf("%d of 400 corruptions read as a different table", short)
	}
}

// TestXLSXSharedStringOutOfRange: a shared-string index past the table is
// an error, not an empty cell (which became a header "V1").
func TestXLSXSharedStringOutOfRange(t *testing.T) {
	data := rezip(t, workbook(t, 3), func(name string, b []byte) []byte {
		if name == "xl/worksheets/sheet1.xml" {
			return bytes.Replace(b, []byte(`t="s"><v>0</v>`), []byte(`t="s"><v>999</v>`), 1)
		}
		return b
	})
	_, err := ReadBytes("book.xlsx", data, ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "999") || !strings.Contains(err.Error(), "Data") {
		t.Fatalf("shared string 999 of 6: %v", err)
	}
}

// TestXLSXNoTempLeft: reading a workbook, rejected or not, leaves nothing
// in $TMPDIR (the sheet is decoded from the archive as a stream).
func TestXLSXNoTempLeft(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	data := rezip(t, workbook(t, 200), func(name string, b []byte) []byte {
		if name == "xl/worksheets/sheet1.xml" {
			return bytes.Replace(b, []byte(`</sheetData>`), []byte(`<row r="999"><c r="A999"`), 1) // cut XML
		}
		return b
	})
	if _, err := ReadBytes("book.xlsx", data, ReadOptions{}); err == nil {
		t.Fatal("truncated sheet XML accepted")
	}
	if tab, err := ReadBytes("book.xlsx", workbook(t, 200), ReadOptions{}); err != nil || tab.NumRows() != 200 {
		t.Fatalf("intact workbook: %v", err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) > 0 {
		t.Fatalf("left in TMPDIR: %v", left)
	}
}
