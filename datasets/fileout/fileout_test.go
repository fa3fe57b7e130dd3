package fileout

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWriteAtomic: a complete write replaces the file (mode 0644); a
// failed render leaves the old content and no temporary, and returns the
// render's own error.
func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.csv")
	if err := WriteFile(p, []byte("old\n")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(p, func(w io.Writer) error {
		fmt.Fprintln(w, "half")
		return boom
	})
	if err != boom {
		t.Fatalf("render error: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old\n" {
		t.Errorf("after a failed render: %q", b)
	}
	if err := WriteFile(p, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new\n" {
		t.Errorf("after a write: %q", b)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("left %d entries", len(ents))
	}
	if len(registry.files) != 0 {
		t.Errorf("registry still holds %v", registry.files)
	}
}

// TestWriteMissingDir: a directory that does not exist is an *Error with
// Create set, worded for the user.
func TestWriteMissingDir(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nodir", "x.csv")
	err := WriteFile(p, []byte("x"))
	var fe *Error
	if !errors.As(err, &fe) || !fe.Create || !strings.Contains(err.Error(), "does the directory exist") {
		t.Fatalf("got %v", err)
	}
}

// TestStaleSwept: a temporary of the target over StaleAge old is removed
// by the next write of the target; a fresh one (a concurrent run's) and a
// temporary of another file are kept.
func TestStaleSwept(t *testing.T) {
	dir := t.TempDir()
	stale, fresh, other := filepath.Join(dir, ".a.csv.tmp1"), filepath.Join(dir, ".a.csv.tmp2"), filepath.Join(dir, ".b.csv.tmp1")
	old := time.Now().Add(-StaleAge - time.Minute)
	for _, p := range []string{stale, fresh, other} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_ = os.Chtimes(stale, old, old)
	_ = os.Chtimes(other, old, old)
	if err := WriteFile(filepath.Join(dir, "a.csv"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("stale temporary kept")
	}
	for _, p := range []string{fresh, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed", p)
		}
	}
}

// TestTempDir: a registered directory is removed with its content and
// forgotten; an old one of the same prefix is swept when a new one is made.
func TestTempDir(t *testing.T) {
	prefix := fmt.Sprintf("alliance-fileout-test-%d-", os.Getpid())
	old, err := os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(old)
	ago := time.Now().Add(-StaleAge - time.Minute)
	_ = os.Chtimes(old, ago, ago)
	d, err := TempDir(prefix)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("stale directory kept")
	}
	if !registry.dirs[d] {
		t.Error("not registered")
	}
	if err := os.WriteFile(filepath.Join(d, "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := RemoveTempDir(d); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d); !os.IsNotExist(err) || registry.dirs[d] {
		t.Error("directory kept or still registered")
	}
}

// TestCheck: a missing directory, a directory as the path and an input
// file (under another name: a hard link) are refused; standard output and
// a new file pass.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.csv")
	if err := os.Link(in, link); err != nil {
		t.Skip("no hard links here")
	}
	for path, want := range map[string]string{
		filepath.Join(dir, "no", "x.csv"): "does not exist",
		dir:                               "it is a directory",
		link:                              "it is the input file " + in,
		"-":                               "",
		filepath.Join(dir, "new.csv"):     "",
	} {
		err := Check(path, []string{"-", in})
		if (err == nil) != (want == "") || err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("Check(%s) = %v, want %q", path, err, want)
		}
	}
}

// ExampleWriteFile writes a file atomically: a reader sees the old or the
// new content, never a part of it.
func ExampleWriteFile() {
	dir, _ := os.MkdirTemp("", "fileout-example")
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "results.csv")
	_ = WriteFile(p, []byte("estimate\n0.28\n"))
	b, _ := os.ReadFile(p)
	fmt.Print(string(b))
	// Output:
	// estimate
	// 0.28
}

// Cleanup removes the registered temporaries and leaves the registry
// usable: a write after it still works (Interrupted, by contrast, is for
// the process's last moment).
func TestCleanupKeepsRegistryUsable(t *testing.T) {
	dir := t.TempDir()
	tmp, err := createTemp(dir, ".x.tmp*")
	if err != nil {
		t.Fatal(err)
	}
	tmp.Close()
	Cleanup()
	if _, err := os.Stat(tmp.Name()); !os.IsNotExist(err) {
		t.Fatalf("the temporary is still there: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- WriteFile(filepath.Join(dir, "after.txt"), []byte("ok")) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a write after Cleanup blocked")
	}
}
