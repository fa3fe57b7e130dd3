package datasets

import (
	"fmt"
	"slices"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
)

// MaxProblems is the number of problems an InputError keeps and prints.
// Further problems are counted in InputError.Total but not stored.
const MaxProblems = errs.MaxProblems

// Problem is one defect of the input: where it is, what is wrong, and a
// machine-readable Hint naming the role (StudyColumns / SessionColumns field,
// lower-case: "r", "n", "patient", ...; "effects" when no effect-size columns
// are found at all) or reading option ("decimal=,",
// "na", "delimiter") that would fix it, and, for a role, Advice naming the
// option field in this package's terms ("name it in
// SessionColumns.Alliance"), which a front end replaces with its own words
// (errs.InputError.Advised). It is errs.Problem.
type Problem = errs.Problem

// InputError reports everything that is wrong with an input table at once.
// A command-line program maps it to exit status 2 (bad input) with errors.As.
// It is errs.InputError: there is one input-error type for loaders and
// analyses.
type InputError = errs.InputError

// problems collects Problems for one file, keeping at most MaxProblems.
// For a table made from a DataFrame (frame), "lines" are 1-based row
// numbers and are stored as Problem.Row with the frame's name as Source, so
// that messages index the column as Go code would ("frame: ri[1] = ...").
type problems struct {
	file  string
	frame bool
	list  []Problem
	total int
}

func newProblems(file string) *problems { return &problems{file: file} }

// problems returns a collector for problems of t's cells.
func (t *Table) problems() *problems { return &problems{file: t.Name, frame: t.frame} }

// problem makes one Problem at line (a row number for a frame).
func (p *problems) problem(line int, column string, val []byte, msg, hint string) Problem {
	if p.frame {
		return Problem{Source: p.file, Row: line, Column: column, Value: string(val), Msg: msg, Hint: hint}
	}
	return Problem{File: p.file, Line: line, Column: column, Value: string(val), Msg: msg, Hint: hint}
}

// add records a problem. val is converted to a string only when stored, so
// adding is cheap once the store is full.
func (p *problems) add(line int, column string, val []byte, msg string) {
	p.total++
	if len(p.list) < MaxProblems {
		p.list = append(p.list, p.problem(line, column, val, msg, ""))
	}
}

// addf is add with a formatted message; the formatting only happens when stored.
func (p *problems) addf(line int, column string, val []byte, format string, args ...any) {
	p.total++
	if len(p.list) < MaxProblems {
		p.list = append(p.list, p.problem(line, column, val, fmt.Sprintf(format, args...), ""))
	}
}

// addh is addf with a machine-readable hint (see Problem.Hint).
func (p *problems) addh(line int, column string, val []byte, hint, format string, args ...any) {
	p.total++
	if len(p.list) < MaxProblems {
		p.list = append(p.list, p.problem(line, column, val, fmt.Sprintf(format, args...), hint))
	}
}

// advise is addh with the advice (see Problem.Advice) naming the option
// field that acts on the hint, in this package's terms.
func (p *problems) advise(hint, advice, format string, args ...any) {
	p.total++
	if len(p.list) < MaxProblems {
		pr := p.problem(0, "", nil, fmt.Sprintf(format, args...), hint)
		pr.Advice = advice
		p.list = append(p.list, pr)
	}
}

// num records a cell that is not a number (err from parseNumber or
// Column.Float): what is wrong in Msg, the reading option in Hint and
// Advice, so that a front end can name its own setting once.
func (p *problems) num(line int, column string, val []byte, err error) {
	p.total++
	if len(p.list) < MaxProblems {
		pr := p.problem(line, column, val, err.Error(), numHint(err))
		if e, ok := err.(numError); ok {
			pr.Msg, pr.Advice = e.msg(), e.advice()
		}
		p.list = append(p.list, pr)
	}
}

// keep records a problem made elsewhere, as it is.
func (p *problems) keep(pr Problem) {
	p.total++
	if len(p.list) < MaxProblems {
		p.list = append(p.list, pr)
	}
}

// merge adds q's problems (found after p's, e.g. in a later part of a
// file) to p, keeping at most MaxProblems.
func (p *problems) merge(q *problems) {
	p.total += q.total
	p.list = append(p.list, q.list[:min(len(q.list), MaxProblems-len(p.list))]...)
}

// err returns the collected problems as an *InputError, or nil. The stored
// problems are put in line order (problems not tied to a line first), keeping
// the order of the checks within a line.
func (p *problems) err() error {
	if p.total == 0 {
		return nil
	}
	slices.SortStableFunc(p.list, func(a, b Problem) int { return a.Line + a.Row - b.Line - b.Row })
	return &InputError{Problems: p.list, Total: p.total}
}

// inputErr makes a single-problem InputError.
func inputErr(file string, line int, format string, args ...any) error {
	return &InputError{Problems: []Problem{{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}}, Total: 1}
}

// otherSheets adds, to role problems already recorded for t, that t is
// only the first of a workbook's sheets (a notes or codebook sheet often
// comes first), with the sheets as the hint "sheet=Name,Other".
func (p *problems) otherSheets(t *Table) {
	if p.total == 0 || len(t.sheets) < 2 {
		return
	}
	p.advise("sheet="+strings.Join(t.sheets, ","), "choose the sheet in ReadOptions.Sheet",
		"this is the first of the workbook's sheets (%s): the data may be on another one", strings.Join(t.sheets, ", "))
}
