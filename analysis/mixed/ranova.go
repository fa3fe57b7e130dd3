package mixed

import (
	"math"
	"sort"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"gonum.org/v1/gonum/stat/distuv"
)

// RanovaRow is one row of lmerTest's ranova table: the model with one
// random-effects term reduced or deleted, and its likelihood-ratio test
// against the full model (the first row, "<none>", has no test).
type RanovaRow struct {
	Term    string   `json:"term"`    // "<none>", "(1 | Subject)", "Days in (1 + Days | Subject)"
	Formula string   `json:"formula"` // the model fitted for the row
	NPar    int      `json:"npar"`
	LogLik  float64  `json:"logLik"`
	AIC     float64  `json:"AIC"`
	LRT     *float64 `json:"LRT"`
	DF      int      `json:"Df,omitempty"`
	P       *float64 `json:"p"`
}

// Ranova tests each random-effects term by the likelihood ratio of the
// model without it, as lmerTest's ranova(m, reduce.terms = reduce): with
// reduce, a term with slopes loses one slope at a time
// ("Days in (1 + Days | Subject)": (1 + Days | Subject) becomes
// (1 | Subject); (0 + Days | Subject) without Days is deleted); a term
// without slopes, or any term without reduce, is deleted. A double-bar term
// (1 + Days || Subject) counts as its scalar terms (1 | Subject) and
// (0 + Days | Subject), as lme4 fits it. The models keep the fit's criterion (REML likelihoods compare
// here, the fixed effects being the same), LRT = 2(ℓ − ℓ_reduced) on the
// difference in parameters, p from χ². Deleting the last random term
// leaves a linear model, whose likelihood is R's logLik.lm(REML =): for
// REML ℓ = −½(n−p)(log 2π + 1 − log(n−p) + log RSS) − ½ log det XᵀX.
// The p-values are conservative for variances tested at the boundary
// (Self & Liang 1987); lmerTest reports them as they are, and so do we.
//
// With a residual structure (a correlation or variance function) every
// reduced model keeps it, as nlme's anova(reduced, full) of two lme fits
// with the same corStruct and varFunc: deleting the last random term leaves
// nlme's gls with the correlation within the full model's finest groups
// (form = ~ time | patient). A reduction that would change the finest
// grouping factor of a correlated model (deleting the patient term of
// (1 | therapist/patient)) moves the correlation groups and is refused.
func (m *Model) Ranova(reduce bool) ([]RanovaRow, error) {
	if m.d.tot != nil {
		return nil, errs.New(errs.InvalidOption, "mixed", "random-effect tests (ranova) need the model fitted from its rows, not from summary statistics").WithHint("Ranova")
	}
	f := m.d.formula
	f.Random = expandUncorrelated(f.Random) // lmerTest tests the terms of (1 + t || g) one by one
	full := RanovaRow{Term: "<none>", Formula: m.formula, NPar: m.Result.NPar, LogLik: m.Result.LogLik, AIC: m.Result.AIC}
	rows := []RanovaRow{full}
	// lme4's order of terms: finest grouping first (d.levels).
	rank := map[string]int{}
	for k, l := range m.d.levels {
		if _, ok := rank[l.groupName()]; !ok {
			rank[l.groupName()] = k
		}
	}
	order := make([]int, len(f.Random))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rank[f.Random[order[a]].Name] < rank[f.Random[order[b]].Name] })
	for _, i := range order {
		rt := f.Random[i]
		type variant struct {
			label string
			term  *RandomTerm // nil: deleted
		}
		var vs []variant
		if reduce && len(rt.Slopes) > 0 {
			for s := range rt.Slopes {
				r := rt
				r.Slopes = append(append([][]string(nil), rt.Slopes[:s]...), rt.Slopes[s+1:]...)
				v := variant{strings.Join(rt.Slopes[s], ":") + " in " + rt.String(), &r}
				if !r.Intercept && len(r.Slopes) == 0 { // (0 + t | g) without t: deleted
					v.term = nil
				}
				vs = append(vs, v)
			}
		} else {
			vs = append(vs, variant{rt.String(), nil})
		}
		for _, v := range vs {
			g := f
			g.Random = nil
			for j, o := range f.Random {
				switch {
				case j != i:
					g.Random = append(g.Random, o)
				case v.term != nil:
					g.Random = append(g.Random, *v.term)
				}
			}
			row := RanovaRow{Term: v.label, Formula: g.String()}
			if len(g.Random) == 0 && m.d.resid == nil {
				row.NPar, row.LogLik = m.d.p+1, m.d.lmLogLik(!m.opts.ML)
			} else {
				o := m.opts
				o.DDF = "" // the likelihood only
				if err := m.keepResidual(&o, g, v.label); err != nil {
					return nil, err
				}
				r, err := Fit(row.Formula, m.data, o)
				if err != nil {
					return nil, err
				}
				if r.d.n != m.d.n {
					return nil, errs.New(errs.InvalidOption, "mixed", "ranova: the model without %s uses %d rows, the full model %d (missing values in a grouping column); complete the data first", v.label, r.d.n, m.d.n)
				}
				row.NPar, row.LogLik = r.Result.NPar, r.Result.LogLik
			}
			row.AIC = -2*row.LogLik + 2*float64(row.NPar)
			lrt := 2 * (full.LogLik - row.LogLik)
			if lrt < 0 && lrt > -1e-8*math.Abs(full.LogLik) {
				lrt = 0 // the optimiser's last digits
			}
			row.DF = full.NPar - row.NPar
			p := distuv.ChiSquared{K: float64(row.DF)}.Survival(lrt)
			row.LRT, row.P = &lrt, &p
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// keepResidual sets the options of a reduced model g so that it keeps the
// full model's residual structure: for a model left without random
// effects, the correlation group is the full model's finest grouping
// factor (a gls); a correlated model whose reduction changes that factor
// is refused.
func (m *Model) keepResidual(o *Options, g Formula, label string) error {
	rs := m.d.resid
	if rs == nil || rs.cor == nil {
		return nil
	}
	finest := m.d.levels[0].name
	if rs.gls {
		return nil // no random term to test
	}
	if len(g.Random) == 0 {
		if strings.Contains(finest, ":") {
			return errs.New(errs.InvalidOption, "mixed", "ranova: without %s the model has no random effects, and its residual correlation would be within the groups %q, an interaction; make that grouping a column of its own", label, finest).WithHint("Ranova")
		}
		o.Group = finest
		return nil
	}
	if m.d.general {
		// Crossed factors: the reduced model must keep the correlation
		// group (Options.Group) among its factors.
		for _, rt := range g.Random {
			if rt.Name == m.d.levels[0].groupName() || strings.Join(rt.Group, ":") == m.d.levels[0].groupName() {
				return nil
			}
		}
		return errs.New(errs.InvalidOption, "mixed", "ranova: deleting %s would remove %q, the group within which residuals are correlated, from the random effects; test that term by comparing models by hand", label, m.d.levels[0].groupName()).WithHint("Ranova")
	}
	if len(g.maxGroup()) != len(m.d.formula.maxGroup()) {
		return errs.New(errs.InvalidOption, "mixed", "ranova: deleting %s would move the residual correlation from the groups %q to coarser ones, which changes the residual structure; test that term by comparing models by hand", label, finest).WithHint("Ranova")
	}
	return nil
}

// maxGroup is the grouping factors of the formula's finest random term.
func (f Formula) maxGroup() []string {
	var g []string
	for _, rt := range f.Random {
		if len(rt.Group) > len(g) {
			g = rt.Group
		}
	}
	return g
}

// expandUncorrelated replaces every double-bar term by its scalar terms.
func expandUncorrelated(rts []RandomTerm) []RandomTerm {
	var out []RandomTerm
	for _, r := range rts {
		out = append(out, splitUncorrelated(r)...)
	}
	return out
}

// lmLogLik is the log-likelihood of the linear model y = Xβ + ε on the
// design's rows (no random effects), REML or ML, as R's logLik.lm.
func (d *design) lmLogLik(reml bool) float64 {
	d.ensureRows()
	p, n := d.p, d.n
	zoff := d.m0 - p - 1
	xtx := make([]float64, p*p)
	xty := make([]float64, p)
	yty := 0.0
	for i := 0; i < n; i++ {
		row := d.rows[i*d.m0 : (i+1)*d.m0]
		x, y := row[zoff:zoff+p], row[zoff+p]
		for a := 0; a < p; a++ {
			xty[a] += x[a] * y
			for b := 0; b < p; b++ {
				xtx[a*p+b] += x[a] * x[b]
			}
		}
		yty += y * y
	}
	R, err := upperCholesky(xtx, p)
	if err != nil {
		return math.NaN()
	}
	// RSS = yᵀy − ‖R⁻ᵀXᵀy‖².
	w := make([]float64, p)
	rss, logDet := yty, 0.0
	for a := 0; a < p; a++ {
		s := xty[a]
		for b := 0; b < a; b++ {
			s -= R[b*p+a] * w[b]
		}
		w[a] = s / R[a*p+a]
		rss -= w[a] * w[a]
		logDet += math.Log(math.Abs(R[a*p+a]))
	}
	N := float64(n)
	if reml {
		N -= float64(p)
	}
	ll := -0.5 * N * (math.Log(2*math.Pi) + 1 - math.Log(N) + math.Log(rss))
	if reml {
		ll -= logDet
	}
	return ll
}
