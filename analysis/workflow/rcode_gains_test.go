package workflow

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/alliance-research/alliance/analysis/jsonout"
)

// keyed turns each list named in lists into an object keyed by the
// rows' field key, so that rows are compared by identity, not order.
func keyed(v map[string]any, lists map[string]string) {
	for name, key := range lists {
		rows, ok := v[name].([]any)
		if !ok {
			continue
		}
		m := map[string]any{}
		for _, r := range rows {
			if o, ok := r.(map[string]any); ok {
				m[fmt.Sprint(o[key])] = o
			}
		}
		v[name] = m
	}
}

// decoded is v as alliance writes it (jsonout), decoded.
func decoded(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := jsonout.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var x map[string]any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	return x
}

// The gains R code (base R: the Tang & DeRubeis criteria written out, the
// suddengains call commented) reproduces every number and flag of the
// gains output; skipped without R and jsonlite.
func TestGainsRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "jsonlite")
	f := func(x float64) *float64 { return &x }
	one, twelve := 1, 12
	wide := func(o GainsOptions) GainsOptions {
		o.Wide.Prefix, o.First, o.Last = "bdi_s", &one, &twelve
		return o
	}
	for _, c := range []struct {
		name, data string
		opt        GainsOptions
	}{
		{"vignette", "sgdata", wide(GainsOptions{Cutoff: f(7)})},
		{"losses", "sgdata", wide(GainsOptions{Cutoff: f(7), Losses: true})},
		{"losses-intended", "sgdata", wide(GainsOptions{Cutoff: f(4), Losses: true, LossPctIntended: true})},
		{"rci-byperson-largest", "sgdata", wide(GainsOptions{Reliability: f(0.8), ByPerson: true, Select: "largest"})},
		{"byperson-first-baseline", "sgdata", wide(GainsOptions{Cutoff: f(5), ByPerson: true, Select: "first", BaselineFirst: true})},
		{"fixed-critical-no-pct", "sgdata", wide(GainsOptions{Cutoff: f(6), CriticalValue: f(2.776), NoPct: true})},
		{"no-stability-sd-reversal-n2", "sgdata", wide(GainsOptions{Reliability: f(0.7), SD: f(6), NoStability: true, ReversalFromN2: true})},
		{"long", "demo-sessions", GainsOptions{Cutoff: f(4)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			run, err := Gains(embedded(t, c.data), c.opt)
			if err != nil {
				t.Fatal(err)
			}
			objs := runRCode(t, rs, run.Steps()[0].RCode, c.data)
			lists := map[string]string{"gains": "id_sg", "byperson": "patient"}
			ours, r := decoded(t, run), objs[len(objs)-1]
			keyed(ours, lists)
			keyed(r, lists)
			if len(run.Gains) == 0 {
				t.Fatalf("no gains: the case tests nothing")
			}
			o, rr := map[string]float64{}, map[string]float64{}
			flattenB(ours, "", o, true)
			flattenB(r, "", rr, true)
			for _, k := range []string{"criteria.pct", "criteria.alpha", "criteria.critical_value", "sessions[0]", "sessions[1]", "criteria.stability", "criteria.baseline_first", "criteria.no_pct"} {
				delete(o, k) // the options given, not results
			}
			compareJSON(t, c.name, o, rr, tolEst)
		})
	}
}
