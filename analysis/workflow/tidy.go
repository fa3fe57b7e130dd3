package workflow

import (
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/mixed"
	"github.com/alliance-research/alliance/analysis/reliability"
)

// TidyTable is one machine-readable table of a run: Rows is a slice of
// structs whose JSON field names are the columns (as the JSON output), so
// that --format csv gives one tidy table per concept with full-precision
// numbers, never the formatted cells of the APA tables.
type TidyTable struct {
	Name string
	Rows any
}

// Tidy lists the machine-readable tables of a meta-analysis, the
// coefficients first.
func (r *MetaRun) Tidy() []TidyTable {
	var out []TidyTable
	if r.LocScale != nil {
		return r.locScaleTidy()
	}
	if r.Model != nil {
		out = append(out, TidyTable{"coefficients", r.Model.Coefficients})
		out = append(out, TidyTable{"heterogeneity", []metaHet{hetRow(r.Model)}})
	} else if r.ThreeLevel != nil {
		out = append(out, TidyTable{"coefficients", r.ThreeLevel.Coefficients})
		if h := mvHetRows(r.ThreeLevel); h != nil {
			out = append(out, TidyTable{"heterogeneity", h})
		}
	}
	if r.Subgroups != nil {
		var rows []subgroupRow
		for i, f := range r.Subgroups.Fits {
			c := f.Coefficients[0]
			rows = append(rows, subgroupRow{r.Subgroups.Levels[i], f.K, c.Estimate, c.SE, c.P, c.CILB, c.CIUB, f.Tau2, f.I2})
		}
		out = append(out, TidyTable{"subgroups", rows})
	}
	if len(r.Influence) > 0 {
		out = append(out, TidyTable{"influence", r.Influence})
	}
	if len(r.Leave1out) > 0 {
		out = append(out, TidyTable{"leave1out", r.Leave1out})
	}
	if j := r.mvInfluenceJSON(); j.Influence != nil || j.Leave1out != nil {
		if j.Influence != nil {
			out = append(out, TidyTable{"influence", j.Influence.Clusters}, TidyTable{"influence-effects", j.Influence.Effects})
		}
		if j.Leave1out != nil {
			out = append(out, TidyTable{"leave1out", j.Leave1out})
		}
	}
	if len(r.Cumulative) > 0 {
		out = append(out, TidyTable{"cumulative", r.Cumulative})
	}
	if r.Robust != nil {
		out = append(out, TidyTable{"robust", r.Robust.Coefficients})
	}
	if r.ThreeLevel != nil && r.ThreeLevel.Robust != nil {
		out = append(out, TidyTable{"robust", r.ThreeLevel.Robust.Coefficients})
	}
	if r.Aggregated != nil {
		out = append(out, TidyTable{"aggregated", r.Aggregated.Rows})
	}
	out = append(out, r.uniDiagTidy()...)
	return append(out, r.bayesTidy()...)
}

type metaHet struct {
	K      int      `json:"k"`
	Tau2   float64  `json:"tau2"`
	SETau2 *float64 `json:"se_tau2"`
	I2     float64  `json:"I2"`
	H2     float64  `json:"H2"`
	QE     float64  `json:"QE"`
	QEDF   int      `json:"QE_df"`
	QEP    *float64 `json:"QE_p"`
	PILB   *float64 `json:"pi_lb"`
	PIUB   *float64 `json:"pi_ub"`
}

func hetRow(m *meta.Result) metaHet {
	return metaHet{m.K, m.Tau2, m.SETau2, m.I2, m.H2, m.QE, m.QEDF, m.QEP, m.PILB, m.PIUB}
}

type subgroupRow struct {
	Level    string  `json:"level"`
	K        int     `json:"k"`
	Estimate float64 `json:"estimate"`
	SE       float64 `json:"se"`
	P        float64 `json:"p"`
	CILB     float64 `json:"ci_lb"`
	CIUB     float64 `json:"ci_ub"`
	Tau2     float64 `json:"tau2"`
	I2       float64 `json:"I2"`
}

// Tidy lists the machine-readable tables of a mixed model.
func (r *LMMRun) Tidy() []TidyTable {
	out := []TidyTable{{"fixed", r.Fixed}, {"random", r.Random}}
	if r.opt.Ranef {
		out = append(out, TidyTable{"ranef", r.Ranef})
	}
	return out
}

// MixedTidy are the tidy tables of any mixed-model result.
func MixedTidy(r *mixed.Result) []TidyTable {
	return []TidyTable{{"fixed", r.Fixed}, {"random", r.Random}}
}

// Tidy lists the machine-readable tables of the reliability coefficients.
func (r *ReliabilityRun) Tidy() []TidyTable {
	var out []TidyTable
	if r.Alpha != nil {
		out = append(out, TidyTable{"items", r.Alpha.Items})
	}
	if r.Omega != nil {
		out = append(out, TidyTable{"omega", r.Omega.Groups})
	}
	if r.ICC != nil {
		out = append(out, TidyTable{"icc", r.ICC})
	}
	if r.Kappa != nil {
		k := r.Kappa
		out = append(out, TidyTable{"kappa", []kappaRow{{"unweighted", k.Unweighted}, {"linear", k.Linear}, {"quadratic", k.Quadratic}}})
	}
	if r.Fleiss != nil {
		out = append(out, TidyTable{"fleiss", r.Fleiss.Categories})
	}
	if r.Krippendorff != nil {
		out = append(out, TidyTable{"krippendorff", []reliability.KrippendorffResult{*r.Krippendorff}})
	}
	return out
}

type kappaRow struct {
	Weights string `json:"weights"`
	reliability.KappaEstimate
}

// Tidy lists the machine-readable tables of a panel model: the lagged
// paths, the long-run effects (when there are) and every parameter.
func (r *PanelRun) Tidy() []TidyTable {
	out := []TidyTable{{"lagged", r.Lagged}}
	if len(r.LongRun) > 0 {
		out = append(out, TidyTable{"long_run", r.LongRun})
	}
	return append(out, TidyTable{"parameters", r.Parameters})
}

// Tidy lists the machine-readable table of an IPD meta-analysis: one row
// per study and term (stage 1).
func (r *IPDRun) Tidy() []TidyTable { return []TidyTable{{"stage1", r.Stage1}} }
