package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// TestMaxBytes: /dev/zero is refused at once as not a table; an endless
// standard input stops at the reading bound with exit 2 and a message naming --max-bytes; the flag
// takes binary and decimal units; a bad value is a usage error.
func TestMaxBytes(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err == nil {
		_, stderr, code := runCLI(t, "", "meta", "/dev/zero")
		if code != exitUsage || !strings.Contains(stderr, "NUL bytes") {
			t.Fatalf("/dev/zero: exit %d, %q", code, stderr)
		}
	}
	var out, errb bytes.Buffer
	code := run([]string{"meta", "-", "--max-bytes", "2MB"}, io.Reader(endless{}), &out, &errb)
	if code != exitUsage || !strings.Contains(errb.String(), "--max-bytes") || !strings.Contains(errb.String(), "2000000") {
		t.Fatalf("stdin: exit %d, %q", code, errb.String())
	}
	for _, bad := range []string{"-5", "abc", "1.5.2GB", "0"} {
		_, stderr, c := runCLI(t, "", "meta", "--max-bytes", bad)
		if c != exitUsage || !strings.Contains(stderr, "max-bytes") {
			t.Errorf("--max-bytes %s: exit %d, %q", bad, c, stderr)
		}
	}
	// The bound applies to report inputs too.
	_, stderr, code := runCLI(t, strings.Repeat("r,n\n", 1000), "report", "--studies", "-", "--out", t.TempDir()+"/rep", "--max-bytes", "100")
	if code != exitUsage || !strings.Contains(stderr, "--max-bytes") {
		t.Fatalf("report: exit %d, %q", code, stderr)
	}
}

// panicky is a reader that panics, standing in for a bug anywhere on the
// command's path.
type panicky struct{}

func (panicky) Read([]byte) (int, error) { panic("boom\x1b[2J") }

// TestPanicIsInternalError: a panic is caught, reported in one escaped line
// that says it is a bug, and exits 3, never 2 (bad input) and never with a
// Go stack dump.
func TestPanicIsInternalError(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"meta", "-"}, io.Reader(panicky{}), &out, &errb)
	msg := errb.String()
	if code != exitInternal || !strings.Contains(msg, "internal error: boom") || !strings.Contains(msg, "bug") ||
		strings.Contains(msg, "goroutine") || strings.Contains(msg, "\x1b") {
		t.Fatalf("exit %d, %q", code, msg)
	}
}
