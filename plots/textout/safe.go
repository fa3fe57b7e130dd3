package textout

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Output hygiene: what a front end prints or writes must not act on the
// terminal or the spreadsheet that shows it. Clean escapes the strings of
// the data as a table is laid out; EscapeControls is the pass over a whole
// stream (a rendered output, a message), and CSVWriter neutralises a CSV
// stream cell by cell.

// EscapeControls returns b with terminal control characters written as
// escapes: C0 controls but tab, newline and carriage return, DEL and the
// C1 controls become \xNN (\x1b for ESC, \x07 for BEL), and invalid UTF-8
// bytes too, so that a study label "\x1b]0;…" cannot retitle the terminal
// or colour what follows. Text and Markdown output and every message of
// the command line go through it.
func EscapeControls(b []byte) []byte {
	clean := true
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return b
	}
	var out bytes.Buffer
	out.Grow(len(b) + 16)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&out, `\x%02x`, b[0])
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0x7f:
			fmt.Fprintf(&out, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&out, `\u%04x`, r)
		default:
			out.Write(b[:n])
		}
		b = b[n:]
	}
	return out.Bytes()
}

// CSVWriter is a writer that passes a CSV stream through, neutralising cells
// that a spreadsheet would run as a formula: a cell starting with =, +, -
// or @ (after an opening quote, if quoted) that is not a number gets a
// leading ', as a user types text such as '=x in Excel or LibreOffice; a
// number such as -0.5 or +1e3, and a lone "-", stay as they are (OWASP's
// "CSV injection" advice); "-Infinity", "-inf" or "-0x1p2", which Go parses
// but a spreadsheet does not, are text and neutralised. It works on the
// bytes as they come: a cell is held until its end, so nothing else is
// buffered, except, with delimiter 0, the first line, whose tabs or
// commas (outside quotes) choose the delimiter: tab-separated content
// written to a .csv path, or CSV content to a .tsv path, is still cut into
// its own cells.
type CSVWriter struct {
	w     io.Writer
	delim byte
	head  []byte // delim 0: the first line, held until it ends
	cell  []byte // the current cell, from its first byte
	quote bool   // inside a quoted cell
	err   error
}

// NewCSVWriter returns a CSVWriter passing w a CSV stream with the
// delimiter (0: chosen from the first line). Call Flush at the end.
func NewCSVWriter(w io.Writer, delim byte) *CSVWriter { return &CSVWriter{w: w, delim: delim} }

func (c *CSVWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.delim == 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			c.head = append(c.head, p...)
			return len(p), nil
		}
		c.head = append(c.head, p[:i+1]...)
		c.sniff()
		_, err := c.Write(p[i+1:])
		return len(p), err
	}
	for i := 0; i < len(p); i++ {
		b := p[i]
		if c.quote {
			if b == '"' {
				// A doubled quote or the closing one: both keep the cell open
				// for the decision (a closing quote is followed by a
				// delimiter or the line's end).
				c.quote = false
			}
			c.cell = append(c.cell, b)
			continue
		}
		switch {
		case b == c.delim || b == '\n' || b == '\r':
			c.endCell()
			c.write([]byte{b})
		case b == '"':
			c.quote = true
			c.cell = append(c.cell, b)
		default:
			c.cell = append(c.cell, b)
		}
	}
	return len(p), c.err
}

// sniff chooses the delimiter from the held first line (a tab outside
// quotes: tab-separated; else comma-separated) and passes the line on.
func (c *CSVWriter) sniff() {
	c.delim = ','
	quote := false
	for _, b := range c.head {
		switch {
		case b == '"':
			quote = !quote
		case b == '\t' && !quote:
			c.delim = '\t'
		}
	}
	head := c.head
	c.head = nil
	_, _ = c.Write(head)
}

// endCell writes the held cell, neutralised when it needs it.
func (c *CSVWriter) endCell() {
	cell := c.cell
	c.cell = c.cell[:0]
	if len(cell) == 0 {
		return
	}
	body, quoted := cell, false
	if cell[0] == '"' {
		body, quoted = cell[1:], true
	}
	if dangerous(body, quoted) {
		if quoted {
			c.write([]byte{'"', '\''})
			c.write(body)
			return
		}
		c.write([]byte{'\''})
	}
	c.write(cell)
}

// dangerous reports whether a cell's content (without its opening quote
// when quoted) starts like a formula and is not a number.
func dangerous(body []byte, quoted bool) bool {
	if len(body) == 0 {
		return false
	}
	switch body[0] {
	case '=', '+', '-', '@':
	default:
		return false
	}
	text := body
	if quoted && len(text) > 0 && text[len(text)-1] == '"' {
		text = text[:len(text)-1]
	}
	if len(text) <= 1 {
		return false
	}
	// -Inf and +Inf are how infinite numbers are written (Go and R read
	// them back as numbers); other spellings (-Infinity, -inf) are text.
	return !decimalNumber(text) && string(text) != "-Inf" && string(text) != "+Inf"
}

// decimalNumber reports whether b is a number as a spreadsheet reads it:
// an optional sign, digits with at most one decimal point, and an optional
// exponent ([+-]?(d+.?d*|.d+)([eE][+-]?d+)?). Go's ParseFloat also takes
// "Inf", "NaN", hex floats and underscores, which a spreadsheet does not.
func decimalNumber(b []byte) bool {
	i := 0
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	digits := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		e := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i, e = i+1, e+1
		}
		if e == 0 {
			return false
		}
	}
	return i == len(b)
}

func (c *CSVWriter) write(b []byte) {
	if c.err == nil {
		_, c.err = c.w.Write(b)
	}
}

// Flush writes the last cell (a stream that does not end with a newline).
func (c *CSVWriter) Flush() error {
	if c.delim == 0 {
		c.sniff()
	}
	c.endCell()
	return c.err
}

// IsCSVPath reports whether an output path is a CSV or TSV file by its
// extension; its content is to be neutralised cell by cell, with the
// delimiter the content uses (CSVWriter with delimiter 0).
func IsCSVPath(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".tsv":
		return true
	}
	return false
}

// SafeCSV wraps render so that what it writes is neutralised as CSV with
// the delimiter (0: chosen from the first line; CSVWriter).
func SafeCSV(render func(io.Writer) error, delim byte) func(io.Writer) error {
	return func(w io.Writer) error {
		cw := NewCSVWriter(w, delim)
		if err := render(cw); err != nil {
			return err
		}
		return cw.Flush()
	}
}
