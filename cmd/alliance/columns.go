package main

import (
	"errors"
	"fmt"

	"github.com/alliance-research/alliance/datasets"
)

// tableColumns fetches named columns of a raw table with one error listing
// every problem (unknown columns, non-numeric cells with their lines).
type tableColumns struct {
	t    *datasets.Table
	errs []error
}

// numeric returns column name parsed as numbers (NaN = missing); problems are
// collected.
func (tc *tableColumns) numeric(name, flag string) []float64 {
	c, err := tc.t.Column(name)
	if err != nil {
		tc.errs = append(tc.errs, fmt.Errorf("%w (named by %s)", err, flag))
		return nil
	}
	v, err := c.Floats()
	if err != nil {
		tc.errs = append(tc.errs, err)
		return nil
	}
	return v
}

// text returns column name as strings ("" = missing).
func (tc *tableColumns) text(name, flag string) []string {
	c, err := tc.t.Column(name)
	if err != nil {
		tc.errs = append(tc.errs, fmt.Errorf("%w (named by %s)", err, flag))
		return nil
	}
	return c.Strings()
}

// has reports whether the table has a column called name.
func (tc *tableColumns) has(name string) bool { return tc.t.ColumnIndex(name) >= 0 }

// firstOf returns the first of names that the table has, or "".
func (tc *tableColumns) firstOf(names ...string) string {
	for _, n := range names {
		if tc.has(n) {
			return n
		}
	}
	return ""
}

// err returns the collected problems as one input error.
func (tc *tableColumns) err() error {
	if len(tc.errs) == 0 {
		return nil
	}
	return usageError{errors.Join(tc.errs...)}
}
