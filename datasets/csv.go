package datasets

import (
	"bytes"
	"fmt"
	"math"
	"runtime"

	"github.com/alliance-research/alliance/internal/parallel"
)

// detectDelimiter picks the delimiter of a text table from its first line:
// the most frequent of ',', '\t' and ';' outside double quotes (ties resolved
// in that order). A header without any of them is a one-column table and
// gets ','.
func detectDelimiter(data []byte) byte {
	var n [3]int
	inQuote := false
	for _, c := range data {
		if c == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		if c == '\n' || c == '\r' {
			break
		}
		switch c {
		case ',':
			n[0]++
		case '\t':
			n[1]++
		case ';':
			n[2]++
		}
	}
	best, d := 0, byte(',')
	for k, c := range []byte{',', '\t', ';'} {
		if n[k] > best {
			best, d = n[k], c
		}
	}
	return d
}

// csvParser splits delimited text into records. It unquotes quoted fields in
// place (the unquoted text is never longer than the quoted one), so each cell
// is a byte range of the input buffer.
type csvParser struct {
	data  []byte
	delim byte
	pos   int
	line  int      // physical line at pos (1-based)
	cells []uint32 // scratch: start, end pairs of the current record
}

// record parses the next record. It returns its first line, whether it was
// blank (no fields, or all fields empty) and an error for malformed quoting.
// ok is false at the end of the input.
func (p *csvParser) record() (first int, blank bool, ok bool, err *lineErr) {
	if p.pos >= len(p.data) {
		return 0, false, false, nil
	}
	first = p.line
	p.cells = p.cells[:0]
	blank = true
	data, d := p.data, p.delim
	for {
		// Skip leading blanks.
		i := p.pos
		for i < len(data) && (data[i] == ' ' || (data[i] == '\t' && d != '\t')) {
			i++
		}
		var s, e int
		if i < len(data) && data[i] == '"' {
			qline := p.line
			s = i + 1
			w, j := s, s
			for {
				q := bytes.IndexByte(data[j:], '"')
				if q < 0 {
					return first, false, true, &lineErr{qline, "quoted field is not closed (a \" is missing)"}
				}
				q += j
				p.line += bytes.Count(data[j:q], []byte{'\n'})
				if w != j {
					copy(data[w:], data[j:q])
				}
				w += q - j
				if q+1 < len(data) && data[q+1] == '"' {
					data[w] = '"'
					w++
					j = q + 2
					continue
				}
				j = q + 1
				break
			}
			e = w
			// After the closing quote only blanks may precede the delimiter.
			for j < len(data) && (data[j] == ' ' || (data[j] == '\t' && d != '\t')) {
				j++
			}
			if j < len(data) && data[j] != d && data[j] != '\n' && data[j] != '\r' {
				return first, false, true, &lineErr{p.line, "text after the closing quote of a quoted field (a quote inside a quoted field is written \"\")"}
			}
			i = j
			blank = false // a quoted field, even empty, is content
		} else {
			s = i
			for i < len(data) && data[i] != d && data[i] != '\n' && data[i] != '\r' {
				i++
			}
			e = i
			for e > s && (data[e-1] == ' ' || (data[e-1] == '\t' && d != '\t')) {
				e--
			}
			if e > s {
				blank = false
			}
		}
		p.cells = append(p.cells, uint32(s), uint32(e))
		if i >= len(data) {
			p.pos = i
			return first, blank, true, nil
		}
		switch data[i] {
		case d:
			p.pos = i + 1
			if p.pos >= len(data) { // a trailing delimiter at the very end
				p.cells = append(p.cells, uint32(p.pos), uint32(p.pos))
				return first, blank, true, nil
			}
		case '\r':
			i++
			if i < len(data) && data[i] == '\n' {
				i++
			}
			p.pos = i
			p.line++
			return first, blank, true, nil
		case '\n':
			p.pos = i + 1
			p.line++
			return first, blank, true, nil
		}
	}
}

