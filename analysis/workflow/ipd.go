package workflow

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/datasets"
)

// IPDOptions are the choices of a two-stage individual-participant-data
// meta-analysis of session-level alliance effects (Flückiger et al. 2020):
// the session model of every study, then a random-effects meta-analysis of
// one of its coefficients.
type IPDOptions struct {
	// Study names the study column (default "study").
	Study string
	// Sessions is the stage-1 model, the options of 'alliance sessions'.
	Sessions SessionsOptions
	// Effect is the role of the pooled coefficient: within (default: the
	// within-patient alliance effect), between, patient or therapist.
	Effect string
	// Method is the τ² estimator of stage 2 (default REML); Test z or knha.
	Method, Test string
}

// IPDStudy is one study's stage-1 estimate, or why it has none.
type IPDStudy struct {
	Study    string  `json:"study"`
	Patients int     `json:"patients"`
	Rows     int     `json:"rows"`
	Term     string  `json:"term,omitempty"`
	Estimate float64 `json:"estimate"`
	SE       float64 `json:"se"`
	Error    string  `json:"error,omitempty"`
}

// IPDRun is a two-stage IPD meta-analysis and its document part.
type IPDRun struct {
	DataName string       `json:"data"`
	Effect   string       `json:"effect"`
	Studies  []IPDStudy   `json:"studies"`
	Pooled   *meta.Result `json:"pooled"`

	src  Source
	opt  IPDOptions
	sec  *Section
	top  []Note
	data *DataPart

	pooledLabels []string
}

// IPD fits the session model in every study of src and pools the chosen
// coefficient. Studies whose model cannot be fitted are listed with the
// reason, never dropped silently.
func IPD(src Source, opt IPDOptions) (*IPDRun, error) {
	if opt.Study == "" {
		opt.Study = "study"
	}
	if opt.Effect == "" {
		opt.Effect = "within"
	}
	switch opt.Effect {
	case "within", "between", "patient", "therapist":
	default:
		return nil, invalid("Effect", "effect %q: give within, between, patient or therapist", opt.Effect)
	}
	t := src.Table
	j := t.ColumnIndex(opt.Study)
	if j < 0 {
		return nil, inputErr(datasets.Problem{File: t.Name, Column: opt.Study, Msg: "no study column; columns are: " + t.ColumnList(), Hint: "study"})
	}
	parts, order, err := splitByStudy(t, j)
	if err != nil {
		return nil, err
	}
	if len(order) < 2 {
		return nil, inputErr(datasets.Problem{File: t.Name, Column: t.Header[j], Msg: fmt.Sprintf("%d study: an IPD meta-analysis needs at least 2", len(order))})
	}
	r := &IPDRun{DataName: src.Label(), Effect: opt.Effect, src: src, opt: opt}
	var yi, vi []float64
	var labels []string
	for _, name := range order {
		sub := parts[name]
		st := IPDStudy{Study: name, Rows: sub.NumRows()}
		run, serr := Sessions(FileSource(src.Name+"["+name+"]", sub), opt.Sessions)
		if serr != nil {
			st.Error = serr.Error()
			r.Studies = append(r.Studies, st)
			continue
		}
		st.Patients = run.Summary.Patients
		found := false
		for _, e := range run.Effects {
			if e.Role == opt.Effect {
				st.Term, st.Estimate, st.SE, found = e.Name, e.Estimate, e.SE, true
			}
		}
		if !found || !(st.SE > 0) {
			st.Error = fmt.Sprintf("the model has no %s alliance effect (e.g. no therapists for a therapist effect)", opt.Effect)
		} else {
			yi, vi, labels = append(yi, st.Estimate), append(vi, st.SE*st.SE), append(labels, name)
		}
		r.Studies = append(r.Studies, st)
	}
	failed := 0
	for _, s := range r.Studies {
		if s.Error != "" {
			failed++
		}
	}
	if failed > 0 {
		r.top = append(r.top, Note{Level: Warning, Text: fmt.Sprintf("%d of %d studies could not contribute (see the table of studies for the reasons)", failed, len(r.Studies))})
	}
	if len(yi) < 2 {
		return nil, inputErr(datasets.Problem{File: t.Name, Msg: fmt.Sprintf("only %d study gave an estimate; the reasons: %s", len(yi), r.failures())})
	}
	pooled, err := meta.Fit(yi, vi, meta.Options{Method: opt.Method, Test: opt.Test, Labels: labels, Level: opt.Sessions.Level})
	if err != nil {
		return nil, err
	}
	r.Pooled, r.pooledLabels = pooled, labels
	r.data = &DataPart{Kind: "session", Source: src, Roles: map[string]string{"study": t.Header[j]}, Counts: map[string]int{"studies": len(order), "studies pooled": len(yi), "rows": t.NumRows()}}
	r.compose()
	return r, nil
}

