package workflow

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/reliability"
	"github.com/alliance-research/alliance/datasets"
)

// ReliabilityOptions are the choices of 'alliance reliability': which
// coefficients of the item (or rater) columns to compute, as psych does.
type ReliabilityOptions struct {
	// Items names the item or rater columns (a list, or a prefix ending
	// in *).
	Items string
	// Alpha (Cronbach's alpha and item statistics) is computed when asked,
	// or when nothing else is. Reverse names items to reverse-score.
	Alpha   bool
	Reverse []string
	// Cumulative scores the alpha total as the sum of the items (default:
	// the mean).
	Cumulative bool
	// Omega with NFactors group factors (0: DefaultNFactors).
	Omega    bool
	NFactors int
	// ICC: the six Shrout & Fleiss ICCs; DropIncomplete leaves out targets
	// with a missing rating (default: an error naming the lines).
	ICC            bool
	DropIncomplete bool
	// Kappa: Cohen's (two raters) or Fleiss' (more).
	Kappa bool
	// Krippendorff: nominal, ordinal, interval or ratio ("" for none).
	Krippendorff string
	// Levels declares the ordered categories of the kappas and
	// Krippendorff's alpha for text (or numeric) labels: the order of
	// weighted kappa and the ordinal metric. Without, text labels are
	// ordered alphabetically (as R orders a factor's levels).
	Levels []string
	// Level is the confidence level (default 0.95).
	Level float64
}

// AlphaOutput is psych::alpha's result plus the per-item arrays of the
// JSON contract.
type AlphaOutput struct {
	reliability.AlphaResult
	ItemTotalR     []float64 `json:"item_total_r"`
	ItemTotalRDrop []float64 `json:"item_total_r_drop"`
	AlphaIfDeleted []float64 `json:"alpha_if_deleted"`
	Dropped        []string  `json:"dropped_items,omitempty"`
	Negative       []string  `json:"negative_items_names,omitempty"`
}

// ReliabilityRun holds the coefficients computed and the part every front
// end renders.
type ReliabilityRun struct {
	DataName     string                          `json:"data"`
	Items        []string                        `json:"items"`
	Alpha        *AlphaOutput                    `json:"alpha,omitempty"`
	Omega        *reliability.OmegaResult        `json:"omega,omitempty"`
	ICC          []reliability.ICCRow            `json:"icc,omitempty"`
	ICCAnova     *reliability.ICCResult          `json:"icc_anova,omitempty"`
	Kappa        *reliability.CohenResult        `json:"kappa,omitempty"`
	Fleiss       *reliability.FleissResult       `json:"fleiss,omitempty"`
	Krippendorff *reliability.KrippendorffResult `json:"krippendorff,omitempty"`
	// Categories are the category labels in the order coded 1, 2, ...
	// when the ratings were labels.
	Categories []string `json:"categories,omitempty"`

	src   Source
	opt   ReliabilityOptions
	sec   *Section
	cites []string
}

// ParseMetric reads a Krippendorff metric name.
func ParseMetric(s string) (reliability.Metric, error) {
	switch strings.ToLower(s) {
	case "nominal":
		return reliability.Nominal, nil
	case "ordinal":
		return reliability.Ordinal, nil
	case "interval":
		return reliability.Interval, nil
	case "ratio":
		return reliability.Ratio, nil
	}
	return 0, invalid("Krippendorff", "Krippendorff metric %q: give nominal, ordinal, interval or ratio", s)
}

// DefaultNFactors is the number of group factors of omega when none is
// given (psych::omega's nfactors = 3).
const DefaultNFactors = 3

// KrippendorffMetrics are the metrics of Krippendorff's alpha
// (ReliabilityOptions.Krippendorff, ParseMetric).
var KrippendorffMetrics = []string{"nominal", "ordinal", "interval", "ratio"}

