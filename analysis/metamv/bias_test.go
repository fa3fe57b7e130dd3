package metamv

import (
	"strconv"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
	"github.com/alliance-research/alliance/analysis/meta"
)

// Golden: testdata/golden/R/metamv_bias.R (metafor 3.8-1 rma.mv with
// mods = ~ sqrt(vi) and ~ vi; clubSandwich 0.5.8 coef_test and conf_int
// with CR2 clustered by the outer level).

type gBiasReg struct {
	RelTol float64 `json:"rel_tol"`
	Sigma2 fvec
	LogLik float64 `json:"logLik"`
	Beta   fvec
	SE     fvec
	T      fvec
	DF     fvec
	P      fvec
	CILB   fvec `json:"ci_lb"`
	CIUB   fvec `json:"ci_ub"`
}

type gBiasSet struct {
	Data struct {
		Yi, Vi       fvec
		Outer, Inner svec
	}
	Fits []struct {
		Rho        float64
		PET, PEESE gBiasReg
	}
}

func checkBiasReg(t *testing.T, name string, yi, vi []float64, outer, inner []string, rho float64, pred string, g gBiasReg) {
	t.Helper()
	got, err := regTestMV(yi, vi, outer, inner, Options{Rho: rho}, pred)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	// σ² are where nlminb stopped: the CR2 inference follows them to tolS2.
	near(t, name+" slope", got.Slope, g.Beta[1], tolS2, 1e-8)
	near(t, name+" t", got.Statistic, g.T[1], tolS2, 1e-8)
	near(t, name+" df", *got.DF, g.DF[1], tolS2, 0)
	near(t, name+" p", got.P, g.P[1], tolS2, 1e-10)
	near(t, name+" estimate", *got.Estimate, g.Beta[0], tolS2, 1e-8)
	near(t, name+" se", *got.SE, g.SE[0], tolS2, 0)
	near(t, name+" estimate p", *got.EstP, g.P[0], tolS2, 1e-10)
	near(t, name+" ci_lb", *got.CILB, g.CILB[0], tolS2, 1e-8)
	near(t, name+" ci_ub", *got.CIUB, g.CIUB[0], tolS2, 1e-8)
	if got.Model != "rma.mv" || got.Predictor != pred {
		t.Errorf("%s: model %q predictor %q", name, got.Model, got.Predictor)
	}
}

// The multilevel Egger test and the PET and PEESE regressions equal
// metafor + clubSandwich (CR2, Satterthwaite df) on
// dat.konstantopoulos2011 (district/school) and on simulated clustered
// data with small-study effects, with independent sampling errors and with
// ρ = .6 (CHE).
func TestBiasGoldenMultilevelEgger(t *testing.T) {
	var g struct{ Konstantopoulos, Sim gBiasSet }
	if err := golden.Load("metamv_bias.json", &g); err != nil {
		t.Fatal(err)
	}
	for set, d := range map[string]gBiasSet{"konstantopoulos": g.Konstantopoulos, "sim": g.Sim} {
		if len(d.Fits) != 2 || len(d.Data.Yi) == 0 {
			t.Fatalf("%s: golden incomplete", set)
		}
		for _, f := range d.Fits {
			name := set + " rho=" + strconv.FormatFloat(f.Rho, 'g', -1, 64)
			checkBiasReg(t, name+" PET", d.Data.Yi, d.Data.Vi, d.Data.Outer, d.Data.Inner, f.Rho, "sei", f.PET)
			checkBiasReg(t, name+" PEESE", d.Data.Yi, d.Data.Vi, d.Data.Outer, d.Data.Inner, f.Rho, "vi", f.PEESE)
			b, err := Bias(d.Data.Yi, d.Data.Vi, d.Data.Outer, d.Data.Inner, Options{Rho: f.Rho}, BiasOptions{PETPEESE: true})
			if err != nil {
				t.Fatal(err)
			}
			// PEESE is used when PET's CR2 intercept test rejects at .05.
			want, est := "PET", f.PET.Beta[0]
			if f.PET.P[0] < 0.05 {
				want, est = "PEESE", f.PEESE.Beta[0]
			}
			if b.PETPEESE.Use != want {
				t.Errorf("%s: PET-PEESE uses %s, want %s", name, b.PETPEESE.Use, want)
			}
			near(t, name+" PET-PEESE estimate", b.PETPEESE.Estimate, est, tolS2, 1e-8)
			if b.Egger.Slope != b.PETPEESE.PET.Slope || b.Rank != nil || b.TrimFill != nil {
				t.Errorf("%s: Egger is not PET, or a method for independent effects ran", name)
			}
		}
	}
}

// Moderators are refused: the tests concern the intercept-only model.
func TestBiasRefusesModerators(t *testing.T) {
	yi := []float64{.1, .2, .3, .4, .2, .5}
	vi := []float64{.01, .02, .03, .04, .02, .05}
	cl := []string{"a", "a", "b", "b", "c", "c"}
	_, err := Bias(yi, vi, cl, nil, Options{Mods: []meta.Moderator{{Name: "x", Numeric: yi}}}, BiasOptions{})
	if err == nil {
		t.Fatal("moderators accepted")
	}
}
