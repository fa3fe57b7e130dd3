package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/jsonout"

	"github.com/alliance-research/alliance/analysis/reliability"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// reliabilityFlags are the flags of 'alliance reliability'.
type reliabilityFlags struct {
	read           readFlags
	items, reverse string
	alpha, icc     bool
	omega          bool
	nfactors       int
	kappa          bool
	kripp          string
	cumulative     bool
	dropIncomplete bool
	level          float64
	rrs            threeRSFlags
}

func newReliabilityCmd(e *env) *cobra.Command {
	rf := &reliabilityFlags{}
	cmd := &cobra.Command{
		Use:   "reliability FILE --items a,b,c",
		Short: "Alpha, omega, ICC, Cohen/Fleiss kappa, Krippendorff's alpha and 3RS codes (psych's numbers)",
		Long: `Reliability of questionnaire items and of raters, as the R package psych
2.2.9 computes it:

  --alpha          Cronbach's alpha (raw and standardized), Guttman's lambda 6,
                   average inter-item r, item–total correlations, alpha if item
                   deleted, Feldt CI (psych::alpha); the default
  --omega          omega total and hierarchical via minres factoring, oblimin
                   rotation and the Schmid–Leiman transformation (psych::omega;
                   --nfactors 3)
  --icc            the six Shrout & Fleiss (1979) ICCs with F tests and CIs
                   (psych::ICC); columns = raters, rows = targets
  --kappa          Cohen's kappa (unweighted, linear, quadratic) for two rater
                   columns (psych::cohen.kappa); Fleiss' kappa for more
  --3rs            3RS rupture-resolution codes (Eubanks, Muran & Safran):
                   segment rows (session, segment, coder, marker counts
                   w_*, c_*, r_*, ratings rating_*) → session frequencies and
                   ratings per coder, ICCs and kappas across coders
  --krippendorff M Krippendorff's alpha, metric nominal, ordinal, interval or
                   ratio; missing ratings allowed

--items names the columns: a comma-separated list, or a prefix ending in *
(e.g. "wai*").`,
		Example: `  alliance reliability wai.csv --items "wai*" --reverse wai3,wai7
  alliance reliability ratings.csv --items r1,r2,r3,r4 --icc
  alliance reliability codes.csv --items coderA,coderB --kappa --krippendorff nominal`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runReliability(e, rf, args) },
	}
	f := cmd.Flags()
	rf.read.register(cmd, "")
	f.StringVar(&rf.items, "items", "", "item or rater columns: a comma-separated list, or a prefix ending in * (required)")
	f.StringVar(&rf.reverse, "reverse", "", "alpha: items to reverse-score (max + min − x, from the observed range)")
	f.BoolVar(&rf.alpha, "alpha", false, "Cronbach's alpha and item statistics (default when nothing else is asked)")
	f.BoolVar(&rf.icc, "icc", false, "intraclass correlations (Shrout & Fleiss)")
	f.BoolVar(&rf.omega, "omega", false, "McDonald's omega total and hierarchical (minres, oblimin, Schmid–Leiman; psych::omega)")
	f.IntVar(&rf.nfactors, "nfactors", 3, "omega: number of group factors (1: omega total of a one-factor model)")
	f.BoolVar(&rf.kappa, "kappa", false, "Cohen's kappa (2 raters) or Fleiss' kappa (more)")
	f.StringVar(&rf.kripp, "krippendorff", "", "Krippendorff's alpha with metric nominal, ordinal, interval or ratio")
	f.BoolVar(&rf.cumulative, "cumulative", false, "alpha: total score as the sum of the items (default: the mean)")
	f.BoolVar(&rf.dropIncomplete, "drop-incomplete", false, "ICC: drop targets with a missing rating (psych::ICC(na.omit(x))); default: error")
	f.Float64Var(&rf.level, "level", 95, "confidence level in percent")
	rf.rrs.register(cmd)
	return cmd
}

