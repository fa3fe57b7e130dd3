package workflow

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/alliance-research/alliance/datasets"
)

// IPDOptions are the choices of an individual-participant-data (IPD)
// meta-analysis of session-level alliance effects (Flückiger et al. 2020;
// Burke, Ensor & Riley 2017): the session model of 'alliance sessions' in
// every study (stage 1), then a random-effects meta-analysis of each
// alliance term across studies (stage 2), beside one mixed model over all
// studies (the one-stage cross-check).
type IPDOptions struct {
	// Study names the study column of a single file (default "study").
	// With several files (IPDFiles) each file is one study, named by
	// StudyNames or by the file's base name without its extension.
	Study      string
	StudyNames []string
	// Sessions is the stage-1 model: every option of 'alliance sessions'
	// but the growth model (which has no alliance term). Its columns and
	// confidence level apply to a panel stage 1 too.
	Sessions SessionsOptions
	// Stage1 is the stage-1 model: Stage1Sessions (default), or
	// Stage1Panel, the dynamic panel model of 'alliance panel' (Panel) in
	// every study, whose lagged paths are pooled (terms crosslag, reverse,
	// ar_alliance, ar_outcome; default the two cross-lagged ones). The
	// RI-CLPM and the CLPM are then fitted stationary (lagged paths equal
	// over waves) so that each study gives one estimate per path, and every
	// study has the same waves: Panel.Waves, or the sessions observed for
	// at least half of all patients (at most 12).
	Stage1 string
	Panel  PanelOptions
	// Standardize z-standardises alliance and outcome within each study,
	// z = (x − mean)/SD over the study's observed values (SD with n − 1),
	// before stage 1, so that the coefficients are in SD units as
	// Flückiger et al. (2020) report them.
	Standardize bool
	// Terms are the alliance terms pooled in stage 2, by role: within,
	// between (patient mean), patient (patient mean minus therapist mean)
	// and therapist. Default: every one of these the stage-1 models have.
	// With a panel stage 1: crosslag, reverse, ar_alliance, ar_outcome
	// (default crosslag and reverse).
	Terms []string
	// Method is the τ² estimator of stage 2 (default REML) and Test its
	// inference (default knha: Knapp–Hartung), as 'alliance meta'.
	Method, Test string
	// Mods are study-level moderators (columns constant within each
	// study) entered in every stage-2 model as a meta-regression.
	Mods []string
	// Robust names a column constant within each stage-1 study that
	// groups the studies (samples) into clusters, such as the trial or
	// research group several samples come from: stage 2 then uses CR2
	// cluster-robust inference clustered by it (Pustejovsky & Tipton
	// 2018; 'alliance meta' with a robust cluster column), because
	// samples of one cluster are not independent.
	Robust string
	// Multivariate also pools the within and between (or patient) terms
	// jointly with their within-study covariance (a bivariate
	// random-effects model with known sampling covariances).
	Multivariate bool
	// NoOneStage skips the one-stage cross-check.
	NoOneStage bool
	// Figures to specify: "forest" (one forest plot of the studies per
	// pooled term, named forest-<term>).
	Figures []string
}

// ipdTerms are the alliance roles that can be pooled, in display order.
var ipdTerms = []string{"within", "between", "patient", "therapist"}

// ipdStudy is one study's data before stage 1.
type ipdStudy struct {
	name string
	src  Source
	mods map[string]string // study-level moderator values
}

// IPD runs an IPD meta-analysis of one long session table whose study
// column (opt.Study, default "study") says which study each row belongs
// to. Each study's rows are validated as a file of their own is.
func IPD(src Source, opt IPDOptions) (*IPDRun, error) {
	if len(opt.StudyNames) > 0 {
		return nil, invalid("StudyNames", "study names are for the studies of several files; one file names its studies in its study column")
	}
	if opt.Study == "" {
		opt.Study = "study"
	}
	if src.Table == nil {
		return nil, invalid("Source", "no input table")
	}
	t := src.Table
	j := t.ColumnIndex(opt.Study)
	if j < 0 {
		return nil, inputErr(datasets.Problem{File: t.Name, Column: opt.Study, Msg: "no study column; columns are: " + t.ColumnList(), Hint: "study"})
	}
	studies, err := splitByStudy(src, j, opt.studyLevel())
	if err != nil {
		return nil, err
	}
	src.Table = nil // each study has its own table now; the run keeps the source's description
	return runIPD(src, studies, t.Header[j], opt)
}

