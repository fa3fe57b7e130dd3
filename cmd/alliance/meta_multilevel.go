package main

import (
	"fmt"
	"github.com/alliance-research/alliance/analysis/jsonout"
	"io"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
	"github.com/alliance-research/alliance/datasets"
)

// metaMVOutput is the JSON document of 'alliance meta --cluster': the
// three-level model in DESIGN.md's names (sigma2: [outer, inner], robust).
type metaMVOutput struct {
	Data string `json:"data"`
	*metamv.Result
	RCode string `json:"r_code,omitempty"`
}

// runMetaMultilevel fits the three-level model rma.mv(yi, V, random = ~ 1 |
// outer/inner) with the moderators of opt, and cluster-robust inference
// when asked.
func runMetaMultilevel(e *env, mf *metaFlags, src source, st *datasets.Studies, dataName string, yi, vi []float64, opt meta.Options) error {
	x := &mf.ext
	parts := strings.SplitN(x.cluster, "/", 2)
	outerName := strings.TrimSpace(parts[0])
	outer := x.ids(st, outerName)
	var inner []string
	innerName := "row"
	if len(parts) == 2 {
		innerName = strings.TrimSpace(parts[1])
		inner = x.ids(st, innerName)
	}
	method := strings.ToUpper(mf.method)
	if method != metamv.REML && method != metamv.ML {
		return usagef("the three-level model is fitted by REML or ML, not %s (give --method REML or ML)", mf.method)
	}
	test := strings.ToLower(mf.test)
	if test != "z" && test != "t" {
		return usagef("the three-level model has z or t tests, not %s; for small-sample inference add --robust %s (CR2)", mf.test, outerName)
	}
	mo := metamv.Options{Method: method, Test: test, Level: opt.Level, Mods: opt.Mods, Rho: x.rho, Measure: opt.Measure,
		OuterName: outerName, InnerName: innerName, NoProfile: x.noProfile}
	res, err := metamv.Fit(yi, vi, outer, inner, mo)
	if err != nil {
		return analysisOrInput(err)
	}
	if x.robust != "" {
		rb, err := metamv.ClusterRobust(res, x.ids(st, x.robust), metamv.RobustOptions{Type: strings.ToUpper(x.robustType), Level: res.Level})
		if err != nil {
			return analysisOrInput(err)
		}
		res.Robust = rb
	}
	if x.forest != "" {
		labels := make([]string, len(yi))
		for i := range labels {
			labels[i] = outer[i]
			if inner != nil {
				labels[i] += " · " + inner[i]
			}
		}
		fig, err := multilevelForest(res, yi, vi, labels, x.forest)
		if err := e.saveFigure(fig, err, x.forest); err != nil {
			return err
		}
	}
	out := metaMVOutput{Data: dataName, Result: res}
	if mf.rcode {
		out.RCode = multilevelRCode(mf, outerName, innerName, len(parts) == 2)
	}
	return e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, out)
		case "csv":
			return mvCoefTable(res).csv(w)
		}
		return renderMetaMV(w, e.format, &out)
	})
}

// multilevelRCode is the metafor call that fits the same model to the same
// file (read with read.csv; escalc when the data are correlations).
func multilevelRCode(mf *metaFlags, outer, inner string, hasInner bool) string {
	var b strings.Builder
	b.WriteString("library(metafor)\ndat <- read.csv(\"DATA.csv\")  # the file analysed\n")
	if mf.yi == "" {
		r, n := mf.r, mf.n
		if r == "" {
			r = "ri"
		}
		if n == "" {
			n = "ni"
		}
		m := strings.ToUpper(mf.measure)
		if m == "" {
			m = "ZCOR"
		}
		fmt.Fprintf(&b, "dat <- escalc(%q, ri = %s, ni = %s, data = dat)\n", m, r, n)
	}
	if !hasInner {
		inner = "row"
		b.WriteString("dat$row <- seq_len(nrow(dat))\n")
	}
	v := "vi"
	if mf.ext.rho != 0 {
		fmt.Fprintf(&b, "V <- vcalc(vi, cluster = %s, obs = %s, rho = %g, data = dat)\n", outer, inner, mf.ext.rho)
		v = "V"
	}
	mods := ""
	if ms := splitList(mf.mods); len(ms) > 0 {
		mods = ", mods = ~ " + strings.Join(ms, " + ")
	}
	fmt.Fprintf(&b, "res <- rma.mv(yi, %s%s, random = ~ 1 | %s/%s, data = dat, method = %q, test = %q)\nsummary(res)\nconfint(res)\n",
		v, mods, outer, inner, strings.ToUpper(mf.method), strings.ToLower(mf.test))
	if mf.ext.robust != "" {
		fmt.Fprintf(&b, "library(clubSandwich)\ncoef_test(res, vcov = \"CR2\", cluster = dat$%s)\n", mf.ext.robust)
	}
	return b.String()
}

