package workflow

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/datasets"
)

// effects are the analysed effect sizes and what they stand for.
type effects struct {
	yi, vi  []float64
	measure string // ZCOR, COR, UCOR, GEN or a user label
	labels  []string
	n       []float64
	mods    []meta.Moderator
	scale   []meta.Moderator // scale moderators of a location–scale model
	// id columns, by lower-case name: cluster, inner, aggregation, robust,
	// leave-cluster-out.
	ids            map[string][]string
	outer, inner   string // three-level columns ("" when none)
	cumOrder       []float64
	subgroup       []string
	aggregatedFrom int
	nClusters      int
	weights        []float64 // user weights (MetaOptions.Weights), nil if none
}

// idColumns lists the id columns the options need, in a fixed order.
func (o MetaOptions) idColumns(info *datasets.Info) (cols []string, outer, inner string) {
	seen := map[string]bool{}
	add := func(c string) {
		c = strings.TrimSpace(c)
		if c != "" && !seen[strings.ToLower(c)] {
			seen[strings.ToLower(c)] = true
			cols = append(cols, c)
		}
	}
	if o.Cluster != "" {
		parts := strings.SplitN(o.Cluster, "/", 2)
		outer = strings.TrimSpace(parts[0])
		add(outer)
		if len(parts) == 2 {
			inner = strings.TrimSpace(parts[1])
			add(inner)
		}
	}
	add(o.Aggregate)
	add(o.Robust)
	add(o.LeaveClusterOut)
	if len(cols) == 0 && info != nil {
		for _, c := range info.StudyColumns.Cluster {
			add(c)
		}
	}
	return cols, outer, inner
}

// load validates the study table and computes the effect sizes.
func (r *MetaRun) load() error {
	o := r.opt
	ids, outer, inner := o.idColumns(r.src.Info)
	cols := datasets.StudyColumns{Label: o.Study, R: o.R, N: o.N, Yi: o.Yi, Vi: o.Vi, Sei: o.Sei, Mods: append([]string(nil), o.Mods...), Cluster: ids}
	if o.Subgroup != "" {
		cols.Mods = append(cols.Mods, o.Subgroup)
	}
	if o.Cumulative != "" {
		cols.Mods = append(cols.Mods, o.Cumulative)
	}
	cols.Mods = append(cols.Mods, o.Scale...)
	if o.Weights != "" {
		cols.Mods = append(cols.Mods, o.Weights)
	}
	useES := o.Yi != "" || o.Vi != "" || o.Sei != ""
	st, err := r.src.Table.Studies(cols, datasets.StudyOptions{FisherZ: !useES && (o.Measure == "" || o.Measure == "ZCOR")})
	if err != nil {
		return err
	}
	r.st = st
	e := effects{ids: map[string][]string{}, outer: outer, inner: inner, labels: st.Label, n: st.N}
	for i, c := range ids {
		e.ids[strings.ToLower(c)] = st.Cluster[i].Text
	}
	if err = r.effectSizes(&e, useES); err != nil {
		return err
	}
	nm := len(o.Mods)
	for _, v := range st.Mods[:nm] {
		m, merr := moderatorOf(st, v, "moderator")
		if merr != nil {
			return merr
		}
		e.mods = append(e.mods, m)
	}
	next := nm
	if o.Subgroup != "" {
		e.subgroup = varText(&st.Mods[next])
		next++
	}
	if o.Cumulative != "" {
		v := st.Mods[next]
		if !v.Numeric {
			return inputErr(datasets.Problem{File: st.Name, Column: v.Name, Msg: fmt.Sprintf("the cumulative meta-analysis is ordered by a numeric column; %q is text", v.Name)})
		}
		e.cumOrder = v.Num
		next++
	}
	if e.scale, err = r.scaleModerators(st, next); err != nil {
		return err
	}
	next += len(o.Scale)
	if o.Weights != "" {
		if e.weights, err = weightsOf(st, st.Mods[next]); err != nil {
			return err
		}
	}
	r.data = &DataPart{Kind: "study-level", Source: r.src, Roles: map[string]string{}, Counts: map[string]int{"rows": st.K()}}
	for role, name := range map[string]string{"study label": st.Columns.Label, "r": st.Columns.R, "n": st.Columns.N, "yi": st.Columns.Yi, "vi": st.Columns.Vi, "sei": st.Columns.Sei} {
		if name != "" {
			r.data.Roles[role] = name
		}
	}
	if e.measure == "ZCOR" || e.measure == "COR" || e.measure == "UCOR" {
		if st.R != nil {
			delete(r.data.Roles, "yi")
			delete(r.data.Roles, "vi")
			delete(r.data.Roles, "sei")
		}
	}
	if len(o.Mods) > 0 {
		r.data.Roles["moderators"] = strings.Join(o.Mods, ", ")
	}
	if o.Subgroup != "" {
		r.data.Roles["subgroups"] = o.Subgroup
	}
	if outer != "" {
		r.data.Roles["cluster (study)"] = outer
		if inner != "" {
			r.data.Roles["effect id"] = inner
		}
	}
	if o.ThreeLevelAuto && o.Cluster == "" && o.Aggregate == "" {
		r.detectNesting(&e, ids)
	}
	if o.SuggestModerators {
		r.suggestModerators()
	}
	if o.Aggregate != "" {
		if err := r.aggregate(&e); err != nil {
			return err
		}
	}
	r.eff = e
	return nil
}

