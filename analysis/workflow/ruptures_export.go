package workflow

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/rupture"
)

// StudyRowHeader is the header of the study table an exported rupture
// effect is written to: the columns 'alliance meta' reads by default.
var StudyRowHeader = []string{"study", "ri", "ni", "yi", "vi"}

// ExportEffect returns the study table existing (a CSV file's content,
// empty for a new file) with the repaired-vs-unrepaired contrast appended
// as one row (study, ri, ni, yi, vi), so that the effects of several
// studies can be collected and pooled in a meta-analysis. study labels the
// row (default: the data name). existing must be a study table with
// exactly that header; appended says whether it held one.
func (r *RupturesRun) ExportEffect(existing []byte, study string) (out []byte, row rupture.StudyRow, appended bool, err error) {
	eff := r.RepairEffect()
	if eff == nil {
		return nil, row, false, errs.New(errs.TooFew, "", "no repaired-vs-unrepaired effect to export (needs an outcome column and at least two patients in each class)")
	}
	if study == "" {
		study = r.src.Name
	}
	row = eff.StudyRow(study)
	var b bytes.Buffer
	appended = len(existing) > 0
	if appended {
		first, _, _ := strings.Cut(string(existing), "\n")
		if strings.TrimSpace(strings.TrimPrefix(first, "\ufeff")) != strings.Join(StudyRowHeader, ",") {
			return nil, row, true, invalid("Export", "the file exists but is not a study table with the header %s; give a new file name", strings.Join(StudyRowHeader, ","))
		}
		b.Write(existing)
		if !bytes.HasSuffix(existing, []byte("\n")) {
			b.WriteByte('\n')
		}
	}
	w := csv.NewWriter(&b)
	if !appended {
		_ = w.Write(StudyRowHeader)
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	_ = w.Write([]string{row.Study, f(row.R), strconv.Itoa(row.N), f(row.YI), f(row.VI)})
	w.Flush()
	return b.Bytes(), row, appended, w.Error()
}
