//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: the program writes to the
// terminal side (tty), the test reads what it shows from the other (ptm).
func openPTY(t *testing.T) (ptm, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here (%v): the progress display cannot be tested", err)
	}
	fd := int(m.Fd())
	if err = unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		t.Skipf("cannot unlock the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Skipf("no pseudo-terminal number: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("cannot open the terminal side: %v", err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

// TestProgressOnTerminalOnly: long work shows its stage on a terminal
// (the spinner of 'alliance sessions' names "fitting the session model"),
// and nothing at all when standard error is not a terminal or with --quiet
// (issue 14: sessions on 2.7 M rows ran 14 s silent).
func TestProgressOnTerminalOnly(t *testing.T) {
	ptm, tty := openPTY(t)
	big := t.TempDir() + "/big.csv" // long enough work for the spinner's first frame
	if _, stderr, c := runCLI(t, "", "simulate", "sessions", "--patients", "20000", "--therapists", "400", "--out", big); c != 0 {
		t.Fatal(stderr)
	}
	var mu sync.Mutex
	var shown bytes.Buffer
	go func() { // drain the terminal for as long as it is open, so the program never blocks on it
		buf := make([]byte, 4096)
		for {
			n, err := ptm.Read(buf)
			mu.Lock()
			shown.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	code := make(chan int, 1)
	go func() {
		var out bytes.Buffer
		code <- run([]string{"sessions", big}, strings.NewReader(""), &out, tty)
	}()
	select {
	case c := <-code:
		if c != 0 {
			t.Fatalf("exit %d", c)
		}
	case <-time.After(120 * time.Second):
		t.Fatal("the run on a terminal did not end")
	}
	time.Sleep(200 * time.Millisecond) // let the last output through
	mu.Lock()
	got := shown.String()
	mu.Unlock()
	if !strings.Contains(got, "fitting the session model") {
		t.Errorf("the terminal showed no progress: %q", got)
	}
	var out, plain bytes.Buffer
	if c := run([]string{"sessions"}, strings.NewReader(""), &out, &plain); c != 0 || strings.Contains(plain.String(), "fitting") {
		t.Errorf("progress written to a non-terminal: exit %d, %q", c, plain.String())
	}
}