func (r *IPDRun) failures() string {
	var s []string
	for _, st := range r.Studies {
		if st.Error != "" {
			s = append(s, st.Study+": "+st.Error)
		}
	}
	return strings.Join(s, "; ")
}

// splitByStudy writes each study's rows as its own table (through the
// strict CSV reader, so each is validated as a file is), in order of first
// appearance.
func splitByStudy(t *datasets.Table, j int) (map[string]*datasets.Table, []string, error) {
	study := t.Col(j).Strings()
	rows := map[string][]int{}
	var order []string
	for i, s := range study {
		if s == "" {
			return nil, nil, inputErr(datasets.Problem{File: t.Name, Line: t.Line(i), Column: t.Header[j], Msg: "missing study id: every row needs its study"})
		}
		if _, ok := rows[s]; !ok {
			order = append(order, s)
		}
		rows[s] = append(rows[s], i)
	}
	cols := make([]*datasets.Column, t.NumCols())
	for k := range cols {
		cols[k] = t.Col(k)
	}
	out := map[string]*datasets.Table{}
	for _, s := range order {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		_ = w.Write(t.Header)
		rec := make([]string, len(cols))
		for _, i := range rows[s] {
			for k, c := range cols {
				rec[k] = c.String(i)
			}
			_ = w.Write(rec)
		}
		w.Flush()
		sub, err := datasets.ReadBytes(t.Name+"["+s+"]", b.Bytes(), datasets.ReadOptions{Decimal: t.Decimal, NA: t.NA()})
		if err != nil {
			return nil, nil, err
		}
		out[s] = sub
	}
	return out, order, nil
}

func (r *IPDRun) compose() {
	res := r.Pooled
	s := &Section{ID: "ipd", Title: "Two-stage IPD meta-analysis of the " + r.Effect + "-patient alliance effect"}
	r.sec = s
	s.P(Plain, fmt.Sprintf("Stage 1: the session model of 'alliance sessions' (%s) in each of %d studies of %s; stage 2: a random-effects meta-analysis (%s) of the %s alliance coefficient.",
		r.opt.Sessions.Model, len(r.Studies), r.src.Label(), res.Method, r.Effect))
	s.P(Result, res.Summary())
	t := &Table{Name: "studies", Title: "Stage 1: one estimate per study", Columns: []string{"Study", "Patients", "Rows", "b", "SE", "Weight (%)", "Note"},
		Right: []bool{false, true, true, true, true, true, false}}
	w := map[string]float64{}
	var wsum float64
	for i, row := range res.Rows {
		l := r.pooledLabels[row]
		w[l] = 1 / (res.Vi[i] + res.Tau2)
		wsum += w[l]
	}
	for _, st := range r.Studies {
		if st.Error != "" {
			t.Rows = append(t.Rows, []string{st.Study, itoa(st.Patients), itoa(st.Rows), "", "", "", "not pooled: " + st.Error})
			continue
		}
		t.Rows = append(t.Rows, []string{st.Study, itoa(st.Patients), itoa(st.Rows), num(st.Estimate, 3), num(st.SE, 3), num(100*w[st.Study]/wsum, 1), st.Term})
	}
	s.Add(t)
	s.Add(coefficientTable("Stage 2: pooled coefficient", res.Coefficients, nil, res.Test, res.Level, ""))
	s.Add(hetTable(res))
	c := res.Coefficients[0]
	s.P(Reading, fmt.Sprintf("Across studies, a 1-point %s-patient rise in alliance goes with a %s-point change in the next session's outcome on average (%s), with between-study SD τ = %s.",
		r.Effect, num(c.Estimate, 2), apa.CI(res.Level, c.CILB, c.CIUB, 2, false), num(math.Sqrt(res.Tau2), 3)))
}

func itoa(n int) string { return fmt.Sprint(n) }

// Output is the JSON result document.
func (r *IPDRun) Output() any { return r }

// Section is the rendered body.
func (r *IPDRun) Section() *Section { return r.sec }

// Methods is the methods text.
func (r *IPDRun) Methods() string {
	return "Individual participant data were analysed in two stages (Burke, Ensor & Riley, 2017): the session model in each study, then a random-effects meta-analysis of the alliance coefficients (Flückiger et al., 2020)."
}

// Cites lists the citation keys used.
func (r *IPDRun) Cites() []string { return []string{"fluckiger2020", "burke2017", "viechtbauer2010"} }

// TopNotes are the notes to show first.
func (r *IPDRun) TopNotes() []Note { return r.top }

// Steps reproduce the analysis.
func (r *IPDRun) Steps() []Step {
	return []Step{{Purpose: "the IPD meta-analysis", Command: "alliance ipd " + shellQuote(r.src.Name) + " --study " + shellQuote(r.opt.Study) + " --effect " + r.Effect}}
}

// Data accounts for the table.
func (r *IPDRun) Data() *DataPart { return r.data }

var _ Part = (*IPDRun)(nil)