// reliabilityOutput is the JSON document of 'alliance reliability'.
type reliabilityOutput struct {
	Data         string                          `json:"data"`
	Items        []string                        `json:"items"`
	Alpha        *alphaJSON                      `json:"alpha,omitempty"`
	Omega        *reliability.OmegaResult        `json:"omega,omitempty"`
	ICC          []reliability.ICCRow            `json:"icc,omitempty"`
	ICCAnova     *reliability.ICCResult          `json:"icc_anova,omitempty"`
	Kappa        *reliability.CohenResult        `json:"kappa,omitempty"`
	Fleiss       *reliability.FleissResult       `json:"fleiss,omitempty"`
	Krippendorff *reliability.KrippendorffResult `json:"krippendorff,omitempty"`
}

// alphaJSON is psych::alpha's result plus the per-item arrays named in the
// JSON contract (item_total_r, item_total_r_drop, alpha_if_deleted).
type alphaJSON struct {
	reliability.AlphaResult
	ItemTotalR     []float64 `json:"item_total_r"`
	ItemTotalRDrop []float64 `json:"item_total_r_drop"`
	AlphaIfDeleted []float64 `json:"alpha_if_deleted"`
	Dropped        []string  `json:"dropped_items,omitempty"`
	Negative       []string  `json:"negative_items_names,omitempty"`
}

func runReliability(e *env, rf *reliabilityFlags, args []string) error {
	level, err := parseLevel(rf.level)
	if err != nil {
		return err
	}
	if rf.rrs.on {
		src, err := rf.read.source(e, args, "")
		if err != nil {
			return err
		}
		return runThreeRS(e, &rf.rrs, src, level)
	}
	if rf.items == "" {
		return usagef("name the item or rater columns with --items (a list, or a prefix ending in *)")
	}
	src, err := rf.read.load(e, args, "")
	if err != nil {
		return err
	}
	names, err := itemColumns(src.table, rf.items)
	if err != nil {
		return err
	}
	tc := &tableColumns{t: src.table}
	cols := make([][]float64, len(names))
	for j, n := range names {
		cols[j] = tc.numeric(n, "--items")
	}
	if err := tc.err(); err != nil {
		return err
	}
	rows := make([][]float64, src.table.NumRows())
	for i := range rows {
		rows[i] = make([]float64, len(names))
		for j := range names {
			rows[i][j] = cols[j][i]
		}
	}
	out := reliabilityOutput{Data: src.table.Name, Items: names}
	if src.embedded != nil {
		out.Data = src.embedded.Name
	}
	doAlpha := rf.alpha || (!rf.icc && !rf.kappa && !rf.omega && rf.kripp == "")
	if doAlpha {
		opt := reliability.AlphaOptions{Cumulative: rf.cumulative, Level: level}
		if rf.reverse != "" {
			opt.Keys = make([]float64, len(names))
			for j := range opt.Keys {
				opt.Keys[j] = 1
			}
			for _, r := range splitList(rf.reverse) {
				j := indexFold(names, r)
				if j < 0 {
					return usagef("--reverse %q is not one of the --items (%s)", r, strings.Join(names, ", "))
				}
				opt.Keys[j] = -1
			}
		}
		a, err := reliability.Alpha(rows, opt)
		if err != nil {
			return usageError{err}
		}
		aj := &alphaJSON{AlphaResult: a}
		for _, it := range a.Items {
			aj.ItemTotalR = append(aj.ItemTotalR, it.RawR)
			aj.ItemTotalRDrop = append(aj.ItemTotalRDrop, it.RDrop)
			aj.AlphaIfDeleted = append(aj.AlphaIfDeleted, it.AlphaIfDeleted.RawAlpha)
		}
		for _, j := range a.Dropped {
			aj.Dropped = append(aj.Dropped, names[j])
		}
		for _, j := range a.NegativeItems {
			aj.Negative = append(aj.Negative, names[j])
		}
		out.Alpha = aj
	}
	if rf.omega {
		om, err := reliability.Omega(rows, reliability.OmegaOptions{NFactors: rf.nfactors})
		if err != nil {
			return usageError{err}
		}
		out.Omega = &om
	}
	if rf.icc && !rf.dropIncomplete {
		var lines []string
		for i, row := range rows {
			for _, v := range row {
				if math.IsNaN(v) {
					if len(lines) < 10 {
						lines = append(lines, strconv.Itoa(src.table.Line(i)))
					}
					break
				}
			}
		}
		if len(lines) > 0 {
			return usagef("%s: the ICC needs every target rated by every rater; missing ratings on line %s (add --drop-incomplete to leave those targets out, as psych::ICC(na.omit(x)))", src.table.Name, strings.Join(lines, ", "))
		}
	}
	if rf.icc {
		r, err := reliability.ICC(rows, reliability.ICCOptions{Level: level, DropIncomplete: rf.dropIncomplete})
		if err != nil {
			return usageError{fmt.Errorf("%s: %w", src.table.Name, err)}
		}
		out.ICC = r.Rows
		out.ICCAnova = &r
	}
	if rf.kappa {
		if len(names) == 2 {
			k, err := reliability.CohenKappa(cols[0], cols[1], reliability.KappaOptions{Level: level})
			if err != nil {
				return usageError{err}
			}
			out.Kappa = &k
		} else {
			k, err := reliability.FleissKappa(rows)
			if err != nil {
				return usageError{err}
			}
			out.Fleiss = &k
		}
	}
	if rf.kripp != "" {
		var m reliability.Metric
		switch strings.ToLower(rf.kripp) {
		case "nominal":
			m = reliability.Nominal
		case "ordinal":
			m = reliability.Ordinal
		case "interval":
			m = reliability.Interval
		case "ratio":
			m = reliability.Ratio
		default:
			return usagef("--krippendorff %q: give nominal, ordinal, interval or ratio", rf.kripp)
		}
		k, err := reliability.Krippendorff(rows, m)
		if err != nil {
			return usageError{err}
		}
		out.Krippendorff = &k
	}
	return e.emit(func(w io.Writer) error {
		if e.format == "json" {
			return jsonout.Write(w, out)
		}
		return renderReliability(w, e.format, &out)
	})
}