// readDelimited parses CSV/TSV/semicolon text held in data (which it
// modifies and keeps).
func readDelimited(name string, data []byte, opt ReadOptions) (*Table, error) {
	if len(data) > math.MaxUint32-1 {
		return nil, inputErr(name, 0, "file is larger than 4 GB; split it")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, inputErr(name, 0, "empty file: no header and no data")
	}
	d, err := delimiterOf(name, data, opt.Delimiter)
	if err != nil {
		return nil, err
	}
	auto := byte('.')
	if d == ';' {
		auto = ','
	}
	dec, err := opt.decimalSeparator(name, auto)
	if err != nil {
		return nil, err
	}

	p := &csvParser{data: data, delim: d, line: 1}
	// Header: the first non-blank record.
	var header []string
	for {
		_, blank, ok, err := p.record()
		if err != nil {
			return nil, inputErr(name, err.line, "%s", err.msg)
		}
		if !ok {
			return nil, inputErr(name, 0, "empty file: no header and no data")
		}
		if blank {
			continue
		}
		header = make([]string, len(p.cells)/2)
		for k := range header {
			header[k] = string(data[p.cells[2*k]:p.cells[2*k+1]])
		}
		break
	}
	header = cleanHeader(header)
	ncol := len(header)

	t := &Table{Name: name, Header: header, Delimiter: rune(d), Decimal: rune(dec), buf: data}
	probs := newProblems(name)
	// Each part gets a window of the table's cell arrays, as long as its
	// lines can hold records, and parses into it; the windows are then
	// closed up (only blank or refused lines leave gaps).
	parts, plain := splitLines(data, p.pos)
	np := len(parts) - 1
	room := make([]int, np+1) // room[k]: the first row of part k's window
	for k := 0; k < np; k++ {
		seg := data[parts[k]:parts[k+1]]
		n := bytes.Count(seg, []byte{'\n'}) // line ends: LF, CRLF, and (in a single part) lone CRs
		if np == 1 {
			n += bytes.Count(seg, []byte{'\r'}) - bytes.Count(seg, []byte("\r\n"))
		}
		if k == np-1 {
			n++ // the last line may have no line end (the others end just after a LF)
		}
		room[k+1] = room[k] + n
	}
	total := room[np]
	// Every column's cell ends; plainRows adds the lines' starts, the
	// record parser each cell's start. arrays lists them all (for closing
	// the parts' gaps).
	t.end = make([][]uint32, ncol)
	for j := range ncol {
		t.end[j] = make([]uint32, total)
	}
	arrays := append([][]uint32{}, t.end...)
	if plain {
		t.lstart = make([]uint32, total)
		arrays = append(arrays, t.lstart)
	} else {
		t.start = make([][]uint32, ncol)
		for j := range ncol {
			t.start[j] = make([]uint32, total)
		}
		arrays = append(arrays, t.start...)
	}
	t.line = make([]int32, total)
	used := make([]int, np)
	padded := make([]bool, np)
	probsOf := make([]*problems, np)
	parse := func(_, k int) {
		// Part k starts room[k] lines after the header's end: the parts
		// before it hold that many LFs (and no lone CR when there are
		// several parts).
		q := &csvParser{data: data[:parts[k+1]], delim: d, pos: parts[k], line: p.line + room[k]}
		probsOf[k] = newProblems(name)
		if plain {
			used[k], padded[k] = q.plainRows(t, room[k], room[k+1], probsOf[k])
		} else {
			used[k] = q.rows(t, room[k], room[k+1], probsOf[k])
		}
	}
	if np == 1 {
		parse(0, 0)
	} else {
		parallel.Each(np, np, parse)
	}
	rows := 0
	for k := 0; k < np; k++ {
		if rows != room[k] { // close the gap left by the parts before
			for _, a := range arrays {
				copy(a[rows:], a[room[k]:room[k]+used[k]])
			}
			copy(t.line[rows:], t.line[room[k]:room[k]+used[k]])
		}
		rows += used[k]
		t.padded = t.padded || padded[k]
		probs.merge(probsOf[k])
	}
	for _, a := range [][][]uint32{t.start, t.end} {
		for j := range a {
			a[j] = a[j][:rows:rows]
		}
	}
	if t.lstart != nil {
		t.lstart = t.lstart[:rows:rows]
	}
	t.line = t.line[:rows:rows]
	if err := probs.err(); err != nil {
		return nil, err
	}
	if len(t.line) == 0 {
		return nil, inputErr(name, 0, "header only, no data rows (columns: %s)", t.columnList())
	}
	return t, nil
}

// rows parses the records from p.pos to the end of p.data that fit the
// header's columns, skipping blank ones, into rows lo, lo+1, … (below hi)
// of t's cell arrays, and returns how many it stored; problems go to
// probs.
func (p *csvParser) rows(t *Table, lo, hi int, probs *problems) int {
	ncol := len(t.start)
	r := lo
	for {
		line, blank, ok, err := p.record()
		if err != nil {
			probs.add(err.line, "", nil, err.msg)
			break
		}
		if !ok {
			break
		}
		if blank {
			continue
		}
		if !p.fitsHeader(ncol, line, probs) {
			continue
		}
		if full(line, r, hi, probs) {
			break
		}
		for j := range ncol {
			t.start[j][r] = p.cells[2*j]
			t.end[j][r] = p.cells[2*j+1]
		}
		t.line[r] = int32(line)
		r++
	}
	return r - lo
}

