package workflow

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/datasets"
)

// IPDPooled is the stage-2 meta-analysis of one term: the 'alliance meta'
// run of the studies' estimates (yi = estimate, sei = SE). Its JSON is
// that of 'alliance meta' with a "term" field first.
type IPDPooled struct {
	Term string
	Meta *MetaRun
}

// MarshalJSON writes {"term": …, then the fields of 'alliance meta'}.
func (p IPDPooled) MarshalJSON() ([]byte, error) {
	b, err := jsonout.Marshal(p.Meta.Output())
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSpace(b)
	head := []byte(`{"term":` + strconv.Quote(p.Term))
	if len(b) > 2 {
		head = append(head, ',')
	}
	return append(head, b[1:]...), nil
}

// pool runs the stage-2 meta-analysis of one term over the usable stage-1
// rows: a table with columns study, yi, sei and the study-level
// moderators, analysed by Meta exactly as 'alliance meta' would analyse
// that file.
func (r *IPDRun) pool(term string, rows []IPDStage1) (*MetaRun, int, error) {
	mods := map[string]map[string]string{}
	for _, f := range r.fits {
		mods[f.study.name] = f.study.mods
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := append([]string{"study", "yi", "sei", "ni"}, r.modNames...)
	if r.robustCol != "" {
		head = append(head, ipdClusterCol)
	}
	_ = w.Write(head)
	k := 0
	for _, s := range rows {
		if s.Term != term || !s.usable() {
			continue
		}
		rec := []string{s.Study, strconv.FormatFloat(s.Estimate, 'g', -1, 64), strconv.FormatFloat(s.SE, 'g', -1, 64), strconv.Itoa(s.NPatients)}
		for _, m := range r.modNames {
			rec = append(rec, mods[s.Study][m])
		}
		if r.robustCol != "" {
			rec = append(rec, mods[s.Study][r.robustCol])
		}
		_ = w.Write(rec)
		k++
	}
	w.Flush()
	if k < 2 {
		return nil, k, nil
	}
	name := r.src.Name + " (stage 1, " + term + ")"
	t, err := datasets.ReadBytes(name, b.Bytes(), datasets.ReadOptions{})
	if err != nil {
		return nil, k, err
	}
	src := FileSource(name, t)
	src.Simulated = r.src.Simulated
	robust := ""
	if r.robustCol != "" {
		robust = ipdClusterCol
	}
	var figs []string
	for _, f := range r.opt.Figures {
		if f == "forest" {
			figs = append(figs, "forest")
		}
	}
	run, err := Meta(src, MetaOptions{Yi: "yi", Sei: "sei", N: "ni", Study: "study", Method: r.opt.Method, Test: r.opt.Test,
		Level: r.opt.Sessions.Level, Mods: r.modNames, Figures: figs, StudyTable: true, Robust: robust})
	return run, k, err
}

// ipdClusterCol is the stage-2 table's column of the robust clusters.
const ipdClusterCol = "robust_cluster"

// checkModNames refuses moderator names that clash with the stage-2
// table's own columns.
func checkModNames(mods []string) error {
	for _, m := range mods {
		switch strings.ToLower(m) {
		case "study", "yi", "sei", "ni", ipdClusterCol:
			return invalid("Mods", "moderator %q has the name of a stage-2 column (study, yi, sei, ni, robust_cluster): rename the column", m)
		}
	}
	return nil
}
