package mixed

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

type emmGoldenCase struct {
	Spec      string                                  `json:"spec"`
	At        map[string]json.RawMessage              `json:"at"`
	Call      string                                  `json:"call"`
	Vars      strs                                    `json:"vars"`
	By        strs                                    `json:"by"`
	EMMeans   []map[string]json.RawMessage            `json:"emmeans"`
	Contrasts map[string][]map[string]json.RawMessage `json:"contrasts"`
}

type emmGoldenFit struct {
	Data    string          `json:"data"`
	Formula string          `json:"formula"`
	LogLik  float64         `json:"logLik"`
	Cases   []emmGoldenCase `json:"cases"`
}

func rawFloat(t *testing.T, m map[string]json.RawMessage, k string) float64 {
	t.Helper()
	var x float64
	if err := json.Unmarshal(m[k], &x); err != nil {
		t.Fatalf("field %s: %v", k, err)
	}
	return x
}

func rawString(t *testing.T, m map[string]json.RawMessage, k string) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(m[k], &s); err != nil {
		t.Fatalf("field %s: %v", k, err)
	}
	return s
}

// emmWorst collects the worst relative gaps to emmeans for the report.
type emmWorst struct{ est, se, df, p float64 }

// checkEMMCase compares one emmeans() call and its pairs() with every
// adjustment: means and SEs 1e-6, df 1e-5, p 1e-5 + 2e-12 absolute (R's
// ptukey is accurate to ~1e-7 relative and 1e-12 absolute at these df).
func checkEMMCase(t *testing.T, m *Model, c emmGoldenCase, w *emmWorst) {
	t.Helper()
	if len(c.By) == 1 && c.By[0] == "" { // R's NULL
		c.By = nil
	}
	vars, by, err := ParseEMMSpec(c.Spec)
	if err != nil {
		t.Fatal(err)
	}
	spec := EMMSpec{Vars: vars, By: by, Pairs: true}
	if len(c.At) > 0 {
		spec.At = map[string][]string{}
		for k, raw := range c.At {
			var xs fl
			if err := json.Unmarshal(raw, &xs); err == nil {
				for _, v := range xs {
					spec.At[k] = append(spec.At[k], strconv.FormatFloat(v, 'g', -1, 64))
				}
				continue
			}
			var ss strs
			if err := json.Unmarshal(raw, &ss); err != nil {
				t.Fatalf("at %s: %v", k, err)
			}
			spec.At[k] = ss
		}
	}
	for _, adj := range []string{"tukey", "none", "bonferroni", "holm"} {
		spec.Adjust = adj
		res, err := m.EMMeans(spec)
		if err != nil {
			t.Fatalf("%s: %v", c.Call, err)
		}
		if len(res.EMMeans) != len(c.EMMeans) {
			t.Fatalf("%s: %d means, want %d", c.Call, len(res.EMMeans), len(c.EMMeans))
		}
		for i, want := range c.EMMeans {
			got := res.EMMeans[i]
			for _, v := range append(append([]string(nil), c.Vars...), c.By...) {
				if got.Levels[v] != rawString(t, want, v) {
					t.Errorf("%s row %d: %s = %q, want %q", c.Call, i, v, got.Levels[v], rawString(t, want, v))
				}
			}
			what := c.Call + " " + got.label
			check(t, what+" emmean", got.EMMean, rawFloat(t, want, "emmean"), 1e-6)
			check(t, what+" se", got.SE, rawFloat(t, want, "se"), 1e-6)
			check(t, what+" df", got.DF, rawFloat(t, want, "df"), 1e-5)
			check(t, what+" lower", got.CILB, rawFloat(t, want, "lower"), 1e-6)
			check(t, what+" upper", got.CIUB, rawFloat(t, want, "upper"), 1e-6)
			w.est = math.Max(w.est, relErr(got.EMMean, rawFloat(t, want, "emmean")))
			w.se = math.Max(w.se, relErr(got.SE, rawFloat(t, want, "se")))
			w.df = math.Max(w.df, relErr(got.DF, rawFloat(t, want, "df")))
		}
		wc := c.Contrasts[adj]
		if len(res.Contrasts) != len(wc) {
			t.Fatalf("%s %s: %d contrasts, want %d", c.Call, adj, len(res.Contrasts), len(wc))
		}
		for i, want := range wc {
			got := res.Contrasts[i]
			if got.Contrast != rawString(t, want, "contrast") {
				t.Errorf("%s: contrast %d %q, want %q", c.Call, i, got.Contrast, rawString(t, want, "contrast"))
			}
			for _, v := range c.By {
				if got.By[v] != rawString(t, want, v) {
					t.Errorf("%s: contrast %d %s = %q, want %q", c.Call, i, v, got.By[v], rawString(t, want, v))
				}
			}
			what := c.Call + " " + adj + " " + got.Contrast + " " + strings.Join(sortedVals(got.By), ",")
			check(t, what+" estimate", got.Estimate, rawFloat(t, want, "estimate"), 1e-6)
			check(t, what+" se", got.SE, rawFloat(t, want, "se"), 1e-6)
			check(t, what+" df", got.DF, rawFloat(t, want, "df"), 1e-5)
			check(t, what+" t", got.T, rawFloat(t, want, "t"), 1e-6)
			// R's ptukey is accurate to ~1e-12 absolute only (srange's
			// tests): a Tukey p of 1e-13 is compared absolutely.
			if wp := rawFloat(t, want, "p"); math.Abs(got.P-wp) > 1e-5*wp+2e-12 {
				t.Errorf("%s p = %.12g, want %.12g", what, got.P, wp)
			}
			if rawFloat(t, want, "p") > 1e-8 {
				w.p = math.Max(w.p, relErr(got.P, rawFloat(t, want, "p")))
			}
			w.est = math.Max(w.est, relErr(got.Estimate, rawFloat(t, want, "estimate")))
			w.se = math.Max(w.se, relErr(got.SE, rawFloat(t, want, "se")))
			w.df = math.Max(w.df, relErr(got.DF, rawFloat(t, want, "df")))
		}
	}
}

