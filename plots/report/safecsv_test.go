package report

import (
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/workflow"
)

// TestTableFilesNeutralised: the full tables written beside the page are
// neutralised as every CSV output of the command line: a formula-like
// cell from a hostile input does not reach a spreadsheet as a formula.
func TestTableFilesNeutralised(t *testing.T) {
	tab := &workflow.Table{Name: "patients", Columns: []string{"patient", "n"}}
	for i := 0; i <= maxTableRows; i++ {
		tab.Rows = append(tab.Rows, []string{"P1", "1"})
	}
	tab.Rows[3][0] = "=HYPERLINK(\"http://x\")"
	_, files := boundedTable(tab, 1, "ruptures")
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	got := string(files[0].Data)
	if strings.Contains(got, "\n=HYPERLINK") || !strings.Contains(got, "'=HYPERLINK") {
		t.Errorf("table file not neutralised:\n%s", got[:200])
	}
	if strings.Count(got, "\n") != maxTableRows+2 {
		t.Errorf("%d lines, want %d", strings.Count(got, "\n"), maxTableRows+2)
	}
}