// full reports, adding the problem, a record on line that cannot be
// stored as row r of a window ending at hi: a line number beyond int32, or
// a window already full (which cannot happen: every record but the last
// ends with a line end, and the windows hold one row per line end).
func full(line, r, hi int, probs *problems) bool {
	switch {
	case line > math.MaxInt32:
		probs.add(line, "", nil, "too many lines")
		return true
	case r == hi:
		probs.add(line, "", nil, "internal error: more records than line ends were counted; please report this with the file")
		return true
	}
	return false
}

// parallelParse is the least number of bytes after the header worth
// parsing in parallel parts, and parsePart the bytes per part beyond it.
const (
	parallelParse = 1 << 20
	parsePart     = 1 << 19
)

// splitLines returns the boundaries from, …, len(data) of the parts the
// records after the header (from offset from on) are parsed in: one part,
// unless there are at least parallelParse bytes (and less than 2 GB)
// without a quote character and without a carriage return that does not
// start a CRLF, so that every record is one line; then up to GOMAXPROCS parts of whole lines (at least
// parsePart bytes each), each cut just after a line feed. plain reports
// that the records hold no quote and no carriage return at all (plainRows
// may cut them).
func splitLines(data []byte, from int) (parts []int, plain bool) {
	rest := data[from:]
	quote := bytes.IndexByte(rest, '"') >= 0
	cr := bytes.IndexByte(rest, '\r') >= 0
	plain = !quote && !cr && plainParse
	k := min(runtime.GOMAXPROCS(0), len(rest)/parsePart)
	// A file of 2 GB or more may have more lines than a record's line
	// number holds: it is read in one part, which stops at the first.
	if len(rest) < parallelParse || len(data) >= math.MaxInt32 || k < 2 || quote ||
		cr && bytes.Count(rest, []byte{'\r'}) != bytes.Count(rest, []byte("\r\n")) {
		return []int{from, len(data)}, plain
	}
	cuts := []int{from}
	for i := 1; i < k; i++ {
		at := from + i*len(rest)/k
		nl := bytes.IndexByte(data[at:], '\n')
		if nl < 0 {
			break
		}
		if c := at + nl + 1; c > cuts[len(cuts)-1] && c < len(data) {
			cuts = append(cuts, c)
		}
	}
	return append(cuts, len(data)), plain
}

// fitsHeader reports whether the record just parsed has the header's ncol
// fields, tolerating trailing empty fields (a delimiter at the end of each
// line); otherwise it adds the problem of line to probs.
func (p *csvParser) fitsHeader(ncol, line int, probs *problems) bool {
	nf := len(p.cells) / 2
	for k := ncol; k < nf; k++ {
		if p.cells[2*k] != p.cells[2*k+1] {
			break
		}
		if k == nf-1 {
			nf = ncol // only empty fields beyond the header
		}
	}
	if nf != ncol {
		p.wrongFields(line, len(p.cells)/2, ncol, probs)
		return false
	}
	return true
}

// wrongFields adds the problem of a record on line with nf fields where
// the header has ncol.
func (p *csvParser) wrongFields(line, nf, ncol int, probs *problems) {
	probs.addh(line, "", nil, "delimiter", "%d fields, but the header has %d columns (is the delimiter %s right? set the delimiter if not)", nf, ncol, delimName(p.delim))
}

func delimName(d byte) string {
	switch d {
	case '\t':
		return "tab"
	case ' ':
		return "space"
	}
	return fmt.Sprintf("%q", d)
}

// cleanHeader trims names, strips a BOM left inside quotes, and names blank
// header cells V1, V2, ... after their 1-based position.
func cleanHeader(h []string) []string {
	for k, s := range h {
		s = string(trimSpace([]byte(s), 0))
		if k == 0 {
			s = string(bytes.TrimPrefix([]byte(s), bom))
		}
		if s == "" {
			s = fmt.Sprintf("V%d", k+1)
		}
		h[k] = s
	}
	return h
}

// lineErr is a syntax error at a physical line.
type lineErr struct {
	line int
	msg  string
}

// delimiterOf is the field delimiter of a text file: the one given, or the
// one detected in data (0); a delimiter the parser cannot use is refused.
func delimiterOf(name string, data []byte, given rune) (byte, error) {
	switch given {
	case 0:
		return detectDelimiter(data), nil
	case ',', ';', '\t', '|', ' ':
		return byte(given), nil
	}
	if given > 127 || given == '"' || given == '\n' || given == '\r' {
		return 0, inputErr(name, 0, "delimiter %q is not supported; use one ASCII character such as , ; or tab", given)
	}
	return byte(given), nil
}
