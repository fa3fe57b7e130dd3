package meta

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// simLocScale returns k effects whose τ² depends on a three-level factor
// (τ² = .01, .04, .09) and a location covariate.
func simLocScale(k int, seed uint64) (yi, vi []float64, x []float64, g []string) {
	rng := rand.New(rand.NewPCG(seed, 7))
	levels := []string{"observer", "patient", "therapist"}
	tau2 := []float64{0.01, 0.04, 0.09}
	for i := 0; i < k; i++ {
		n := 20 + rng.Float64()*300
		v := 1 / (n - 3)
		j := rng.IntN(3)
		xi := rng.Float64() * 10
		y := 0.2 + 0.01*xi + math.Sqrt(tau2[j])*rng.NormFloat64() + math.Sqrt(v)*rng.NormFloat64()
		yi, vi, x, g = append(yi, y), append(vi, v), append(x, xi), append(g, levels[j])
	}
	return yi, vi, x, g
}

// TestLocScaleDerivatives checks the analytic gradient and observed
// information against central differences of the log-likelihood and the
// gradient, for ML and REML.
func TestLocScaleDerivatives(t *testing.T) {
	yi, vi, x, g := simLocScale(60, 3)
	for _, method := range []string{ML, REML} {
		opt, _ := Options{Method: method, Mods: []Moderator{{Name: "x", Numeric: x}}}.withDefaults()
		dx, dz, _, err := locScaleDesigns(yi, vi, opt, []Moderator{{Name: "g", Text: g}, {Name: "x", Numeric: x}})
		if err != nil {
			t.Fatal(err)
		}
		ls := newLSModel(dx, dz, method == REML)
		q := dz.p
		alpha := []float64{-3, 0.5, 1, 0.05}
		ls.eval(alpha)
		grad := make([]float64, q)
		ls.grad(grad)
		info := ls.information()
		h := 1e-5
		for j := 0; j < q; j++ {
			a := append([]float64(nil), alpha...)
			a[j] += h
			fp := ls.eval(a)
			gp := make([]float64, q)
			ls.grad(gp)
			a[j] -= 2 * h
			fm := ls.eval(a)
			gm := make([]float64, q)
			ls.grad(gm)
			if fd := (fp - fm) / (2 * h); math.Abs(fd-grad[j]) > 1e-6*math.Max(1, math.Abs(fd)) {
				t.Errorf("%s: gradient %d = %g, central difference %g", method, j, grad[j], fd)
			}
			for i := 0; i < q; i++ {
				fd := -(gp[i] - gm[i]) / (2 * h)
				if math.Abs(fd-info[i*q+j]) > 1e-5*math.Max(1, math.Abs(fd)) {
					t.Errorf("%s: information[%d,%d] = %g, central difference %g", method, i, j, info[i*q+j], fd)
				}
			}
		}
	}
}

// TestLocScaleNested: the model with one τ² is nested in the
// location–scale model, so the maximised log-likelihood cannot be lower,
// and the nested model of the LRT is Fit's.
func TestLocScaleNested(t *testing.T) {
	yi, vi, x, _ := simLocScale(80, 5)
	ones := make([]float64, len(yi))
	for i := range ones {
		ones[i] = 1
	}
	for _, method := range []string{ML, REML} {
		opt := Options{Method: method, Mods: []Moderator{{Name: "x", Numeric: x}}}
		hom, err := Fit(yi, vi, opt)
		if err != nil {
			t.Fatal(err)
		}
		// a scale factor with one level is the intercept alone: refused
		same := make([]string, len(yi))
		for i := range same {
			same[i] = "a"
		}
		if _, cerr := FitLocationScale(yi, vi, opt, []Moderator{{Name: "c", Text: same}}); cerr == nil {
			t.Errorf("%s: a constant scale moderator was accepted", method)
		}
		ls, err := FitLocationScale(yi, vi, opt, []Moderator{{Name: "x", Numeric: x}})
		if err != nil {
			t.Fatal(err)
		}
		if ls.Fit.LogLik < hom.Fit.LogLik-1e-9 {
			t.Errorf("%s: the location–scale log-likelihood %g is below the nested model's %g", method, ls.Fit.LogLik, hom.Fit.LogLik)
		}
		if math.Abs(ls.Homogeneous.Fit.LogLik-hom.Fit.LogLik) > 1e-12 || ls.Homogeneous.Tau2 != hom.Tau2 {
			t.Errorf("%s: the nested model differs from Fit", method)
		}
	}
}