// moderatorOf is the moderator of column v (a factor when it is text); a
// text column with one value in every study is an input error.
func moderatorOf(st *datasets.Studies, v datasets.Var, what string) (meta.Moderator, error) {
	m := meta.Moderator{Name: v.Name}
	if v.Numeric {
		m.Numeric = v.Num
		return m, nil
	}
	m.Text = v.Text
	if lv, n := levels(v.Text); n == 1 {
		return m, inputErr(datasets.Problem{File: st.Name, Column: v.Name, Msg: fmt.Sprintf("%s %q has the one value %q in every study, so it cannot explain differences between studies; drop it or check the column", what, v.Name, cutValue(lv))})
	}
	return m, nil
}

// detectNesting sets up the three-level model when effects are nested in
// studies: the embedded dataset's cluster column, or repeated study labels.
func (r *MetaRun) detectNesting(e *effects, ids []string) {
	st := r.st
	outer := ""
	switch {
	case len(ids) > 0:
		outer = ids[0]
	case st.Columns.Label != "" && repeats(st.Label):
		outer = st.Columns.Label
		e.ids[strings.ToLower(outer)] = st.Label
	default:
		return
	}
	n := distinct(e.ids[strings.ToLower(outer)])
	if n >= len(e.ids[strings.ToLower(outer)]) || n < 2 {
		return
	}
	e.outer = outer
	r.opt.Cluster, r.opt.Univariate, r.opt.Robust = outer, true, outer
	r.data.Roles["cluster (study)"] = outer
	r.top = append(r.top, Note{Level: Info, Text: fmt.Sprintf("%d effect sizes come from %d studies (column %s): a three-level model of effects nested in studies, with CR2 inference clustered by study, is reported beside the univariate model", len(st.Label), n, outer)})
}

// suggestModerators notes the unused columns that could be moderators.
func (r *MetaRun) suggestModerators() {
	used := map[string]bool{}
	for _, n := range r.data.Roles {
		for _, c := range strings.Split(n, ", ") {
			used[strings.ToLower(c)] = true
		}
	}
	for _, c := range r.st.Cluster {
		used[strings.ToLower(c.Name)] = true
	}
	var cand []string
	t := r.src.Table
	for j, h := range t.Header {
		if used[strings.ToLower(h)] {
			continue
		}
		col := t.Col(j)
		lv := map[string]bool{}
		for i := 0; i < col.Len(); i++ {
			if !col.Missing(i) {
				lv[col.String(i)] = true
			}
		}
		if len(lv) >= 2 && (col.IsNumeric() || len(lv) <= t.NumRows()/2) {
			cand = append(cand, h)
		}
	}
	if len(cand) > 0 {
		r.top = append(r.top, Note{Level: Info, Text: fmt.Sprintf("Not tested as moderators: %s; moderators are analysed only when named.", strings.Join(cand, ", "))})
	}
}

