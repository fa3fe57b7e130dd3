package meta

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// flex decodes an R vector that jsonlite may have unboxed to a scalar.
type flex []float64

func (f *flex) UnmarshalJSON(b []byte) error {
	var raw any
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	switch v := raw.(type) {
	case nil:
		*f = nil
	case float64:
		*f = flex{v}
	case []any:
		out := make(flex, len(v))
		for i, x := range v {
			if x == nil {
				out[i] = math.NaN()
			} else {
				out[i] = x.(float64)
			}
		}
		*f = out
	default:
		return fmt.Errorf("flex: unexpected %T", raw)
	}
	return nil
}

type flexStr []string

func (f *flexStr) UnmarshalJSON(b []byte) error {
	var raw any
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	switch v := raw.(type) {
	case string:
		*f = flexStr{v}
	case []any:
		for _, x := range v {
			*f = append(*f, x.(string))
		}
	}
	return nil
}

// gFit is one metafor fit recorded by testdata/golden/R/meta.R (rec()).
type gFit struct {
	ID       string             `json:"id"`
	Mods     []string           `json:"mods"`
	Dropped  *int               `json:"dropped"`
	K        int                `json:"k"`
	Method   string             `json:"method"`
	Test     string             `json:"test"`
	Level    float64            `json:"level"`
	Names    flexStr            `json:"names"`
	Estimate flex               `json:"estimate"`
	SE       flex               `json:"se"`
	Stat     flex               `json:"statistic"`
	PValue   flex               `json:"p_value"`
	CILB     flex               `json:"ci_lb"`
	CIUB     flex               `json:"ci_ub"`
	DF       *float64           `json:"df"`
	Tau2     float64            `json:"tau2"`
	SETau2   *float64           `json:"se_tau2"`
	I2       float64            `json:"I2"`
	H2       float64            `json:"H2"`
	QE       float64            `json:"QE"`
	QEP      float64            `json:"QE_p"`
	QM       float64            `json:"QM"`
	QMP      float64            `json:"QM_p"`
	QMDF     int                `json:"QM_df"`
	R2       *float64           `json:"R2"`
	Fit      map[string]float64 `json:"fit"`
	Pred     *struct {
		PILB *float64 `json:"pi_lb"`
		PIUB *float64 `json:"pi_ub"`
	} `json:"pred"`
	R *struct {
		Estimate float64  `json:"estimate"`
		CILB     float64  `json:"ci_lb"`
		CIUB     float64  `json:"ci_ub"`
		PILB     *float64 `json:"pi_lb"`
		PIUB     *float64 `json:"pi_ub"`
	} `json:"r"`
	Confint *struct {
		Tau2   flex `json:"tau2"`
		I2     flex `json:"I2"`
		H2     flex `json:"H2"`
		CINull bool `json:"ci_null"`
	} `json:"confint"`
	Yi flex `json:"yi"` // edge cases carry their own data
	Vi flex `json:"vi"`
}

type gFile struct {
	Measure string           `json:"measure"`
	Yi      flex             `json:"yi"`
	Vi      flex             `json:"vi"`
	Mods    map[string][]any `json:"mods"`
	Fits    []gFit           `json:"fits"`
}

// moderators turns the golden's moderator columns into Moderators.
func (g *gFile) moderators(names []string) []Moderator {
	var out []Moderator
	for _, n := range names {
		col := g.Mods[n]
		isText := false
		for _, x := range col {
			if _, ok := x.(string); ok {
				isText = true
			}
		}
		m := Moderator{Name: n}
		for _, x := range col {
			if isText {
				s, _ := x.(string)
				m.Text = append(m.Text, s)
			} else if x == nil {
				m.Numeric = append(m.Numeric, math.NaN())
			} else {
				m.Numeric = append(m.Numeric, x.(float64))
			}
		}
		out = append(out, m)
	}
	return out
}

// checker compares against golden values and counts them.
type checker struct {
	t     *testing.T
	n     int
	worst float64
	what  string
}

