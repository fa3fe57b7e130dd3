// Package fileout writes output files atomically and keeps the books on
// the temporary files and directories of this process, so that no reader
// ever sees half a file and no run leaves litter behind.
//
// Every output — a table, an export, a figure, the files of a report — is
// written to a temporary file next to its target (".NAME.tmp…") and renamed
// into place only when it is complete (Write, WriteFile): readers see the
// old content or the whole new one. The temporaries are registered while
// they exist: a front end that catches SIGINT or SIGTERM calls Interrupted,
// which removes them (and the registered temporary directories, TempDir)
// and lets no new one be made. A temporary that a killed run left behind
// is removed by the next run that writes the same target, once it is older
// than StaleAge (a younger one may be a concurrent run's).
//
// Check refuses, before any work, an output path that cannot be written or
// that is one of the inputs (the same file by device and inode).
package fileout

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// StaleAge is the age past which a temporary of ours is a leftover of a
// killed run, not a file a concurrent run is still writing.
const StaleAge = time.Hour

// registry holds this process's temporaries. Creating, renaming and
// removing one hold mu, and Interrupted takes mu for good before it
// removes them, so that no temporary is made after the cleanup.
var registry = struct {
	mu    sync.Mutex
	files map[string]bool
	dirs  map[string]bool
}{files: map[string]bool{}, dirs: map[string]bool{}}

// Error is a failure to write an output file (the error of the content's
// own render function is returned as it is).
type Error struct {
	Path string
	// Create is set when the temporary file could not be made: the
	// directory is missing or not writable, which is the user's to fix.
	Create bool
	Err    error
}

func (e *Error) Error() string {
	if e.Create {
		return fmt.Sprintf("cannot write %s: %v (does the directory exist and is it writable?)", e.Path, e.Err)
	}
	return fmt.Sprintf("writing %s: %v", e.Path, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Write writes what render writes to path through a buffered temporary
// file in the same directory (mode 0644) and a rename, so that readers see
// either the old or the complete new content, never a part. When render
// fails, its error is returned and path is left as it was. Temporaries of
// path older than StaleAge are removed first.
func Write(path string, render func(w io.Writer) error) error {
	sweep(filepath.Dir(path), "."+filepath.Base(path)+".tmp", false)
	f, err := createTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return &Error{Path: path, Create: true, Err: err}
	}
	tmp := f.Name()
	bw := bufio.NewWriterSize(f, 1<<16)
	if rerr := render(bw); rerr != nil {
		f.Close()
		finishTemp(tmp, "")
		return rerr
	}
	err = bw.Flush()
	if err == nil {
		err = f.Chmod(0o644) // CreateTemp makes 0600 files
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = finishTemp(tmp, path)
	}
	if err != nil {
		finishTemp(tmp, "")
		return &Error{Path: path, Err: err}
	}
	return nil
}

// WriteFile writes data to path atomically (Write).
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// TempDir makes a registered temporary directory in the system's
// temporary directory, named prefix followed by a random string, after
// removing the directories of that prefix older than StaleAge (a killed
// run's). Remove it with RemoveTempDir; Interrupted removes it too.
func TempDir(prefix string) (string, error) {
	sweep(os.TempDir(), prefix, true)
	registry.mu.Lock()
	defer registry.mu.Unlock()
	d, err := os.MkdirTemp("", prefix)
	if err == nil {
		registry.dirs[d] = true
	}
	return d, err
}

// RemoveTempDir removes a directory of TempDir with its content and
// forgets it.
func RemoveTempDir(dir string) error {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	delete(registry.dirs, dir)
	return os.RemoveAll(dir)
}

// Interrupted removes this process's temporary files and directories and
// never releases the registry: a front end calls it on SIGINT or SIGTERM
// just before the process exits, and no temporary is made after it.
func Interrupted() {
	registry.mu.Lock()
	for f := range registry.files {
		os.Remove(f)
	}
	for d := range registry.dirs {
		os.RemoveAll(d)
	}
}

// Cleanup removes this process's temporary files and directories and
// forgets them; unlike Interrupted the registry stays usable (a front end
// that recovers from a failure and goes on, as a test harness does).
func Cleanup() {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	for f := range registry.files {
		os.Remove(f)
		delete(registry.files, f)
	}
	for d := range registry.dirs {
		os.RemoveAll(d)
		delete(registry.dirs, d)
	}
}

// createTemp creates a temporary file in dir with the pattern and
// registers it.
func createTemp(dir, pattern string) (*os.File, error) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	f, err := os.CreateTemp(dir, pattern)
	if err == nil {
		registry.files[f.Name()] = true
	}
	return f, err
}

// finishTemp renames the temporary file tmp to path (or, with path "",
// removes it) and forgets it.
func finishTemp(tmp, path string) error {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	delete(registry.files, tmp)
	if path == "" {
		return os.Remove(tmp)
	}
	return os.Rename(tmp, path)
}

// sweep removes the entries of dir whose names start with prefix and that
// are older than StaleAge: regular files, or directories (with their
// content) when dirs is set.
func sweep(dir, prefix string, dirs bool) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, en := range ents {
		if !strings.HasPrefix(en.Name(), prefix) || (dirs && !en.IsDir()) || (!dirs && !en.Type().IsRegular()) {
			continue
		}
		if fi, err := en.Info(); err == nil && time.Since(fi.ModTime()) > StaleAge {
			os.RemoveAll(filepath.Join(dir, en.Name()))
		}
	}
}

// Check refuses, before any work, an output path whose directory does not
// exist, that names a directory, or that is one of the input files (the
// same file by device and inode, whatever its name): an output must never
// replace the data it was computed from. Paths "" and "-" (standard
// output) pass.
func Check(path string, inputs []string) error {
	if path == "" || path == "-" {
		return nil
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("cannot write %s: the directory %s does not exist", path, dir)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("cannot write %s: it is a directory; give a file name", path)
	}
	if in := SameFile(path, inputs); in != "" {
		return fmt.Errorf("refusing to write %s: it is the input file %s; give another output name", path, in)
	}
	return nil
}

// SameFile returns the input that path is (the same file by device and
// inode), or "" when it is none of them or does not exist.
func SameFile(path string, inputs []string) string {
	out, err := os.Stat(path)
	if err != nil {
		return ""
	}
	for _, in := range inputs {
		if in == "" || in == "-" {
			continue
		}
		if fi, err := os.Stat(in); err == nil && os.SameFile(fi, out) {
			return in
		}
	}
	return ""
}