// Reliability computes the coefficients opt asks for.
func Reliability(src Source, opt ReliabilityOptions) (*ReliabilityRun, error) {
	if opt.Level == 0 {
		opt.Level = 0.95
	}
	if opt.NFactors == 0 {
		opt.NFactors = DefaultNFactors
	}
	if opt.NFactors < 1 {
		return nil, invalid("NFactors", "%d group factors: give 1 or more", opt.NFactors)
	}
	if opt.Items == "" {
		return nil, invalid("Items", "name the item or rater columns (a list, or a prefix ending in *)")
	}
	var metric reliability.Metric
	if opt.Krippendorff != "" {
		m, err := ParseMetric(opt.Krippendorff)
		if err != nil {
			return nil, err
		}
		metric = m
	}
	t := src.Table
	names, err := ItemColumns(t, opt.Items)
	if err != nil {
		return nil, err
	}
	onlyCategorical := (opt.Kappa || opt.Krippendorff != "") && !opt.Alpha && !opt.Omega && !opt.ICC
	var rows [][]float64
	r := &ReliabilityRun{DataName: src.Label(), Items: names, src: src, opt: opt}
	if onlyCategorical && (opt.Levels != nil || !allNumeric(t, names)) {
		// Category labels: coded 1, 2, ... in the declared (or sorted)
		// order, as psych and irr accept any labels.
		cols := make([][]string, len(names))
		for j, n := range names {
			c, cerr := t.Column(n)
			if cerr != nil {
				return nil, cerr
			}
			cols[j] = c.Strings()
		}
		codes, levels, lerr := reliability.CodeLabels(cols, opt.Levels)
		if lerr != nil {
			return nil, atLines(lerr, t)
		}
		rows, r.Categories = codes, levels
	} else {
		rows, err = itemMatrix(t, names)
		if err != nil {
			return nil, err
		}
	}
	if opt.Alpha || (!opt.ICC && !opt.Kappa && !opt.Omega && opt.Krippendorff == "") {
		if err := r.alpha(rows); err != nil {
			return nil, err
		}
	}
	if opt.Omega {
		om, err := reliability.Omega(rows, reliability.OmegaOptions{NFactors: opt.NFactors})
		if err != nil {
			return nil, err
		}
		r.Omega = &om
	}
	if opt.ICC {
		if !opt.DropIncomplete {
			var lines []string
			for i, row := range rows {
				for _, v := range row {
					if math.IsNaN(v) {
						if len(lines) < 10 {
							lines = append(lines, strconv.Itoa(t.Line(i)))
						}
						break
					}
				}
			}
			if len(lines) > 0 {
				return nil, invalid("DropIncomplete", "%s: the ICC needs every target rated by every rater; missing ratings on line %s (leave those targets out, as psych::ICC(na.omit(x)))", t.Name, strings.Join(lines, ", "))
			}
		}
		res, err := reliability.ICC(rows, reliability.ICCOptions{Level: opt.Level, DropIncomplete: opt.DropIncomplete})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Name, err)
		}
		r.ICC, r.ICCAnova = res.Rows, &res
	}
	if opt.Kappa {
		if len(names) == 2 {
			a, b := make([]float64, len(rows)), make([]float64, len(rows))
			for i, row := range rows {
				a[i], b[i] = row[0], row[1]
			}
			ko := reliability.KappaOptions{Level: opt.Level}
			if r.Categories != nil {
				for i := range r.Categories {
					ko.Levels = append(ko.Levels, float64(i+1))
				}
			}
			k, err := reliability.CohenKappa(a, b, ko)
			if err != nil {
				return nil, err
			}
			r.Kappa = &k
		} else {
			k, err := reliability.FleissKappa(rows)
			if err != nil {
				return nil, err
			}
			r.Fleiss = &k
		}
	}
	if opt.Krippendorff != "" {
		k, err := reliability.Krippendorff(rows, metric)
		if err != nil {
			return nil, err
		}
		r.Krippendorff = &k
	}
	r.compose()
	return r, nil
}

