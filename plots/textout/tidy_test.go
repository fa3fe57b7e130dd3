package textout

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/workflow"
)

// TestTidyCSV: the named table is written (the first when no name is
// given), quoted as RFC 4180 asks; an unknown name is an invalid option
// that lists the tables there are.
func TestTidyCSV(t *testing.T) {
	type coef struct {
		Term     string  `json:"term"`
		Estimate float64 `json:"estimate"`
	}
	type het struct {
		Tau2 float64 `json:"tau2"`
	}
	tables := []workflow.TidyTable{
		{Name: "coefficients", Rows: []coef{{"intrcpt, pooled", 0.25}}},
		{Name: "heterogeneity", Rows: []het{{0.0125}}},
	}
	for name, want := range map[string]string{
		"":              "term,estimate\n\"intrcpt, pooled\",0.25\n",
		"heterogeneity": "tau2\n0.0125\n",
	} {
		var b bytes.Buffer
		if err := TidyCSV(&b, tables, name); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("table %q: got %q, want %q", name, b.String(), want)
		}
	}
	err := TidyCSV(&bytes.Buffer{}, tables, "influence")
	var ae *errs.Error
	if !errors.As(err, &ae) || ae.Kind != errs.InvalidOption || ae.Hint != "table" ||
		!strings.Contains(err.Error(), "coefficients, heterogeneity") {
		t.Errorf("unknown table: %v", err)
	}
}
