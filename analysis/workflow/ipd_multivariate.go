package workflow

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/ipd"
)

// multivariate pools the within term and the patient-level term (between,
// or patient under therapist-mean centring) jointly, each study's 2×2
// within-study covariance taken from its stage-1 model's covariance of the
// fixed effects (ipd.Multivariate). Studies lacking either estimate are
// left out and counted in a note.
func (r *IPDRun) multivariate() error {
	second := "between"
	if r.pooledTerm("between") == nil && r.pooledTerm("patient") != nil {
		second = "patient"
	}
	terms := []string{"within", second}
	var studies []string
	var y [][]float64
	var v [][][]float64
	left := 0
	for _, f := range r.fits {
		if f.res == nil {
			continue
		}
		idx := []int{-1, -1}
		for a, t := range terms {
			for _, e := range f.res.Effects {
				if e.Role != t {
					continue
				}
				for j, c := range f.res.Fixed {
					if c.Name == e.Name {
						idx[a] = j
					}
				}
			}
		}
		if idx[0] < 0 || idx[1] < 0 || f.res.Vcov == nil {
			left++
			continue
		}
		yi := []float64{f.res.Fixed[idx[0]].Estimate, f.res.Fixed[idx[1]].Estimate}
		vi := [][]float64{{f.res.Vcov[idx[0]][idx[0]], f.res.Vcov[idx[0]][idx[1]]}, {f.res.Vcov[idx[1]][idx[0]], f.res.Vcov[idx[1]][idx[1]]}}
		if math.IsNaN(yi[0]) || math.IsNaN(yi[1]) {
			left++
			continue
		}
		studies, y, v = append(studies, f.study.name), append(y, yi), append(v, vi)
	}
	res, err := ipd.Multivariate(studies, terms, y, v, r.opt.Sessions.Level)
	if err != nil {
		return fmt.Errorf("multivariate pooling of the %s and %s terms: %w", terms[0], terms[1], err)
	}
	if left > 0 {
		r.note(Info, "%d studies without both the %s and the %s estimate were left out of the multivariate pooling.", left, terms[0], terms[1])
	}
	if !res.Converged {
		r.note(Warning, "The multivariate REML search stopped before converging (%s).", res.Reason)
	}
	r.Multivariate = res
	return nil
}
