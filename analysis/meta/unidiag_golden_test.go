package meta

import (
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// gUniDiag is testdata/golden/meta_unidiag.json (testdata/golden/R/unidiag.R).
type gUniDiag struct {
	Data map[string]map[string]any `json:"data"`
	Fits []struct {
		Name    string  `json:"name"`
		RCall   string  `json:"r_call"`
		Method  string  `json:"method"`
		Test    string  `json:"test"`
		Tau2    float64 `json:"tau2"`
		LogLik  float64 `json:"logLik"`
		Fitted  flex    `json:"fitted"`
		BlupRaw struct {
			Pred flex `json:"pred"`
			SE   flex `json:"se"`
			PILB flex `json:"pi_lb"`
			PIUB flex `json:"pi_ub"`
		} `json:"blup"`
		RStandard struct {
			Resid flex `json:"resid"`
			SE    flex `json:"se"`
			Z     flex `json:"z"`
		} `json:"rstandard"`
		RStudent struct {
			Resid flex `json:"resid"`
			SE    flex `json:"se"`
			Z     flex `json:"z"`
		} `json:"rstudent"`
		PL *struct {
			LB float64 `json:"ci_lb"`
			UB float64 `json:"ci_ub"`
		} `json:"pl"`
		QP *struct {
			LB float64 `json:"ci_lb"`
			UB float64 `json:"ci_ub"`
		} `json:"qp"`
		Profile *struct {
			Tau2 flex `json:"tau2"`
			LL   flex `json:"ll"`
		} `json:"profile"`
	} `json:"fits"`
	Compare []struct {
		Name     string  `json:"name"`
		RCall    string  `json:"r_call"`
		ModsFull flexStr `json:"mods_full"`
		ModsRed  flexStr `json:"mods_red"`
		Method   string  `json:"method"`
		LRT      float64 `json:"LRT"`
		DF       int     `json:"df"`
		P        float64 `json:"p"`
		R2       float64 `json:"R2"`
		Full     gCmpSide
		Reduced  gCmpSide
	} `json:"compare"`
}

type gCmpSide struct {
	Parms    int     `json:"parms"`
	LogLik   float64 `json:"logLik"`
	Deviance float64 `json:"deviance"`
	AIC      float64 `json:"AIC"`
	BIC      float64 `json:"BIC"`
	AICc     float64 `json:"AICc"`
	QE       float64 `json:"QE"`
	Tau2     float64 `json:"tau2"`
}

// unidiagData returns yi, vi and the named moderators of a golden data set.
func unidiagData(t *testing.T, g *gUniDiag, set string, mods []string) (yi, vi []float64, ms []Moderator) {
	t.Helper()
	d := g.Data[set]
	nums := func(key string) []float64 {
		raw := d[key].([]any)
		out := make([]float64, len(raw))
		for i, x := range raw {
			if x == nil {
				out[i] = math.NaN()
			} else {
				out[i] = x.(float64)
			}
		}
		return out
	}
	yi, vi = nums("yi"), nums("vi")
	for _, m := range mods {
		raw := d[m].([]any)
		if _, isText := raw[0].(string); isText {
			txt := make([]string, len(raw))
			for i, x := range raw {
				txt[i], _ = x.(string)
			}
			ms = append(ms, Moderator{Name: m, Text: txt})
		} else {
			ms = append(ms, Moderator{Name: m, Numeric: nums(m)})
		}
	}
	return yi, vi, ms
}

// unidiagCase maps a golden fit's name to its data, moderators and options.
func unidiagCase(name string) (set string, mods []string, opt Options) {
	switch {
	case strings.HasPrefix(name, "bcg"):
		set = "bcg"
	case strings.HasPrefix(name, "molloy"):
		set = "molloy"
	default:
		set = "bangert"
	}
	switch name {
	case "bcg_ablat", "bcg_ablat_knha", "bcg_ablat_ml", "bcg_ablat_fe", "bcg_ablat_dl":
		mods = []string{"ablat"}
	case "molloy_mods":
		mods = []string{"meanage", "a_measure"}
	case "bangert_length":
		mods = []string{"length"}
	}
	opt = Options{Method: REML}
	switch name {
	case "bcg_ablat_knha":
		opt.Test = TestKNHA
	case "bcg_ablat_ml":
		opt.Method = ML
	case "bcg_ablat_fe":
		opt.Method = FE
	case "bcg_ablat_dl":
		opt.Method = DL
	}
	return set, mods, opt
}

func TestUniDiagGolden(t *testing.T) {
	var g gUniDiag
	if err := golden.Load("meta_unidiag.json", &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Fits) != 9 || len(g.Compare) != 5 {
		t.Fatalf("golden has %d fits and %d comparisons, want 9 and 5", len(g.Fits), len(g.Compare))
	}
	for _, f := range g.Fits {
		t.Run(f.Name, func(t *testing.T) {
			set, mods, opt := unidiagCase(f.Name)
			yi, vi, ms := unidiagData(t, &g, set, mods)
			opt.Mods = ms
			res, err := Fit(yi, vi, opt)
			if err != nil {
				t.Fatal(err)
			}
			if f.Method != res.Method || f.Test != res.Test {
				t.Fatalf("case maps to %s/%s, golden is %s/%s (%s)", res.Method, res.Test, f.Method, f.Test, f.RCall)
			}
			if !relNear(res.Tau2, f.Tau2, 1e-6) || !relNear(res.Fit.LogLik, f.LogLik, 1e-6) {
				t.Fatalf("tau2 %g logLik %g, R %g %g", res.Tau2, res.Fit.LogLik, f.Tau2, f.LogLik)
			}
			rows, err := Studies(res)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(f.Fitted) {
				t.Fatalf("%d rows, R %d", len(rows), len(f.Fitted))
			}
			const tol = 1e-6
			for i, r := range rows {
				for _, c := range []struct {
					what      string
					got, want float64
				}{
					{"fitted", r.Fitted, f.Fitted[i]},
					{"blup", r.Blup, f.BlupRaw.Pred[i]}, {"blup se", r.SEBlup, f.BlupRaw.SE[i]},
					{"blup pi.lb", r.PILB, f.BlupRaw.PILB[i]}, {"blup pi.ub", r.PIUB, f.BlupRaw.PIUB[i]},
					{"rstandard resid", r.Resid, f.RStandard.Resid[i]}, {"rstandard se", r.SEResid, f.RStandard.SE[i]},
					{"rstandard z", r.RStandard, f.RStandard.Z[i]},
					{"rstudent resid", r.ResidDel, f.RStudent.Resid[i]}, {"rstudent se", r.SEResidDel, f.RStudent.SE[i]},
					{"rstudent z", r.RStudent, f.RStudent.Z[i]},
				} {
					// absolute for values near 0 (residuals), relative otherwise
					if math.Abs(c.got-c.want) > tol*math.Max(1, math.Abs(c.want)) {
						t.Errorf("study %d %s = %.10g, R %.10g (%s)", i+1, c.what, c.got, c.want, f.RCall)
					}
				}
			}
			if f.PL == nil {
				if _, perr := ProfileCI(res); perr == nil {
					t.Errorf("ProfileCI of a %s model: no error", res.Method)
				}
				return
			}
			ci, err := ProfileCI(res)
			if err != nil {
				t.Fatal(err)
			}
			if !relNear(ci.LB, f.PL.LB, 1e-6) || !relNear(ci.UB, f.PL.UB, 1e-6) {
				t.Errorf("PL CI [%.10g, %.10g], R [%.10g, %.10g]", ci.LB, ci.UB, f.PL.LB, f.PL.UB)
			}
			if res.Tau2CI == nil || !relNear(res.Tau2CI[0], f.QP.LB, 1e-6) || !relNear(res.Tau2CI[1], f.QP.UB, 1e-6) {
				t.Errorf("QP CI %v, R [%g, %g]", res.Tau2CI, f.QP.LB, f.QP.UB)
			}
			if f.Profile != nil {
				pts, err := ProfileLogLik(res, f.Profile.Tau2)
				if err != nil {
					t.Fatal(err)
				}
				for i, p := range pts {
					if !relNear(p.LogLik, f.Profile.LL[i], 1e-6) {
						t.Errorf("profile ll at τ² = %g: %.10g, R %.10g", p.Tau2, p.LogLik, f.Profile.LL[i])
					}
				}
			}
		})
	}
	for _, c := range g.Compare {
		t.Run("compare_"+c.Name, func(t *testing.T) {
			set, _, _ := unidiagCase(c.Name)
			all := append([]string(nil), c.ModsFull...) // the reduced model's moderators are among them
			yi, vi, ms := unidiagData(t, &g, set, all)
			// keep the rows complete in every moderator of both models (as R's bdc)
			keep := func(x []float64) []float64 {
				var out []float64
				for i := range yi {
					ok := !math.IsNaN(yi[i])
					for _, m := range ms {
						ok = ok && (m.Numeric == nil || !math.IsNaN(m.Numeric[i]))
					}
					if ok {
						out = append(out, x[i])
					}
				}
				return out
			}
			pick := func(names []string) []Moderator {
				var out []Moderator
				for _, n := range names {
					for _, m := range ms {
						if m.Name == n {
							mm := Moderator{Name: n}
							if m.Numeric != nil {
								mm.Numeric = keep(m.Numeric)
							} else {
								idx := keep(seq(len(yi)))
								for _, i := range idx {
									mm.Text = append(mm.Text, m.Text[int(i)])
								}
							}
							out = append(out, mm)
						}
					}
				}
				return out
			}
			opt := Options{Method: REML}
			if c.Method == FE {
				opt.Method = FE
			}
			y, v := keep(yi), keep(vi)
			of, or := opt, opt
			of.Mods, or.Mods = pick(c.ModsFull), pick(c.ModsRed)
			full, err := Fit(y, v, of)
			if err != nil {
				t.Fatal(err)
			}
			red, err := Fit(y, v, or)
			if err != nil {
				t.Fatal(err)
			}
			cmp, err := Compare(red, full) // either order
			if err != nil {
				t.Fatal(err)
			}
			if cmp.Method != c.Method || cmp.DF != c.DF || cmp.Refit != (c.Method == ML) {
				t.Errorf("method %s df %d refit %v, R %s %d", cmp.Method, cmp.DF, cmp.Refit, c.Method, c.DF)
			}
			near := func(what string, got, want float64) {
				if !relNear(got, want, 1e-6) {
					t.Errorf("%s = %.10g, R %.10g (%s)", what, got, want, c.RCall)
				}
			}
			near("LRT", cmp.LRT, c.LRT)
			near("p", cmp.P, c.P)
			if cmp.R2 == nil {
				t.Fatal("no R²")
			}
			near("R2", *cmp.R2, c.R2)
			for i, w := range []gCmpSide{c.Full, c.Reduced} {
				m := cmp.Models[i]
				if m.Parms != w.Parms {
					t.Errorf("%s parms %d, R %d", m.Model, m.Parms, w.Parms)
				}
				near(m.Model+" logLik", m.LogLik, w.LogLik)
				near(m.Model+" deviance", m.Deviance, w.Deviance)
				near(m.Model+" AIC", m.AIC, w.AIC)
				near(m.Model+" BIC", m.BIC, w.BIC)
				near(m.Model+" AICc", m.AICc, w.AICc)
				near(m.Model+" QE", m.QE, w.QE)
				// τ² of an ML refit is optimiser-dependent: 1e-4 (logLik above at 1e-6)
				if !relNear(m.Tau2, w.Tau2, 1e-4) {
					t.Errorf("%s tau2 %g, R %g", m.Model, m.Tau2, w.Tau2)
				}
			}
		})
	}
}

func seq(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i)
	}
	return out
}

