package datasets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/parquet-go/parquet-go"
)

// HintSort is the Problem.Hint of the error a SessionStream returns when
// the rows are not grouped by patient: the file must be sorted (or read
// whole, as Table.Sessions does) to be analysed.
const HintSort = "sort"

// DefaultStreamChunk is the size of the blocks a SessionStream reads from a
// delimited text file (a Parquet file is read one row group at a time).
const DefaultStreamChunk = 1 << 20

// StreamOptions are the options of OpenSessionStream.
type StreamOptions struct {
	Read    ReadOptions    // how the file is split into cells (Sheet is not used)
	Columns SessionColumns // the roles; Extra nil keeps every other column
	Session SessionOptions // required roles; Wide must be the zero value (long format only)
	// ChunkBytes is the size of the blocks read from a text file (0:
	// DefaultStreamChunk); tests make it small to cross block boundaries.
	ChunkBytes int
}

// SessionStream reads a long session table (CSV, TSV, semicolon-separated
// text or Parquet) once, patient by patient, holding one block of rows at a
// time: the memory it needs does not grow with the file.
//
// Every block is validated as Table.Sessions validates a whole table, with
// the same messages (file, line, column, value); the checks that span
// blocks are made as the rows arrive: a patient's sessions increase and no
// (patient, session) pair repeats. The rows must be grouped by patient,
// each patient's rows in one run (sorted by patient, then session, as the
// simulator writes them); a patient whose rows appear again after another
// patient's is an *InputError whose only Problem has Hint HintSort and says
// how to sort the file. A caller then sorts the file or reads it whole
// (Table.Sessions accepts interleaved patients); it never gets a wrong
// answer.
//
// Differences from reading the whole table, by design: a block with
// problems stops the read, so the error lists the problems of that block
// (up to MaxProblems), not of the whole file; a text file's encoding is
// detected from its first block, and a later block that is not valid in
// it is an error asking for the encoding; a Parquet file's columns that no
// role uses are not read (column projection), so their types do not
// matter; its integer and double columns are decoded page by page
// straight into numbers, without the cell text the whole-file reader
// makes, with the same values and the same errors (parquet_typed.go).
// XLSX files, standard input and wide layouts are read whole.
type SessionStream struct {
	name  string
	opt   StreamOptions
	src   chunker
	cols  SessionColumns // the resolved names, given explicitly to every block
	sopt  SessionOptions // the required roles of the projection
	found SessionColumns // the header names of each role ("" when absent)
	hdr   []string       // the file's header
	jp    int            // header position of the patient and session columns
	js    int

	cur  *Sessions // the current block
	i    int       // next row of cur
	out  Sessions  // the patient being returned (reused)
	outT map[string]int32
	id   string

	blocks chan block // validated blocks read ahead by a goroutine
	cancel func()     // stops it
	wg     sync.WaitGroup

	seed  maphash.Seed
	seen  patientSet // the patients already returned
	rows  int
	pats  int
	ended bool
}

// block is one validated block of rows, or the error that ends the read.
type block struct {
	ss  *Sessions
	err error
}

