package datasets

import (
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/alliance-research/alliance/internal/parallel"
)

// DefaultMaxBytes is the byte bound of reading when ReadOptions.MaxBytes is
// 0: 2 GiB, far above any study or session table, but a bound, so that
// /dev/zero or an endless standard input stops with a message instead of
// growing until the runtime dies.
const DefaultMaxBytes int64 = 2 << 30

// maxBytes is the bound opt sets.
func (opt ReadOptions) maxBytes() int64 {
	if opt.MaxBytes > 0 {
		return opt.MaxBytes
	}
	return DefaultMaxBytes
}

// tooLarge is the input error for a source over the bound; its hint
// "max-bytes" lets a front end name its setting.
func tooLarge(name string, max int64) error {
	return &InputError{Problems: []Problem{{File: name, Msg: fmt.Sprintf("larger than the reading limit of %d bytes (%s); raise the limit if the file is meant to be this large", max, byteSize(max)), Hint: "max-bytes"}}, Total: 1}
}

// byteSize writes n in binary units (KiB, MiB, GiB).
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.4g %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// readBounded reads r to its end, at most max bytes: more is a tooLarge
// error, after reading max+1 bytes at most. size (≥ 0 when known, as a
// regular file's) sizes the buffer once. A stream of unknown size is read in
// chunks (doubling up to 64 MiB) and joined once at its end, so that a
// stream over the bound is refused holding about max bytes (bytes.Buffer's
// doubling held up to 4·max: 8.4 GB for /dev/zero at the 2 GiB default);
// and a stream whose first 64 KiB are nothing but NUL bytes (/dev/zero, a
// zeroed disk image) is refused at once as not a table.
func readBounded(name string, r io.Reader, max, size int64) ([]byte, error) {
	if size >= 0 {
		buf := make([]byte, 0, min(size+1, max+1))
		for {
			if len(buf) == cap(buf) { // the file grew while being read
				buf = append(buf, 0)[:len(buf)]
			}
			n, err := r.Read(buf[len(buf):min(cap(buf), int(max+1))])
			buf = buf[:len(buf)+n]
			if int64(len(buf)) > max {
				return nil, tooLarge(name, max)
			}
			if err == io.EOF {
				return buf, zeroData(name, buf, true)
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	var chunks [][]byte
	var total int64
	chunk := make([]byte, 0, 64<<10)
	for {
		n, err := io.ReadFull(r, chunk[len(chunk):cap(chunk)])
		chunk = chunk[:len(chunk)+n]
		total += int64(n)
		if len(chunks) == 0 && (len(chunk) == cap(chunk) || err != nil) {
			if zerr := zeroData(name, chunk, err != nil); zerr != nil {
				return nil, zerr
			}
		}
		if total > max {
			return nil, tooLarge(name, max)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		chunks = append(chunks, chunk)
		chunk = make([]byte, 0, min(2*cap(chunk), 64<<20, int(max+1-total)+1))
	}
	if len(chunks) == 0 {
		return chunk, nil
	}
	out := make([]byte, 0, total)
	for i, c := range chunks {
		out = append(out, c...)
		chunks[i] = nil
	}
	return append(out, chunk...), nil
}

// zeroData refuses data whose first 64 KiB (or all, if shorter) are NUL
// bytes: no table, workbook or Parquet file starts so, and reading one as a
// CSV would make a header of NUL characters. whole says b is all the data.
func zeroData(name string, b []byte, whole bool) error {
	head := b[:min(len(b), 64<<10)]
	if len(head) == 0 {
		return nil
	}
	for _, c := range head {
		if c != 0 {
			return nil
		}
	}
	what := fmt.Sprintf("the first %s are", byteSize(int64(len(head))))
	if whole && len(head) == len(b) {
		what = fmt.Sprintf("its %s are", byteSize(int64(len(b))))
	}
	return &InputError{Problems: []Problem{{File: name, Msg: what + " all NUL bytes: this is not a text table, a workbook or a Parquet file"}}, Total: 1}
}

// readPath reads the file at path within opt's bound; a regular file over
// the bound is refused from its size, before reading.
func readPath(path string, opt ReadOptions) ([]byte, error) {
	max := opt.maxBytes()
	f, err := os.Open(path)
	if err != nil {
		return nil, &InputError{Problems: []Problem{{File: path, Msg: "cannot read: " + describeOSError(err)}}, Total: 1}
	}
	defer f.Close()
	size := int64(-1)
	if st, serr := f.Stat(); serr == nil && st.Mode().IsRegular() {
		size = st.Size()
		if size > max {
			return nil, tooLarge(path, max)
		}
	}
	data, err := readParallel(f, size)
	if data == nil && err == nil {
		data, err = readBounded(path, f, max, size)
	}
	if err != nil {
		if _, ok := err.(*InputError); ok {
			return nil, err
		}
		return nil, &InputError{Problems: []Problem{{File: path, Msg: "cannot read: " + describeOSError(err)}}, Total: 1}
	}
	return data, nil
}

// parallelRead is the least size of a regular file read in parallel pieces
// by readParallel, and readPiece the bytes per piece beyond it.
const (
	parallelRead = 1 << 20
	readPiece    = 1 << 19
)

// readParallel reads a regular file of size bytes (at least parallelRead;
// it returns nil and no error for a smaller one) in up to GOMAXPROCS
// pieces at once, so that the pages of the buffer are first touched (and
// the text copied into them) on every processor instead of one. It returns
// nil and no error, to be read as a stream by readBounded, when a piece
// comes back short or the file has more than size bytes (it changed since
// its size was taken), and the error of a failed read.
func readParallel(f *os.File, size int64) ([]byte, error) {
	k := min(int64(runtime.GOMAXPROCS(0)), size/readPiece)
	if size < parallelRead || k < 2 || size > int64(^uint(0)>>1)-1 {
		return nil, nil
	}
	buf := make([]byte, size+1)
	errs := make([]error, k)
	parallel.Each(int(k), int(k), func(_, i int) {
		lo, hi := size*int64(i)/k, size*int64(i+1)/k
		_, errs[i] = f.ReadAt(buf[lo:hi], lo)
	})
	for _, err := range errs {
		switch {
		case err == io.EOF: // the file shrank
			return nil, rewind(f)
		case err != nil:
			return nil, err
		}
	}
	if n, _ := f.ReadAt(buf[size:], size); n > 0 { // the file grew
		return nil, rewind(f)
	}
	return buf[:size], zeroData(f.Name(), buf[:size], true)
}

// rewind puts f back at its start for readBounded.
func rewind(f *os.File) error {
	_, err := f.Seek(0, io.SeekStart)
	return err
}