// itemColumns resolves --items: a list of names, or a prefix ending in "*"
// matching columns in file order.
func itemColumns(t *datasets.Table, spec string) ([]string, error) {
	if strings.HasSuffix(spec, "*") && !strings.Contains(spec, ",") {
		prefix := strings.ToLower(strings.TrimSuffix(spec, "*"))
		var out []string
		for _, h := range t.Header {
			if strings.HasPrefix(strings.ToLower(h), prefix) {
				out = append(out, h)
			}
		}
		if len(out) == 0 {
			return nil, usagef("%s: no column starts with %q; columns are: %s", t.Name, prefix, strings.Join(t.Header, ", "))
		}
		return out, nil
	}
	names := splitList(spec)
	var missing []string
	for i, n := range names {
		j := t.ColumnIndex(n)
		if j < 0 {
			missing = append(missing, n)
			continue
		}
		names[i] = t.Header[j]
	}
	if len(missing) > 0 {
		return nil, usagef("%s: column(s) %s named by --items not found; columns are: %s", t.Name, strings.Join(missing, ", "), strings.Join(t.Header, ", "))
	}
	return names, nil
}

func indexFold(list []string, s string) int {
	for i, x := range list {
		if strings.EqualFold(x, s) {
			return i
		}
	}
	return -1
}

func optNum(p *float64, d int) string {
	if p == nil {
		return ""
	}
	return num(*p, d)
}

