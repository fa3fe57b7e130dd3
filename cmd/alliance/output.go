package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots/textout"
)

// emit renders the command's result with render into memory and then writes
// it either to standard output or, with --out, atomically to the named file,
// so that a failed run never leaves a half-written file behind.
//
// Text and markdown are written with terminal control characters escaped
// (textout.EscapeControls); CSV with formula-like cells neutralised
// (textout.SafeCSV).
func (e *env) emit(render func(w io.Writer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	out := buf.Bytes()
	if e.format == "text" || e.format == "markdown" {
		out = textout.EscapeControls(out)
	}
	return e.emitStream(func(w io.Writer) error {
		_, err := w.Write(out)
		return err
	})
}

// emitStream is emit for large outputs (simulated data, exports): render
// writes straight to standard output, or into the temporary file that
// writeAtomic renames into place only when render succeeds.
func (e *env) emitStream(render func(w io.Writer) error) error {
	if datasets.IsParquetPath(e.out) {
		if e.format != "csv" {
			return usagef("--out %s writes a table as Parquet: add --format csv (the Parquet file holds the table --format csv writes)", e.out)
		}
		return e.emitParquet(render)
	}
	if e.format == "csv" {
		render = textout.SafeCSV(render, ',')
	}
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
	if err := writeAtomic(e.out, render); err != nil {
		return err
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

// writeFileAtomic writes data to path atomically (writeAtomic).
func writeFileAtomic(path string, data []byte) error {
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeAtomic writes what render writes to path through a buffered
// temporary file in the same directory (mode 0644) and a rename, so that
// readers see either the old or the complete new content, never a part.
//
// The temporary is registered (temps.go): an interrupted run removes it,
// and temporaries of path left by a killed run over an hour ago are
// removed first.
//
// A .csv or .tsv path has its formula-like cells neutralised
// (textout.SafeCSV).
func writeAtomic(path string, render func(w io.Writer) error) error {
	if textout.IsCSVPath(path) {
		render = textout.SafeCSV(render, 0)
	}
	sweepStale(path, false)
	f, err := createTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return usagef("cannot write %s: %v (does the directory exist and is it writable?)", path, err)
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
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
