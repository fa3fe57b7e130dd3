package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// emit renders the command's result with render into memory and then writes
// it either to standard output or, with --out, atomically to the named file
// (a temporary file in the same directory renamed into place), so that a
// failed run never leaves a half-written file behind.
func (e *env) emit(render func(w io.Writer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	if e.out == "" || e.out == "-" {
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	if err := e.checkOutputs(e.out); err != nil {
		return err
	}
	if err := writeFileAtomic(e.out, buf.Bytes()); err != nil {
		return err
	}
	e.infof("wrote %s", e.out)
	return nil
}

// emitStream is emit for large outputs (simulated data, exports): render
// writes straight into a buffered temporary file that is renamed into place
// only when render succeeds, or straight to standard output.
func (e *env) emitStream(render func(w io.Writer) error) error {
	if e.out == "" || e.out == "-" {
		bw := bufio.NewWriterSize(e.stdout, 1<<16)
		if err := render(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	if err := e.checkOutputs(e.out); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(e.out), "."+filepath.Base(e.out)+".tmp*")
	if err != nil {
		return usagef("cannot write %s: %v (does the directory exist and is it writable?)", e.out, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := render(bw); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(fmt.Errorf("writing %s: %w", e.out, err))
	}
	if err := f.Chmod(0o644); err != nil {
		return fail(fmt.Errorf("writing %s: %w", e.out, err))
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", e.out, err)
	}
	if err := os.Rename(tmp, e.out); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", e.out, err)
	}
	e.infof("wrote %s", e.out)
	return nil
}

// checkOutputs refuses, before any work, an output path whose directory
// does not exist, that names a directory, or that is one of the command's
// input files (the same file by device and inode, whatever its name): an
// output must never replace the data it was computed from.
func (e *env) checkOutputs(paths ...string) error {
	for _, p := range paths {
		if p == "" || p == "-" {
			continue
		}
		dir := filepath.Dir(p)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return usagef("cannot write %s: the directory %s does not exist", p, dir)
		}
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return usagef("cannot write %s: it is a directory; give a file name", p)
		}
		if in := e.sameAsInput(p); in != "" {
			return usagef("refusing to write %s: it is the input file %s; give another output name", p, in)
		}
	}
	return nil
}

// sameAsInput returns the input file that path is (by device and inode),
// or "".
func (e *env) sameAsInput(path string) string {
	out, err := os.Stat(path)
	if err != nil {
		return ""
	}
	for _, in := range e.inputs {
		if fi, err := os.Stat(in); err == nil && os.SameFile(fi, out) {
			return in
		}
	}
	return ""
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory and a rename, so readers see either the old or the new content.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return usagef("cannot write %s: %v (does the directory exist and is it writable?)", path, err)
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