func sortedVals(m map[string]string) []string {
	var out []string
	for _, k := range sortedKeysS(m) {
		out = append(out, m[k])
	}
	return out
}

func sortedKeysS(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

// Marginal means and pairwise contrasts against emmeans 1.8.4-1
// (emmeans(m, spec, lmer.df = "satterthwaite"), summary(pairs(.), adjust =
// tukey / none / bonferroni / holm)) on the simulated 3-arm trial (arm ×
// time, at the mean time, at time = 5, by time = 0, 5, the 6 arm:time cells
// at time = 0, 5 (labels "cbt time0"), arm restricted to cbt, ipt; arm × site averaged
// over site, by site, and the 6 arm:site cells).
func TestEMMeansArm(t *testing.T) {
	var g struct {
		Data map[string]json.RawMessage `json:"data"`
		Fits []emmGoldenFit             `json:"fits"`
	}
	if err := golden.Load("mixed_emmeans_arm.json", &g); err != nil {
		t.Fatal(err)
	}
	data := goldenFile{Data: g.Data}.data(t)
	var w emmWorst
	for _, fit := range g.Fits {
		m, err := Fit(fit.Formula, data, Options{})
		if err != nil {
			t.Fatalf("%s: %v", fit.Formula, err)
		}
		check(t, fit.Formula+" logLik", m.Result.LogLik, fit.LogLik, 1e-9)
		for _, c := range fit.Cases {
			checkEMMCase(t, m, c, &w)
		}
	}
	t.Logf("worst relative gaps: emmean/estimate %.1e, se %.1e, df %.1e, p %.1e", w.est, w.se, w.df, w.p)
}

// The same on lme4's sleepstudy with factor(Days) (10 means, 45 Tukey
// pairs) and nlme's Orthodont with Sex (age × Sex; by age = 8, 14).
func TestEMMeansPublic(t *testing.T) {
	var g struct {
		Sleepstudy map[string]json.RawMessage `json:"sleepstudy"`
		Orthodont  map[string]json.RawMessage `json:"orthodont"`
		Fits       []emmGoldenFit             `json:"fits"`
	}
	if err := golden.Load("mixed_emmeans_public.json", &g); err != nil {
		t.Fatal(err)
	}
	var w emmWorst
	for _, fit := range g.Fits {
		raw := map[string]map[string]json.RawMessage{"sleepstudy": g.Sleepstudy, "orthodont": g.Orthodont}[fit.Data]
		m, err := Fit(fit.Formula, goldenFile{Data: raw}.data(t), Options{})
		if err != nil {
			t.Fatalf("%s: %v", fit.Formula, err)
		}
		check(t, fit.Formula+" logLik", m.Result.LogLik, fit.LogLik, 1e-9)
		for _, c := range fit.Cases {
			checkEMMCase(t, m, c, &w)
		}
	}
	t.Logf("worst relative gaps: emmean/estimate %.1e, se %.1e, df %.1e, p %.1e", w.est, w.se, w.df, w.p)
}