// IPDFiles runs an IPD meta-analysis of several session tables, one study
// each, named by opt.StudyNames (one per source) or by each file's base
// name without its extension. Study-level moderators (opt.Mods) must be
// constant within each file.
func IPDFiles(srcs []Source, opt IPDOptions) (*IPDRun, error) {
	if len(srcs) == 1 {
		return IPD(srcs[0], opt)
	}
	if len(opt.StudyNames) > 0 && len(opt.StudyNames) != len(srcs) {
		return nil, invalid("StudyNames", "%d study names for %d files: give one name per file", len(opt.StudyNames), len(srcs))
	}
	seen := map[string]bool{}
	var studies []ipdStudy
	for i, s := range srcs {
		if s.Table == nil {
			return nil, invalid("Source", "no input table for %s", s.Name)
		}
		name := strings.TrimSuffix(filepath.Base(s.Name), filepath.Ext(s.Name))
		if len(opt.StudyNames) > 0 {
			name = strings.TrimSpace(opt.StudyNames[i])
		}
		if name == "" || seen[name] {
			return nil, invalid("StudyNames", "study name %q of %s is empty or used twice: give distinct names", name, s.Name)
		}
		seen[name] = true
		st := ipdStudy{name: name, src: s}
		if lv := opt.studyLevel(); len(lv) > 0 {
			all := make([]int, s.Table.NumRows())
			for k := range all {
				all[k] = k
			}
			m, err := studyMods(s.Table, name, all, lv)
			if err != nil {
				return nil, err
			}
			st.mods = m
		}
		studies = append(studies, st)
	}
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = s.Name
	}
	combined := Source{Name: strings.Join(names, ", ")}
	for _, s := range srcs {
		combined.Rows += s.Rows
		combined.Simulated = combined.Simulated || s.Simulated
		combined.Notes = append(combined.Notes, s.Notes...)
	}
	return runIPD(combined, studies, "", opt)
}

// studyLevel are the columns read once per study: the moderators and the
// robust cluster column.
func (o IPDOptions) studyLevel() []string {
	if o.Robust == "" {
		return o.Mods
	}
	return append(append([]string(nil), o.Mods...), o.Robust)
}

// studyMods reads the study-level moderators of one study (rows of t):
// each must be present and take one value in every row of the study.
func studyMods(t *datasets.Table, study string, rows []int, mods []string) (map[string]string, error) {
	out := map[string]string{}
	for _, m := range mods {
		j := t.ColumnIndex(m)
		if j < 0 {
			return nil, inputErr(datasets.Problem{File: t.Name, Column: m, Msg: "no moderator column " + m + "; columns are: " + strings.Join(t.Header, ", "), Hint: "mods"})
		}
		c := t.Col(j)
		v := ""
		for n, i := range rows {
			s := strings.TrimSpace(c.String(i))
			if c.Missing(i) {
				return nil, inputErr(datasets.Problem{File: t.Name, Line: t.Line(i), Column: t.Header[j], Msg: fmt.Sprintf("study %q: the study-level moderator is missing; it must be given (the same value) in every row of the study", study)})
			}
			if n == 0 {
				v = s
			} else if s != v {
				return nil, inputErr(datasets.Problem{File: t.Name, Line: t.Line(i), Column: t.Header[j], Value: s, Msg: fmt.Sprintf("study %q: moderator %s is %q here but %q in the study's first row; a study-level moderator must be constant within each study", study, t.Header[j], s, v)})
			}
		}
		out[t.Header[j]] = v
	}
	return out, nil
}
