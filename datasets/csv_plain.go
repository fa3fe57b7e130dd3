package datasets

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
)

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
//
// The delimiters and line feeds are found eight bytes at a time
// (boundaries). In text without blanks, a line whose next boundaries are
// the header's number of fields' delimiters and then a line feed, not all
// of its fields empty, is stored at once (a usual line); any other line is
// cut field by field.
func (p *csvParser) plainRows(t *Table, lo, hi int, probs *problems) (stored int, padded bool) {
	ncol := len(t.end)
	data, d := p.data, p.delim
	blankTab := d != '\t'
	isBlank := func(c byte) bool { return c == ' ' || (c == '\t' && blankTab) }
	// Text without a blank at all (the usual) needs no trimming.
	blanks := bytes.IndexByte(data[p.pos:], ' ') >= 0 || blankTab && bytes.IndexByte(data[p.pos:], '\t') >= 0
	fast := !blanks && ncol >= 1 && ncol <= maxLineBoundaries
	sc := boundaries{data: data, dd: uint64(d) * lowBytes, at: p.pos}
	r, pos, line := lo, p.pos, p.line
	for pos < len(data) {
		first, lineStart := line, pos
		if fast && r < hi && first <= math.MaxInt32 {
			if b := sc.peek(ncol); b != nil && data[b[ncol-1]] == '\n' && int(b[ncol-1])-pos > ncol-1 {
				ok := true
				for _, k := range b[:ncol-1] {
					ok = ok && data[k] == d
				}
				if ok {
					for j, k := range b {
						t.end[j][r] = k
					}
					t.line[r] = int32(first)
					t.lstart[r] = uint32(lineStart)
					r++
					sc.k += ncol
					pos, line = int(b[ncol-1])+1, line+1
					continue
				}
			}
		}
		nf, blank, extra := 0, true, false // fields, all of them empty, a non-empty one beyond the header
		fs := pos
		for {
			s := fs
			for blanks && s < len(data) && isBlank(data[s]) {
				s++
			}
			i := sc.next(s)
			e := i
			for blanks && e > s && isBlank(data[e-1]) {
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
				fs = i
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

// maxLineBoundaries is the most fields a line stored at once by plainRows
// may have (its boundaries must fit the buffer with room for a word's).
const maxLineBoundaries = len(boundaries{}.buf) / 2

// boundaries gives the offsets of the delimiters and line feeds of data in
// increasing order, found a word (eight bytes) at a time into buf; buf[k:n]
// are found and not yet taken, and at is where the search goes on.
//
// A word's boundaries: byte j's high bit (bit 8j+7) of the word's mask is
// set exactly when byte j of the word w is the delimiter (dd holds it in
// every byte) or a line feed. A byte of w equal to c is a zero byte of
// x = w ^ c…c, and for each byte the high bit of ((x & 0x7F) + 0x7F) | x is
// set exactly when x is not zero (the sum stays within its byte), so no
// byte's result depends on another's. The mask's bits are turned into
// offsets four at a time unconditionally (a word rarely has more), the
// count advanced by the number of bits.
type boundaries struct {
	data []byte
	dd   uint64
	at   int
	buf  [512]uint32
	k, n int
}

// lowBytes and low7 are the word with 0x01 and with 0x7F in every byte;
// lineFeeds has '\n' in every byte.
const (
	lowBytes  = 0x0101010101010101
	low7      = 0x7F7F7F7F7F7F7F7F
	lineFeeds = '\n' * lowBytes
)

// fill moves the boundaries not taken to the front of buf and finds more,
// until buf is nearly full or data ends.
func (b *boundaries) fill() {
	n := copy(b.buf[:], b.buf[b.k:b.n])
	b.k = 0
	data := b.data
	for b.at < len(data) && n <= len(b.buf)-8 {
		at := b.at
		var m uint64
		if at+8 <= len(data) {
			w := binary.LittleEndian.Uint64(data[at:])
			x, y := w^b.dd, w^lineFeeds
			m = ^((((x&low7)+low7)|x)&(((y&low7)+low7)|y) | low7)
			b.at += 8
		} else {
			m = tailBoundaries(data, at, byte(b.dd))
			b.at = len(data)
		}
		c := bits.OnesCount64(m)
		buf := b.buf[n : n+8]
		buf[0] = uint32(at + bits.TrailingZeros64(m)>>3)
		m &= m - 1
		buf[1] = uint32(at + bits.TrailingZeros64(m)>>3)
		m &= m - 1
		buf[2] = uint32(at + bits.TrailingZeros64(m)>>3)
		m &= m - 1
		buf[3] = uint32(at + bits.TrailingZeros64(m)>>3)
		m &= m - 1
		for j := 4; m != 0; j++ {
			buf[j] = uint32(at + bits.TrailingZeros64(m)>>3)
			m &= m - 1
		}
		n += c
	}
	b.n = n
}

// next takes and returns the first boundary at or after s, or len(data)
// when there is none.
func (b *boundaries) next(s int) int {
	for {
		for b.k < b.n {
			k := int(b.buf[b.k])
			b.k++
			if k >= s {
				return k
			}
		}
		if b.at >= len(b.data) {
			return len(b.data)
		}
		b.fill()
	}
}

// peek returns the next c boundaries without taking them, or nil when data
// has fewer.
func (b *boundaries) peek(c int) []uint32 {
	if b.n-b.k < c {
		if b.at >= len(b.data) {
			return nil
		}
		b.fill()
		if b.n-b.k < c {
			return nil
		}
	}
	return b.buf[b.k : b.k+c]
}

// tailBoundaries is the boundary mask of the last bytes of data from at,
// fewer than eight, found byte by byte.
func tailBoundaries(data []byte, at int, d byte) uint64 {
	var m uint64
	for k := at; k < len(data); k++ {
		if c := data[k]; c == d || c == '\n' {
			m |= 0x80 << (8 * uint(k-at))
		}
	}
	return m
}
