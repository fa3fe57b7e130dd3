package workflow

import (
	"fmt"

	"github.com/alliance-research/alliance/datasets"
)

// ReportIPDOptions are the report's choices for the IPD meta-analysis of
// multi-study session data: the report's session model in every study
// (stage 1), each alliance term pooled by REML with Knapp–Hartung tests
// (stage 2, the defaults of 'alliance ipd'), a forest plot per term, and
// the one-stage cross-check.
func ReportIPDOptions(o ReportSessionOptions) IPDOptions {
	so := SessionsOptions{Columns: o.Columns, Model: o.Model, Level: o.Level, AllianceLabel: o.AllianceLabel,
		OutcomeLabel: o.OutcomeLabel, Centring: o.Centring, AR1: o.AR1, MaxLagGap: o.MaxLagGap}
	return IPDOptions{Study: reportStudyColumn(o), Sessions: so, Figures: []string{"forest"}}
}

func reportStudyColumn(o ReportSessionOptions) string {
	if o.Study == "" {
		return "study"
	}
	return o.Study
}

// hasStudyColumn says the session table has the report's study column.
func hasStudyColumn(src Source, o ReportSessionOptions) bool {
	return src.Table != nil && src.Table.ColumnIndex(reportStudyColumn(o)) >= 0
}

// reportIPD runs the report's IPD meta-analysis of a session table with a
// study column (ReportSessionOptions.Study, default "study"; the caller
// checks hasStudyColumn: a table without one gets no IPD section and needs
// no note, as it holds one sample). Data with a study column that cannot support the analysis
// (one study, every study's model failing) leave the section out with a
// warning at the top giving the reason.
func reportIPD(src Source, o ReportSessionOptions) (*IPDRun, []Note) {
	col := reportStudyColumn(o)
	r, err := IPD(src, ReportIPDOptions(o))
	if err != nil {
		return nil, []Note{{Level: Warning, Text: "The IPD meta-analysis across the studies of column '" + col + "' was left out: " + err.Error() + ". Leave it out on request to silence this note, or run it with the ipd command."}}
	}
	return r, nil
}

// qualifyByStudy makes patient and therapist ids unique across studies
// for the report's pooled session analyses. Multi-study files (as 'alliance
// simulate sessions --studies' writes them, and as pooled study data
// usually come) number patients and therapists within each study, so
// patient 1 of study A and patient 1 of study B are different people.
// When the table has the study column and some patient id occurs in more
// than one study, the ids are rewritten as "study/id" (therapists too) and
// a note says so; otherwise src is returned unchanged with no note.
func qualifyByStudy(src Source, o ReportSessionOptions) (Source, []Note, error) {
	t := src.Table
	if t == nil {
		return src, nil, nil
	}
	js := t.ColumnIndex(reportStudyColumn(o))
	jp := roleIndex(t, o.Columns.Patient, datasets.DefaultPatient)
	if js < 0 || jp < 0 {
		return src, nil, nil
	}
	study, patient := t.Col(js).Strings(), t.Col(jp).Strings()
	shared := firstShared(study, patient)
	if shared < 0 {
		return src, nil, nil
	}
	qual := map[int]bool{jp: true}
	if jt := roleIndex(t, o.Columns.Therapist, datasets.DefaultTherapist); jt >= 0 {
		qual[jt] = true
	}
	q, err := retable(t, t.Name, nil, func(i, k int, v string) string {
		if qual[k] && v != "" {
			return study[i] + "/" + v
		}
		return v
	})
	if err != nil {
		return src, nil, err
	}
	out := src
	out.Table = q
	note := Note{Level: Info, Text: fmt.Sprintf("Patient ids repeat across the studies of column '%s' (patient %q is in more than one), so the pooled session analyses identify each patient (and therapist) by study and id, as study/id.", t.Header[js], patient[shared])}
	return out, []Note{note}, nil
}

// roleIndex finds a role column: the one named, or the first default
// present; -1 when there is none (the analyses then say so themselves).
func roleIndex(t *datasets.Table, named string, defaults []string) int {
	if named != "" {
		return t.ColumnIndex(named)
	}
	for _, d := range defaults {
		if j := t.ColumnIndex(d); j >= 0 {
			return j
		}
	}
	return -1
}

// firstShared is the row of the first patient id seen in a second study,
// or -1 when every id belongs to one study.
func firstShared(study, patient []string) int {
	first := map[string]string{}
	for i, p := range patient {
		if s, ok := first[p]; !ok {
			first[p] = study[i]
		} else if s != study[i] {
			return i
		}
	}
	return -1
}