func (r *ReliabilityRun) alpha(rows [][]float64) error {
	names := r.Items
	ao := reliability.AlphaOptions{Cumulative: r.opt.Cumulative, Level: r.opt.Level}
	if len(r.opt.Reverse) > 0 {
		ao.Keys = make([]float64, len(names))
		for j := range ao.Keys {
			ao.Keys[j] = 1
		}
		for _, rv := range r.opt.Reverse {
			j := indexFold(names, rv)
			if j < 0 {
				return invalid("Reverse", "%q is not one of the items (%s)", rv, strings.Join(names, ", "))
			}
			ao.Keys[j] = -1
		}
	}
	a, err := reliability.Alpha(rows, ao)
	if err != nil {
		return err
	}
	out := &AlphaOutput{AlphaResult: a}
	for _, it := range a.Items {
		out.ItemTotalR = append(out.ItemTotalR, it.RawR)
		out.ItemTotalRDrop = append(out.ItemTotalRDrop, it.RDrop)
		out.AlphaIfDeleted = append(out.AlphaIfDeleted, it.AlphaIfDeleted.RawAlpha)
	}
	for _, j := range a.Dropped {
		out.Dropped = append(out.Dropped, names[j])
	}
	for _, j := range a.NegativeItems {
		out.Negative = append(out.Negative, names[j])
	}
	r.Alpha = out
	return nil
}

// alphaReading puts alpha into words with the conventional (and arbitrary)
// bands of George & Mallery.
func alphaReading(a float64) string {
	var word string
	switch {
	case a >= .9:
		word = "excellent"
	case a >= .8:
		word = "good"
	case a >= .7:
		word = "acceptable"
	case a >= .6:
		word = "questionable"
	case a >= .5:
		word = "poor"
	default:
		word = "unacceptable"
	}
	return fmt.Sprintf("Internal consistency is %s by the usual rule of thumb (α = %s; bands .9/.8/.7/.6/.5, George & Mallery 2003 — a convention, not a test).", word, num(a, 2))
}