// effectSizes picks the effect sizes: precomputed yi with vi (or sei) when
// they are named or when the table has no r and n; else r and n through
// escalc.
func (r *MetaRun) effectSizes(e *effects, _ bool) error {
	es, err := r.st.EffectSizes(datasets.EffectOptions{Measure: r.opt.Measure, VType: r.opt.VType})
	if err != nil {
		return err
	}
	e.yi, e.vi, e.measure = es.Yi, es.Vi, es.Measure
	return nil
}

// aggregate replaces the effects by one aggregated effect per cluster.
func (r *MetaRun) aggregate(e *effects) error {
	o, st := r.opt, r.st
	cluster := e.ids[strings.ToLower(o.Aggregate)]
	rho := o.Rho
	if !o.RhoSet {
		rho = 0.5
		r.top = append(r.top, Note{Level: Warning, Text: "aggregation assumes a within-cluster correlation of .5 between effect sizes (set it explicitly)"})
	}
	var tab *effectsize.AggTable
	var err error
	if o.AggregateMethod == "mac" {
		if st.R == nil || st.N == nil {
			return invalid("AggregateMethod", "the MAc composite needs correlations and sample sizes")
		}
		tab, err = effectsize.AggregateMAc(st.R, st.N, cluster, rho)
	} else {
		tab, err = effectsize.AggregateCS(e.yi, e.vi, st.N, cluster, rho)
	}
	if err != nil {
		return invalid("Aggregate", "%v", err)
	}
	e.aggregatedFrom = len(cluster)
	e.yi, e.vi, e.labels, e.n = nil, nil, nil, nil
	var rr []float64
	for _, row := range tab.Rows {
		e.labels = append(e.labels, row.Cluster)
		e.yi, e.vi = append(e.yi, row.Yi), append(e.vi, row.Vi)
		rr, e.n = append(rr, row.Yi), append(e.n, row.N)
	}
	if o.AggregateMethod == "mac" {
		m, err := effectsize.ParseMeasure(e.measure)
		if err != nil {
			return invalid("Measure", "%v", err)
		}
		t, err := effectsize.Escalc(m, effectsize.VType(o.VType), rr, e.n)
		if err != nil {
			return invalid("Aggregate", "aggregated correlations: %v", err)
		}
		e.yi, e.vi = t.Yi, t.Vi
		for i := range tab.Rows {
			tab.Rows[i].Vi = e.vi[i]
		}
	}
	e.mods = nil
	r.Aggregated = tab
	r.top = append(r.top, Note{Level: Info, Text: fmt.Sprintf("%d effect sizes were aggregated into %d clusters of %s (%s, ρ = %g) before the analysis", len(cluster), len(tab.Rows), o.Aggregate, strings.ToUpper(o.AggregateMethod), rho)})
	return nil
}

// varText returns a column's values as text ("" for missing).
func varText(v *datasets.Var) []string {
	if !v.Numeric {
		return v.Text
	}
	out := make([]string, len(v.Num))
	for i, x := range v.Num {
		if !math.IsNaN(x) {
			out[i] = strconv.FormatFloat(x, 'g', -1, 64)
		}
	}
	return out
}

// levels returns one non-empty value of s and the number of distinct
// non-empty values.
func levels(s []string) (string, int) {
	seen := map[string]bool{}
	one := ""
	for _, x := range s {
		if x != "" && !seen[x] {
			seen[x] = true
			one = x
		}
	}
	return one, len(seen)
}

// cutValue shortens a cell value for a message: at most 80 runes, with the
// number left out.
func cutValue(s string) string {
	r := []rune(s)
	if len(r) <= 80 {
		return s
	}
	return fmt.Sprintf("%s… (%d more characters)", string(r[:80]), len(r)-80)
}

func distinct(s []string) int {
	seen := make(map[string]bool, len(s))
	for _, x := range s {
		seen[x] = true
	}
	return len(seen)
}

func repeats(s []string) bool { return distinct(s) < len(s) }
