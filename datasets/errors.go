package datasets

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MaxProblems is the number of problems an InputError keeps and prints.
// Further problems are counted in InputError.Total but not stored.
const MaxProblems = 20

// Problem is one defect of the input: where it is and what is wrong.
type Problem struct {
	File   string // file name as given to the reader ("-" is reported as "stdin")
	Line   int    // physical line (CSV/TSV) or row number (XLSX) of the record; 0 when not tied to a row
	Column string // column name as spelled in the header; "" when not tied to a column
	Value  string // the offending cell text; "" when not tied to a cell
	Msg    string // what is wrong and what to do
}

// String formats the problem as
//
//	file:line: column "name": "value" message
//
// leaving out the parts that are empty.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Line))
	}
	b.WriteString(": ")
	if p.Column != "" {
		fmt.Fprintf(&b, "column %q: ", p.Column)
	}
	if p.Value != "" {
		fmt.Fprintf(&b, "%q ", p.Value)
	}
	b.WriteString(p.Msg)
	return b.String()
}

// InputError reports everything that is wrong with an input table at once.
// A command-line program maps it to exit status 2 (bad input) with errors.As.
type InputError struct {
	Problems []Problem // the first MaxProblems problems, in file order within each check
	Total    int       // number of problems found, including those not stored
}

// Error lists the stored problems, one per line, and how many more were found.
func (e *InputError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	if more := e.Total - len(e.Problems); more > 0 {
		fmt.Fprintf(&b, "\nand %d more problem", more)
		if more > 1 {
			b.WriteByte('s')
		}
	}
	return b.String()
}

// problems collects Problems for one file, keeping at most MaxProblems.
type problems struct {
	file  string
	list  []Problem
	total int
}

func newProblems(file string) *problems { return &problems{file: file} }

// add records a problem. val is converted to a string only when stored, so
// adding is cheap once the store is full.
func (p *problems) add(line int, column string, val []byte, msg string) {
	p.total++
	if len(p.list) < MaxProblems {
		p.list = append(p.list, Problem{File: p.file, Line: line, Column: column, Value: string(val), Msg: msg})
	}
}

// addf is add with a formatted message; the formatting only happens when stored.
func (p *problems) addf(line int, column string, val []byte, format string, args ...any) {
	p.total++
	if len(p.list) < MaxProblems {
		p.list = append(p.list, Problem{File: p.file, Line: line, Column: column, Value: string(val), Msg: fmt.Sprintf(format, args...)})
	}
}

func (p *problems) full() bool { return len(p.list) >= MaxProblems }

// err returns the collected problems as an *InputError, or nil. The stored
// problems are put in line order (problems not tied to a line first), keeping
// the order of the checks within a line.
func (p *problems) err() error {
	if p.total == 0 {
		return nil
	}
	slices.SortStableFunc(p.list, func(a, b Problem) int { return a.Line - b.Line })
	return &InputError{Problems: p.list, Total: p.total}
}

// inputErr makes a single-problem InputError.
func inputErr(file string, line int, format string, args ...any) error {
	return &InputError{Problems: []Problem{{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}}, Total: 1}
}
