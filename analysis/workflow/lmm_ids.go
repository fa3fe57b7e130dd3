package workflow

import (
	"github.com/alliance-research/alliance/analysis/mixed"
	"github.com/alliance-research/alliance/datasets"
)

// groupCodes codes a grouping column for mixed.Data.Factors: Codes[i] is
// the index in Labels of cell i's text, −1 where the cell is missing
// (datasets.Column.Codes). Each distinct text becomes a string once, so a
// registry of 10⁷ session rows needs 4 bytes a row per grouping column
// instead of a string each (16 bytes and its text).
func groupCodes(c *datasets.Column) mixed.Factor {
	codes, levels := c.Codes()
	return mixed.Factor{Codes: codes, Labels: levels}
}
