package meta

import (
	"fmt"
	"strconv"
	"strings"
)

// RCode returns R code that fits the same location–scale model with
// metafor from the analysed data (inline, so the numbers match exactly):
// rma(yi, vi, mods = ~ x, scale = ~ z) with nlminb (rel.tol 1e-10), the
// likelihood-ratio test of the scale part against the model with one τ²,
// and τ² at the predicted levels (predict(res, newscale = Z, transf = exp)).
func (r *LocScaleResult) RCode() string {
	var b strings.Builder
	b.WriteString("library(metafor)\n")
	b.WriteString("dat <- data.frame(\n")
	fmt.Fprintf(&b, "  yi = %s,\n  vi = %s", rNum(r.Yi), rNum(r.Vi))
	seen := map[string]bool{}
	for _, m := range append(append([]Moderator(nil), r.locMods...), r.scaleMods...) {
		if seen[m.Name] {
			continue
		}
		seen[m.Name] = true
		if m.Numeric != nil {
			fmt.Fprintf(&b, ",\n  %s = %s", rName(m.Name), rNum(m.Numeric))
		} else {
			fmt.Fprintf(&b, ",\n  %s = %s", rName(m.Name), rStr(m.Text))
		}
	}
	b.WriteString(")\n")
	terms := func(ms []Moderator) string {
		n := make([]string, len(ms))
		for i, m := range ms {
			n[i] = rName(m.Name)
		}
		return strings.Join(n, " + ")
	}
	mods := ""
	if len(r.locMods) > 0 {
		mods = ", mods = ~ " + terms(r.locMods)
	}
	level := ""
	if r.Level != 0.95 {
		level = ", level = " + strconv.FormatFloat(100*r.Level, 'g', -1, 64)
	}
	fmt.Fprintf(&b, "res <- rma(yi, vi%s, scale = ~ %s, data = dat, method = %q, test = %q%s,\n", mods, terms(r.scaleMods), r.Method, r.Test, level)
	// nlminb's own rel.tol: at 1e-12 it often stops with "false convergence"
	b.WriteString("           control = list(rel.tol = 1e-10, eval.max = 10000, iter.max = 10000))\n")
	b.WriteString("res\n")
	fmt.Fprintf(&b, "# the same location model with one tau^2, and the likelihood-ratio test of the scale part\nres0 <- rma(yi, vi%s, data = dat, method = %q, test = %q%s,\n", mods, r.Method, r.Test, level)
	b.WriteString("            control = list(threshold = 1e-10, maxiter = 1000, tol = 1e-12))\n")
	b.WriteString("LRT <- 2 * (c(logLik(res)) - c(logLik(res0)))\n")
	fmt.Fprintf(&b, "c(LRT = LRT, df = %d, p = pchisq(LRT, df = %d, lower.tail = FALSE))\n", r.Q-1, r.Q-1)
	preds := r.Tau2Levels
	if len(r.ScalePredictions) > 0 {
		preds = r.ScalePredictions
	}
	if len(preds) > 0 {
		rows := make([]string, len(preds))
		for i, p := range preds {
			rows[i] = rNum(p.Z[1:])
		}
		fmt.Fprintf(&b, "# tau^2 at the chosen scale values (columns: %s)\n", strings.Join(r.ScaleNames[1:], ", "))
		fmt.Fprintf(&b, "predict(res, newscale = rbind(%s), transf = exp)\n", strings.Join(rows, ", "))
	}
	return b.String()
}
