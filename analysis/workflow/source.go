package workflow

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/datasets"
)

// Source is one input table and where it came from.
type Source struct {
	// Table is the parsed input.
	Table *datasets.Table `json:"-"`
	// Name is the file name as given, or the embedded dataset's name.
	Name string `json:"name"`
	// Embedded is set for an embedded dataset; Simulated when its values
	// were made by the simulator (every output then says SIMULATED).
	Embedded  bool   `json:"embedded"`
	Simulated bool   `json:"simulated"`
	Title     string `json:"title,omitempty"`
	Citation  string `json:"citation,omitempty"`
	// Rows is the number of data rows read; Columns the file's header.
	Rows    int      `json:"rows"`
	Columns []string `json:"columns"`
	// Info is the catalogue entry of an embedded dataset (nil for a file).
	Info *datasets.Info `json:"-"`
	// Notes say how the file was read when a reader must know it (a
	// decoded text encoding); every front end shows them first.
	Notes []Note `json:"notes,omitempty"`

	// stream, when set, is a session file the report reads patient by
	// patient instead of whole (ReportSessionsSource); Table is nil.
	stream *sessionsFile
}

// FileSource describes a table read from a file (or standard input).
func FileSource(name string, t *datasets.Table) Source {
	s := Source{Table: t, Name: name, Rows: t.NumRows(), Columns: append([]string(nil), t.Header...)}
	if t.Encoding != "" {
		s.Notes = append(s.Notes, Note{Level: Warning, Text: fmt.Sprintf("%s is not UTF-8 text: it was read as %s (Excel's \"CSV\" in western European locales); if its accented letters look wrong, choose the encoding explicitly or save the file as \"CSV UTF-8\"", name, t.Encoding)})
	}
	return s
}

// EmbeddedSource describes an embedded dataset.
func EmbeddedSource(info datasets.Info, t *datasets.Table) Source {
	s := FileSource(info.Name, t)
	s.Embedded, s.Simulated, s.Title, s.Citation = true, info.Simulated, info.Title, info.Citation
	s.Info = &info
	return s
}

// Input names one input of a front end: an embedded dataset (Dataset),
// the bytes of an upload (Upload, read under the name File), standard
// input (File "-", read from Stdin) or a file.
type Input struct {
	File, Dataset string
	Upload        []byte
	Stdin         io.Reader
}

// Read reads the input and describes it. Every front end reads through
// it, so that a file means the same wherever it is given. An input that
// names both a file (or an upload) and an embedded dataset is an
// InvalidOption (hint Dataset): which was meant cannot be told.
func (in Input) Read(opt datasets.ReadOptions) (Source, error) {
	if in.Dataset != "" && (in.File != "" || in.Upload != nil) {
		return Source{}, invalid("Dataset", "%s and the embedded dataset %s: give a file or an embedded dataset, not both", in.File, in.Dataset)
	}
	if in.Dataset != "" {
		info, err := datasets.Lookup(in.Dataset)
		if err != nil {
			return Source{}, err
		}
		t, err := datasets.ReadEmbedded(info.Name, opt)
		if err != nil {
			return Source{}, err
		}
		return EmbeddedSource(info, t), nil
	}
	var t *datasets.Table
	var err error
	switch {
	case in.Upload != nil: // ReadBytes unquotes in place: an upload may be read again by later runs
		t, err = datasets.ReadBytes(in.File, bytes.Clone(in.Upload), opt)
	case in.File == "-":
		t, err = datasets.Read("stdin", in.Stdin, opt)
	default:
		t, err = datasets.ReadFile(in.File, opt)
	}
	if err != nil {
		return Source{}, err
	}
	return FileSource(t.Name, t), nil
}

// Datasets lists the embedded datasets (datasets.List) and tabulates
// them: name, kind, rows, licence and what they are.
func Datasets() ([]datasets.Info, *Table) {
	list := datasets.List()
	t := &Table{Title: "Embedded datasets", Columns: []string{"name", "kind", "rows", "licence", "what"}, Right: []bool{false, false, true, false, false}}
	for _, in := range list {
		t.Rows = append(t.Rows, []string{in.Name, in.Kind, strconv.Itoa(in.Rows), in.Licence, in.Title})
	}
	return list, t
}

// Label is the data name printed in headings: the file or dataset name,
// with "(SIMULATED)" for simulated data.
func (s Source) Label() string {
	if s.Simulated {
		return s.Name + " (SIMULATED)"
	}
	return s.Name
}

// RRead is the R expression that reads the table, for the R code.
func (s Source) RRead() string {
	if s.Embedded {
		return fmt.Sprintf("read.csv(%q)   # alliance datasets export %s --out %s.csv", s.Name+".csv", s.Name, s.Name)
	}
	return fmt.Sprintf("read.csv(%q)", s.Name)
}

// DataPart accounts for one input table in one analysis: the columns used
// in each role, counts, and the rows left out with the reason.
type DataPart struct {
	Kind    string            `json:"kind"` // "study-level" or "session"
	Source  Source            `json:"source"`
	Roles   map[string]string `json:"roles"`
	Counts  map[string]int    `json:"counts"`
	Dropped []Dropped         `json:"dropped"`
}

// Dropped is a set of rows left out of one analysis.
type Dropped struct {
	Analysis string `json:"analysis"`
	N        int    `json:"n"`
	Unit     string `json:"unit"`
	Reason   string `json:"reason"`
}

// rName quotes a column name for R when it is not syntactic.
func rName(s string) string {
	ok := s != ""
	for i, c := range s {
		if !(c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			ok = false
		}
	}
	if ok {
		return s
	}
	return "`" + strings.ReplaceAll(s, "`", "") + "`"
}