func (r *ReliabilityRun) compose() {
	s := &Section{ID: "reliability", Title: "Reliability — " + r.src.Label()}
	r.sec = s
	if a := r.Alpha; a != nil {
		s.H("alpha", fmt.Sprintf("Internal consistency of %d items (n = %d)", a.NVar, a.NObs))
		s.P(Result, fmt.Sprintf("Cronbach's α = %s, %s CI [%s, %s] (Feldt); standardized α = %s; λ6 = %s; average inter-item r = %s.",
			num(a.RawAlpha, 2), apa.Level(a.Level), num(a.FeldtLower, 2), num(a.FeldtUpper, 2), num(a.StdAlpha, 2), num(a.G6, 2), num(a.AverageR, 2)))
		t := &Table{Name: "items", Title: "Item statistics",
			Columns: []string{"Item", "n", "M", "SD", "r (item–total)", "r (corrected)", "r.cor", "α if deleted"},
			Right:   []bool{false, true, true, true, true, true, true, true}}
		for _, it := range a.Items {
			name := r.Items[it.Item]
			if it.Reversed {
				name += " (reversed)"
			}
			t.Rows = append(t.Rows, []string{name, strconv.Itoa(it.N), num(it.Mean, 2), num(it.SD, 2), num(it.RawR, 2), num(it.RDrop, 2), num(it.RCor, 2), num(it.AlphaIfDeleted.RawAlpha, 2)})
		}
		if len(a.Dropped) > 0 {
			t.Notes = append(t.Notes, "Left out (no variance): "+strings.Join(a.Dropped, ", ")+".")
		}
		if len(a.Negative) > 0 {
			t.Notes = append(t.Notes, "Negatively related to the scale — should they be reverse-scored? "+strings.Join(a.Negative, ", ")+".")
		}
		s.Add(t)
		s.P(Reading, alphaReading(a.RawAlpha))
		r.cites = append(r.cites, "cronbach1951")
	}
	if om := r.Omega; om != nil {
		s.H("omega", fmt.Sprintf("McDonald's omega — %d items, %d group factors (minres, oblimin, Schmid–Leiman)", om.NVar, om.NFactors))
		s.P(Result, fmt.Sprintf("ω total = %s, ω hierarchical = %s, ω asymptotic = %s; α = %s, λ6 = %s; explained common variance of g = %s.",
			num(om.OmegaTotal, 2), num(om.OmegaH, 2), num(om.OmegaLim, 2), num(om.Alpha, 2), num(om.G6, 2), num(om.ECV, 2)))
		t := &Table{Name: "omega", Title: "Omega by factor", Columns: []string{"Factor", "Items", "ω total", "ω general", "ω group"}, Right: []bool{false, true, true, true, true}}
		for _, g := range om.Groups {
			t.Rows = append(t.Rows, []string{g.Name, strconv.Itoa(len(g.Items)), num(g.Total, 2), num(g.General, 2), num(g.Group, 2)})
		}
		var flipped []string
		for j, k := range om.Key {
			if k < 0 {
				flipped = append(flipped, r.Items[j])
			}
		}
		if len(flipped) > 0 {
			t.Notes = append(t.Notes, "Reflected (negative g loadings), as psych does: "+strings.Join(flipped, ", ")+".")
		}
		s.Add(t)
	}
	if r.ICC != nil {
		a := r.ICCAnova
		s.H("icc", fmt.Sprintf("Intraclass correlations — %d targets rated by %d raters", a.NObs, a.NJudge))
		t := &Table{Name: "icc", Columns: []string{"Type", "Model", "ICC", "F", "df1", "df2", "p", apa.Level(a.Level) + " CI"},
			Right: []bool{false, false, true, true, true, true, true, false}}
		for _, x := range r.ICC {
			t.Rows = append(t.Rows, []string{x.Type, x.Model, num(x.ICC, 3), num(x.F, 2), num(x.DF1, 0), num(x.DF2, 0), pcell(x.P), interval(x.Lower, x.Upper, 3, false)})
		}
		if a.Dropped > 0 {
			t.Notes = append(t.Notes, fmt.Sprintf("%d targets with a missing rating were dropped.", a.Dropped))
		}
		s.Add(t)
		r.cites = append(r.cites, "shrout1979")
	}
	if k := r.Kappa; k != nil {
		s.H("kappa", fmt.Sprintf("Cohen's kappa — %s vs %s, %g units", r.Items[0], r.Items[1], k.N))
		s.P(Result, fmt.Sprintf("Observed agreement %s%%, expected by chance %s%%.", num(100*k.Agreement, 1), num(100*k.Expected, 1)))
		t := &Table{Name: "kappa", Columns: []string{"Weights", "κ", "SE", apa.Level(k.Level) + " CI"}, Right: []bool{false, true, true, false}}
		for _, x := range []struct {
			n string
			e reliability.KappaEstimate
		}{{"unweighted", k.Unweighted}, {"linear", k.Linear}, {"quadratic", k.Quadratic}} {
			t.Rows = append(t.Rows, []string{x.n, num(x.e.Kappa, 3), num(x.e.SE, 3), interval(x.e.Lower, x.e.Upper, 3, false)})
		}
		if k.Dropped > 0 {
			t.Notes = append(t.Notes, fmt.Sprintf("%d units with a missing rating were dropped.", k.Dropped))
		}
		if r.Categories != nil {
			how := "in the declared order"
			if r.opt.Levels == nil {
				how = "in alphabetical order (declare the order for weighted kappa)"
			}
			t.Notes = append(t.Notes, fmt.Sprintf("Categories %s, %s; the weighted kappas treat them as equally spaced.", strings.Join(r.Categories, ", "), how))
		}
		s.Add(t)
		r.cites = append(r.cites, "cohen1960")
	}
	if k := r.Fleiss; k != nil {
		s.H("fleiss", fmt.Sprintf("Fleiss' kappa — %d units, %d raters", k.NUnits, k.NRaters))
		t := &Table{Name: "fleiss", Columns: []string{"Category", "κ", "z", "p"}, Right: []bool{false, true, true, true}}
		for _, c := range k.Categories {
			cat := strconv.FormatFloat(c.Category, 'g', -1, 64)
			if i := int(c.Category) - 1; r.Categories != nil && i >= 0 && i < len(r.Categories) {
				cat = r.Categories[i]
			}
			t.Rows = append(t.Rows, []string{cat, num(c.Kappa, 3), num(c.Z, 2), pcell(c.P)})
		}
		t.Rows = append(t.Rows, []string{"overall", num(k.Kappa, 3), num(k.Z, 2), pcell(k.P)})
		if k.Dropped > 0 {
			t.Notes = append(t.Notes, fmt.Sprintf("%d units with a missing rating were dropped.", k.Dropped))
		}
		s.Add(t)
		r.cites = append(r.cites, "fleiss1971")
	}
	if k := r.Krippendorff; k != nil {
		s.H("krippendorff", "Krippendorff's alpha")
		s.P(Result, fmt.Sprintf("α (%s) = %s over %d pairable units (%d values); observed disagreement %s, expected %s.",
			k.Metric, num(k.Alpha, 3), k.Units, k.Pairable, num(k.Do, 4), num(k.De, 4)))
		s.Add(&Table{Name: "krippendorff", Columns: []string{"metric", "alpha", "Do", "De", "units", "pairable_values"},
			Right: []bool{false, true, true, true, true, true},
			Rows:  [][]string{{k.Metric, strconv.FormatFloat(k.Alpha, 'g', 10, 64), strconv.FormatFloat(k.Do, 'g', 10, 64), strconv.FormatFloat(k.De, 'g', 10, 64), strconv.Itoa(k.Units), strconv.Itoa(k.Pairable)}}})
		r.cites = append(r.cites, "krippendorff2004")
	}
}