func (c *checker) near(ctx, name string, got, want, rel, abs float64) {
	c.t.Helper()
	c.n++
	if math.IsNaN(want) && math.IsNaN(got) {
		return
	}
	diff := math.Abs(got - want)
	if diff > rel*math.Abs(want)+abs || math.IsNaN(got) != math.IsNaN(want) {
		c.t.Errorf("%s: %s = %.15g, metafor %.15g (rel diff %.2g)", ctx, name, got, want, diff/math.Abs(want))
	}
	if math.Abs(want) > 1e-6 {
		if r := diff / math.Abs(want); r > c.worst {
			c.worst, c.what = r, ctx+" "+name
		}
	}
}

const (
	relTol = 1e-9  // relative agreement with the tight metafor runs (worst seen: 1.5e-10)
	absTol = 1e-11 // absolute floor, for values at or near 0
)

func (c *checker) fit(ctx string, r *Result, g gFit) {
	c.t.Helper()
	if r.K != g.K {
		c.t.Errorf("%s: k = %d, metafor %d", ctx, r.K, g.K)
	}
	for j, cf := range r.Coefficients {
		if j >= len(g.Names) || cf.Name != g.Names[j] {
			c.t.Errorf("%s: coefficient %d named %q, metafor %v", ctx, j, cf.Name, g.Names)
			continue
		}
		c.near(ctx, cf.Name+" estimate", cf.Estimate, g.Estimate[j], relTol, absTol)
		c.near(ctx, cf.Name+" se", cf.SE, g.SE[j], relTol, absTol)
		c.near(ctx, cf.Name+" statistic", cf.Statistic, g.Stat[j], relTol, absTol)
		c.near(ctx, cf.Name+" p", cf.P, g.PValue[j], 1e-9, 1e-15)
		c.near(ctx, cf.Name+" ci_lb", cf.CILB, g.CILB[j], relTol, absTol)
		c.near(ctx, cf.Name+" ci_ub", cf.CIUB, g.CIUB[j], relTol, absTol)
	}
	if len(r.Coefficients) != len(g.Names) {
		c.t.Errorf("%s: %d coefficients, metafor %d", ctx, len(r.Coefficients), len(g.Names))
	}
	if g.DF != nil {
		if r.Coefficients[0].DF == nil || *r.Coefficients[0].DF != *g.DF {
			c.t.Errorf("%s: df missing or wrong, metafor %g", ctx, *g.DF)
		}
	}
	c.near(ctx, "tau2", r.Tau2, g.Tau2, relTol, 1e-10)
	if g.SETau2 != nil {
		if r.SETau2 == nil {
			c.t.Errorf("%s: se_tau2 missing", ctx)
		} else {
			c.near(ctx, "se_tau2", *r.SETau2, *g.SETau2, relTol, 1e-10)
		}
	}
	c.near(ctx, "I2", r.I2, g.I2, relTol, 1e-7)
	c.near(ctx, "H2", r.H2, g.H2, relTol, 1e-9)
	c.near(ctx, "QE", r.QE, g.QE, relTol, absTol)
	if r.QEP != nil {
		c.near(ctx, "QE_p", *r.QEP, g.QEP, 1e-9, 1e-15)
	}
	c.near(ctx, "QM", r.QM, g.QM, relTol, absTol)
	c.near(ctx, "QM_p", r.QMP, g.QMP, 1e-9, 1e-15)
	if r.QMDF != g.QMDF {
		c.t.Errorf("%s: QM_df = %d, metafor %d", ctx, r.QMDF, g.QMDF)
	}
	for _, f := range []struct {
		n string
		v float64
	}{{"logLik", r.Fit.LogLik}, {"deviance", r.Fit.Deviance}, {"AIC", r.Fit.AIC}, {"BIC", r.Fit.BIC}, {"AICc", r.Fit.AICc}} {
		if w, ok := g.Fit[f.n]; ok {
			c.near(ctx, f.n, f.v, w, relTol, 1e-9)
		}
	}
	if g.R2 != nil {
		if r.R2 == nil {
			c.t.Errorf("%s: R2 missing, metafor %g", ctx, *g.R2)
		} else {
			c.near(ctx, "R2", *r.R2, *g.R2, 1e-6, 1e-6)
		}
	}
	if g.Pred != nil && g.Pred.PILB == nil && r.PILB != nil {
		c.t.Errorf("%s: metafor gives no prediction interval, we do", ctx)
	}
	if g.Pred != nil && g.Pred.PILB != nil {
		if r.PILB == nil {
			c.t.Errorf("%s: prediction interval missing", ctx)
		} else {
			c.near(ctx, "pi_lb", *r.PILB, *g.Pred.PILB, relTol, absTol)
			c.near(ctx, "pi_ub", *r.PIUB, *g.Pred.PIUB, relTol, absTol)
		}
	}
	if g.R != nil {
		if r.R == nil {
			c.t.Errorf("%s: r block missing", ctx)
		} else {
			c.near(ctx, "r", r.R.Estimate, g.R.Estimate, relTol, absTol)
			c.near(ctx, "r ci_lb", r.R.CILB, g.R.CILB, relTol, absTol)
			c.near(ctx, "r ci_ub", r.R.CIUB, g.R.CIUB, relTol, absTol)
			if g.R.PILB != nil {
				c.near(ctx, "r pi_lb", *r.R.PILB, *g.R.PILB, relTol, absTol)
				c.near(ctx, "r pi_ub", *r.R.PIUB, *g.R.PIUB, relTol, absTol)
			}
		}
	}
	if g.Confint != nil {
		if r.Tau2CI == nil {
			c.t.Errorf("%s: tau2 CI missing (%v)", ctx, r.Notes)
		} else {
			// uniroot in R stops at tol 1e-12 on the τ² scale.
			for i := 0; i < 2; i++ {
				c.near(ctx, fmt.Sprint("tau2_ci", i), r.Tau2CI[i], g.Confint.Tau2[i], 1e-7, 1e-10)
				c.near(ctx, fmt.Sprint("I2_ci", i), r.I2CI[i], g.Confint.I2[i], 1e-7, 1e-8)
				c.near(ctx, fmt.Sprint("H2_ci", i), r.H2CI[i], g.Confint.H2[i], 1e-7, 1e-9)
			}
		}
	}
}

