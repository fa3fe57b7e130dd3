package datasets

// plainParse enables plainRows (tests turn it off to compare with rows).
var plainParse = true

// plainRows is rows for text without a double quote or a carriage return
// (splitLines' plain): every record is one line. Each line is cut at the
// delimiter straight into rows lo, lo+1, … (below hi) of t's cell arrays,
// without the per-record cell list record builds, by the same rules —
// blanks (spaces, and tabs unless the delimiter is a tab) trimmed around
// each field, blank lines skipped, trailing empty fields beyond the header
// tolerated, one problem per line with the wrong number of fields. It
// stores where each field's text ends (t.end) and where the line starts
// (t.lstart), and the cell is that text, trimmed when some field had
// blanks around it (Table.cells). It returns how many rows it stored and
// whether a field had blanks (padded).
func (p *csvParser) plainRows(t *Table, lo, hi int, probs *problems) (stored int, padded bool) {
	ncol := len(t.end)
	data, d := p.data, p.delim
	blankTab := d != '\t'
	isBlank := func(c byte) bool { return c == ' ' || (c == '\t' && blankTab) }
	r, pos, line := lo, p.pos, p.line
	for pos < len(data) {
		first, lineStart := line, pos
		nf, blank, extra := 0, true, false // fields, all of them empty, a non-empty one beyond the header
		i := pos
		for {
			fs := i
			for i < len(data) && isBlank(data[i]) {
				i++
			}
			s := i
			for i < len(data) && data[i] != d && data[i] != '\n' {
				i++
			}
			e := i
			for e > s && isBlank(data[e-1]) {
				e--
			}
			if s != fs || e != i {
				padded = true
			}
			if e > s {
				blank = false
				if nf >= ncol {
					extra = true
				}
			}
			if nf < ncol && r < hi {
				t.end[nf][r] = uint32(i)
			}
			nf++
			if i >= len(data) {
				pos = i
				break
			}
			if data[i] == d {
				i++
				if i >= len(data) { // a trailing delimiter at the very end: one more, empty field
					if nf < ncol && r < hi {
						t.end[nf][r] = uint32(i)
					}
					nf++
					pos = i
					break
				}
				continue
			}
			pos, line = i+1, line+1 // a line feed
			break
		}
		if blank {
			continue
		}
		if nf < ncol || extra {
			p.wrongFields(first, nf, ncol, probs)
			continue
		}
		if full(first, r, hi, probs) {
			break
		}
		t.line[r] = int32(first)
		t.lstart[r] = uint32(lineStart)
		r++
	}
	p.pos, p.line = pos, line
	return r - lo, padded
}
