package datasets

import (
	"bytes"
	"fmt"
	"io"
	"os"
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
// regular file's) sizes the buffer once.
func readBounded(name string, r io.Reader, max, size int64) ([]byte, error) {
	var buf bytes.Buffer
	if size > 0 && size <= max {
		buf.Grow(int(size) + 1)
	}
	n, err := buf.ReadFrom(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if n > max {
		return nil, tooLarge(name, max)
	}
	return buf.Bytes(), nil
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
	data, err := readBounded(path, f, max, size)
	if err != nil {
		if _, ok := err.(*InputError); ok {
			return nil, err
		}
		return nil, &InputError{Problems: []Problem{{File: path, Msg: "cannot read: " + describeOSError(err)}}, Total: 1}
	}
	return data, nil
}
