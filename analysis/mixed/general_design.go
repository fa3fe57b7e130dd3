package mixed

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
)

// splitUncorrelated returns the terms of r as lme4 fits them: r itself, or
// for the double-bar form (1 + t + z || g) one scalar term per column,
// (1 | g), (0 + t | g), (0 + z | g), in that order (lme4's expandDoubleVerts).
func splitUncorrelated(r RandomTerm) []RandomTerm {
	if !r.Uncorrelated {
		return []RandomTerm{r}
	}
	var out []RandomTerm
	base := r
	base.Uncorrelated = false
	base.Slopes = nil
	if r.Intercept {
		out = append(out, base)
	}
	for _, s := range r.Slopes {
		t := base
		t.Intercept = false
		t.Slopes = [][]string{s}
		out = append(out, t)
	}
	return out
}

// uniqueTermNames returns the VarCorr name of every term (in level order):
// its grouping factor's name, made unique as R's make.unique does, so the
// second term on Subject is "Subject.1" and the third "Subject.2".
func uniqueTermNames(rts []rterm) []string {
	seen := map[string]int{}
	used := map[string]bool{}
	for _, rt := range rts {
		used[rt.rt.Name] = true
	}
	out := make([]string, len(rts))
	for i, rt := range rts {
		nm := rt.rt.Name
		k, dup := seen[nm]
		seen[nm] = k + 1
		if !dup {
			out[i] = nm
			continue
		}
		for {
			cand := fmt.Sprintf("%s.%d", nm, k)
			k++
			if !used[cand] {
				used[cand] = true
				out[i] = cand
				seen[nm] = k
				break
			}
		}
	}
	return out
}

// checkRepeatedColumns refuses two terms on one grouping factor that share
// a column, such as (1 | g) + (1 + t | g): their variances cannot be told
// apart.
func checkRepeatedColumns(rts []rterm) error {
	cols := map[string]string{} // group \x00 column → term
	for _, rt := range rts {
		var names []string
		if rt.rt.Intercept {
			names = append(names, "(Intercept)")
		}
		for _, s := range rt.rt.Slopes {
			names = append(names, strings.Join(s, ":"))
		}
		for _, c := range names {
			k := rt.rt.Name + "\x00" + c
			if prev, ok := cols[k]; ok {
				return errs.New(errs.InvalidOption, "mixed", "random terms %s and %s both give %q a %s column; their variances cannot be told apart, so keep it in one term", prev, rt.rt.String(), rt.rt.Name, c)
			}
			cols[k] = rt.rt.String()
		}
	}
	return nil
}

// termList writes the random terms for a message: (1 | patient) + (1 | rater).
func termList(rts []rterm) string {
	parts := make([]string, len(rts))
	for i, rt := range rts {
		parts[i] = rt.rt.String()
	}
	return strings.Join(parts, " + ")
}
