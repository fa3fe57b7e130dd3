package workflow

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/meta"
)

// checkPredict validates the prediction and term-test options: both need
// moderators, and every prediction point gives values.
func (o MetaOptions) checkPredict() error {
	if len(o.Predict) > 0 && len(o.Mods) == 0 {
		return invalid("Predict", "predictions at moderator values need a meta-regression: name the moderators")
	}
	if len(o.TestTerms) > 0 && len(o.Mods) == 0 {
		return invalid("TestTerms", "testing terms needs a meta-regression: name the moderators")
	}
	for i, p := range o.Predict {
		if len(p) == 0 {
			return invalid("Predict", "prediction point %d gives no moderator values", i+1)
		}
	}
	return nil
}

// newmods maps the user's prediction points onto the analysed moderators'
// names (column names match case-insensitively).
func (r *MetaRun) newmods() ([]map[string]string, error) {
	byLower := map[string]string{}
	names := make([]string, len(r.eff.mods))
	for i, m := range r.eff.mods {
		byLower[strings.ToLower(m.Name)] = m.Name
		names[i] = m.Name
	}
	out := make([]map[string]string, len(r.opt.Predict))
	for i, p := range r.opt.Predict {
		q := map[string]string{}
		for k, v := range p {
			name, ok := byLower[strings.ToLower(strings.TrimSpace(k))]
			if !ok {
				return nil, invalid("Predict", "prediction point %d: %q is not a moderator of the model (moderators: %s)", i+1, k, strings.Join(names, ", "))
			}
			q[name] = strings.TrimSpace(v)
		}
		out[i] = q
	}
	return out, nil
}

// terms maps the user's term names onto moderator names (case-insensitive);
// other names (coefficient names such as "allocrandom") pass through.
func (r *MetaRun) terms() []string {
	out := make([]string, len(r.opt.TestTerms))
	for i, t := range r.opt.TestTerms {
		out[i] = strings.TrimSpace(t)
		for _, m := range r.eff.mods {
			if strings.EqualFold(m.Name, out[i]) {
				out[i] = m.Name
			}
		}
	}
	return out
}

// predictor is what the univariate and three-level models share for
// predictions (meta.Result and metamv.Result).
type predictor interface {
	Predict([]map[string]string) ([]meta.Prediction, error)
	VcovMatrix() *meta.NamedMatrix
	TestTerms([]string) (*meta.TermTest, error)
}

// predictions attaches to each fitted model its predictions at the chosen
// moderator values (metafor predict(res, newmods = …)), the named
// covariance of its coefficients and the Wald test of the chosen terms
// (anova(res, btt = …)).
func (r *MetaRun) predictions() error {
	o := r.opt
	if len(o.Predict) == 0 && len(o.TestTerms) == 0 {
		return nil
	}
	nm, err := r.newmods()
	if err != nil {
		return err
	}
	attach := func(m predictor, preds *[]meta.Prediction, vc **meta.NamedMatrix, tt *[]meta.TermTest) error {
		*vc = m.VcovMatrix()
		if len(nm) > 0 {
			p, err := m.Predict(nm)
			if err != nil {
				return invalid("Predict", "%s", strings.TrimPrefix(strings.TrimPrefix(err.Error(), "metamv: "), "meta: "))
			}
			*preds = p
		}
		if len(o.TestTerms) > 0 {
			t, err := m.TestTerms(r.terms())
			if err != nil {
				return invalid("TestTerms", "%s", strings.TrimPrefix(strings.TrimPrefix(err.Error(), "metamv: "), "meta: "))
			}
			*tt = []meta.TermTest{*t}
		}
		return nil
	}
	if m := r.Model; m != nil {
		if err := attach(m, &m.Predictions, &m.VcovNamed, &m.TermTests); err != nil {
			return err
		}
	}
	if m := r.ThreeLevel; m != nil {
		if err := attach(m, &m.Predictions, &m.VcovNamed, &m.TermTests); err != nil {
			return err
		}
	}
	return r.robustTermTests()
}

// rPredict writes the R code of the predictions and term tests of the
// model object obj: predict(obj, newmods = X) with X the coded rows
// (without the intercept), its r scale for ZCOR, vcov(obj) and
// anova(obj, btt = …).
func rPredict(b *strings.Builder, obj string, preds []meta.Prediction, vc *meta.NamedMatrix, tests []meta.TermTest, zcor bool) {
	if vc == nil {
		return
	}
	fmt.Fprintf(b, "vcov(%s)\n", obj)
	if len(preds) > 0 {
		rows := make([]string, len(preds))
		for i, p := range preds {
			rows[i] = rNums(p.X[1:])
		}
		fmt.Fprintf(b, "X <- rbind(%s)   # moderator values coded as the model matrix (%s)\n", strings.Join(rows, ", "), strings.Join(vc.Names[1:], ", "))
		fmt.Fprintf(b, "predict(%s, newmods = X)\n", obj)
		if zcor {
			fmt.Fprintf(b, "predict(%s, newmods = X, transf = transf.ztor)\n", obj)
		}
	}
	for _, t := range tests {
		fmt.Fprintf(b, "anova(%s, btt = c(%s))   # %s\n", obj, bttIndex(t, vc), strings.Join(t.Terms, ", "))
	}
}

// bttIndex is R's btt of a term test: the 1-based positions of its
// coefficients among the model's, comma-separated.
func bttIndex(t meta.TermTest, vc *meta.NamedMatrix) string {
	idx := make([]string, 0, len(t.Coefs))
	for _, c := range t.Coefs {
		for j, n := range vc.Names {
			if n == c {
				idx = append(idx, strconv.Itoa(j+1))
			}
		}
	}
	return strings.Join(idx, ", ")
}

