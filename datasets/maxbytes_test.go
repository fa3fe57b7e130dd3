package datasets

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// zeros is an endless reader, as /dev/zero or a runaway pipe.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	z.n += int64(len(p))
	return len(p), nil
}

func wantLimitErr(t *testing.T, err error, limit string) {
	t.Helper()
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T), want an *InputError", err, err)
	}
	if len(ie.Problems) != 1 || ie.Problems[0].Hint != "max-bytes" || !strings.Contains(err.Error(), limit) {
		t.Fatalf("error %q (hint %q), want the limit %s and hint max-bytes", err, ie.Problems[0].Hint, limit)
	}
}

// TestReadByteBound: an endless stream stops at the bound with an input
// error naming the bound, having read at most bound+1 bytes (plus one
// buffer); a regular file over the bound is refused from its size alone;
// a file at the bound is read.
func TestReadByteBound(t *testing.T) {
	z := &zeros{}
	_, err := Read("stdin", z, ReadOptions{MaxBytes: 1 << 20})
	wantLimitErr(t, err, "1048576")
	if z.n > 1<<20+64<<10 {
		t.Fatalf("read %d bytes of an endless stream with a bound of 1 MiB", z.n)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "big.csv")
	data := "r,n\n" + strings.Repeat("0.3,40\n", 200)
	if err = os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ReadFile(p, ReadOptions{MaxBytes: int64(len(data)) - 1})
	wantLimitErr(t, err, "1403")
	if _, err := ReadFile(p, ReadOptions{MaxBytes: int64(len(data))}); err != nil {
		t.Fatalf("file at the bound: %v", err)
	}
	if _, err := Read("x.csv", strings.NewReader(data), ReadOptions{MaxBytes: int64(len(data))}); err != nil {
		t.Fatalf("stream at the bound: %v", err)
	}
	if DefaultMaxBytes != 2<<30 {
		t.Fatalf("DefaultMaxBytes = %d", DefaultMaxBytes)
	}
}

// TestReadDeviceBound: /dev/zero (a character device, size 0) is refused
// after its first 64 KiB as not a table, instead of being read up to the
// bound (2 GiB by default, 8.4 GB of memory before).
func TestReadDeviceBound(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := ReadFile("/dev/zero", ReadOptions{})
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "all NUL bytes") {
		t.Fatalf("error %v, want an input error saying the data are NUL bytes", err)
	}
}

// TestReadChunksJoin: a stream read in chunks comes back byte for byte,
// whatever its length and however the reader splits it.
func TestReadChunksJoin(t *testing.T) {
	for _, n := range []int{0, 1, 64<<10 - 1, 64 << 10, 64<<10 + 1, 3 << 20, 5<<20 + 7} {
		want := make([]byte, n)
		for i := range want {
			want[i] = byte('a' + i*7%26)
		}
		got, err := readBounded("s", iotest.HalfReader(bytes.NewReader(want)), int64(n), -1)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("n = %d: %d bytes back, error %v", n, len(got), err)
		}
		if n > 0 {
			if _, err := readBounded("s", bytes.NewReader(want), int64(n-1), -1); err == nil {
				t.Fatalf("n = %d over a bound of n−1 was accepted", n)
			}
		}
	}
}

var _ io.Reader = (*zeros)(nil)
