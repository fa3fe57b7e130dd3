package datasets

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestXLSXCellsMatchExcelize: our worksheet reader against an independent
// one, excelize's (the library that wrote the workbooks), on 150 random
// workbooks: numbers, text with blanks and non-ASCII letters, _xHHHH_
// escapes, booleans, rich text, formulas, empty cells and gaps between rows
// and columns, several sheets; and on inline strings (t="inlineStr"),
// which excelize does not write, edited into the XML. Every cell of the
// table must be excelize's raw value of that cell, trimmed, and every row
// excelize sees non-empty must be in the table under its row number.
func TestXLSXCellsMatchExcelize(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	texts := []string{"Study A", "  padded  ", "Müller & Søn", "σ² <0.5>", "a_x0041_b", "_x005F_x0041_", "line\nbreak", "TRUE", "1e3", "–0,5", "\"quoted\"", "日本"}
	for w := 0; w < 150; w++ {
		f := excelize.NewFile()
		sheets := []string{"Data"}
		if rng.IntN(3) == 0 {
			sheets = append([]string{"Notes"}, sheets...)
		}
		for k, s := range sheets {
			if k == 0 {
				if err := f.SetSheetName("Sheet1", s); err != nil {
					t.Fatal(err)
				}
			} else if _, err := f.NewSheet(s); err != nil {
				t.Fatal(err)
			}
			ncol := 1 + rng.IntN(6)
			for j := 0; j < ncol; j++ {
				cell, _ := excelize.CoordinatesToCellName(j+1, 1+rng.IntN(2))
				_ = f.SetCellValue(s, cell, fmt.Sprintf("col%d", j))
			}
			row := 2
			for r := 0; r < 1+rng.IntN(40); r++ {
				row += 1 + rng.IntN(3)*rng.IntN(2) // gaps of empty rows
				for j := 0; j < ncol+rng.IntN(2); j++ {
					if rng.IntN(5) == 0 {
						continue // empty cell
					}
					cell, _ := excelize.CoordinatesToCellName(j+1, row)
					var err error
					switch rng.IntN(7) {
					case 0:
						err = f.SetCellValue(s, cell, rng.NormFloat64()*1e3)
					case 1:
						err = f.SetCellValue(s, cell, rng.IntN(1000)-500)
					case 2:
						err = f.SetCellValue(s, cell, texts[rng.IntN(len(texts))])
					case 3:
						err = f.SetCellValue(s, cell, rng.IntN(2) == 0)
					case 4:
						err = f.SetCellRichText(s, cell, []excelize.RichTextRun{{Text: "rich "}, {Text: texts[rng.IntN(len(texts))], Font: &excelize.Font{Bold: true}}})
					case 5:
						err = f.SetCellFormula(s, cell, "1+1")
					default:
						err = f.SetCellValue(s, cell, float64(rng.IntN(100))/8)
					}
					if err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		if w%5 == 0 { // a boolean at A3, made an inline string below
			for _, s := range sheets {
				if err := f.SetCellValue(s, "A3", true); err != nil {
					t.Fatal(err)
				}
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		_ = f.Close()
		data := buf.Bytes()
		if w%5 == 0 { // inline strings
			data = rezip(t, data, func(name string, b []byte) []byte {
				if strings.HasPrefix(name, "xl/worksheets/") {
					if !bytes.Contains(b, []byte(`<c r="A3" t="b"><v>1</v></c>`)) {
						t.Fatalf("workbook %d: no boolean A3 to make inline", w)
					}
					return bytes.ReplaceAll(b, []byte(`<c r="A3" t="b"><v>1</v></c>`), []byte(`<c r="A3" t="inlineStr"><is><t xml:space="preserve"> in_x0041_line </t><rPh><t>phonetic</t></rPh></is></c>`))
				}
				return b
			})
		}
		for _, s := range sheets {
			compareWithExcelize(t, w, data, s)
		}
	}
}

func compareWithExcelize(t *testing.T, w int, data []byte, sheet string) {
	t.Helper()
	tab, err := ReadBytes("book.xlsx", data, ReadOptions{Sheet: sheet})
	ref, rerr := excelize.OpenReader(bytes.NewReader(data))
	if rerr != nil {
		t.Fatal(rerr)
	}
	defer ref.Close()
	rows, rerr := ref.GetRows(sheet, excelize.Options{RawCellValue: true})
	if rerr != nil {
		t.Fatal(rerr)
	}
	nonEmpty := 0
	for _, row := range rows {
		for _, c := range row {
			if strings.TrimSpace(c) != "" {
				nonEmpty++
				break
			}
		}
	}
	if err != nil {
		// Refused only: a sheet whose data rows are wider than its header,
		// or one with a header and no data rows.
		switch {
		case strings.Contains(err.Error(), "right of the header"):
		case strings.Contains(err.Error(), "header only") && nonEmpty == 1:
		default:
			t.Fatalf("workbook %d sheet %s (%d non-empty rows): %v", w, sheet, nonEmpty, err)
		}
		return
	}
	raw := func(r, j int) string { // r 1-based row, j 0-based column
		if r-1 < len(rows) && j < len(rows[r-1]) {
			return strings.TrimSpace(rows[r-1][j])
		}
		return ""
	}
	seen := map[int]bool{}
	for i := 0; i < tab.NumRows(); i++ {
		r := tab.Line(i)
		seen[r] = true
		for j := range tab.Header {
			if got, want := string(tab.cell(i, j)), raw(r, j); got != want {
				t.Fatalf("workbook %d sheet %s row %d column %d: %q, excelize %q", w, sheet, r, j+1, got, want)
			}
		}
	}
	header := true
	for r := 1; r <= len(rows); r++ {
		empty := true
		for _, c := range rows[r-1] {
			empty = empty && strings.TrimSpace(c) == ""
		}
		if empty {
			continue
		}
		if header {
			header = false
			continue
		}
		if !seen[r] {
			t.Fatalf("workbook %d sheet %s: row %d (%q) is not in the table", w, sheet, r, rows[r-1])
		}
	}
}
