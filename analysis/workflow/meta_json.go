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
	if r.LocScale != nil {
		return r.locScaleOutput()
	}
	if r.Model == nil {
		return struct {
			Data string `json:"data"`
			*metamv.Result
			Bias *meta.BiasResult `json:"bias,omitempty"`
			mvInfluenceJSON
			RCode string `json:"r_code,omitempty"`
		}{r.DataName, r.ThreeLevel, r.ThreeLevelBias, r.mvInfluenceJSON(), r.RCode}
	}
	type threeLevel struct {
		*metamv.Result
		Bias *meta.BiasResult `json:"bias,omitempty"`
	}
	var three *threeLevel
	if r.ThreeLevel != nil {
		three = &threeLevel{r.ThreeLevel, r.ThreeLevelBias}
	}
	return struct {
		Data string `json:"data"`
		*meta.Result
		MetaExtras
		ThreeLevel *threeLevel `json:"three_level,omitempty"`
		RCode      string      `json:"r_code,omitempty"`
	}{r.DataName, r.Model, r.MetaExtras, three, r.RCode}
}