func TestGoldenFits(t *testing.T) {
	total := 0
	for _, file := range []string{"meta_molloy.json", "meta_cohen.json", "meta_aloe.json", "meta_kacker.json",
		"meta_mcdaniel.json", "meta_sim40.json", "meta_small5.json", "meta_homog.json", "meta_edge.json"} {
		var g gFile
		if err := golden.Load(file, &g); err != nil {
			t.Fatal(err)
		}
		c := &checker{t: t}
		for _, gf := range g.Fits {
			yi, vi := g.Yi, g.Vi
			if gf.Yi != nil {
				yi, vi = gf.Yi, gf.Vi
			}
			measure := g.Measure
			if measure == "" {
				measure = "ZCOR"
			}
			opt := Options{Method: gf.Method, Test: gf.Test, Level: gf.Level, Measure: measure, Mods: g.moderators(gf.Mods)}
			ctx := file + " " + gf.ID
			r, err := Fit(yi, vi, opt)
			if err != nil {
				t.Errorf("%s: %v", ctx, err)
				continue
			}
			if gf.Dropped != nil {
				want := fmt.Sprintf("%d studies with missing moderators dropped", *gf.Dropped)
				if !strings.Contains(strings.Join(r.Notes, "; "), want) {
					t.Errorf("%s: notes %q lack %q", ctx, r.Notes, want)
				}
			}
			c.fit(ctx, r, gf)
		}
		t.Logf("%s: %d values, worst relative difference %.2g (%s)", file, c.n, c.worst, c.what)
		total += c.n
	}
	t.Logf("total pinned values compared: %d", total)
}