// Output is the JSON result document.
func (r *ReliabilityRun) Output() any { return r }

// Section is the rendered body.
func (r *ReliabilityRun) Section() *Section { return r.sec }

// Methods is the methods text.
func (r *ReliabilityRun) Methods() string {
	var m []string
	if r.Alpha != nil {
		m = append(m, "Internal consistency is reported as Cronbach's (1951) α with Feldt's confidence interval")
	}
	if r.Omega != nil {
		m = append(m, "McDonald's ω from a Schmid–Leiman transformation of a minres factor solution")
	}
	if r.ICC != nil {
		m = append(m, "intraclass correlations after Shrout and Fleiss (1979)")
	}
	if r.Kappa != nil {
		m = append(m, "Cohen's (1960) κ")
	}
	if r.Fleiss != nil {
		m = append(m, "Fleiss' (1971) κ")
	}
	if r.Krippendorff != nil {
		m = append(m, "Krippendorff's (2004) α")
	}
	return strings.Join(m, "; ") + ", computed as in psych (Revelle)."
}

// Cites lists the citation keys used.
func (r *ReliabilityRun) Cites() []string { return r.cites }

// TopNotes are the notes to show first.
func (r *ReliabilityRun) TopNotes() []Note { return nil }

// Steps reproduce the coefficients.
func (r *ReliabilityRun) Steps() []Step {
	return []Step{{Purpose: "the reliability coefficients", Command: "alliance reliability " + shellQuote(r.src.Name) + " --items " + shellQuote(r.opt.Items)}}
}

// Data accounts for the table.
func (r *ReliabilityRun) Data() *DataPart {
	return &DataPart{Kind: "items", Source: r.src, Roles: map[string]string{"items": strings.Join(r.Items, ", ")}, Counts: map[string]int{"rows": r.src.Rows}}
}

var _ Part = (*ReliabilityRun)(nil)

// allNumeric reports whether every named column holds numbers only.
func allNumeric(t *datasets.Table, names []string) bool {
	for _, n := range names {
		c, err := t.Column(n)
		if err != nil || !c.IsNumeric() {
			return false
		}
	}
	return true
}

// atLines places a library input error's rows at the table's file lines.
func atLines(err error, t *datasets.Table) error {
	var ie *datasets.InputError
	if errors.As(err, &ie) {
		return ie.At(t.Name, t.Lines())
	}
	return err
}