func renderReliability(w io.Writer, format string, o *reliabilityOutput) error {
	md := format == "markdown"
	head := func(s string) {
		if md {
			fmt.Fprintf(w, "## %s\n\n", s)
		} else {
			fmt.Fprintf(w, "%s\n\n", s)
		}
	}
	first := true
	sep := func() {
		if !first {
			fmt.Fprintln(w)
		}
		first = false
	}
	if a := o.Alpha; a != nil {
		sep()
		if format != "csv" {
			head(fmt.Sprintf("Internal consistency of %d items — %s (n = %d)", a.NVar, o.Data, a.NObs))
			fmt.Fprintf(w, "Cronbach's α = %s, %s CI [%s, %s] (Feldt); standardized α = %s; λ6 = %s; average inter-item r = %s.\n\n",
				num(a.RawAlpha, 2), pctLevel(a.Level), num(a.FeldtLower, 2), num(a.FeldtUpper, 2), num(a.StdAlpha, 2), num(a.G6, 2), num(a.AverageR, 2))
		}
		t := &table{
			Title:   "Item statistics",
			Columns: []string{"item", "n", "mean", "SD", "r (item–total)", "r (corrected)", "r.cor", "α if deleted"},
			Right:   []bool{false, true, true, true, true, true, true, true},
		}
		for _, it := range a.Items {
			name := o.Items[it.Item]
			if it.Reversed {
				name += " (reversed)"
			}
			t.Rows = append(t.Rows, []string{name, strconv.Itoa(it.N), num(it.Mean, 2), num(it.SD, 2), num(it.RawR, 2), num(it.RDrop, 2), num(it.RCor, 2), num(it.AlphaIfDeleted.RawAlpha, 2)})
		}
		if len(a.Dropped) > 0 {
			t.Notes = append(t.Notes, "Note. Left out (no variance): "+strings.Join(a.Dropped, ", ")+".")
		}
		if len(a.Negative) > 0 {
			t.Notes = append(t.Notes, "Note. Negatively related to the scale — should they be reversed (--reverse)? "+strings.Join(a.Negative, ", ")+".")
		}
		if err := t.render(w, format); err != nil {
			return err
		}
		if format != "csv" {
			fmt.Fprintf(w, "\n%s\n", alphaReading(a.RawAlpha))
		}
	}
	if om := o.Omega; om != nil {
		sep()
		if format != "csv" {
			head(fmt.Sprintf("McDonald's omega — %d items, %d group factors (minres, oblimin, Schmid–Leiman)", om.NVar, om.NFactors))
			fmt.Fprintf(w, "ω total = %s, ω hierarchical = %s, ω asymptotic = %s; α = %s, λ6 = %s; explained common variance of g = %s.\n\n",
				num(om.OmegaTotal, 2), num(om.OmegaH, 2), num(om.OmegaLim, 2), num(om.Alpha, 2), num(om.G6, 2), num(om.ECV, 2))
		}
		t := &table{Title: "Omega by factor", Columns: []string{"factor", "items", "ω total", "ω general", "ω group"}, Right: []bool{false, true, true, true, true}}
		for _, g := range om.Groups {
			t.Rows = append(t.Rows, []string{g.Name, strconv.Itoa(len(g.Items)), num(g.Total, 2), num(g.General, 2), num(g.Group, 2)})
		}
		var flipped []string
		for j, k := range om.Key {
			if k < 0 {
				flipped = append(flipped, o.Items[j])
			}
		}
		if len(flipped) > 0 {
			t.Notes = append(t.Notes, "Note. Reflected (negative g loadings), as psych does: "+strings.Join(flipped, ", ")+".")
		}
		if err := t.render(w, format); err != nil {
			return err
		}
	}
	if o.ICC != nil {
		sep()
		a := o.ICCAnova
		if format != "csv" {
			head(fmt.Sprintf("Intraclass correlations — %d targets rated by %d raters", a.NObs, a.NJudge))
		}
		t := &table{
			Columns: []string{"type", "model", "ICC", "F", "df1", "df2", "p", pctLevel(a.Level) + " CI"},
			Right:   []bool{false, false, true, true, true, true, true, false},
		}
		for _, r := range o.ICC {
			t.Rows = append(t.Rows, []string{r.Type, r.Model, num(r.ICC, 3), num(r.F, 2), num(r.DF1, 0), num(r.DF2, 0), pcell(r.P), "[" + num(r.Lower, 3) + ", " + num(r.Upper, 3) + "]"})
		}
		if a.Dropped > 0 {
			t.Notes = append(t.Notes, fmt.Sprintf("Note. %d targets with a missing rating were dropped.", a.Dropped))
		}
		if err := t.render(w, format); err != nil {
			return err
		}
	}
	if k := o.Kappa; k != nil {
		sep()
		if format != "csv" {
			head(fmt.Sprintf("Cohen's kappa — %s vs %s, %g units", o.Items[0], o.Items[1], k.N))
			fmt.Fprintf(w, "Observed agreement %s%%, expected by chance %s%%.\n\n", num(100*k.Agreement, 1), num(100*k.Expected, 1))
		}
		t := &table{Columns: []string{"weights", "kappa", "SE", pctLevel(k.Level) + " CI"}, Right: []bool{false, true, true, false}}
		for _, r := range []struct {
			n string
			e reliability.KappaEstimate
		}{{"unweighted", k.Unweighted}, {"linear", k.Linear}, {"quadratic", k.Quadratic}} {
			t.Rows = append(t.Rows, []string{r.n, num(r.e.Kappa, 3), num(r.e.SE, 3), "[" + num(r.e.Lower, 3) + ", " + num(r.e.Upper, 3) + "]"})
		}
		if k.Dropped > 0 {
			t.Notes = append(t.Notes, fmt.Sprintf("Note. %d units with a missing rating were dropped.", k.Dropped))
		}
		if err := t.render(w, format); err != nil {
			return err
		}
	}
	if k := o.Fleiss; k != nil {
		sep()
		if format != "csv" {
			head(fmt.Sprintf("Fleiss' kappa — %d units, %d raters", k.NUnits, k.NRaters))
		}
		t := &table{Columns: []string{"category", "kappa", "z", "p"}, Right: []bool{false, true, true, true}}
		for _, c := range k.Categories {
			t.Rows = append(t.Rows, []string{strconv.FormatFloat(c.Category, 'g', -1, 64), num(c.Kappa, 3), num(c.Z, 2), pcell(c.P)})
		}
		t.Rows = append(t.Rows, []string{"overall", num(k.Kappa, 3), num(k.Z, 2), pcell(k.P)})
		if k.Dropped > 0 {
			t.Notes = append(t.Notes, fmt.Sprintf("Note. %d units with a missing rating were dropped.", k.Dropped))
		}
		if err := t.render(w, format); err != nil {
			return err
		}
	}
	if k := o.Krippendorff; k != nil {
		sep()
		if format == "csv" {
			t := &table{Columns: []string{"metric", "alpha", "Do", "De", "units", "pairable_values"},
				Rows: [][]string{{k.Metric, fnum(k.Alpha), fnum(k.Do), fnum(k.De), strconv.Itoa(k.Units), strconv.Itoa(k.Pairable)}}}
			return t.csv(w)
		}
		head("Krippendorff's alpha")
		fmt.Fprintf(w, "α (%s) = %s over %d pairable units (%d values); observed disagreement %s, expected %s.\n",
			k.Metric, num(k.Alpha, 3), k.Units, k.Pairable, num(k.Do, 4), num(k.De, 4))
	}
	return nil
}

func pctLevel(l float64) string {
	if l == 0 || math.IsNaN(l) {
		l = 0.95
	}
	return strconv.FormatFloat(math.Round(1e4*l)/100, 'f', -1, 64) + "%"
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
