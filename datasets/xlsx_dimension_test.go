package datasets

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
)

// cutRows removes the worksheet rows numbered above keep, leaving the
// sheet's declared <dimension> as it was: a workbook whose XML is well
// formed and whose checksums are right, but which holds fewer rows than it
// declares (what a writer cut short, or a repaired archive, looks like).
func cutRows(b []byte, keep int) []byte {
	re := regexp.MustCompile(`<row r="(\d+)"`)
	locs := re.FindAllSubmatchIndex(b, -1)
	for _, l := range locs {
		n := 0
		for _, c := range b[l[2]:l[3]] {
			n = 10*n + int(c-'0')
		}
		if n > keep {
			end := bytes.Index(b, []byte(`</sheetData>`))
			return append(append([]byte(nil), b[:l[0]]...), b[end:]...)
		}
	}
	return b
}

// TestXLSXDimensionCutShort: a sheet declaring rows 1–301 (header + 300)
// of which only 101 are present is an input error naming the sheet and
// both counts, not a table of 100 studies.
func TestXLSXDimensionCutShort(t *testing.T) {
	whole := declared(t, workbook(t, 300), "A1:C301")
	data := rezip(t, whole, func(name string, b []byte) []byte {
		if name == "xl/worksheets/sheet1.xml" {
			return cutRows(b, 101)
		}
		return b
	})
	if bytes.Contains(sheetXML(t, data), []byte(`<row r="102"`)) {
		t.Fatal("rows not cut")
	}
	tab, err := ReadBytes("book.xlsx", data, ReadOptions{})
	var ie *InputError
	if err == nil || !errors.As(err, &ie) {
		t.Fatalf("cut sheet read without error: %d rows", tab.NumRows())
	}
	msg := err.Error()
	for _, want := range []string{`sheet "Data"`, "301", "101", "damaged"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
}

// TestXLSXDimensionHonest: a sheet whose rows match its dimension, and one
// without a <dimension> element, read whole.
func TestXLSXDimensionHonest(t *testing.T) {
	whole := declared(t, workbook(t, 300), "A1:C301")
	tab, err := ReadBytes("book.xlsx", whole, ReadOptions{})
	if err != nil || tab.NumRows() != 300 {
		t.Fatalf("honest workbook: %v", err)
	}
	noDim := rezip(t, whole, func(name string, b []byte) []byte {
		if name == "xl/worksheets/sheet1.xml" {
			return regexp.MustCompile(`<dimension [^>]*/>`).ReplaceAll(b, nil)
		}
		return b
	})
	if bytes.Contains(sheetXML(t, noDim), []byte("<dimension")) {
		t.Fatal("dimension not removed")
	}
	tab, err = ReadBytes("book.xlsx", noDim, ReadOptions{})
	if err != nil || tab.NumRows() != 300 {
		t.Fatalf("workbook without dimension: %v", err)
	}
	// A single-cell dimension ("A1", as some writers declare for any
	// sheet) is no claim about the rows.
	oneCell := rezip(t, whole, func(name string, b []byte) []byte {
		if name == "xl/worksheets/sheet1.xml" {
			return bytes.Replace(b, []byte(`ref="A1:C301"`), []byte(`ref="A1"`), 1)
		}
		return b
	})
	if tab, err = ReadBytes("book.xlsx", oneCell, ReadOptions{}); err != nil || tab.NumRows() != 300 {
		t.Fatalf("workbook with dimension A1: %v", err)
	}
}

// declared sets the worksheet's <dimension ref> to ref, as Excel writes it
// (excelize writes "A1" whatever the sheet holds).
func declared(t *testing.T, data []byte, ref string) []byte {
	t.Helper()
	re := regexp.MustCompile(`<dimension [^>]*(/>|></dimension>)`)
	out := rezip(t, data, func(name string, b []byte) []byte {
		if name == "xl/worksheets/sheet1.xml" {
			return re.ReplaceAll(b, []byte(`<dimension ref="`+ref+`"/>`))
		}
		return b
	})
	if !bytes.Contains(sheetXML(t, out), []byte(`<dimension ref="`+ref+`"/>`)) {
		t.Fatalf("dimension %s not set: %.300s", ref, sheetXML(t, out))
	}
	return out
}

func sheetXML(t *testing.T, data []byte) []byte {
	t.Helper()
	var out []byte
	rezip(t, data, func(name string, b []byte) []byte {
		if name == "xl/worksheets/sheet1.xml" {
			out = b
		}
		return b
	})
	return out
}
