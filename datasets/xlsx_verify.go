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

// An .xlsx workbook is a zip archive of XML parts. A damaged workbook must
// not be analysed on the rows before the damage: the archive is read with
// archive/zip, which verifies every part's CRC-32 at its end, before any
// cell is read, and the chosen worksheet and the shared strings are decoded
// as XML to their end (xlsx_cells.go), any XML error being damage.

// xlsxParts maps a workbook's sheet names to their worksheet parts and
// names its shared-strings part, from xl/workbook.xml and its relations.
type xlsxParts struct {
	sheets map[string]string // sheet name → part path, e.g. "xl/worksheets/sheet1.xml"
	order  []string          // the sheet names in the workbook's order
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
		return p, fmt.Errorf("it has no workbook part %s", wb)
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
		p.order = append(p.order, s.Name)
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
