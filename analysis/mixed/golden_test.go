package mixed

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// fl decodes a JSON number or array of numbers (jsonlite unboxes length-1
// vectors).
type fl []float64

func (f *fl) UnmarshalJSON(b []byte) error {
	var x float64
	if err := json.Unmarshal(b, &x); err == nil {
		*f = fl{x}
		return nil
	}
	var xs []float64
	err := json.Unmarshal(b, &xs)
	*f = xs
	return err
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

type goldenFit struct {
	Formula   string            `json:"formula"`
	AR1       string            `json:"ar1"`
	Ref       map[string]string `json:"ref"`
	Contrasts string            `json:"contrasts"`
	REML      bool              `json:"REML"`
	Names     strs              `json:"names"`
	Estimate  fl                `json:"estimate"`
	SE        fl                `json:"se"`
	DF        fl                `json:"df"`
	Stat      fl                `json:"statistic"`
	P         fl                `json:"p"`
	Vcov      [][]float64       `json:"vcov"`
	Random    struct {
		Group    strs `json:"group"`
		Name     strs `json:"name"`
		Variance fl   `json:"variance"`
	} `json:"random"`
	Correlations *struct {
		Group strs `json:"group"`
		Corr  fl   `json:"corr"`
	} `json:"correlations"`
	ResidualVariance float64        `json:"residual_variance"`
	Theta            fl             `json:"theta"`
	Phi              *float64       `json:"ar1_phi"`
	LogLik           float64        `json:"logLik"`
	AIC              *float64       `json:"AIC"`
	BIC              *float64       `json:"BIC"`
	NObs             int            `json:"nobs"`
	NGroups          map[string]int `json:"ngroups"`
	Ranef            []struct {
		Group  string `json:"group"`
		Name   string `json:"name"`
		Levels strs   `json:"levels"`
		Value  fl     `json:"value"`
		CondSD fl     `json:"cond_sd"`
	} `json:"ranef"`
	R2m *float64 `json:"r2_marginal"`
	R2c *float64 `json:"r2_conditional"`
}

type goldenFile struct {
	Data map[string]json.RawMessage `json:"data"`
	Fits []goldenFit                `json:"fits"`
}

func (g goldenFile) data(t *testing.T) Data {
	d := Data{Numeric: map[string][]float64{}, Text: map[string][]string{}}
	for k, raw := range g.Data {
		var xs []float64
		if err := json.Unmarshal(raw, &xs); err == nil {
			d.Numeric[k] = xs
			continue
		}
		var ss []string
		if err := json.Unmarshal(raw, &ss); err != nil {
			t.Fatalf("data column %s: %v", k, err)
		}
		d.Text[k] = ss
	}
	return d
}

func relErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

// gaps records the largest relative error of each quantity a test checks
// (for its log) while failing those beyond their tolerance.
type gaps map[string]float64

func (g gaps) check(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	e := relErr(got, want)
	g[what] = math.Max(g[what], e)
	if !(e <= tol) {
		t.Errorf("%s = %.12g, want %.12g (relative error %.1e > %.0e)", what, got, want, e, tol)
	}
}

func check(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if e := relErr(got, want); !(e <= tol) {
		t.Errorf("%s = %.12g, want %.12g (rel err %.2g > %.0g)", what, got, want, e, tol)
	}
}

// Tolerances (relative). Fixed effects and their SEs, logLik: the criterion
// is converged to ~1e-12 on both sides. Variance components depend on the
// optimisers' stopping rules (bobyqa rhoend 1e-12 in R). Satterthwaite df
// are numerical derivatives on both sides (numDeriv Richardson in lmerTest).
const (
	tolFixed  = 1e-6
	tolVar    = 1e-5
	tolLogLik = 1e-9
	tolDF     = 1e-4
	tolBLUP   = 1e-5
)

// dfTol is tolDF, except for the nested random slopes of mixed_multilevel:
// there lmerTest's own df move by up to 7e-4 (relative) with numDeriv's
// settings (Richardson r = 4 or 6, d = 1e-4 or 1e-3: 25.376–25.393 for the
// intercept, where summary() gives 25.370), so R pins them to ~1e-3 only.
func dfTol(formula string) float64 {
	if formula == "y ~ x + session + (1 + x | tid/pid)" {
		return 1e-3
	}
	return tolDF
}

func TestGoldenLmer(t *testing.T) {
	for _, file := range []string{"mixed_sleepstudy.json", "mixed_nested.json", "mixed_factor.json", "mixed_ar1.json", "mixed_multilevel.json", "mixed_factor_numeric.json", "mixed_transform.json", "mixed_ref.json", "mixed_contrasts.json"} {
		var g goldenFile
		if err := golden.Load(file, &g); err != nil {
			t.Fatal(err)
		}
		data := g.data(t)
		for _, gf := range g.Fits {
			name := file + ": " + gf.Formula
			if gf.REML {
				name += " REML"
			} else {
				name += " ML"
			}
			t.Run(name, func(t *testing.T) {
				m, err := Fit(gf.Formula, data, Options{ML: !gf.REML, AR1: gf.AR1, Ref: gf.Ref, Contrasts: gf.Contrasts})
				if err != nil {
					t.Fatal(err)
				}
				r := m.Result
				if !r.Converged {
					t.Errorf("not converged: %s", r.Reason)
				}
				check(t, "logLik", r.LogLik, gf.LogLik, tolLogLik)
				if gf.AIC != nil {
					check(t, "AIC", r.AIC, *gf.AIC, tolLogLik)
					check(t, "BIC", r.BIC, *gf.BIC, tolLogLik)
				}
				if len(r.Fixed) != len(gf.Names) {
					t.Fatalf("%d fixed effects, want %d", len(r.Fixed), len(gf.Names))
				}
				// nlme (the AR(1) goldens) stops about 1e-10 short of the
				// optimum of the flat REML surface (our logLik is higher), so
				// its SEs agree to 1e-5. For ML fits nlme's summary() table scales
				// the SEs by √(n/(n−p)) while its vcov() does not; we follow lme4
				// and vcov() (σ̂² = r²/n), so the table's SEs are rescaled here.
				tolSE, seScale := tolFixed, 1.0
				if gf.AR1 != "" {
					tolSE = 1e-5
					if !gf.REML {
						n, p := float64(r.NObs), float64(len(r.Fixed))
						seScale = math.Sqrt((n - p) / n)
					}
				}
				for i, c := range r.Fixed {
					if c.Name != gf.Names[i] {
						t.Errorf("fixed %d named %q, want %q", i, c.Name, gf.Names[i])
					}
					check(t, c.Name+" estimate", c.Estimate, gf.Estimate[i], tolFixed)
					check(t, c.Name+" se", c.SE, gf.SE[i]*seScale, tolSE)
					if gf.DF != nil {
						check(t, c.Name+" df", c.DF, gf.DF[i], dfTol(gf.Formula))
						check(t, c.Name+" t", c.Statistic, gf.Stat[i], tolFixed)
						// p follows df; in the far tail (p < 1e-10) a 1e-4 change in
						// df moves p by more than 1e-3 relative.
						tolP := 1e-3
						if gf.P[i] < 1e-10 {
							tolP = 1e-2
						}
						check(t, c.Name+" p", c.P, gf.P[i], tolP)
					}
					for j := range gf.Vcov[i] {
						if math.Abs(r.Vcov[i][j]-gf.Vcov[i][j]) > 2*tolSE*math.Sqrt(gf.Vcov[i][i]*gf.Vcov[j][j]) {
							t.Errorf("vcov[%d][%d] = %g, want %g", i, j, r.Vcov[i][j], gf.Vcov[i][j])
						}
					}
				}
				check(t, "residual variance", r.ResidualVariance, gf.ResidualVariance, tolVar)
				if len(r.Random) != len(gf.Random.Variance) {
					t.Fatalf("%d variance components, want %d", len(r.Random), len(gf.Random.Variance))
				}
				for i, v := range r.Random {
					if v.Group != gf.Random.Group[i] || v.Name != gf.Random.Name[i] {
						t.Errorf("component %d = %s/%s, want %s/%s", i, v.Group, v.Name, gf.Random.Group[i], gf.Random.Name[i])
					}
					check(t, v.Group+" "+v.Name+" variance", v.Variance, gf.Random.Variance[i], tolVar)
				}
				if gf.Correlations != nil {
					for i, c := range r.Correlations {
						if math.Abs(c.Corr-gf.Correlations.Corr[i]) > tolVar {
							t.Errorf("corr %d = %g, want %g", i, c.Corr, gf.Correlations.Corr[i])
						}
					}
				}
				for i, th := range gf.Theta {
					if math.Abs(r.Theta[i]-th) > tolVar*math.Max(1, math.Abs(th)) {
						t.Errorf("theta[%d] = %.10g, want %.10g", i, r.Theta[i], th)
					}
				}
				if gf.Phi != nil {
					check(t, "phi", *r.AR1Phi, *gf.Phi, tolVar)
				}
				if gf.NObs != 0 && r.NObs != gf.NObs {
					t.Errorf("nobs = %d, want %d", r.NObs, gf.NObs)
				}
				for k, v := range gf.NGroups {
					if r.NGroups[k] != v {
						t.Errorf("ngroups[%s] = %d, want %d", k, r.NGroups[k], v)
					}
				}
				if gf.R2m != nil {
					check(t, "R2 marginal", r.R2Marginal, *gf.R2m, tolVar)
					check(t, "R2 conditional", r.R2Conditional, *gf.R2c, tolVar)
				}
				// BLUPs by (group, name, level).
				type key struct{ g, n, l string }
				got := map[key]BLUP{}
				for _, b := range r.Ranef {
					got[key{b.Group, b.Name, b.Level}] = b
				}
				nb := 0
				for _, gr := range gf.Ranef {
					for k, lev := range gr.Levels {
						b, ok := got[key{gr.Group, gr.Name, lev}]
						if !ok {
							t.Errorf("no BLUP for %s %s %s", gr.Group, gr.Name, lev)
							continue
						}
						nb++
						sdScale := gr.CondSD[k]
						if math.Abs(b.Value-gr.Value[k]) > tolBLUP*math.Max(1, math.Abs(gr.Value[k])) {
							t.Errorf("BLUP %s %s %s = %.10g, want %.10g", gr.Group, gr.Name, lev, b.Value, gr.Value[k])
						}
						check(t, "cond SD "+gr.Group+" "+lev, b.CondSD, sdScale, tolBLUP)
					}
				}
				if nb != len(r.Ranef) && len(gf.Ranef) > 0 {
					t.Errorf("%d BLUPs, golden has %d", len(r.Ranef), nb)
				}
			})
		}
	}
}

// AR(1) residuals with several levels or a random slope, against nlme's
// lme(…, correlation = corAR1(form = ~ session | group)).
func TestGoldenAR1Multilevel(t *testing.T) {
	var g struct {
		Data json.RawMessage `json:"data"`
		Fits []struct {
			goldenFit
			ReCov []struct {
				Group string      `json:"group"`
				Cov   [][]float64 `json:"cov"`
			} `json:"re_cov"`
		} `json:"fits"`
	}
	if err := golden.Load("mixed_ar1_multilevel.json", &g); err != nil {
		t.Fatal(err)
	}
	var gd goldenFile
	if err := json.Unmarshal(g.Data, &gd.Data); err != nil {
		t.Fatal(err)
	}
	data := gd.data(t)
	nlmeGroup := map[string]string{"tid": "tid", "pid": "pid"}
	for _, gf := range g.Fits {
		t.Run(gf.Formula, func(t *testing.T) {
			m, err := Fit(gf.Formula, data, Options{ML: !gf.REML, AR1: gf.AR1, Ref: gf.Ref, Contrasts: gf.Contrasts})
			if err != nil {
				t.Fatal(err)
			}
			r := m.Result
			if !r.Converged {
				t.Errorf("not converged: %s", r.Reason)
			}
			check(t, "logLik", r.LogLik, gf.LogLik, tolLogLik)
			check(t, "phi", *r.AR1Phi, *gf.Phi, 1e-4)
			check(t, "residual variance", r.ResidualVariance, gf.ResidualVariance, 1e-4)
			for i, c := range r.Fixed {
				if c.Name != gf.Names[i] {
					t.Errorf("fixed %d named %q, want %q", i, c.Name, gf.Names[i])
				}
				check(t, c.Name, c.Estimate, gf.Estimate[i], 1e-5)
				check(t, c.Name+" se", c.SE, math.Sqrt(gf.Vcov[i][i]), 1e-5)
			}
			for _, rc := range gf.ReCov {
				name := nlmeGroup[rc.Group]
				if name == "pid" && len(gf.ReCov) == 2 {
					name = "pid:tid"
				}
				var vs []VarComp
				for _, v := range r.Random {
					if v.Group == name {
						vs = append(vs, v)
					}
				}
				if len(vs) != len(rc.Cov) {
					t.Fatalf("group %s: %d components, want %d", name, len(vs), len(rc.Cov))
				}
				for i := range vs {
					check(t, name+" "+vs[i].Name+" variance", vs[i].Variance, rc.Cov[i][i], 1e-4)
				}
				for _, c := range r.Correlations {
					if c.Group == name {
						want := rc.Cov[1][0] / math.Sqrt(rc.Cov[0][0]*rc.Cov[1][1])
						if math.Abs(c.Corr-want) > 1e-4 {
							t.Errorf("%s corr = %g, want %g", name, c.Corr, want)
						}
					}
				}
			}
		})
	}
}
