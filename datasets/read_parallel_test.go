package datasets

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestReadParallel: a regular file of several pieces reads, piece by piece
// at once, to exactly its bytes; a size below or above the file's (the file
// grew or shrank since its size was taken) gives nil and leaves the file at
// its start for the stream reader; a small file is left to it too.
func TestReadParallel(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	want := []byte("v\n")
	for len(want) < 3<<20+12345 {
		for range 1 + rng.IntN(9) {
			want = append(want, byte('a'+rng.IntN(26)))
		}
		want = append(want, '\n')
	}
	path := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(path, want, 0o644); err != nil {
		t.Fatal(err)
	}
	open := func() *os.File {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	if got, err := readParallel(open(), int64(len(want))); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("readParallel: %d bytes, error %v; want the file's %d bytes", len(got), err, len(want))
	}
	for _, size := range []int64{int64(len(want)) - 1, int64(len(want)) + 1} {
		f := open()
		if _, err := f.Seek(1000, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		if got, err := readParallel(f, size); got != nil || err != nil {
			t.Errorf("size %d for %d bytes: %d bytes, error %v; want nil for the stream reader", size, len(want), len(got), err)
		}
		rest, err := readBounded(path, f, DefaultMaxBytes, size)
		if err != nil || !bytes.Equal(rest, want) {
			t.Errorf("size %d: the stream reader after it read %d bytes (error %v), want the whole file", size, len(rest), err)
		}
	}
	if got, err := readParallel(open(), parallelRead-1); got != nil || err != nil {
		t.Errorf("a file below parallelRead: %d bytes, error %v; want nil", len(got), err)
	}
	tb, err := ReadFile(path, ReadOptions{})
	if err != nil || tb.NumRows() != bytes.Count(want, []byte{'\n'})-1 {
		t.Fatalf("ReadFile: %v", err)
	}
}
