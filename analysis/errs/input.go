package errs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxProblems is the number of problems an InputError keeps and prints.
// Further problems are counted in InputError.Total but not stored.
const MaxProblems = 20

// MaxValueLen is the number of characters of Problem.Value that
// Problem.String prints; longer values are cut and end in "…", so that one
// enormous cell cannot flood a message.
const MaxValueLen = 60

// Problem is one defect of the input: where it is, what is wrong, and what
// setting would fix it.
type Problem struct {
	File   string // file name as given to the reader ("-" is reported as "stdin"); "" for data passed to a function
	Line   int    // physical line (CSV/TSV) or row number (XLSX) of the record; 0 when not known
	Column string // column (or argument) name; "" when not tied to a column
	Value  string // the offending cell or value as text; "" when not tied to a value
	Msg    string // what is wrong and what to do, in library terms

	// Source names the function that found the problem when there is no
	// file, e.g. "effectsize: ZCOR".
	Source string
	// Row is the 1-based position of the record among the rows passed to a
	// library function (Row−1 indexes the input slices); 0 when not tied to
	// a row. A front end turns it into a file line with InputError.At.
	Row int
	// Hint is machine-readable: the role or option whose setting would fix
	// the problem, optionally "name=value" (see the package documentation).
	Hint string
	// Advice is what to do, in library terms, naming the option field that
	// acts on Hint (e.g. "name it in SessionColumns.Alliance"); String
	// prints it in parentheses after Msg. A front end replaces it with its
	// own words for the same option (InputError.Advised), so that the
	// advice is given once.
	Advice string
}

// String formats the problem. With a file:
//
//	file:line: column "name": "value" message
//
// Without a file (data passed to a function), indexing the argument as Go
// code would, Row−1 being the slice index:
//
//	source: name[row-1] = value message
//
// followed by " (advice)" when Advice is set. Parts that are empty are left
// out.
func (p Problem) String() string {
	s := p.located()
	if p.Advice != "" {
		s += " (" + p.Advice + ")"
	}
	return s
}

// located is String without the advice.
func (p Problem) located() string {
	var b strings.Builder
	if p.File != "" {
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
			fmt.Fprintf(&b, "%q ", clip(p.Value))
		}
		b.WriteString(p.Msg)
		return b.String()
	}
	if p.Source != "" {
		b.WriteString(p.Source)
		b.WriteString(": ")
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	switch {
	case p.Column != "":
		b.WriteString(p.Column)
		if p.Row > 0 {
			fmt.Fprintf(&b, "[%d]", p.Row-1)
		}
		if p.Value != "" {
			b.WriteString(" = ")
			b.WriteString(clip(p.Value))
			b.WriteByte(' ')
		} else {
			b.WriteString(": ")
		}
	case p.Row > 0:
		fmt.Fprintf(&b, "row %d: ", p.Row)
		if p.Value != "" {
			fmt.Fprintf(&b, "%q ", clip(p.Value))
		}
	case p.Value != "":
		fmt.Fprintf(&b, "%q ", clip(p.Value))
	}
	b.WriteString(p.Msg)
	return b.String()
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= MaxValueLen {
		return s
	}
	n := 0
	for i := range s {
		if n == MaxValueLen {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// InputError reports everything that is wrong with an input at once.
// A command-line program maps it to its bad-input exit status with errors.As.
type InputError struct {
	Problems []Problem // the first MaxProblems problems
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

// BadValue returns an InputError with one problem: value of column (or
// argument) in row (1-based, 0 for none) is wrong for the reason msg, which
// is phrased to follow the value ("is not a finite number"). source names
// the function, e.g. "effectsize: ZCOR". value is formatted with fmt.Sprint.
func BadValue(source string, row int, column string, value any, msg string) *InputError {
	v := ""
	if value != nil {
		v = fmt.Sprint(value)
	}
	return &InputError{Problems: []Problem{{Source: source, Row: row, Column: column, Value: v, Msg: msg}}, Total: 1}
}

// Inputf returns an InputError with one problem that is not tied to a
// value: what is wrong with the data given to source.
func Inputf(source string, row int, format string, args ...any) *InputError {
	return &InputError{Problems: []Problem{{Source: source, Row: row, Msg: fmt.Sprintf(format, args...)}}, Total: 1}
}

// WithHint sets the Hint of every problem that has none and returns e.
func (e *InputError) WithHint(hint string) *InputError {
	for i := range e.Problems {
		if e.Problems[i].Hint == "" {
			e.Problems[i].Hint = hint
		}
	}
	return e
}

// WithAdvice sets the Advice of every problem that has none and returns e.
func (e *InputError) WithAdvice(advice string) *InputError {
	for i := range e.Problems {
		if e.Problems[i].Advice == "" {
			e.Problems[i].Advice = advice
		}
	}
	return e
}

// Advised returns a copy of e in which each problem's Advice is replaced by
// advice(p) when that is not "": a front end's words for the option that
// acts on the problem (a flag, a form field). e itself is not changed.
func (e *InputError) Advised(advice func(Problem) string) *InputError {
	out := &InputError{Problems: slices.Clone(e.Problems), Total: e.Total}
	for i := range out.Problems {
		if a := advice(out.Problems[i]); a != "" {
			out.Problems[i].Advice = a
		}
	}
	return out
}

// At returns a copy of e in which every problem without a file is placed in
// file: a problem with Row r gets Line lines[r−1] (when lines is long
// enough), as datasets.Studies.Line and datasets.Sessions.Line give them.
// The problems are put in line order; Source is no longer printed once a
// problem has a file. e itself is not changed.
func (e *InputError) At(file string, lines []int) *InputError {
	out := &InputError{Problems: slices.Clone(e.Problems), Total: e.Total}
	for i := range out.Problems {
		p := &out.Problems[i]
		if p.File != "" {
			continue
		}
		p.File = file
		if p.Row > 0 && p.Row <= len(lines) {
			p.Line = lines[p.Row-1]
		}
	}
	slices.SortStableFunc(out.Problems, func(a, b Problem) int { return a.Line - b.Line })
	return out
}
