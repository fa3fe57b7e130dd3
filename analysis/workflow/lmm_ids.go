package workflow

import (
	"bytes"

	"github.com/alliance-research/alliance/analysis/mixed"
	"github.com/alliance-research/alliance/datasets"
)

// groupCodes codes a grouping column for mixed.Data.Factors: Codes[i] is
// the index in Labels of cell i's text, −1 where the cell is missing. A
// cell equal to the one above it takes that cell's code without a lookup
// (the rows of a group are usually contiguous: a patient's sessions), and
// each distinct text becomes a string once, so a registry of 10⁷ session
// rows needs 4 bytes a row per grouping column instead of a string each
// (16 bytes and its text).
func groupCodes(c *datasets.Column) mixed.Factor {
	n := c.Len()
	f := mixed.Factor{Codes: make([]int32, n)}
	ids := map[string]int32{}
	var prev []byte
	have := false
	for i := range n {
		if c.Missing(i) {
			f.Codes[i], have = -1, false
			continue
		}
		b := c.Bytes(i)
		if have && bytes.Equal(b, prev) {
			f.Codes[i] = f.Codes[i-1]
			continue
		}
		k, ok := ids[string(b)]
		if !ok {
			k = int32(len(f.Labels))
			s := string(b)
			ids[s] = k
			f.Labels = append(f.Labels, s)
		}
		f.Codes[i] = k
		prev, have = b, true
	}
	return f
}
