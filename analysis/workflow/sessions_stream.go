package workflow

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/alliance-research/alliance/analysis/sessions"
	"github.com/alliance-research/alliance/datasets"
)

// SessionsFile is Sessions on the session file at path. A delimited text
// or Parquet file larger than ReportStreamBytes is read patient by patient
// in two passes, as the report reads it (sessionsStream): the first
// model's sufficient statistics and the trajectories' moments in the
// first, the concurrent model's statistics and the figure's patient
// samples in the second, so that memory grows with the patients (a few
// hundred bytes each), not with the rows. Its rows must be grouped by
// patient, sorted by session within a patient; an error says how to sort
// a file that is not. The fit is the one Sessions makes of a table of
// more than maxRowsFit rows, from the same statistics
// (TestSessionsFileEqualsSessions).
//
// Anything that needs the rows is read whole and given to Sessions: a
// smaller file, a workbook, wide data, covariates, AR(1) residuals and the
// derived table (KeepTable).
func SessionsFile(path string, read datasets.ReadOptions, opt SessionsOptions) (*SessionsRun, error) {
	if !sessionsStreamable(path, opt) {
		src, err := Input{File: path, Stdin: os.Stdin}.Read(read)
		if err != nil {
			return nil, err
		}
		return Sessions(src, opt)
	}
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	need := datasets.SessionOptions{RequireOutcome: true, RequireAlliance: opt.Model != string(sessions.Growth)}
	cols := opt.Columns
	cols.Extra = []string{}
	s, err := datasets.OpenSessionStream(path, datasets.StreamOptions{Read: read, Columns: cols, Session: need})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	src := Source{Name: path, Columns: s.Header()}
	found := s.Columns()
	ss, err := newSessionsStream(src, opt, found)
	if err != nil {
		return nil, err
	}
	counts := &RupturesPart{Therapists: map[string]struct{}{}}
	if err = eachPatient(s, func(p *datasets.Sessions) {
		countRows(counts, p)
		ss.pass1(p)
		if opt.Progress != nil && counts.Patients%4096 == 0 {
			opt.Progress(counts.Rows, counts.Patients)
		}
	}); err != nil {
		return nil, err
	}
	src.Rows = counts.Rows
	ss.run.src.Rows = src.Rows
	if err = ss.between(); err != nil {
		return nil, err
	}
	if err = s.Rewind(); err != nil {
		return nil, err
	}
	done, rows := 0, counts.Rows // the second pass counts on from the first
	if err = eachPatient(s, func(p *datasets.Sessions) {
		ss.pass2(p)
		done, rows = done+1, rows+p.Len()
		if opt.Progress != nil && done%4096 == 0 {
			opt.Progress(rows, counts.Patients+done)
		}
	}); err != nil {
		ss.wait()
		return nil, err
	}
	ss.fitAsync(1)
	return ss.finish(src, counts)
}

// sessionsStreamable says whether SessionsFile reads path patient by
// patient: a large delimited or Parquet file and options that need no row.
func sessionsStreamable(path string, opt SessionsOptions) bool {
	if path == "" || path == "-" || !datasets.CanStream(path) || opt.AR1 || opt.KeepTable ||
		len(opt.Covariates) > 0 || opt.Wide.Prefix != "" || len(opt.Wide.Columns) > 0 {
		return false
	}
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Size() > ReportStreamBytes
}

// eachPatient calls fn with every patient of the stream, in file order.
func eachPatient(s *datasets.SessionStream, fn func(p *datasets.Sessions)) error {
	for {
		p, err := s.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		fn(p)
	}
}

// unsortedNote is the note of a file read whole because its rows are not
// grouped by patient, when err is the stream's refusal of such a file and
// the file is small enough to read whole (streamFallbackBytes) and no
// table is being written as the patients are read (tablesOut); "" and
// false otherwise.
func unsortedNote(err error, s *datasets.SessionStream, path string, tablesOut bool) (string, bool) {
	var in *datasets.InputError
	if tablesOut || !errors.As(err, &in) || len(in.Problems) != 1 || in.Problems[0].Hint != datasets.HintSort || s.Size() > streamFallbackBytes {
		return "", false
	}
	return fmt.Sprintf("The rows of %s are not grouped by patient (%s): the file was read whole into memory instead of patient by patient. Sort it by patient and session to analyse a large file in bounded memory.", path, in.Problems[0].String()), true
}

// readWhole reads path whole and runs analyse on it, with note (if any)
// shown first: the fallback of the streaming commands.
func readWhole[R interface{ warnFirst(string) }](path string, read datasets.ReadOptions, note string, analyse func(Source) (R, error)) (R, error) {
	var zero R
	src, err := Input{File: path, Stdin: os.Stdin}.Read(read)
	if err != nil {
		return zero, err
	}
	run, err := analyse(src)
	if err != nil {
		return zero, err
	}
	if note != "" {
		run.warnFirst(note)
	}
	return run, nil
}
