package workflow

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/meta"
)

// floatList joins xs in the shortest exact decimal form.
func floatList(xs []float64, sep string) string {
	p := make([]string, len(xs))
	for i, x := range xs {
		p[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(p, sep)
}

// selModelLabel names the step-function selection model with its cut
// points and estimated δ: "Selection model (steps at p = .025, .5; δ = 0.19, 0.02)".
func selModelLabel(s *meta.SelModelResult) string {
	if s.Type != meta.SelStepFun && s.Type != "" {
		ds := make([]string, len(s.Delta))
		for j, d := range s.Delta {
			ds[j] = num(d, 2)
		}
		extra := ""
		if s.Prec != "" {
			extra += ", prec " + s.Prec
		}
		if len(s.Steps) > 0 {
			extra += ", step at p = " + strings.TrimPrefix(strconv.FormatFloat(s.Steps[0], 'g', -1, 64), "0")
		}
		return fmt.Sprintf("Selection model (%s%s; δ = %s)", meta.SelTypeName(s.Type), extra, strings.Join(ds, ", "))
	}
	var cuts, ds []string
	for _, c := range s.Steps[:len(s.Steps)-1] {
		cuts = append(cuts, strings.TrimPrefix(strconv.FormatFloat(c, 'g', -1, 64), "0"))
	}
	for _, d := range s.Delta[1:] {
		ds = append(ds, num(d, 2))
	}
	word := "step"
	if len(cuts) > 1 {
		word = "steps"
	}
	return fmt.Sprintf("Selection model (%s at p = %s; δ = %s)", word, strings.Join(cuts, ", "), strings.Join(ds, ", "))
}

// selModelMethods is the methods sentence of the step-function selection
// model that ran.
func selModelMethods(s *meta.SelModelResult) string {
	if s.Type != meta.SelStepFun && s.Type != "" {
		return selModelContMethods(s)
	}
	cuts := make([]string, 0, len(s.Steps))
	for _, c := range s.Steps[:len(s.Steps)-1] {
		cuts = append(cuts, strings.TrimPrefix(strconv.FormatFloat(c, 'g', -1, 64), "0"))
	}
	if len(cuts) == 1 {
		return "A step-function selection model (Vevea & Hedges, 1995) with one cut point at one-sided p = " + cuts[0] + " was fitted by maximum likelihood."
	}
	return fmt.Sprintf("A step-function selection model (Vevea & Hedges, 1995) with cut points at one-sided p = %s was fitted by maximum likelihood.", strings.Join(cuts, ", "))
}

// selModelDefaults normalises and checks the selection-model options: a
// type, a precision measure or steps imply the selection model, and its
// figure implies it (and the bias analysis it belongs to).
func (o *MetaOptions) selModelDefaults() error {
	o.SelType, o.SelPrec = strings.ToLower(o.SelType), strings.ToLower(o.SelPrec)
	if o.has("selmodel") {
		o.Bias, o.SelModel = true, true
	}
	if o.SelType == "" && !o.SelModel && o.SelPrec == "" && len(o.SelSteps) == 0 {
		return nil
	}
	o.SelModel = true
	if o.SelType == "" {
		o.SelType = meta.SelStepFun
	}
	if !slices.Contains(meta.SelTypes, o.SelType) {
		return invalid("SelType", "selection model %q: give one of %s", o.SelType, strings.Join(meta.SelTypes, ", "))
	}
	switch o.SelPrec {
	case "", meta.PrecSEI, meta.PrecVI, meta.PrecNInv, meta.PrecSqrtNInv:
	default:
		return invalid("SelPrec", "precision measure %q: give sei, vi, ninv or sqrtninv", o.SelPrec)
	}
	if o.SelPrec != "" && (o.SelType == meta.SelStepFun || o.SelType == meta.SelBeta) {
		return invalid("SelPrec", "the %s selection model takes no precision measure (metafor has prec for halfnorm, negexp, logistic, power and negexppow)", o.SelType)
	}
	below := 0
	for _, s := range o.SelSteps {
		if s < 1 {
			below++
		}
	}
	switch {
	case o.SelType == meta.SelBeta && len(o.SelSteps) > 0:
		return invalid("SelSteps", "the beta selection model has no steps; drop them")
	case o.SelType != meta.SelStepFun && below > 1:
		return invalid("SelSteps", "the %s selection model takes one step (the p-value below which the weight is 1), not %d", o.SelType, below)
	}
	return nil
}

// SelModelSpec is the figure of the estimated selection function: the
// relative likelihood of selection against the one-sided p-value, with
// its pointwise confidence band (meta.SelModelResult.WeightCI) and the
// studies' p-values as a rug (metafor's plot(sel, ci = "wald", rug = TRUE)).
type SelModelSpec struct {
	Sel   *meta.SelModelResult
	PVals []float64 // the studies' one-sided p-values
	Level float64
}

func (SelModelSpec) Kind() string { return "selmodel" }

// selModelCites are the citation keys of the selection model that ran.
func selModelCites(s *meta.SelModelResult) []string {
	switch s.Type {
	case meta.SelBeta:
		return []string{"citkowicz2017"}
	case meta.SelHalfNorm, meta.SelNegExp, meta.SelLogistic, meta.SelPower, meta.SelNegExpPow:
		return []string{"preston2004"}
	}
	return []string{"vevea1995"}
}

// selModelFunctions are the selection functions in words, for the methods.
var selModelFunctions = map[string]string{
	meta.SelBeta:      "w(p) = p^(δ₁−1)(1−p)^(δ₂−1), p-values censored to [10⁻⁵, 1 − 10⁻⁵]",
	meta.SelHalfNorm:  "w(p) = exp(−δ·p²)",
	meta.SelNegExp:    "w(p) = exp(−δ·p)",
	meta.SelLogistic:  "w(p) = 2exp(−δ·p)/(1 + exp(−δ·p))",
	meta.SelPower:     "w(p) = (1 − p)^δ, p-values censored to [10⁻⁵, 1 − 10⁻⁵]",
	meta.SelNegExpPow: "w(p) = exp(−δ₁·p^(1/δ₂))",
}

var precWords = map[string]string{meta.PrecSEI: "standard error", meta.PrecVI: "sampling variance", meta.PrecNInv: "inverse sample size", meta.PrecSqrtNInv: "inverse square root of the sample size"}

// selModelContMethods is the methods sentence of a continuous selection
// model.
func selModelContMethods(s *meta.SelModelResult) string {
	var b strings.Builder
	switch s.Type {
	case meta.SelBeta:
		b.WriteString("A beta selection model (Citkowicz & Vevea, 2017), ")
	case meta.SelPower, meta.SelNegExpPow:
		fmt.Fprintf(&b, "A %s selection model (in the family of Preston, Ashby & Smyth, 2004), ", meta.SelTypeName(s.Type))
	default:
		fmt.Fprintf(&b, "A %s selection model (Preston, Ashby & Smyth, 2004), ", meta.SelTypeName(s.Type))
	}
	b.WriteString(selModelFunctions[s.Type])
	if s.Prec != "" {
		fmt.Fprintf(&b, " with δ multiplied by each study's %s divided by its maximum", precWords[s.Prec])
	}
	if len(s.Steps) > 0 {
		fmt.Fprintf(&b, ", set to 1 for one-sided p ≤ %s and divided by its value there above it", strings.TrimPrefix(strconv.FormatFloat(s.Steps[0], 'g', -1, 64), "0"))
	}
	b.WriteString(", was fitted by maximum likelihood (the weighted normal density integrated numerically; Wald CIs; the likelihood-ratio test against the model without selection).")
	return b.String()
}

// selModelFigure adds the selection-function figure when it was asked for.
func (r *MetaRun) selModelFigure(s *Section, sel *meta.SelModelResult) {
	if r.Model == nil {
		return
	}
	pv := make([]float64, len(r.Model.Yi))
	for i, y := range r.Model.Yi {
		pv[i] = 0.5 * math.Erfc(y/math.Sqrt(r.Model.Vi[i])/math.Sqrt2)
	}
	band := "pointwise Wald limits (δ at its CI bounds)"
	if len(sel.Delta) == 2 && sel.Type != meta.SelStepFun {
		band = "pointwise delta-method limits on the log scale"
	}
	cap := fmt.Sprintf("Estimated selection function of the %s selection model: the relative likelihood that a study is observed against its one-sided p-value, with %g%% %s; ticks at the bottom mark the studies' p-values", meta.SelTypeName(sel.Type), 100*r.opt.Level, band)
	if sel.Prec != "" {
		cap += "; drawn at the largest precision (prec = 1 after scaling)"
	}
	r.figure(s, "selmodel", "Selection function", cap+".", SelModelSpec{Sel: sel, PVals: pv, Level: r.opt.Level})
}

// selModelRCode is the metafor call of the selection model that ran.
func (r *MetaRun) selModelRCode(s *meta.SelModelResult) string {
	var b strings.Builder
	args := fmt.Sprintf("type = %q", s.Type)
	if s.Type == meta.SelStepFun || s.Type == "" {
		args += fmt.Sprintf(", steps = c(%s)", floatList(s.Steps, ", "))
	} else if len(s.Steps) > 0 {
		args += fmt.Sprintf(", steps = %s", strconv.FormatFloat(s.Steps[0], 'g', -1, 64))
	}
	res := "res"
	if s.Prec != "" {
		args += fmt.Sprintf(", prec = %q", s.Prec)
		if s.Prec == meta.PrecNInv || s.Prec == meta.PrecSqrtNInv {
			// selmodel reads the sample sizes from the model
			fmt.Fprintf(&b, "res_n <- rma(yi, vi, ni = %s, data = dat, method = %q)\n", rNums(r.analysedN(r.Model)), r.Model.Method)
			res = "res_n"
		}
	}
	if s.Type != meta.SelStepFun && s.Type != "" {
		b.WriteString("# metafor's optimiser (optim BFGS, integrals to 1.2e-4) can stop short of the maximum or fail;\n" +
			"# closer values: add control = list(optimizer = \"nlminb\", rel.tol = 1e-13, intCtrl = list(rel.tol = 1e-12))\n")
	}
	fmt.Fprintf(&b, "sel <- selmodel(%s, %s); sel\n", res, args)
	if r.has("selmodel") {
		b.WriteString("plot(sel, ci = \"wald\")\n")
	}
	return b.String()
}

// selModelArgs are the command-line flags of the selection model.
func selModelArgs(o MetaOptions) []string {
	a := []string{"--selmodel"}
	if o.SelType != "" && o.SelType != meta.SelStepFun {
		a = []string{"--selmodel=" + o.SelType}
	}
	if o.SelPrec != "" {
		a = append(a, "--prec", o.SelPrec)
	}
	if len(o.SelSteps) > 0 {
		a = append(a, "--steps", floatList(o.SelSteps, ","))
	}
	return a
}
