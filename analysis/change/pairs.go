package change

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Pair is one patient's pre and post score (NaN = missing) with an optional
// group label, the wide data of clinicalsignificance's .prep_data.
type Pair struct {
	ID    string  `json:"id"`
	Group string  `json:"group,omitempty"`
	Pre   float64 `json:"pre"`
	Post  float64 `json:"post"`
}

// PairsAt builds pairs from long data using the sessions labelled pre and
// post (the package's pre = , post = arguments). Patients keep the order of
// first appearance; a patient without one of the two sessions gets NaN there
// (and is dropped from the analysis, counting in n_original only).
// Duplicate (patient, session) rows are an error.
func PairsAt(patient []string, session []int, score []float64, pre, post int) ([]Pair, error) {
	if len(patient) != len(session) || len(patient) != len(score) {
		return nil, errs.New(errs.InvalidOption, "change", "long data columns differ in length (patient %d, session %d, score %d)", len(patient), len(session), len(score))
	}
	if pre == post {
		return nil, errs.New(errs.InvalidOption, "change", "pre and post session are both %d", pre)
	}
	index := map[string]int{}
	var out []Pair
	seen := map[[2]int]int{} // (patient, session) → row + 1
	for i, id := range patient {
		k, ok := index[id]
		if !ok {
			k = len(out)
			index[id] = k
			out = append(out, Pair{ID: id, Pre: nan, Post: nan})
		}
		s := session[i]
		if s != pre && s != post {
			continue
		}
		if j := seen[[2]int{k, s}]; j > 0 {
			return nil, &DuplicateError{Patient: id, Time: float64(s), Rows: [2]int{j - 1, i}}
		}
		seen[[2]int{k, s}] = i + 1
		if s == pre {
			out[k].Pre = score[i]
		} else {
			out[k].Post = score[i]
		}
	}
	return out, nil
}

// PairsFirstLast builds pairs from the first and the last session with a
// non-missing score of each patient (patients with fewer than two such
// sessions get NaN post).
func PairsFirstLast(patient []string, session []int, score []float64) ([]Pair, error) {
	if len(patient) != len(session) || len(patient) != len(score) {
		return nil, errs.New(errs.InvalidOption, "change", "long data columns differ in length (patient %d, session %d, score %d)", len(patient), len(session), len(score))
	}
	type span struct{ lo, hi, slo, shi int }
	index := map[string]int{}
	var spans []span
	var out []Pair
	for i, id := range patient {
		if math.IsNaN(score[i]) {
			if _, ok := index[id]; !ok {
				index[id] = len(out)
				out = append(out, Pair{ID: id, Pre: nan, Post: nan})
				spans = append(spans, span{-1, -1, 0, 0})
			}
			continue
		}
		k, ok := index[id]
		if !ok {
			k = len(out)
			index[id] = k
			out = append(out, Pair{ID: id, Pre: nan, Post: nan})
			spans = append(spans, span{-1, -1, 0, 0})
		}
		sp := &spans[k]
		s := session[i]
		if sp.lo >= 0 && s == sp.slo {
			return nil, &DuplicateError{Patient: id, Time: float64(s), Rows: [2]int{sp.lo, i}}
		}
		if sp.hi >= 0 && s == sp.shi {
			return nil, &DuplicateError{Patient: id, Time: float64(s), Rows: [2]int{sp.hi, i}}
		}
		if sp.lo < 0 || s < sp.slo {
			sp.lo, sp.slo = i, s
		}
		if sp.hi < 0 || s > sp.shi {
			sp.hi, sp.shi = i, s
		}
	}
	for k, sp := range spans {
		if sp.lo >= 0 && sp.hi >= 0 && sp.lo != sp.hi {
			out[k].Pre, out[k].Post = score[sp.lo], score[sp.hi]
		}
	}
	return out, nil
}
