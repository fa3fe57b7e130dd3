package workflow

import (
	"fmt"
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
	cuts := make([]string, 0, len(s.Steps))
	for _, c := range s.Steps[:len(s.Steps)-1] {
		cuts = append(cuts, strings.TrimPrefix(strconv.FormatFloat(c, 'g', -1, 64), "0"))
	}
	if len(cuts) == 1 {
		return "A step-function selection model (Vevea & Hedges, 1995) with one cut point at one-sided p = " + cuts[0] + " was fitted by maximum likelihood."
	}
	return fmt.Sprintf("A step-function selection model (Vevea & Hedges, 1995) with cut points at one-sided p = %s was fitted by maximum likelihood.", strings.Join(cuts, ", "))
}