// predictArgs are the command-line flags of the prediction options, points
// in the order given and each point's values in the moderators' order.
func (o MetaOptions) predictArgs() []string {
	var a []string
	if len(o.Predict) > 0 {
		pts := make([]string, len(o.Predict))
		for i, p := range o.Predict {
			keys := make([]string, 0, len(p))
			for k := range p {
				keys = append(keys, k)
			}
			rank := func(k string) int {
				for j, m := range o.Mods {
					if strings.EqualFold(m, k) {
						return j
					}
				}
				return len(o.Mods)
			}
			sort.SliceStable(keys, func(x, y int) bool {
				if rank(keys[x]) != rank(keys[y]) {
					return rank(keys[x]) < rank(keys[y])
				}
				return keys[x] < keys[y]
			})
			kv := make([]string, len(keys))
			for j, k := range keys {
				kv[j] = k + "=" + p[k]
			}
			pts[i] = strings.Join(kv, ",")
		}
		a = append(a, "--predict", shellQuote(strings.Join(pts, ";")))
	}
	if len(o.TestTerms) > 0 {
		a = append(a, "--test-terms", shellQuote(strings.Join(o.TestTerms, ",")))
	}
	return a
}

// rPredictJSON writes the R code that adds the predictions, the named vcov
// and the term tests of model obj to the R list out (the JSON of
// rUnivariateJSON and rThreeLevelJSON), under alliance's field names; X is
// the matrix rPredict defined. zcor is the R expression saying the r scale
// is reported.
func rPredictJSON(b *strings.Builder, indent, obj, out, zcor string, preds []meta.Prediction, vc *meta.NamedMatrix, tests []meta.TermTest) {
	if vc == nil {
		return
	}
	fmt.Fprintf(b, "%s%s$vcov <- list(names = rownames(%s$beta), matrix = unname(vcov(%s)))\n", indent, out, obj, obj)
	if len(preds) > 0 {
		fmt.Fprintf(b, `%[1]spp <- predict(%[2]s, newmods = X); pz <- predict(%[2]s, newmods = X, transf = transf.ztor)
%[1]s%[3]s$predictions <- lapply(seq_len(nrow(X)), function(j) {
%[1]s  q <- list(x = c(1, X[j, ]), pred = pp$pred[j], se = pp$se[j], ci_lb = pp$ci.lb[j], ci_ub = pp$ci.ub[j])
%[1]s  if (!(%[2]s$method %%in%% c("FE", "EE"))) { q$pi_lb <- pp$pi.lb[j]; q$pi_ub <- pp$pi.ub[j] }
%[1]s  if (%[4]s) { q$r <- list(estimate = pz$pred[j], ci_lb = pz$ci.lb[j], ci_ub = pz$ci.ub[j])
%[1]s    if (!is.null(q$pi_lb)) { q$r$pi_lb <- pz$pi.lb[j]; q$r$pi_ub <- pz$pi.ub[j] } }
%[1]s  q })
`, indent, obj, out, zcor)
	}
	for i, t := range tests {
		fmt.Fprintf(b, "%sa <- anova(%s, btt = c(%s)); %s$term_tests[[%d]] <- list(QM = a$QM, df = a$QMdf[1], df2 = a$QMdf[2], p = a$QMp)\n",
			indent, obj, bttIndex(t, vc), out, i+1)
	}
}

// composePredictions adds to the section what --predict and --test-terms
// asked for, so that the text a user reads holds them too: a table of the
// predicted values (with the r scale for Fisher z) and one line per term
// test, for the model they were computed on (level the confidence level).
func composePredictions(s *Section, model string, level float64, preds []meta.Prediction, tests []meta.TermTest) {
	if len(preds) > 0 {
		ci, pi := apa.Level(level)+" CI", apa.Level(level)+" PI"
		t := &Table{Name: "predictions", Title: "Predicted effects at chosen moderator values (" + model + ")",
			Columns: []string{"Moderator values", "Predicted", "SE", ci, pi}, Right: []bool{false, true, true, false, false}}
		withR := preds[0].R != nil
		if withR {
			t.Columns = append(t.Columns, "r", "r "+ci)
			t.Right = append(t.Right, true, false)
		}
		for _, p := range preds {
			keys := make([]string, 0, len(p.Values))
			for k := range p.Values {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			kv := make([]string, len(keys))
			for i, k := range keys {
				kv[i] = k + " = " + p.Values[k]
			}
			piText := "–"
			if p.PILB != nil && p.PIUB != nil {
				piText = "[" + num(*p.PILB, 4) + ", " + num(*p.PIUB, 4) + "]"
			}
			row := []string{strings.Join(kv, ", "), num(p.Pred, 4), num(p.SE, 4), "[" + num(p.CILB, 4) + ", " + num(p.CIUB, 4) + "]", piText}
			if withR && p.R != nil {
				row = append(row, num(p.R.Estimate, 3), "["+num(p.R.CILB, 3)+", "+num(p.R.CIUB, 3)+"]")
			}
			t.Rows = append(t.Rows, row)
		}
		if withR {
			t.Notes = append(t.Notes, "Predicted values, SEs and intervals are in Fisher z units; the last two columns give them as r.")
		}
		s.Add(t)
	}
	for _, tt := range tests {
		stat := fmt.Sprintf("Q_M(%d) = %s", tt.DF, num(tt.QM, 2))
		if tt.DF2 != nil {
			stat = fmt.Sprintf("F(%d, %d) = %s", tt.DF, *tt.DF2, num(tt.QM, 2))
		}
		s.P(Result, fmt.Sprintf("Test that the coefficients of %s (%s) are all zero (%s): %s, %s.",
			strings.Join(tt.Terms, ", "), strings.Join(tt.Coefs, ", "), model, stat, apa.P(tt.P)))
	}
}
