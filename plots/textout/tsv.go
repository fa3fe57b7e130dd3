package textout

import (
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"strings"
)

// IsTSVPath reports whether an output path names a tab-separated file.
func IsTSVPath(path string) bool { return strings.EqualFold(filepath.Ext(path), ".tsv") }

// DelimitedFor wraps a render that writes a CSV table so that a table
// written to a .tsv path is tab-separated (a cell holding a tab, quote or
// line break is quoted, RFC 4180 style with tab as the separator); for
// any other path render is returned as it is. The table streams through:
// it is never held whole.
func DelimitedFor(path string, render func(io.Writer) error) func(io.Writer) error {
	if !IsTSVPath(path) {
		return render
	}
	return func(w io.Writer) error {
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() {
			err := render(pw)
			pw.CloseWithError(err)
			done <- err
		}()
		r := csv.NewReader(pr)
		r.FieldsPerRecord = -1
		r.ReuseRecord = true
		tw := csv.NewWriter(w)
		tw.Comma = '\t'
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				pr.CloseWithError(err)
				<-done
				return err
			}
			if err := tw.Write(rec); err != nil {
				pr.CloseWithError(err)
				<-done
				return err
			}
		}
		tw.Flush()
		if err := <-done; err != nil {
			return err
		}
		return tw.Error()
	}
}
