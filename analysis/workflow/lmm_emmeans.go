package workflow

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/mixed"
)

// emmOptions checks the marginal-means options of opt and returns the
// request for mixed.EMMeans (nil without opt.EMMeans).
func emmOptions(opt LMMOptions) (*mixed.EMMSpec, error) {
	if strings.TrimSpace(opt.EMMeans) == "" {
		switch {
		case opt.Pairs:
			return nil, invalid("EMMeans", "pairwise contrasts need the marginal means: name their term (e.g. arm)")
		case len(opt.At) > 0:
			return nil, invalid("EMMeans", "a reference-grid value applies to marginal means: name their term (e.g. arm)")
		case opt.Adjust != "":
			return nil, invalid("EMMeans", "a p adjustment applies to the pairwise contrasts of marginal means: name their term and ask for the contrasts")
		}
		return nil, nil
	}
	vars, by, err := mixed.ParseEMMSpec(opt.EMMeans)
	if err != nil {
		return nil, invalid("EMMeans", "%v", err)
	}
	adj := strings.ToLower(strings.TrimSpace(opt.Adjust))
	switch adj {
	case "", "tukey", "holm", "bonferroni", "none":
	default:
		return nil, invalid("Adjust", "p-value adjustment %q: give tukey (the default, as emmeans' pairs), holm, bonferroni or none", opt.Adjust)
	}
	if adj != "" && !opt.Pairs {
		return nil, invalid("Pairs", "a p adjustment applies to the pairwise contrasts: ask for them")
	}
	spec := &mixed.EMMSpec{Vars: vars, By: by, Pairs: opt.Pairs, Adjust: adj, Level: opt.Level}
	for _, a := range opt.At {
		name, vals, ok := strings.Cut(a, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.TrimSpace(vals) == "" {
			return nil, invalid("At", "reference-grid value %q: give VARIABLE=VALUE[,VALUE…], e.g. time=5 or arm=cbt,ipt", a)
		}
		if spec.At == nil {
			spec.At = map[string][]string{}
		}
		if _, dup := spec.At[name]; dup {
			return nil, invalid("At", "the reference grid names %s twice: give all its values at once, %s=V1,V2", name, name)
		}
		for _, v := range strings.Split(vals, ",") {
			spec.At[name] = append(spec.At[name], strings.TrimSpace(v))
		}
	}
	return spec, nil
}

// runEMMeans adds the marginal means (and contrasts) of spec to r.
func (r *LMMRun) runEMMeans(m *mixed.Model, spec *mixed.EMMSpec) error {
	res, err := m.EMMeans(*spec)
	if err != nil {
		var e *errs.Error
		if errors.As(err, &e) && e.Kind == errs.InvalidOption {
			hint := e.Hint
			if hint == "" {
				hint = "EMMeans"
			}
			return invalid(hint, "%s", e.Reason)
		}
		return fmt.Errorf("the marginal means: %w", err)
	}
	r.emm = res
	r.EMMeans, r.Contrasts, r.EMMGrid = res.EMMeans, res.Contrasts, res.Grid
	return nil
}

// emmSpecText is the emmeans specification as R writes it: ~ arm * site | time.
func emmSpecText(vars, by []string) string {
	s := "~ " + strings.Join(vars, " * ")
	if len(by) > 0 {
		s += " | " + strings.Join(by, " * ")
	}
	return s
}

// emmSection adds the tables of the marginal means and contrasts to the
// section, with their notes (and the top notes).
func (r *LMMRun) emmSection(s *Section) {
	e := r.emm
	if e == nil {
		return
	}
	cols := append(append([]string(nil), e.Vars...), e.By...)
	t := &Table{Name: "emmeans", Title: "Estimated marginal means (" + emmSpecText(e.Vars, e.By) + ")"}
	t.Columns = append(append([]string(nil), cols...), "EMM", "SE", "df", apa.Level(e.Level)+" CI")
	for range cols {
		t.Right = append(t.Right, false)
	}
	t.Right = append(t.Right, true, true, true, false)
	for _, m := range e.EMMeans {
		var row []string
		for _, c := range cols {
			row = append(row, m.Levels[c])
		}
		t.Rows = append(t.Rows, append(row, num(m.EMMean, 4), num(m.SE, 4), num(m.DF, 2), interval(m.CILB, m.CIUB, 4, false)))
	}
	var grid, avg []string
	for _, g := range e.Grid {
		switch {
		case g.Average && g.Factor:
			avg = append(avg, g.Name)
		case !g.Factor && g.Mean:
			grid = append(grid, fmt.Sprintf("%s at its mean (%s)", g.Name, g.Values[0]))
		case !g.Factor && g.Average && len(g.Values) > 1:
			grid = append(grid, fmt.Sprintf("%s at %s, averaged with equal weights", g.Name, strings.Join(g.Values, ", ")))
		case !g.Factor:
			grid = append(grid, fmt.Sprintf("%s at %s", g.Name, strings.Join(g.Values, ", ")))
		case g.Factor && len(g.Values) > 0 && g.Average:
			avg = append(avg, g.Name)
		}
	}
	note := "Reference grid (as emmeans): "
	var parts []string
	parts = append(parts, grid...)
	if len(avg) > 0 {
		parts = append(parts, "equal weights over the levels of "+andList(avg))
	}
	if len(parts) == 0 {
		parts = append(parts, "the levels of "+andList(cols))
	}
	t.Notes = append(t.Notes, note+strings.Join(parts, "; ")+".")
	t.Notes = append(t.Notes, r.emmDFNote())
	t.Notes = append(t.Notes, e.Notes...)
	s.Add(t)
	for _, n := range e.Notes {
		r.top = append(r.top, Note{Level: Warning, Text: "marginal means: " + n})
	}
	if len(e.Contrasts) == 0 {
		return
	}
	c := &Table{Name: "contrasts", Title: "Pairwise contrasts of the marginal means"}
	c.Columns = append(append([]string{"Contrast"}, e.By...), "Estimate", "SE", "df", "t", "p")
	c.Right = append([]bool{false}, make([]bool, len(e.By))...)
	c.Right = append(c.Right, true, true, true, true, true)
	for _, k := range e.Contrasts {
		row := []string{k.Contrast}
		for _, b := range e.By {
			row = append(row, k.By[b])
		}
		c.Rows = append(c.Rows, append(row, num(k.Estimate, 4), num(k.SE, 4), num(k.DF, 2), num(k.T, 2), pcell(k.P)))
	}
	per := ""
	if len(e.By) > 0 {
		per = " within each level of " + andList(e.By)
	}
	fam := e.Contrasts[0].Family
	switch e.Adjust {
	case "tukey":
		c.Notes = append(c.Notes, fmt.Sprintf("p adjusted by Tukey's method for a family of %d means%s (studentized range, as emmeans' pairs()).", fam, per))
	case "holm", "bonferroni":
		c.Notes = append(c.Notes, fmt.Sprintf("p adjusted by %s's method for %d contrasts%s.", map[string]string{"holm": "Holm", "bonferroni": "Bonferroni"}[e.Adjust], fam, per))
	default:
		c.Notes = append(c.Notes, "p not adjusted for multiple comparisons.")
	}
	s.Add(c)
}

// emmMethods is the methods sentence of the marginal means.
func (r *LMMRun) emmMethods() string {
	e := r.emm
	if e == nil {
		return ""
	}
	m := fmt.Sprintf(" Estimated marginal means (Searle, Speed & Milliken, 1980) of %s", andList(e.Vars))
	if len(e.By) > 0 {
		m += " within " + andList(e.By)
	}
	m += " were computed on the reference grid of the model (numeric covariates at their means unless fixed, equal weights over the levels of the other factors), as in the emmeans package (Lenth, 2023), with " + r.emmDFMethods()
	if len(e.Contrasts) > 0 {
		m += "; their pairwise differences were " + map[string]string{
			"tukey": "adjusted for multiple comparisons by Tukey's method", "holm": "adjusted by Holm's method",
			"bonferroni": "adjusted by Bonferroni's method", "none": "not adjusted for multiple comparisons"}[e.Adjust]
	}
	return m + "."
}

// emmArgs are the command-line flags of the marginal means.
func (r *LMMRun) emmArgs() []string {
	o := r.opt
	if r.emm == nil {
		return nil
	}
	args := []string{"--emmeans", shellQuote(o.EMMeans)}
	for _, a := range o.At {
		args = append(args, "--at", shellQuote(a))
	}
	if o.Pairs {
		args = append(args, "--pairs")
	}
	if o.Adjust != "" {
		args = append(args, "--adjust", strings.ToLower(o.Adjust))
	}
	return args
}

// emmRCode writes the emmeans call on the lmer fit m, printing the means
// and contrasts and one line of JSON with them.
func (r *LMMRun) emmRCode(b *strings.Builder) {
	e := r.emm
	if e == nil {
		return
	}
	at := ""
	if len(r.opt.At) > 0 {
		var names []string
		vals := map[string]string{}
		for _, g := range e.Grid {
			for _, a := range r.opt.At {
				name, _, _ := strings.Cut(a, "=")
				n := strings.TrimSpace(name)
				if x, ok := mixed.FactorOf(n); ok {
					n = x
				}
				if n != g.Name {
					continue
				}
				var vs []string
				for _, v := range g.Values {
					if g.Factor {
						vs = append(vs, strconv.Quote(v))
					} else {
						vs = append(vs, v)
					}
				}
				names = append(names, g.Name)
				vals[g.Name] = "c(" + strings.Join(vs, ", ") + ")"
				if len(vs) == 1 {
					vals[g.Name] = vs[0]
				}
			}
		}
		sort.Strings(names)
		var ps []string
		for _, n := range names {
			ps = append(ps, n+" = "+vals[n])
		}
		at = ", at = list(" + strings.Join(ps, ", ") + ")"
	}
	b.WriteString("library(emmeans)\n")
	fmt.Fprintf(b, "e <- emmeans(m, %s%s, %s)\n", emmSpecText(e.Vars, e.By), at, r.emmDF())
	fmt.Fprintf(b, "es <- summary(e, level = %s); es\n", rNum(e.Level))
	out := "emmeans = as.data.frame(es)"
	if len(e.Contrasts) > 0 {
		fmt.Fprintf(b, "pr <- summary(pairs(e), adjust = %q); pr\n", e.Adjust)
		out += ", contrasts = as.data.frame(pr)"
	}
	fmt.Fprintf(b, "cat(jsonlite::toJSON(list(%s), digits = NA, dataframe = \"rows\"), \"\\n\")\n", out)
}
