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

// TestMaxBytes: /dev/zero and an endless standard input stop at the
// reading bound with exit 2 and a message naming --max-bytes; the flag
// takes binary and decimal units; a bad value is a usage error.
func TestMaxBytes(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err == nil {
		_, stderr, code := runCLI(t, "", "meta", "/dev/zero", "--max-bytes", "1MiB")
		if code != exitUsage || !strings.Contains(stderr, "--max-bytes") || !strings.Contains(stderr, "1048576") {
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