func TestLocScaleRefusals(t *testing.T) {
	yi, vi, x, g := simLocScale(30, 9)
	scale := []Moderator{{Name: "g", Text: g}}
	for _, opt := range []Options{{Method: DL}, {Method: FE}, {Tau2: f64(0.1)}} {
		_, err := FitLocationScale(yi, vi, opt, scale)
		if !errors.Is(err, errs.InvalidOption) {
			t.Errorf("%+v: error %v, want an invalid-option error", opt, err)
		}
	}
	if _, err := FitLocationScale(yi, vi, Options{}, nil); !errors.Is(err, errs.InvalidOption) {
		t.Errorf("no scale moderators: error %v", err)
	}
	// missing values in a scale moderator drop the study, with a note
	x2 := append([]float64(nil), x...)
	x2[0] = math.NaN()
	res, err := FitLocationScale(yi, vi, Options{}, []Moderator{{Name: "x", Numeric: x2}})
	if err != nil {
		t.Fatal(err)
	}
	if res.K != len(yi)-1 || len(res.Notes) == 0 || res.Rows[0] != 1 {
		t.Errorf("k = %d, notes %q, rows %v: want one study dropped with a note", res.K, res.Notes, res.Rows[:2])
	}
	// τ² per level: one row per factor level, τ² = exp of the prediction
	res, err = FitLocationScale(yi, vi, Options{}, scale)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tau2Levels) != 3 || res.Tau2Levels[0].Values["g"] != "observer" {
		t.Fatalf("tau2 levels %+v", res.Tau2Levels)
	}
	a := res.ScaleCoefficients
	if got, want := res.Tau2Levels[2].Tau2, math.Exp(a[0].Estimate+a[2].Estimate); math.Abs(got-want) > 1e-12*want {
		t.Errorf("τ² at therapist = %g, exp(α₀ + α₂) = %g", got, want)
	}
	if _, err := res.PredictScale([]map[string]string{{"g": "nurse"}}); err == nil {
		t.Error("an unseen level was accepted")
	}
}

func BenchmarkLocationScale1000(b *testing.B) {
	yi, vi, x, g := simLocScale(1000, 11)
	opt := Options{Mods: []Moderator{{Name: "x", Numeric: x}}}
	scale := []Moderator{{Name: "g", Text: g}, {Name: "x", Numeric: x}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := FitLocationScale(yi, vi, opt, scale); err != nil {
			b.Fatal(err)
		}
	}
}

// A level without heterogeneity drives its log τ² to −∞: the fit stops
// with τ² practically 0 there and says that its scale coefficients are
// unreliable, instead of reporting them silently.
func TestLocScaleBoundary(t *testing.T) {
	yi, vi, x, g := simLocScale(60, 3)
	for i := range yi {
		if g[i] == "observer" {
			yi[i] = 0.25 + 0.001*float64(i%3)
		}
	}
	for _, m := range []string{ML, REML} {
		res, err := FitLocationScale(yi, vi, Options{Method: m, Mods: []Moderator{{Name: "x", Numeric: x}}}, []Moderator{{Name: "g", Text: g}})
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if len(res.Notes) == 0 || !strings.Contains(res.Notes[len(res.Notes)-1], "practically 0") {
			t.Errorf("%s: no note on the boundary (α₀ = %g): %q", m, res.ScaleCoefficients[0].Estimate, res.Notes)
		}
	}
}
