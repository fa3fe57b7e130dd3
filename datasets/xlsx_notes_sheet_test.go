package datasets

import (
	"errors"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// TestNotesSheetFirstNamesTheSheets: a workbook whose first sheet holds
// notes (several rows, so not "header only") used to fail with the notes as
// its "columns" and no word of the other sheets. The role error now adds a
// problem naming the workbook's sheets, with the hint "sheet=…" a front end
// turns into its own setting; a chosen sheet, or a one-sheet workbook, adds
// nothing.
func TestNotesSheetFirstNamesTheSheets(t *testing.T) {
	data := writeXLSX(t, map[string][][]any{
		"Notes": {{"Coding notes: r = alliance-outcome correlation"}, {"n = patients"}, {"coded by two raters"}},
		"Data":  {{"study", "r", "n"}, {"A", 0.2, 40}, {"B", 0.3, 60}},
	}, []string{"Notes", "Data"})
	roleErr := func(opt ReadOptions) *errs.InputError {
		tab, err := Read("book.xlsx", strings.NewReader(string(data)), opt)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tab.Studies(StudyColumns{}, StudyOptions{})
		var ie *errs.InputError
		if err != nil && !errors.As(err, &ie) {
			t.Fatalf("error %v is not an input error", err)
		}
		return ie
	}
	ie := roleErr(ReadOptions{})
	if ie == nil {
		t.Fatal("the notes sheet was accepted as studies")
	}
	var sheet *errs.Problem
	for i := range ie.Problems {
		if strings.HasPrefix(ie.Problems[i].Hint, "sheet=") {
			sheet = &ie.Problems[i]
		}
	}
	if sheet == nil || sheet.Hint != "sheet=Notes,Data" || !strings.Contains(sheet.Msg, "(Notes, Data)") {
		t.Fatalf("no problem naming the sheets: %v", ie)
	}
	if ie := roleErr(ReadOptions{Sheet: "Data"}); ie != nil {
		t.Errorf("the data sheet, chosen: %v", ie)
	}

	one := writeXLSX(t, map[string][][]any{"Notes": {{"note"}, {"x"}}}, []string{"Notes"})
	tab, err := Read("one.xlsx", strings.NewReader(string(one)), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tab.Studies(StudyColumns{}, StudyOptions{})
	if err == nil || strings.Contains(err.Error(), "sheets") {
		t.Errorf("one-sheet workbook: %v", err)
	}
}
