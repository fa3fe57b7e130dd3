package measures

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// ScoreOptions controls Score.
type ScoreOptions struct {
	// MaxMissing is the largest share of a scale's items that may be
	// missing for the scale still to be scored, by prorating: a sum is
	// scaled up to the full number of items, Σ answered × (items/answered);
	// a mean is the mean of the answered items. 0 allows no missing item.
	MaxMissing float64
	// AllowIncomplete scores with a key whose Incomplete field is set.
	AllowIncomplete bool
}

// ValueError reports a response outside the key's range. Row and Item are
// 1-based (Row counts data rows, so a caller adds its header offset to
// name a file line).
type ValueError struct {
	Measure  string
	Row      int
	Item     int
	Value    float64
	Min, Max float64
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("measures: %s row %d, item %d: response %v is outside %v–%v (check the coding, or the key)", e.Measure, e.Row, e.Item, e.Value, e.Min, e.Max)
}

// ScaleScore is one scale's score for one respondent.
type ScaleScore struct {
	Scale string `json:"scale"`
	// Score is nil when too many items were missing.
	Score *float64 `json:"score"`
	// Answered and Missing count the scale's items.
	Answered int `json:"answered"`
	Missing  int `json:"missing"`
	// Prorated is true when the score was prorated over missing items.
	Prorated bool `json:"prorated"`
}

// RowScores are the scores of one respondent (data row).
type RowScores struct {
	Row    int          `json:"row"`
	Scales []ScaleScore `json:"scales"`
	// Band is the total score's severity band ("" if none or unscored).
	Band string `json:"band,omitempty"`
	// Clinical is true when the total is on the clinical (flagged)
	// side of the key's cut-off; nil without cut-off or total.
	Clinical *bool `json:"clinical,omitempty"`
}

// ScaleSummary counts, per scale, how many rows were scored, prorated and
// left missing.
type ScaleSummary struct {
	Scale    string `json:"scale"`
	Scored   int    `json:"scored"`
	Prorated int    `json:"prorated"`
	Missing  int    `json:"missing"`
}

// ScoreResult is the output of Score.
type ScoreResult struct {
	Measure string         `json:"measure"`
	Rows    []RowScores    `json:"rows"`
	Summary []ScaleSummary `json:"summary"`
}

// Score scores items (rows = respondents, columns = the key's items in
// order, NaN = missing) with key: reversed items become Min + Max − x; each
// scale (the total first, then the subscales) is the sum or mean of its
// items times the key's Multiplier, prorated when at most opt.MaxMissing of
// its items are missing and otherwise left missing. A response outside
// [Min, Max] is an error (*ValueError naming row and item); so is a row of
// the wrong length.
func Score(key Key, items [][]float64, opt ScoreOptions) (ScoreResult, error) {
	var res ScoreResult
	if err := key.Validate(); err != nil {
		return res, err
	}
	if key.Incomplete != "" && !opt.AllowIncomplete {
		return res, errs.New(errs.InvalidOption, "measures", "key %s is incomplete (%s); give a complete key file or allow the incomplete key", key.Name, key.Incomplete)
	}
	if !(opt.MaxMissing >= 0 && opt.MaxMissing < 1) {
		return res, errs.New(errs.InvalidOption, "measures", "max missing share %v is not in [0, 1)", opt.MaxMissing)
	}
	res.Measure = key.Name
	rev := make([]bool, key.Items)
	for _, it := range key.Reversed {
		rev[it-1] = true
	}
	all := make([]int, key.Items)
	for i := range all {
		all[i] = i + 1
	}
	scales := append([]Subscale{{Name: "total", Items: all}}, key.Subscales...)
	res.Summary = make([]ScaleSummary, len(scales))
	for s, sc := range scales {
		res.Summary[s].Scale = sc.Name
	}
	mult := key.Multiplier
	if mult == 0 {
		mult = 1
	}
	res.Rows = make([]RowScores, len(items))
	scored := make([]float64, key.Items)
	for r, row := range items {
		if len(row) != key.Items {
			return res, errs.Inputf("measures", 0, "%s row %d has %d items; the key has %d", key.Name, r+1, len(row), key.Items)
		}
		for j, v := range row {
			if math.IsNaN(v) {
				scored[j] = v
				continue
			}
			if v < key.Min || v > key.Max || math.IsInf(v, 0) {
				return res, &ValueError{Measure: key.Name, Row: r + 1, Item: j + 1, Value: v, Min: key.Min, Max: key.Max}
			}
			if rev[j] {
				v = key.Min + key.Max - v
			}
			scored[j] = v
		}
		rs := RowScores{Row: r + 1, Scales: make([]ScaleScore, len(scales))}
		for s, sc := range scales {
			var sum float64
			answered := 0
			for _, it := range sc.Items {
				if v := scored[it-1]; !math.IsNaN(v) {
					sum += v
					answered++
				}
			}
			n := len(sc.Items)
			ss := ScaleScore{Scale: sc.Name, Answered: answered, Missing: n - answered}
			if answered > 0 && float64(n-answered) <= opt.MaxMissing*float64(n)+1e-9 {
				var v float64
				if key.Rule == "sum" {
					v = sum * float64(n) / float64(answered)
				} else {
					v = sum / float64(answered)
				}
				v *= mult
				ss.Score = &v
				ss.Prorated = answered < n
				res.Summary[s].Scored++
				if ss.Prorated {
					res.Summary[s].Prorated++
				}
			} else {
				res.Summary[s].Missing++
			}
			rs.Scales[s] = ss
		}
		if t := rs.Scales[0].Score; t != nil {
			rs.Band = key.Band(*t)
			if key.Cutoff != 0 {
				c := *t >= key.Cutoff
				if key.CutoffDirection == "below" {
					c = *t < key.Cutoff
				}
				rs.Clinical = &c
			}
		}
		res.Rows[r] = rs
	}
	return res, nil
}