// TestCompareRefusesNonNested: two models with one moderator each, neither
// inside the other, and two with the same number of coefficients.
func TestCompareRefusesNonNested(t *testing.T) {
	yi := []float64{0.1, 0.3, 0.2, 0.5, 0.4, 0.25, 0.6, 0.05}
	vi := []float64{0.02, 0.03, 0.025, 0.04, 0.02, 0.03, 0.05, 0.02}
	x1 := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	x2 := []float64{3, 1, 4, 1, 5, 9, 2, 6}
	a, err := Fit(yi, vi, Options{Mods: []Moderator{{Name: "x1", Numeric: x1}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Fit(yi, vi, Options{Mods: []Moderator{{Name: "x2", Numeric: x2}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, cerr := Compare(a, b); cerr == nil || !strings.Contains(cerr.Error(), "same number of coefficients") {
		t.Errorf("same p: %v", cerr)
	}
	c, err := Fit(yi, vi, Options{Mods: []Moderator{{Name: "x1", Numeric: x1}, {Name: "x3", Numeric: []float64{0, 1, 0, 1, 1, 0, 0, 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, cerr := Compare(b, c); cerr == nil || !strings.Contains(cerr.Error(), "not nested") {
		t.Errorf("x2 vs x1 + x3: %v", cerr)
	}
	// a linear recoding of x1 is nested (same column space)
	x1r := make([]float64, len(x1))
	for i, x := range x1 {
		x1r[i] = 2*x - 3
	}
	d, err := Fit(yi, vi, Options{Mods: []Moderator{{Name: "x1r", Numeric: x1r}}})
	if err != nil {
		t.Fatal(err)
	}
	cmp, err := Compare(d, c)
	if err != nil {
		t.Fatalf("x1r inside x1 + x3: %v", err)
	}
	if cmp.Models[0].Terms[2] != "x3" || cmp.DF != 1 {
		t.Errorf("full model %v, df %d", cmp.Models[0].Terms, cmp.DF)
	}
}