func TestGoldenSubgroups(t *testing.T) {
	var g struct {
		gFile
		Sub struct {
			Levels    []string `json:"levels"`
			Fits      []gFit   `json:"fits"`
			Qb        float64  `json:"Qb"`
			QbDF      int      `json:"Qb_df"`
			QbP       float64  `json:"Qb_p"`
			CommonQM  float64  `json:"common_QM"`
			CommonDF  int      `json:"common_QM_df"`
			CommonP   float64  `json:"common_QM_p"`
			CommonTau float64  `json:"common_tau2"`
		} `json:"subgroups"`
	}
	if err := golden.Load("meta_mcdaniel.json", &g); err != nil {
		t.Fatal(err)
	}
	groups := g.moderators([]string{"type"})[0].Text
	s, err := Subgroups(g.Yi, g.Vi, groups, Options{Method: REML, Measure: "ZCOR"})
	if err != nil {
		t.Fatal(err)
	}
	c := &checker{t: t}
	if fmt.Sprint(s.Levels) != fmt.Sprint(g.Sub.Levels) {
		t.Fatalf("levels %v, metafor %v", s.Levels, g.Sub.Levels)
	}
	for j, f := range s.Fits {
		c.fit("subgroup "+s.Levels[j], f, g.Sub.Fits[j])
	}
	c.near("Q_between", "QM", s.QB, g.Sub.Qb, relTol, absTol)
	c.near("Q_between", "p", s.QBP, g.Sub.QbP, 1e-9, 1e-15)
	c.near("common", "QM", s.Common.QM, g.Sub.CommonQM, relTol, absTol)
	c.near("common", "p", s.Common.QMP, g.Sub.CommonP, 1e-9, 1e-15)
	c.near("common", "tau2", s.Common.Tau2, g.Sub.CommonTau, relTol, absTol)
	if s.QBDF != g.Sub.QbDF || s.Common.QMDF != g.Sub.CommonDF {
		t.Errorf("df %d/%d, metafor %d/%d", s.QBDF, s.Common.QMDF, g.Sub.QbDF, g.Sub.CommonDF)
	}
	t.Logf("%d values", c.n)
}

type gPerm struct {
	Method string   `json:"method"`
	Test   string   `json:"test"`
	Mods   []string `json:"mods"`
	Iter   int      `json:"iter"`
	P      flex     `json:"p"`
	QMP    float64  `json:"QM_p"`
}

// TestGoldenPermExact compares exact sign-flip tests with permutest(exact = TRUE).
func TestGoldenPermExact(t *testing.T) {
	for _, file := range []string{"meta_small5.json", "meta_perm10.json"} {
		var g struct {
			gFile
			Perm []gPerm `json:"perm"`
		}
		if err := golden.Load(file, &g); err != nil {
			t.Fatal(err)
		}
		for _, gp := range g.Perm {
			r, err := Permute(g.Yi, g.Vi, Options{Method: gp.Method, Test: gp.Test}, 1<<20, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Exact || r.Iterations != 1<<len(g.Yi) {
				t.Errorf("%s %s: exact = %v, %d iterations", file, gp.Method, r.Exact, r.Iterations)
			}
			// Exact p-values are multiples of 2^-k: they must be equal.
			if math.Abs(r.P[0]-gp.P[0]) > 1e-12 || math.Abs(r.QMP-gp.QMP) > 1e-12 {
				t.Errorf("%s %s %s: p = %g, QM_p = %g; metafor %g, %g", file, gp.Method, gp.Test, r.P[0], r.QMP, gp.P[0], gp.QMP)
			}
		}
	}
}

// TestGoldenPermRandom checks random permutations against metafor's
// 20,000-permutation p-values, within Monte-Carlo error.
func TestGoldenPermRandom(t *testing.T) {
	var g struct {
		gFile
		Perm gPerm `json:"perm"`
	}
	if err := golden.Load("meta_sim40.json", &g); err != nil {
		t.Fatal(err)
	}
	const n = 4000
	opt := Options{Method: g.Perm.Method, Mods: g.moderators(g.Perm.Mods)}
	r, err := Permute(g.Yi, g.Vi, opt, n, 42, nil)
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := Permute(g.Yi, g.Vi, opt, n, 42, nil)
	for j := range r.P {
		if r.P[j] != r2.P[j] {
			t.Errorf("not deterministic for a seed: %g vs %g", r.P[j], r2.P[j])
		}
		want := g.Perm.P[j]
		// 4 standard errors of the two Monte-Carlo estimates, plus one count.
		se := math.Sqrt(want*(1-want)/n + want*(1-want)/float64(g.Perm.Iter))
		if math.Abs(r.P[j]-want) > 4*se+1.0/n {
			t.Errorf("%s: p = %g, metafor %g (MC se %.2g)", r.Names[j], r.P[j], want, se)
		}
	}
	se := math.Sqrt(g.Perm.QMP*(1-g.Perm.QMP)/n + 1e-12)
	if math.Abs(r.QMP-g.Perm.QMP) > 5*se+1.0/n {
		t.Errorf("QM_p = %g, metafor %g", r.QMP, g.Perm.QMP)
	}
	t.Logf("p = %v (metafor %v), QM_p = %g (metafor %g)", r.P, g.Perm.P, r.QMP, g.Perm.QMP)
}
