package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/datasets/fileout"
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
		render = textout.DelimitedFor(e.out, textout.SafeCSV(render, ','))
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

// checkOutputs refuses, before any work, an output path that cannot be
// written or that is one of the command's input files (fileout.Check).
func (e *env) checkOutputs(paths ...string) error {
	for _, p := range paths {
		if e.tablesDir && p == e.out {
			continue // a directory of tables: each file is checked as it is written
		}
		if err := fileout.Check(p, e.inputs); err != nil {
			return usageError{err}
		}
	}
	return nil
}

// writeFileAtomic writes data to path atomically (writeAtomic).
func writeFileAtomic(path string, data []byte) error {
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeAtomic writes what render writes to path atomically, its
// temporary file removed by an interrupt (fileout.Write); a .csv or .tsv
// path has its formula-like cells neutralised (textout.SafeCSV). A
// directory that cannot be written to is bad usage.
func writeAtomic(path string, render func(w io.Writer) error) error {
	if textout.IsCSVPath(path) {
		render = textout.SafeCSV(render, 0)
	}
	err := fileout.Write(path, render)
	var fe *fileout.Error
	if errors.As(err, &fe) && fe.Create {
		return usageError{err}
	}
	return err
}

// emitParquet writes the CSV table that render writes to --out as a
// Parquet file (datasets.WriteParquet), atomically like every output.
func (e *env) emitParquet(render func(w io.Writer) error) error {
	if err := e.checkOutputs(e.out); err != nil {
		return err
	}
	if err := writeAtomic(e.out, datasets.ParquetFromCSV(render)); err != nil {
		return err
	}
	e.infof("wrote %s", e.out)
	return nil
}

// parquetIf is datasets.ParquetFromCSV(render) when path names a Parquet
// file, and render otherwise.
func parquetIf(path string, render func(w io.Writer) error) func(w io.Writer) error {
	if datasets.IsParquetPath(path) {
		return datasets.ParquetFromCSV(render)
	}
	return render
}

// writeTable writes render's CSV table to path atomically in the format
// the path names: Parquet (.parquet), tab-separated (.tsv) or CSV.
func writeTable(path string, render func(w io.Writer) error) error {
	return writeAtomic(path, parquetIf(path, textout.DelimitedFor(path, render)))
}

// emitTable writes render's CSV table: as Parquet when --out names a
// .parquet file, whatever --format is (the simulators write CSV only),
// and through emitStream otherwise.
func (e *env) emitTable(render func(w io.Writer) error) error {
	if datasets.IsParquetPath(e.out) {
		return e.emitParquet(render)
	}
	if e.format != "csv" { // emitStream makes a --format csv table tab-separated for a .tsv path
		render = textout.DelimitedFor(e.out, render)
	}
	return e.emitStream(render)
}
