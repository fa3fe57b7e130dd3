package workflow

import (
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
)

// Output is the value whose JSON (package jsonout: undefined numbers as
// null) is the result document, in the field names of DESIGN.md: the
// univariate model's fields at the top level with the optional analyses
// beside them; a three-level model alone at the top level (sigma2,
// robust, ...), or under "three_level" beside a univariate model.
func (r *MetaRun) Output() any {
	type extras struct {
		Subgroups   *meta.SubgroupResult `json:"subgroups,omitempty"`
		Permutation *meta.PermResult     `json:"permutation,omitempty"`
		Bias        *meta.BiasResult     `json:"bias,omitempty"`
		Influence   []meta.InfluenceRow  `json:"influence,omitempty"`
		Baujat      []meta.BaujatPoint   `json:"baujat,omitempty"`
		Leave1out   []meta.SummaryRow    `json:"leave1out,omitempty"`
		Cumulative  []meta.SummaryRow    `json:"cumulative,omitempty"`
		Robust      *metamv.Robust       `json:"robust,omitempty"`
		Aggregated  *metamv.AggTable     `json:"aggregated,omitempty"`
	}
	ex := extras{r.Subgroups, r.Permutation, r.Bias, r.Influence, r.Baujat, r.Leave1out, r.Cumulative, r.Robust, r.Aggregated}
	if r.Model == nil {
		return struct {
			Data string `json:"data"`
			*metamv.Result
			RCode string `json:"r_code,omitempty"`
		}{r.DataName, r.ThreeLevel, r.RCode}
	}
	return struct {
		Data string `json:"data"`
		*meta.Result
		extras
		ThreeLevel *metamv.Result `json:"three_level,omitempty"`
		RCode      string         `json:"r_code,omitempty"`
	}{r.DataName, r.Model, ex, r.ThreeLevel, r.RCode}
}
