package main

import (
	"bytes"
	"io"

	"github.com/alliance-research/alliance/datasets"
)

// emitParquet writes the CSV table that render writes to --out as a
// Parquet file (datasets.WriteParquet), atomically like every output.
func (e *env) emitParquet(render func(w io.Writer) error) error {
	if err := e.checkOutputs(e.out); err != nil {
		return err
	}
	if err := writeAtomic(e.out, parquetFromCSV(render)); err != nil {
		return err
	}
	e.infof("wrote %s", e.out)
	return nil
}

// parquetFromCSV turns a render that writes one CSV table into one that
// writes the same table as Parquet: the CSV is held in memory, read by the
// CSV loader (so the column types and missing cells are the ones a reader
// of the CSV file would get) and written by datasets.WriteParquet.
func parquetFromCSV(render func(w io.Writer) error) func(w io.Writer) error {
	return func(w io.Writer) error {
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			return err
		}
		t, err := datasets.ReadBytes("the CSV table", buf.Bytes(), datasets.ReadOptions{Delimiter: ','})
		if err != nil {
			return err
		}
		return datasets.WriteParquet(w, t)
	}
}

// parquetIf is parquetFromCSV(render) when path names a Parquet file, and
// render otherwise.
func parquetIf(path string, render func(w io.Writer) error) func(w io.Writer) error {
	if datasets.IsParquetPath(path) {
		return parquetFromCSV(render)
	}
	return render
}

// emitTable writes render's CSV table: as Parquet when --out names a
// .parquet file, whatever --format is (the simulators write CSV only),
// and through emitStream otherwise.
func (e *env) emitTable(render func(w io.Writer) error) error {
	if datasets.IsParquetPath(e.out) {
		return e.emitParquet(render)
	}
	return e.emitStream(render)
}
