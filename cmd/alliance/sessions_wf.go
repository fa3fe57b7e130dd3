package main

import (
	"fmt"
	"math"
	"strconv"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots"
)

// Glue between the session-level commands and package workflow.

// saveNamedFigure draws the figure called name of a workflow section to
// path.
func (e *env) saveNamedFigure(s *workflow.Section, name, path string) error {
	for _, f := range s.Figures() {
		if f.Name == name {
			fig, err := plots.FromSpec(f.Spec)
			return e.saveFigure(fig, err, path)
		}
	}
	return fmt.Errorf("figure %s: there is no %s figure for these data", path, name)
}

// fnum formats a value for CSV/tables with full precision ("" for NaN).
func fnum(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// optFloat is a number flag without a default: help shows none (not
// "(default NaN)"), and the value is nil until the flag is given.
type optFloat struct{ p *float64 }

func (o *optFloat) String() string {
	if o == nil || o.p == nil {
		return ""
	}
	return strconv.FormatFloat(*o.p, 'g', -1, 64)
}

func (o *optFloat) Set(s string) error {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("%q is not a number", s)
	}
	o.p = &x
	return nil
}

func (o *optFloat) Type() string { return "float" }

// value is the number given, or nil.
func (o *optFloat) value() *float64 { return o.p }

// optInt is a whole-number flag without a default (help shows none).
type optInt struct{ p *int }

func (o *optInt) String() string {
	if o == nil || o.p == nil {
		return ""
	}
	return strconv.Itoa(*o.p)
}

func (o *optInt) Set(s string) error {
	x, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("%q is not a whole number", s)
	}
	o.p = &x
	return nil
}

func (o *optInt) Type() string { return "int" }
