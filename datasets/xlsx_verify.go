package datasets

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// An .xlsx workbook is a zip archive of XML parts. excelize drops some
// errors of both layers (a part whose CRC does not match is read up to the
// damage; Rows.Next stops quietly at an XML error), so that a damaged
// workbook could be analysed on the rows before the damage. The checks
// here read the archive with archive/zip, which verifies every part's
// CRC-32 at its end, and decode the chosen worksheet and the shared
// strings as XML to their end, before excelize reads any cell.

// xlsxParts maps a workbook's sheet names to their worksheet parts and
// names its shared-strings part, from xl/workbook.xml and its relations.
type xlsxParts struct {
	sheets map[string]string // sheet name → part path, e.g. "xl/worksheets/sheet1.xml"
	shared string            // shared-strings part ("" when none)
}

// checkArchive verifies the CRC of every part of the archive, reading at
// most limit decompressed bytes in all, and returns the sheet → part map.
func checkArchive(name string, data []byte, limit int64) (*zip.Reader, xlsxParts, error) {
	var parts xlsxParts
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, parts, inputErr(name, 0, "not a readable .xlsx workbook (%v)", err)
	}
	// The map is read first so that damage to a worksheet names its sheet;
	// if the map's own parts are damaged, the loop below says which.
	parts, perr := partMap(zr)
	total := int64(0)
	for _, zf := range zr.File {
		n, err := readPart(zf, io.Discard, limit-total)
		total += n
		if err != nil {
			sheet := ""
			for s, part := range parts.sheets {
				if part == zf.Name {
					sheet = s
				}
			}
			return nil, parts, damaged(name, zf.Name, sheet, err)
		}
	}
	if err := perr; err != nil {
		return nil, parts, inputErr(name, 0, "not a readable .xlsx workbook (%v)", err)
	}
	return zr, parts, nil
}

var errPartTooLarge = errors.New("larger than the bound on decompressed data")

// readPart copies the part's content to w, at most max bytes; the CRC-32
// is verified when the part is read to its end.
func readPart(zf *zip.File, w io.Writer, max int64) (int64, error) {
	rc, err := zf.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	n, err := io.Copy(w, io.LimitReader(rc, max+1))
	if err == nil && n > max {
		err = errPartTooLarge
	}
	return n, err
}

// damaged is the input error for a part that cannot be read whole, naming
// its sheet when it is a worksheet.
func damaged(name, part, sheet string, err error) error {
	what := "part " + part
	if sheet != "" {
		what = fmt.Sprintf("sheet %q (%s)", sheet, part)
	}
	var ss *shortSheet
	switch {
	case errors.As(err, &ss):
		if sheet == "" {
			sheet = part
		}
		return inputErr(name, 0, "sheet %q declares %d rows but only %d could be read: the file is damaged (re-save or re-export it)", sheet, ss.declared, ss.read)
	case errors.Is(err, zip.ErrChecksum):
		return inputErr(name, 0, "the workbook is damaged: %s fails its checksum; nothing was read from it (re-save or re-export the file)", what)
	case errors.Is(err, errPartTooLarge):
		return inputErr(name, 0, "the workbook's %s unpacks to more than its bound; it is not read", what)
	}
	return inputErr(name, 0, "the workbook is damaged: %s cannot be read (%v); nothing was read from it", what, err)
}

// partMap reads the sheet names and their parts from the workbook part
// named by the package relations (xl/workbook.xml by default).
func partMap(zr *zip.Reader) (xlsxParts, error) {
	p := xlsxParts{sheets: map[string]string{}}
	files := map[string]*zip.File{}
	for _, zf := range zr.File {
		files[zf.Name] = zf
	}
	type rel struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	}
	readRels := func(part string) ([]rel, error) {
		var v struct {
			Rels []rel `xml:"Relationship"`
		}
		zf := files[part]
		if zf == nil {
			return nil, nil
		}
		err := decodePart(zf, &v)
		return v.Rels, err
	}
	wb := "xl/workbook.xml"
	rels, err := readRels("_rels/.rels")
	if err != nil {
		return p, err
	}
	for _, r := range rels {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			wb = strings.TrimPrefix(r.Target, "/")
		}
	}
	zf := files[wb]
	if zf == nil {
		return p, nil // excelize reports what is missing
	}
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err = decodePart(zf, &book); err != nil {
		return p, err
	}
	dir := path.Dir(wb)
	rels, err = readRels(path.Join(dir, "_rels", path.Base(wb)+".rels"))
	if err != nil {
		return p, err
	}
	target := map[string]string{}
	for _, r := range rels {
		t := path.Join(dir, r.Target)
		if strings.HasPrefix(r.Target, "/") {
			t = strings.TrimPrefix(r.Target, "/")
		}
		target[r.ID] = t
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			p.shared = t
		}
	}
	for _, s := range book.Sheets {
		if t, ok := target[s.ID]; ok {
			p.sheets[s.Name] = t
		}
	}
	return p, nil
}