func mvCoefTable(r *metamv.Result) *table {
	t := &table{
		Title:   "Model coefficients",
		Columns: []string{"term", "estimate", "SE", r.Test, "df", "p", pctLevel(r.Level) + " CI"},
		Right:   []bool{false, true, true, true, true, true, false},
	}
	for _, c := range r.Coefficients {
		df := ""
		if c.DF != nil {
			df = strconv.FormatFloat(*c.DF, 'f', -1, 64)
		}
		t.Rows = append(t.Rows, []string{c.Name, num(c.Estimate, 4), num(c.SE, 4), num(c.Statistic, 2), df, pcell(c.P), "[" + num(c.CILB, 4) + ", " + num(c.CIUB, 4) + "]"})
	}
	if r.R != nil {
		t.Rows = append(t.Rows, []string{"r (back-transformed)", num(r.R.Estimate, 4), "", "", "", "", "[" + num(r.R.CILB, 4) + ", " + num(r.R.CIUB, 4) + "]"})
	}
	return t
}

func renderMetaMV(w io.Writer, format string, o *metaMVOutput) error {
	r := o.Result
	head := fmt.Sprintf("Three-level meta-analysis (%s) of %d effects in %d clusters (%s) — %s", r.Method, r.K, r.NLevels[0], r.Levels[0], o.Data)
	if format == "markdown" {
		fmt.Fprintf(w, "## %s\n\n", head)
	} else {
		fmt.Fprintf(w, "%s\n\n", head)
	}
	fmt.Fprintf(w, "%s\n\n", r.Summary())
	if err := mvCoefTable(r).render(w, format); err != nil {
		return err
	}
	fmt.Fprintln(w)
	v := &table{Title: "Variance components", Columns: []string{"level", "σ²", "σ", pctLevel(r.Level) + " CI (profile)", "units"}, Right: []bool{false, true, true, false, true}}
	for i, name := range []string{"between clusters (" + r.Levels[0] + ")", "within clusters (" + r.Levels[1] + ")"} {
		ci := ""
		if c := r.Sigma2CI[i]; c != nil {
			ci = "[" + num(c[0], 4) + ", " + num(c[1], 4) + "]"
		}
		v.Rows = append(v.Rows, []string{name, num(r.Sigma2[i], 4), num(sqrtOr0(r.Sigma2[i]), 4), ci, strconv.Itoa(r.NLevels[i])})
	}
	d := r.Variance
	v.Notes = append(v.Notes, fmt.Sprintf("Distribution of variance (Cheung 2014): sampling error %s%%, within clusters %s%%, between clusters %s%%.",
		num(d.Level1, 1), num(d.Level2, 1), num(d.Level3, 1)))
	for _, l := range r.LRT {
		v.Notes = append(v.Notes, fmt.Sprintf("Likelihood-ratio test of %s: χ²(%d) = %s, %s.", l.Reduced, l.DF, num(l.LRT, 2), pcellP(l.P)))
	}
	for _, n := range r.CINotes {
		v.Notes = append(v.Notes, "Note. "+n)
	}
	if err := v.render(w, format); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if r.Robust != nil {
		if err := robustTable(r.Robust).render(w, format); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "Note. %s\n", n)
	}
	if o.RCode != "" {
		if format == "markdown" {
			fmt.Fprintf(w, "\n```r\n%s```\n", o.RCode)
		} else {
			fmt.Fprintf(w, "\nEquivalent R (metafor):\n%s", o.RCode)
		}
	}
	return nil
}
