package workflow

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/jsonout"
)

// flatten lists the numeric leaves of a decoded JSON value by path
// ("coefficients[0].estimate"); null is NaN, strings and booleans are left
// out.
func flatten(v any, path string, out map[string]float64) { flattenB(v, path, out, false) }

// flattenB is flatten that also lists booleans (as 1 and 0) when bools.
func flattenB(v any, path string, out map[string]float64, bools bool) {
	switch x := v.(type) {
	case bool:
		if bools {
			out[path] = rVal(x)
		}
	case map[string]any:
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			flattenB(e, p, out, bools)
		}
	case []any:
		for i, e := range x {
			flattenB(e, fmt.Sprintf("%s[%d]", path, i), out, bools)
		}
	case float64:
		out[path] = x
	case nil:
		out[path] = rVal(nil)
	}
}

// notInR are numbers of alliance's JSON that the R code does not print,
// each with the reason (matched against the path).
var notInR = []struct {
	re     *regexp.Regexp
	reason string
}{
	{regexp.MustCompile(`(^|\.)iterations$`), "the optimiser's own iteration count"},
	{regexp.MustCompile(`(^|\.)level$`), "the confidence level asked for (an input)"},
	{regexp.MustCompile(`^rho$`), "the within-cluster correlation asked for (an input)"},
	{regexp.MustCompile(`(^|\.)(rank\.ties|rank\.exact|orwin_weighted)$`), "an option or flag, not an estimate"},
}

// compareJSON compares every numeric leaf of ours (alliance's JSON) with
// the same path in r (the JSON the generated R code printed): df-like
// names to 1e-4, counts exactly, the rest to tol relative. A number R does
// not print is an error unless notInR gives the reason.
func compareJSON(t *testing.T, what string, ours, r map[string]float64, tol float64) {
	t.Helper()
	keys := make([]string, 0, len(ours))
	for k := range ours {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	c := &comparer{t: t, what: what}
	var missing []string
	for _, k := range keys {
		rv, ok := r[k]
		if !ok {
			skip := math.IsNaN(ours[k]) // null: not applicable to this analysis
			for _, n := range notInR {
				skip = skip || n.re.MatchString(k)
			}
			if !skip {
				missing = append(missing, k)
			}
			continue
		}
		last := k[strings.LastIndex(k, ".")+1:]
		switch {
		case last == "tau":
			// compared as τ²: at a boundary optimum (τ² ≈ 1e-11 in R, 0
			// here) the square root magnifies the difference to 3e-6
			c.num(k+"²", ours[k]*ours[k], rv*rv, tol)
		case last == "df" || strings.HasSuffix(last, "_df") || last == "Df":
			c.num(k, ours[k], rv, tolDF)
		case last == "k" || last == "k0" || last == "p" && !strings.Contains(k, "coefficients") && !strings.Contains(k, "[") && rv == float64(int(rv)) && ours[k] == float64(int(ours[k])):
			c.num(k, ours[k], rv, 0)
		default:
			c.num(k, ours[k], rv, tol)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%s: %d numbers of alliance's output are not printed by the R code: %s", what, len(missing), strings.Join(missing, ", "))
	}
	c.log()
}

// oursJSON flattens a run's output as alliance writes it (jsonout).
func oursJSON(t *testing.T, v any) map[string]float64 {
	t.Helper()
	b, err := jsonout.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	flatten(x, "", out)
	return out
}

// The meta R code reproduces every number of the meta output: the model
// with moderators or without, subgroups with the test between them,
// influence, Baujat, leave-one-out (also by cluster), cumulative, the bias
// methods, CR2 robust inference; skipped without R.
func TestMetaExtrasRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "metafor", "clubSandwich", "jsonlite")
	for _, c := range []struct {
		name string
		data string
		opt  MetaOptions
	}{
		{"influence+leave1out+cumulative", "molloy2014", MetaOptions{Influence: true, LeaveOneOut: true, Cumulative: "year"}},
		{"subgroups", "molloy2014", MetaOptions{Subgroup: "controls"}},
		{"moderators", "molloy2014", MetaOptions{Mods: []string{"meanage", "quality"}}},
		{"bias", "molloy2014", MetaOptions{Bias: true}},
		{"knha-DL-90", "molloy2014", MetaOptions{Method: "DL", Test: "t", Level: 0.9, Influence: true}},
		{"robust+leave-cluster-out", "demo-studies", MetaOptions{Robust: "study", LeaveClusterOut: "study"}},
		{"robust-CR1+moderators", "demo-studies", MetaOptions{Robust: "study", RobustType: "CR1", Mods: []string{"year"}}},
		{"robust-CR2+moderators", "demo-studies", MetaOptions{Robust: "study", Mods: []string{"year", "treatment"}}},
		{"three-level+CR2", "demo-studies", MetaOptions{Cluster: "study", Robust: "study"}},
		{"three-level+CR1+moderators", "demo-studies", MetaOptions{Cluster: "study", Robust: "study", RobustType: "CR1", Mods: []string{"year"}}},
		{"three-level-rho", "demo-studies", MetaOptions{Cluster: "study", Rho: 0.6, RhoSet: true}},
		{"three-level+CR2+test-terms", "demo-studies", MetaOptions{Cluster: "study", Robust: "study", Mods: []string{"year", "alliance_rater"}, TestTerms: []string{"alliance_rater"}}},
		{"three-level-rho+CR0+test-terms", "demo-studies", MetaOptions{Cluster: "study", Rho: 0.6, RhoSet: true, Robust: "study", RobustType: "CR0", Mods: []string{"year", "alliance_rater"}, TestTerms: []string{"year", "alliance_rater"}}},
		{"robust-CR2+test-terms", "demo-studies", MetaOptions{Robust: "study", Mods: []string{"year", "alliance_rater"}, TestTerms: []string{"alliance_rater"}}},
		{"robust-CR0+test-terms", "demo-studies", MetaOptions{Robust: "study", RobustType: "CR0", Mods: []string{"year", "alliance_rater"}, TestTerms: []string{"alliance_rater"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			run, err := Meta(embedded(t, c.data), c.opt)
			if err != nil {
				t.Fatal(err)
			}
			objs := runRCode(t, rs, run.Steps()[0].RCode)
			r := map[string]float64{}
			flatten(objs[len(objs)-1], "", r)
			compareJSON(t, c.name, oursJSON(t, run.Output()), r, tolEst)
		})
	}
}