// decodePart unmarshals a small XML part.
func decodePart(zf *zip.File, v any) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(io.LimitReader(rc, 64<<20)).Decode(v); err != nil {
		return fmt.Errorf("%s: %v", zf.Name, err)
	}
	return nil
}

// countSharedStrings decodes the shared-strings part to its end and
// returns the number of strings (<si> items).
func countSharedStrings(zr *zip.Reader, part string, limit int64) (int, error) {
	zf := findPart(zr, part)
	if zf == nil {
		return 0, nil
	}
	n := 0
	err := scanXML(zf, limit, func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local == "si" {
			n++
		}
		return nil
	})
	return n, err
}

// shortSheet is a worksheet holding fewer rows than its <dimension>
// declares.
type shortSheet struct{ declared, read int }

func (e *shortSheet) Error() string {
	return fmt.Sprintf("declares %d rows but only %d could be read", e.declared, e.read)
}

// dimensionRows is the last row of a <dimension ref="A1:F40001">, 0 when
// the ref names a single cell ("A1", which writers such as excelize declare
// for any sheet) or cannot be read: then there is no claim to check.
func dimensionRows(ref string) int {
	_, last, ok := strings.Cut(ref, ":")
	if !ok {
		return 0
	}
	last = strings.TrimLeft(strings.ToUpper(last), "ABCDEFGHIJKLMNOPQRSTUVWXYZ$")
	n, err := strconv.Atoi(last)
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// checkSheet decodes the worksheet part to its end (an XML error anywhere
// is damage) and checks that every shared-string cell (t="s") indexes one
// of the nShared strings, and that the rows reach the last row the sheet's
// <dimension> declares (a sheet that ends early is damaged even when its
// XML and checksums are whole). The rows read are the highest row number
// seen (<row r="N">, or the count of rows when r is absent).
func checkSheet(zr *zip.Reader, part string, nShared int, limit int64) error {
	zf := findPart(zr, part)
	if zf == nil {
		return nil // excelize reports a missing sheet part
	}
	inShared := false
	cell := ""
	declared, read := 0, 0
	err := scanXML(zf, limit, func(d *xml.Decoder, se xml.StartElement) error {
		switch se.Name.Local {
		case "dimension":
			for _, a := range se.Attr {
				if a.Name.Local == "ref" {
					declared = dimensionRows(a.Value)
				}
			}
		case "row":
			r := read + 1
			for _, a := range se.Attr {
				if a.Name.Local == "r" {
					if k, err := strconv.Atoi(strings.TrimSpace(a.Value)); err == nil && k > 0 {
						r = k
					}
				}
			}
			read = max(read, r)
		case "c":
			inShared, cell = false, ""
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "t":
					inShared = a.Value == "s"
				case "r":
					cell = a.Value
				}
			}
		case "v":
			if !inShared {
				return nil
			}
			var v string
			if err := d.DecodeElement(&v, &se); err != nil {
				return err
			}
			k, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || k < 0 || k >= nShared {
				return fmt.Errorf("cell %s refers to shared string %s, but the workbook has %d", cell, cutValue(v, 40), nShared)
			}
		}
		return nil
	})
	if err == nil && read < declared {
		err = &shortSheet{declared: declared, read: read}
	}
	return err
}

func findPart(zr *zip.Reader, part string) *zip.File {
	for _, zf := range zr.File {
		if zf.Name == part {
			return zf
		}
	}
	return nil
}

// scanXML decodes a part token by token to its end (at most limit bytes),
// calling f on every start element.
func scanXML(zf *zip.File, limit int64, f func(*xml.Decoder, xml.StartElement) error) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(io.LimitReader(rc, limit))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok {
			if err := f(d, se); err != nil {
				return err
			}
		}
	}
}
