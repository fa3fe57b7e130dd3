package datasets

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The cells of an .xlsx worksheet (ECMA-376 Part 1, §18.3 sheetData and
// §18.4 shared strings), read as stored: a cell <c r="B7" t="…"> holds its
// value in <v>; t="s" makes <v> an index into the shared strings, t="inlineStr"
// keeps the text in <is>; every other type (numbers, booleans "0"/"1",
// ISO dates "d", formula strings "str", errors "e") is taken as the text of
// <v>. A string item (<si>, <is>) is its <t> text, or the concatenation of
// the <t> of its rich-text runs, phonetic runs (<rPh>) left out, with the
// XML-escaped characters _xHHHH_ of ST_Xstring decoded.

// maxXLSXColumn is the last column a worksheet may have (XFD).
const maxXLSXColumn = 16384

// readSharedStrings decodes the shared-strings part (nil when the workbook
// has none), at most limit bytes.
func readSharedStrings(zr *zip.Reader, part string, limit int64) ([]string, error) {
	zf := findPart(zr, part)
	if zf == nil {
		return nil, nil
	}
	var out []string
	err := scanXML(zf, limit, func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local != "si" {
			return nil
		}
		_, t, err := elementText(d)
		out = append(out, unescapeXstring(t))
		return err
	})
	return out, err
}

// readSheet decodes the worksheet part to its end (at most limit bytes; an
// XML error anywhere is damage) and calls row with the number and the cells
// of every <row>, cells placed by their column (their r reference, or the
// next column when it is absent). It checks that every shared-string cell
// indexes one of shared, and that the rows reach the last row the sheet's
// <dimension> declares (a sheet that ends early is damaged even when its
// XML and checksums are whole); the rows read are the highest row number
// seen (<row r="N">, or the count of rows when r is absent). An error
// returned by row is returned as it is.
func readSheet(zf *zip.File, shared []string, limit int64, row func(r int, cells []string) error) (rowErr, err error) {
	declared, last := 0, 0
	var cells []string
	err = scanXML(zf, limit, func(d *xml.Decoder, se xml.StartElement) error {
		switch se.Name.Local {
		case "dimension":
			declared = dimensionRows(attrOf(se, "ref"))
		case "row":
			r := last + 1
			if k, aerr := strconv.Atoi(strings.TrimSpace(attrOf(se, "r"))); aerr == nil && k > 0 {
				r = k
			}
			last = max(last, r)
			var cerr error
			if cells, cerr = rowCells(d, cells[:0], shared, r); cerr != nil {
				return cerr
			}
			if rowErr = row(r, cells); rowErr != nil {
				return rowErr
			}
		}
		return nil
	})
	if rowErr != nil {
		return rowErr, nil
	}
	if err == nil && last < declared {
		err = &shortSheet{declared: declared, read: last}
	}
	return nil, err
}

// rowCells reads the cells of the <row> just started (row r), to its end.
func rowCells(d *xml.Decoder, cells, shared []string, r int) ([]string, error) {
	col := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, eofIsUnexpected(err)
		}
		switch x := tok.(type) {
		case xml.EndElement:
			return cells, nil // </row>: the decoder checks that it matches
		case xml.StartElement:
			if x.Name.Local != "c" {
				if err := d.Skip(); err != nil {
					return nil, err
				}
				continue
			}
			ref, typ := attrOf(x, "r"), attrOf(x, "t")
			if ref != "" {
				c, ok := cellColumn(ref)
				if !ok {
					return nil, fmt.Errorf("row %d: cell reference %q is not a cell name such as B7", r, cutValue(ref, 20))
				}
				col = c
			} else if col >= maxXLSXColumn {
				return nil, fmt.Errorf("row %d: more than %d cells", r, maxXLSXColumn)
			}
			v, t, err := elementText(d)
			if err != nil {
				return nil, err
			}
			switch typ {
			case "s":
				if v = strings.TrimSpace(v); v != "" {
					k, err := strconv.Atoi(v)
					if err != nil || k < 0 || k >= len(shared) {
						name := ref
						if name == "" {
							name = fmt.Sprintf("in row %d", r)
						}
						return nil, fmt.Errorf("cell %s refers to shared string %s, but the workbook has %d", name, cutValue(v, 40), len(shared))
					}
					v = shared[k]
				}
			case "inlineStr":
				v = unescapeXstring(t)
			}
			for len(cells) <= col {
				cells = append(cells, "")
			}
			cells[col] = v
			col++
		}
	}
}

// elementText reads the element just started to its end and returns the
// text of its <v> child and that of its <t> descendants outside phonetic
// runs (<rPh>).
func elementText(d *xml.Decoder) (v, t string, err error) {
	var vb, tb strings.Builder
	depth, in, phonetic := 1, 0, 0 // in: 1 inside the <v> child, 2 inside a <t>
	for depth > 0 {
		tok, err := d.Token()
		if err != nil {
			return "", "", eofIsUnexpected(err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case x.Name.Local == "v" && depth == 2:
				in = 1
			case x.Name.Local == "t" && phonetic == 0:
				in = 2
			case x.Name.Local == "rPh":
				phonetic++
			}
		case xml.EndElement:
			depth--
			switch x.Name.Local {
			case "v", "t":
				in = 0
			case "rPh":
				phonetic--
			}
		case xml.CharData:
			switch in {
			case 1:
				vb.Write(x)
			case 2:
				tb.Write(x)
			}
		}
	}
	return vb.String(), tb.String(), nil
}

func eofIsUnexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func attrOf(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// cellColumn returns the 0-based column of a cell name such as "B7" or
// "$AA$12" (letters in either case, then the row number).
func cellColumn(ref string) (int, bool) {
	ref = strings.TrimPrefix(strings.TrimSpace(ref), "$")
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		if col = col*26 + int(c-'a'+1); col > maxXLSXColumn {
			return 0, false
		}
	}
	rest := strings.TrimPrefix(ref[i:], "$")
	if col == 0 || rest == "" {
		return 0, false
	}
	for j := 0; j < len(rest); j++ {
		if rest[j] < '0' || rest[j] > '9' {
			return 0, false
		}
	}
	return col - 1, true
}

// unescapeXstring decodes the _xHHHH_ escapes of an ST_Xstring (a UTF-16
// code unit in hexadecimal; _x005F_ is the underscore itself). A lone
// surrogate becomes U+FFFD.
func unescapeXstring(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if u, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil && !strings.ContainsAny(s[i+2:i+6], "+-") {
				r := rune(u)
				if !utf8.ValidRune(r) {
					r = utf8.RuneError
				}
				b.WriteRune(r)
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