// readAhead reads and validates the blocks in a goroutine, one block ahead
// of the caller, so that parsing and the caller's analysis use two cores.
// The last block sent carries the error that ends the read (io.EOF at the
// end).
func (s *SessionStream) readAhead() {
	ctx, cancel := context.WithCancel(context.Background())
	s.blocks, s.cancel = make(chan block, 1), cancel
	blocks := s.blocks
	type parsed struct {
		t   *Table
		err error
	}
	tables := make(chan parsed, 1)
	cols, opt := s.cols, s.sopt
	s.wg.Add(2)
	go func() { // split the text (or decode the row group) into cells
		defer s.wg.Done()
		for {
			t, err := s.src.next()
			select {
			case tables <- parsed{t, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	go func() { // validate and convert the cells
		defer s.wg.Done()
		for {
			var p parsed
			select {
			case p = <-tables:
			case <-ctx.Done():
				return
			}
			b := block{err: p.err}
			if p.err == nil {
				b.ss, b.err = p.t.Sessions(cols, opt)
			}
			select {
			case blocks <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
}

// halt stops the goroutines of readAhead and waits for them.
func (s *SessionStream) halt() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.wg.Wait()
	s.cancel, s.blocks = nil, nil
}

// chunker yields the data rows of a file as Tables of consecutive rows,
// io.EOF at the end.
type chunker interface {
	header() []string
	next() (*Table, error)
	reset() error
	close() error
	bytesRead() int64
	size() int64
	project(names []string) error // read only these columns (in header order)
}

// CanStream reports whether path names a file a SessionStream reads:
// delimited text or Parquet, not an XLSX or old Excel workbook, not
// standard input.
func CanStream(path string) bool {
	if path == "" || path == "-" {
		return false
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xls":
		return false
	}
	return true
}

// OpenSessionStream opens path for reading patient by patient; the header
// is read and the roles resolved at once (a missing column is reported
// here, with the columns found). Close it when done.
func OpenSessionStream(path string, opt StreamOptions) (*SessionStream, error) {
	if opt.Session.Wide.Prefix != "" || len(opt.Session.Wide.Columns) > 0 {
		return nil, errors.New("datasets: a wide layout is read whole (Table.Sessions), not streamed")
	}
	if opt.ChunkBytes <= 0 {
		opt.ChunkBytes = DefaultStreamChunk
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &InputError{Problems: []Problem{{File: path, Msg: "cannot read: " + describeOSError(err)}}, Total: 1}
	}
	var head [4]byte
	n, _ := io.ReadFull(f, head[:])
	if _, serr := f.Seek(0, io.SeekStart); serr != nil {
		f.Close()
		return nil, &InputError{Problems: []Problem{{File: path, Msg: "cannot read: " + describeOSError(serr)}}, Total: 1}
	}
	var src chunker
	switch {
	case bytes.HasPrefix(head[:n], []byte("PK\x03\x04")) || bytes.HasPrefix(head[:n], []byte{0xD0, 0xCF, 0x11, 0xE0}):
		f.Close()
		return nil, errors.New("datasets: a workbook is read whole (ReadFile), not streamed")
	case bytes.HasPrefix(head[:n], parquetMagic) || IsParquetPath(path):
		src, err = openParquetChunks(path, f, opt)
	default:
		src, err = openTextChunks(path, f, opt)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	s := &SessionStream{name: path, opt: opt, src: src, hdr: src.header(), seed: maphash.MakeSeed()}
	if err := s.resolve(); err != nil {
		src.close()
		return nil, err
	}
	if err := s.Project(); err != nil {
		src.close()
		return nil, err
	}
	return s, nil
}

// ReadHeader returns the column names of a file a SessionStream reads
// (CanStream), as OpenSessionStream reads them, without resolving roles:
// for an analysis whose default column names are not the session table's.
func ReadHeader(path string, opt ReadOptions) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &InputError{Problems: []Problem{{File: path, Msg: "cannot read: " + describeOSError(err)}}, Total: 1}
	}
	defer f.Close()
	var head [4]byte
	n, _ := io.ReadFull(f, head[:])
	if _, serr := f.Seek(0, io.SeekStart); serr != nil {
		return nil, &InputError{Problems: []Problem{{File: path, Msg: "cannot read: " + describeOSError(serr)}}, Total: 1}
	}
	so := StreamOptions{Read: opt, ChunkBytes: DefaultStreamChunk}
	var src chunker
	if bytes.HasPrefix(head[:n], parquetMagic) || IsParquetPath(path) {
		src, err = openParquetChunks(path, f, so)
	} else {
		src, err = openTextChunks(path, f, so)
	}
	if err != nil {
		return nil, err
	}
	return append([]string(nil), src.header()...), nil
}

// resolve finds the role columns in the header (as Table.Sessions does)
// and fixes their names for every block.
func (s *SessionStream) resolve() error {
	t := &Table{Name: s.name, Header: s.hdr}
	r := &resolver{t: t, probs: t.problems()}
	ro, err := r.sessionRoles(s.opt.Columns, s.opt.Session)
	if err != nil {
		return err
	}
	s.jp, s.js = ro.jp, ro.js
	s.found = SessionColumns{Patient: nameOf(t, ro.jp), Therapist: nameOf(t, ro.jt), Session: nameOf(t, ro.js), Alliance: nameOf(t, ro.ja), Outcome: nameOf(t, ro.jo)}
	s.cols = s.found
	s.cols.Extra = []string{}
	for _, j := range ro.jx {
		s.cols.Extra = append(s.cols.Extra, t.Header[j])
	}
	s.found.Extra = s.cols.Extra
	return nil
}

// Project restricts the next read to the roles named ("patient",
// "therapist", "session", "alliance", "outcome", "extra"; none: every role
// and extra column, the default): the other columns are neither converted
// nor validated (a Parquet file's are not even decoded), for a cheap first
// pass. Call it before the first Next or after Rewind; Rewind restores
// every role.
func (s *SessionStream) Project(roles ...string) error {
	c := s.found
	if len(roles) == 0 {
		roles = []string{"patient", "therapist", "session", "alliance", "outcome", "extra"}
	}
	want := map[string]bool{}
	for _, r := range roles {
		want[r] = true
	}
	pick := func(role, name string) string {
		if want[role] {
			return name
		}
		return ""
	}
	s.cols = SessionColumns{Patient: c.Patient, Session: c.Session, Therapist: pick("therapist", c.Therapist), Alliance: pick("alliance", c.Alliance), Outcome: pick("outcome", c.Outcome), Extra: []string{}}
	if want["extra"] {
		s.cols.Extra = c.Extra
	}
	names := append([]string{s.cols.Patient, s.cols.Therapist, s.cols.Session, s.cols.Alliance, s.cols.Outcome}, s.cols.Extra...)
	opt := s.opt.Session
	s.sopt = opt
	s.sopt.RequireAlliance = opt.RequireAlliance && want["alliance"]
	s.sopt.RequireOutcome = opt.RequireOutcome && want["outcome"]
	s.sopt.RequireTherapist = opt.RequireTherapist && want["therapist"]
	return s.src.project(names)
}

// Name returns the file name used in messages.
func (s *SessionStream) Name() string { return s.name }

// Header returns the file's column names.
func (s *SessionStream) Header() []string { return append([]string(nil), s.hdr...) }

// Columns returns the header name of each role ("" when absent) and the
// extra columns read.
func (s *SessionStream) Columns() SessionColumns { return s.found }

// Rows returns the number of data rows read so far, Patients the number of
// patients returned so far.
func (s *SessionStream) Rows() int     { return s.rows }
func (s *SessionStream) Patients() int { return s.pats }

// BytesRead and Size are the bytes of the file read so far and its size
// (for progress).
func (s *SessionStream) BytesRead() int64 { return s.src.bytesRead() }
func (s *SessionStream) Size() int64      { return s.src.size() }

// Close closes the file.
func (s *SessionStream) Close() error {
	s.halt()
	return s.src.close()
}

// Rewind starts the read again from the first data row (a second pass).
func (s *SessionStream) Rewind() error {
	s.halt()
	if err := s.src.reset(); err != nil {
		return err
	}
	s.cur, s.i, s.rows, s.pats, s.ended, s.id = nil, 0, 0, 0, false, ""
	s.seen = patientSet{}
	s.out = Sessions{}
	return s.Project()
}

// Next returns the rows of the next patient, in file order, as a
// validated Sessions of one patient (Patient.Levels holds its id alone);
// it is valid until the next call. At the end it returns nil, io.EOF.
func (s *SessionStream) Next() (*Sessions, error) {
	if s.ended {
		return nil, io.EOF
	}
	s.resetOut()
	for {
		if s.cur == nil || s.i >= s.cur.Len() {
			if s.blocks == nil {
				s.readAhead()
			}
			b := <-s.blocks
			cur, err := b.ss, b.err
			if err == io.EOF {
				s.ended = true
				if s.out.Len() > 0 {
					return s.finish(), nil
				}
				if s.rows == 0 {
					return nil, inputErr(s.name, 0, "header only, no data rows (columns: %s)", ListNames(s.hdr))
				}
				return nil, io.EOF
			}
			if err != nil {
				s.ended = true
				return nil, err
			}
			s.cur, s.i = cur, 0
			s.rows += cur.Len()
		}
		c := s.cur
		code := c.Patient.Codes[s.i]
		id := c.Patient.Levels[code]
		if s.out.Len() > 0 && id != s.id {
			return s.finish(), nil
		}
		if s.out.Len() == 0 {
			if s.seen.has(id, maphash.String(s.seed, id)) {
				return nil, s.notGrouped(id, c.Line[s.i])
			}
			s.id = id
		} else if err := s.junction(c, s.i); err != nil {
			return nil, err
		}
		j := s.i
		for j < c.Len() && c.Patient.Codes[j] == code {
			j++
		}
		s.appendRows(c, s.i, j)
		s.i = j
		if j < c.Len() {
			return s.finish(), nil
		}
	}
}

// junction checks the first row i of a block against the last row of the
// same patient in the block before, as checkOrder checks rows in one table.
func (s *SessionStream) junction(c *Sessions, i int) error {
	k := s.out.Len() - 1
	last, sess := s.out.Session[k], c.Session[i]
	p := newProblems(s.name)
	switch {
	case sess == last:
		p.add(c.Line[i], s.found.Session, nil, fmt.Sprintf("patient %q has session %d twice (lines %d and %d); each (patient, session) must be unique", s.id, sess, s.out.Line[k], c.Line[i]))
	case sess < last:
		p.add(c.Line[i], s.found.Session, nil, fmt.Sprintf("patient %q: session %d comes after session %d (line %d); sessions must increase within a patient — sort the rows by patient and session", s.id, sess, last, s.out.Line[k]))
	}
	return p.err()
}

// notGrouped is the error for a patient whose rows appear again after
// another patient's: how to sort the file.
func (s *SessionStream) notGrouped(id string, line int) error {
	how := "sort the table by patient, then session, when writing it (in R: d[order(d$patient, d$session), ])"
	if _, ok := s.src.(*textChunks); ok {
		tc := s.src.(*textChunks)
		d := string(tc.delim)
		if tc.delim == '\t' {
			d = "$'\\t'"
		} else {
			d = "'" + d + "'"
		}
		how = fmt.Sprintf("sort the file, e.g. (head -n 1 %[1]s && tail -n +2 %[1]s | sort -t %[2]s -k%[3]d,%[3]d -k%[4]d,%[4]dn) > sorted%[5]s (if no field holds the delimiter inside quotes)", shellQuote(s.name), d, s.jp+1, s.js+1, filepath.Ext(s.name))
	}
	p := newProblems(s.name)
	p.addh(line, s.found.Patient, []byte(id), HintSort, "the rows of patient %q appear again after other patients' rows: a file read patient by patient needs each patient's rows together, sorted by patient and session; %s", id, how)
	return p.err()
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// resetOut empties the patient buffer, keeping its storage.
func (s *SessionStream) resetOut() {
	o := &s.out
	o.Name, o.Columns = s.name, s.found
	o.Patient.Codes, o.Patient.Levels = o.Patient.Codes[:0], o.Patient.Levels[:0]
	o.Therapist.Codes, o.Therapist.Levels = o.Therapist.Codes[:0], o.Therapist.Levels[:0]
	o.Session, o.Line = o.Session[:0], o.Line[:0]
	o.Alliance, o.Outcome = o.Alliance[:0], o.Outcome[:0]
	for x := range o.Extra {
		o.Extra[x].Num, o.Extra[x].Text = o.Extra[x].Num[:0], o.Extra[x].Text[:0]
	}
	clear(s.outT)
}

// appendRows copies rows [i, j) of block c into the patient buffer.
func (s *SessionStream) appendRows(c *Sessions, i, j int) {
	o := &s.out
	if len(o.Patient.Levels) == 0 {
		o.Patient.Levels = append(o.Patient.Levels, s.id)
	}
	for range j - i {
		o.Patient.Codes = append(o.Patient.Codes, 0)
	}
	if c.Therapist.Codes != nil {
		if s.outT == nil {
			s.outT = map[string]int32{}
		}
		prev, code := int32(-1), int32(0) // a patient's rows mostly share one therapist
		for k := i; k < j; k++ {
			if tc := c.Therapist.Codes[k]; tc != prev {
				t := c.Therapist.Levels[tc]
				var ok bool
				if code, ok = s.outT[t]; !ok {
					code = int32(len(o.Therapist.Levels))
					s.outT[t] = code
					o.Therapist.Levels = append(o.Therapist.Levels, t)
				}
				prev = tc
			}
			o.Therapist.Codes = append(o.Therapist.Codes, code)
		}
	}
	o.Session = append(o.Session, c.Session[i:j]...)
	o.Line = append(o.Line, c.Line[i:j]...)
	if c.Alliance != nil {
		o.Alliance = append(o.Alliance, c.Alliance[i:j]...)
	}
	if c.Outcome != nil {
		o.Outcome = append(o.Outcome, c.Outcome[i:j]...)
	}
	if len(o.Extra) != len(c.Extra) {
		o.Extra = make([]Var, len(c.Extra))
	}
	for x, v := range c.Extra {
		o.Extra[x].Name, o.Extra[x].Numeric = v.Name, v.Numeric
		if v.Numeric {
			o.Extra[x].Num = append(o.Extra[x].Num, v.Num[i:j]...)
		} else {
			o.Extra[x].Text = append(o.Extra[x].Text, v.Text[i:j]...)
		}
	}
}

// patientSet remembers the patients a stream has returned, to find one
// whose rows come back after another's. While the ids increase, in byte
// order or as whole numbers do (a shorter id first, then byte order),
// none can repeat, and only their 64-bit hashes are kept, 8 bytes a
// patient; at the first id out of both orders the hashes become a hash
// set. A sorted registry of 500,000 patients needs 4 MB instead of a
// set's 10.
type patientSet struct {
	hashes         []uint64
	set            map[uint64]struct{} // nil while the ids are in order
	last           string
	notLex, notNum bool
}

// has reports whether the patient id (hash h) was returned before.
func (ps *patientSet) has(id string, h uint64) bool {
	if ps.set == nil && len(ps.hashes) > 0 {
		ps.notLex = ps.notLex || id <= ps.last
		ps.notNum = ps.notNum || len(id) < len(ps.last) || len(id) == len(ps.last) && id <= ps.last
		if !ps.notLex || !ps.notNum {
			return false // in order: new
		}
		ps.set = make(map[uint64]struct{}, len(ps.hashes))
		for _, x := range ps.hashes {
			ps.set[x] = struct{}{}
		}
		ps.hashes = nil
	}
	_, ok := ps.set[h]
	return ok
}

// add records a returned patient.
func (ps *patientSet) add(id string, h uint64) {
	if ps.set != nil {
		ps.set[h] = struct{}{}
		return
	}
	ps.hashes = append(ps.hashes, h)
	ps.last = id
}

// finish marks the buffered patient as returned and returns it.
func (s *SessionStream) finish() *Sessions {
	s.seen.add(s.id, maphash.String(s.seed, s.id))
	s.pats++
	o := &s.out
	if s.cur != nil && s.cur.Therapist.Codes == nil {
		o.Therapist = Factor{}
	}
	if s.cur != nil && s.cur.Alliance == nil {
		o.Alliance = nil
	}
	if s.cur != nil && s.cur.Outcome == nil {
		o.Outcome = nil
	}
	return o
}

// textChunks reads delimited text in blocks that end at a record boundary.
type textChunks struct {
	name  string
	f     *os.File
	opt   StreamOptions
	hdr   []string
	delim byte
	dec   byte
	enc   string // the encoding decided from the first block ("" UTF-8)
	na    naSet
	naTxt []string
	total int64

	carry   []byte // the start of a record cut by the block's end
	line    int    // physical line of carry's first byte
	read    int64
	eof     bool
	dataOff int64 // file offset of the first data record
	first   bool
	proj    []int    // the columns read
	phdr    []string // their names
}

func (c *textChunks) project(names []string) error {
	c.proj, c.phdr = projection(c.hdr, names)
	return nil
}

// projection returns the positions and names of the header's columns that
// are among names, in header order.
func projection(hdr, names []string) ([]int, []string) {
	var proj []int
	var ph []string
	for j, h := range hdr {
		for _, n := range names {
			if n != "" && n == h {
				proj = append(proj, j)
				ph = append(ph, h)
				break
			}
		}
	}
	return proj, ph
}

func openTextChunks(name string, f *os.File, opt StreamOptions) (*textChunks, error) {
	c := &textChunks{name: name, f: f, opt: opt, line: 1, first: true}
	if st, err := f.Stat(); err == nil {
		c.total = st.Size()
		if st.Mode().IsRegular() && c.total > opt.Read.maxBytes() {
			return nil, tooLarge(name, opt.Read.maxBytes())
		}
	}
	if err := c.readHeader(); err != nil {
		return nil, err
	}
	return c, nil
}

// fill appends up to one block of the file to carry, decoded to UTF-8.
func (c *textChunks) fill() error {
	if c.eof {
		return nil
	}
	block := make([]byte, c.opt.ChunkBytes)
	n, err := io.ReadFull(c.f, block)
	block = block[:n]
	c.read += int64(n)
	if c.read > c.opt.Read.maxBytes() {
		return tooLarge(c.name, c.opt.Read.maxBytes())
	}
	switch err {
	case nil:
	case io.EOF, io.ErrUnexpectedEOF:
		c.eof = true
	default:
		return &InputError{Problems: []Problem{{File: c.name, Msg: "cannot read: " + describeOSError(err)}}, Total: 1}
	}
	// a UTF-8 sequence cut by the block's end waits for the next block
	keep := 0
	if !c.eof {
		keep = cutRune(block)
	}
	data := append(c.carry, block[:len(block)-keep]...)
	c.carry = nil
	if keep > 0 {
		if _, err := c.f.Seek(-int64(keep), io.SeekCurrent); err != nil {
			return err
		}
		c.read -= int64(keep)
	}
	c.carry = data
	return nil
}

// cutRune returns the number of bytes at the end of b that start a UTF-8
// sequence not finished within b (0 to 3).
func cutRune(b []byte) int {
	for k := 1; k <= 3 && k <= len(b); k++ {
		x := b[len(b)-k]
		if x < 0x80 {
			return 0
		}
		if x >= 0xC0 { // a lead byte: its sequence needs this many bytes
			need := 2
			if x >= 0xE0 {
				need = 3
			}
			if x >= 0xF0 {
				need = 4
			}
			if need > k {
				return k
			}
			return 0
		}
	}
	return 0
}

// decode decodes a block's new bytes (from off) to UTF-8 in the encoding
// decided from the first block.
func (c *textChunks) decode(data []byte, line int) ([]byte, error) {
	enc := c.opt.Read.Encoding
	if !c.first && enc == "" {
		enc = "utf-8"
		if c.enc != "" {
			enc = c.enc
		}
	}
	out, got, err := decodeText(c.name, data, enc)
	if err != nil {
		var in *InputError
		if errors.As(err, &in) {
			for k := range in.Problems {
				if in.Problems[k].Line > 0 {
					in.Problems[k].Line += line - 1
				}
			}
			if !c.first && c.opt.Read.Encoding == "" {
				in.Problems[0].Msg += " (the encoding was decided from the first part of the file: choose it explicitly)"
			}
		}
		return nil, err
	}
	if c.first {
		c.enc = got
	}
	return out, nil
}

// readHeader reads the first block, detects the delimiter and decimal
// separator and parses the header, as readDelimited does.
func (c *textChunks) readHeader() error {
	for {
		if err := c.fill(); err != nil {
			return err
		}
		data := c.carry
		if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
			return inputErr(c.name, 0, "the file is UTF-16 text; save it as UTF-8 (\"CSV UTF-8\" in Excel)")
		}
		if !c.eof && bytes.IndexByte(data, '\n') < 0 && bytes.IndexByte(data, '\r') < 0 {
			continue // the header line is longer than a block
		}
		break
	}
	data := bytes.TrimPrefix(c.carry, bom)
	data, err := c.decode(data, 1)
	if err != nil {
		return err
	}
	c.first = false
	if len(bytes.TrimSpace(data)) == 0 && c.eof {
		return inputErr(c.name, 0, "empty file: no header and no data")
	}
	opt := c.opt.Read
	d, err := delimiterOf(c.name, data, opt.Delimiter)
	if err != nil {
		return err
	}
	auto := byte('.')
	if d == ';' {
		auto = ','
	}
	dec, err := opt.decimalSeparator(c.name, auto)
	if err != nil {
		return err
	}
	c.delim, c.dec = d, dec
	c.na, c.naTxt = newNASet(opt.NA, dec), append(append([]string(nil), DefaultNA...), opt.NA...)
	p := &csvParser{data: data, delim: d, line: 1}
	for {
		_, blank, ok, perr := p.record()
		if perr != nil {
			return inputErr(c.name, perr.line, "%s", perr.msg)
		}
		if !ok {
			return inputErr(c.name, 0, "empty file: no header and no data")
		}
		if blank {
			continue
		}
		if !c.eof && p.pos >= len(data) && data[len(data)-1] != '\n' {
			return inputErr(c.name, 0, "the header line is longer than %d bytes", c.opt.ChunkBytes)
		}
		h := make([]string, len(p.cells)/2)
		for k := range h {
			h[k] = string(data[p.cells[2*k]:p.cells[2*k+1]])
		}
		c.hdr = cleanHeader(h)
		break
	}
	c.carry = append([]byte(nil), data[p.pos:]...)
	c.line = p.line
	c.dataOff = c.read - int64(len(c.carry)) // not exact after decoding; reset re-reads the header
	return nil
}

func (c *textChunks) header() []string { return c.hdr }
func (c *textChunks) bytesRead() int64 { return c.read }
func (c *textChunks) size() int64      { return c.total }
func (c *textChunks) close() error     { return c.f.Close() }

func (c *textChunks) reset() error {
	if _, err := c.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	c.carry, c.line, c.read, c.eof, c.first = nil, 1, 0, false, true
	return c.readHeader()
}

// next parses the complete records of the next block into a Table; a
// record cut by the block's end is carried into the next block.
func (c *textChunks) next() (*Table, error) {
	for {
		if len(c.carry) == 0 && c.eof {
			return nil, io.EOF
		}
		had := len(c.carry)
		if err := c.fill(); err != nil {
			return nil, err
		}
		data := c.carry
		if len(data) > had {
			dec, err := c.decode(data[had:], c.line) // line: approximate start of the new bytes
			if err != nil {
				return nil, err
			}
			data = append(data[:had:had], dec...)
		}
		t, rest, line, err := c.parse(data)
		if err != nil {
			return nil, err
		}
		c.carry, c.line = rest, line
		if t.NumRows() > 0 {
			return t, nil
		}
		if c.eof && len(c.carry) == 0 {
			return nil, io.EOF
		}
		if c.eof { // blank lines only
			c.carry = nil
			return nil, io.EOF
		}
	}
}

// parse splits data into the records of a Table; it returns the bytes of
// a record cut short by the end of a block that is not the last, and the
// line where they start.
func (c *textChunks) parse(data []byte) (*Table, []byte, int, error) {
	orig := bytes.Clone(data) // the parser unquotes in place; a cut record is re-read from here
	ncol := len(c.hdr)
	est := bytes.Count(data, []byte{'\n'}) + 1
	t := &Table{Name: c.name, Header: c.phdr, Delimiter: rune(c.delim), Decimal: rune(c.dec), buf: data, na: c.na, naTxt: c.naTxt}
	t.start, t.end = make([][]uint32, len(c.proj)), make([][]uint32, len(c.proj))
	for k := range c.proj {
		t.start[k], t.end[k] = make([]uint32, 0, est), make([]uint32, 0, est)
	}
	t.line = make([]int32, 0, est)
	p := &csvParser{data: data, delim: c.delim, line: c.line}
	probs := newProblems(c.name)
	for {
		at, atLine := p.pos, p.line
		line, blank, ok, err := p.record()
		if !ok {
			break
		}
		cut := !c.eof && p.pos >= len(data) && (len(data) == 0 || data[len(data)-1] != '\n')
		if err != nil && !c.eof || cut {
			if err := probs.err(); err != nil {
				return nil, nil, 0, err
			}
			return t, orig[at:], atLine, nil
		}
		if err != nil {
			probs.add(err.line, "", nil, err.msg)
			break
		}
		if blank {
			continue
		}
		if !p.fitsHeader(ncol, line, probs) {
			continue
		}
		for k, j := range c.proj {
			t.start[k] = append(t.start[k], p.cells[2*j])
			t.end[k] = append(t.end[k], p.cells[2*j+1])
		}
		t.line = append(t.line, int32(line))
	}
	if err := probs.err(); err != nil {
		return nil, nil, 0, err
	}
	return t, nil, p.line, nil
}

// parquetChunks reads a Parquet file one row group at a time, only the
// columns the roles use.
type parquetChunks struct {
	name  string
	f     *os.File
	pf    *parquet.File
	opt   StreamOptions
	hdr   []string
	kinds []parquetKind
	dec   byte
	total int64
	proj  []int // file columns read (all until the roles are known)
	rg    int
	first int
	na    naSet
	naTxt []string
	read  int64
}

func openParquetChunks(name string, f *os.File, opt StreamOptions) (*parquetChunks, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, &InputError{Problems: []Problem{{File: name, Msg: "cannot read: " + describeOSError(err)}}, Total: 1}
	}
	if st.Size() < 12 {
		if st.Size() == 0 {
			return nil, inputErr(name, 0, "empty file: no header and no data")
		}
		return nil, inputErr(name, 0, "not a Parquet file: it does not start and end with the PAR1 marker (a file cut short, or another format named .parquet)")
	}
	var tail [4]byte
	if _, rerr := f.ReadAt(tail[:], st.Size()-4); rerr != nil || !bytes.Equal(tail[:], parquetMagic) {
		return nil, inputErr(name, 0, "not a Parquet file: it does not start and end with the PAR1 marker (a file cut short, or another format named .parquet)")
	}
	dec, err := opt.Read.decimalSeparator(name, '.')
	if err != nil {
		return nil, err
	}
	c := &parquetChunks{name: name, f: f, opt: opt, dec: dec, total: st.Size()}
	if err := c.open(); err != nil {
		return nil, err
	}
	c.na, c.naTxt = newNASet(opt.Read.NA, dec), append(append([]string(nil), DefaultNA...), opt.Read.NA...)
	return c, nil
}

func (c *parquetChunks) open() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = parquetDamaged(c.name, 0, "", fmt.Errorf("%v", r))
		}
	}()
	c.pf, err = parquet.OpenFile(c.f, c.total, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return parquetDamaged(c.name, 0, "", err)
	}
	fields := c.pf.Schema().Fields()
	if len(fields) == 0 {
		return inputErr(c.name, 0, "empty file: the schema has no columns")
	}
	h := make([]string, len(fields))
	c.kinds = make([]parquetKind, len(fields))
	for j, fl := range fields {
		h[j] = fl.Name()
		c.kinds[j], _ = parquetColumnKind(fl)
	}
	c.hdr = cleanHeader(h)
	if c.pf.NumRows() == 0 {
		return inputErr(c.name, 0, "header only, no data rows (columns: %s)", ListNames(c.hdr))
	}
	return nil
}

// project restricts the columns read to those named (the roles).
func (c *parquetChunks) project(names []string) error {
	c.proj, _ = projection(c.hdr, names)
	probs := newProblems(c.name)
	fields := c.pf.Schema().Fields()
	for _, j := range c.proj {
		if c.kinds[j] == pqUnsupported {
			_, what := parquetColumnKind(fields[j])
			probs.addf(0, c.hdr[j], nil, "%s is not supported; give numbers (int32, int64, float, double), text or booleans, one value per row (write the column as plain values, or drop it)", what)
		}
	}
	return probs.err()
}

func (c *parquetChunks) header() []string { return c.hdr }
func (c *parquetChunks) bytesRead() int64 { return c.read }
func (c *parquetChunks) size() int64      { return c.total }
func (c *parquetChunks) close() error     { return c.f.Close() }
func (c *parquetChunks) reset() error {
	c.rg, c.first, c.read = 0, 0, 0
	return nil
}

// next reads the next row group's projected columns into a Table: the
// numeric columns as numbers (typedCol), the others as cell text.
func (c *parquetChunks) next() (t *Table, err error) {
	groups := c.pf.RowGroups()
	if c.rg >= len(groups) {
		if int64(c.first) != c.pf.NumRows() {
			return nil, parquetDamaged(c.name, 0, "", fmt.Errorf("the row groups hold %d rows, the footer says %d", c.first, c.pf.NumRows()))
		}
		return nil, io.EOF
	}
	row, column := c.first+1, ""
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, parquetDamaged(c.name, row, column, fmt.Errorf("%v", r))
		}
	}()
	rg := groups[c.rg]
	n := rg.NumRows()
	chunks := rg.ColumnChunks()
	if len(chunks) != len(c.hdr) {
		return nil, parquetDamaged(c.name, c.first+1, "", fmt.Errorf("a row group has %d columns, the schema %d", len(chunks), len(c.hdr)))
	}
	if n < 0 || int64(c.first)+n > c.pf.NumRows() {
		return nil, parquetDamaged(c.name, c.first+1, "", fmt.Errorf("a row group declares %d rows, more than the file's %d", n, c.pf.NumRows()))
	}
	hdr := make([]string, len(c.proj))
	t = &Table{Name: c.name, Header: hdr, Decimal: rune(c.dec), na: c.na, naTxt: c.naTxt}
	t.start, t.end = make([][]uint32, len(c.proj)), make([][]uint32, len(c.proj))
	var buf []byte
	vals := make([]parquet.Value, parquetBatch)
	for k, j := range c.proj {
		hdr[k] = c.hdr[j]
		column, row = c.hdr[j], c.first+1
		if typedKind(c.kinds[j]) { // numbers, not text (parquet_typed.go)
			if t.typed == nil {
				t.typed = make([]*typedCol, len(c.proj))
			}
			if t.typed[k], err = readTypedChunk(c.name, column, chunks[j], n, c.first, c.kinds[j], vals, &row); err != nil {
				return nil, err
			}
			c.read += chunks[j].NumValues()
			continue
		}
		t.start[k], t.end[k] = make([]uint32, 0, n), make([]uint32, 0, n)
		if buf, t.start[k], t.end[k], err = appendParquetChunk(c.name, column, chunks[j], n, c.first, c.kinds[j], c.dec, buf, t.start[k], t.end[k], vals, &row); err != nil {
			return nil, err
		}
		c.read += chunks[j].NumValues() // progress: values, scaled below
	}
	t.buf = buf
	t.line = make([]int32, n)
	for i := range t.line {
		t.line[i] = int32(c.first + i + 1)
	}
	c.first += int(n)
	c.rg++
	c.read = c.total * int64(c.first) / max(1, c.pf.NumRows())
	return t, nil
}
