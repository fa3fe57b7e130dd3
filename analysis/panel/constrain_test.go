package panel

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
	"github.com/alliance-research/alliance/analysis/sem"
)

type constrainCase struct {
	Name       string
	Kind       string
	Stationary bool
	Constrain  []string
	Estimator  string
	Outcome    string
	Parameters []extParam
	Fit        map[string]float64
}

// The constrained models of testdata/golden/R/panel_constrain.R equal
// lavaan 0.6-14 (missing = "ML", FIML over the missing sessions):
// npar and df exactly, estimates 1e-5, SEs 1e-4 relative, logLik 1e-6,
// χ², CFI, TLI, RMSEA, SRMR 1e-5; and our logLik is at least lavaan's.
func TestPanelConstrainMatchesLavaan(t *testing.T) {
	p, err := golden.Path("panel_lavaan_constrain.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var g struct{ Cases []constrainCase }
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) < 6 {
		t.Fatalf("%d cases", len(g.Cases))
	}
	rows := readPanel(t)
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			spec := Spec{Kind: Kind(c.Kind), Waves: 5, Stationary: c.Stationary, Outcome: c.Outcome}
			for _, n := range c.Constrain {
				switch n {
				case "cov":
					spec.Constrain.Cov = true
				case "resid":
					spec.Constrain.Resid = true
				case "means":
					spec.Constrain.Means = true
				default:
					t.Fatalf("constraint %q", n)
				}
			}
			res, err := Fit(rows, spec, Options{Estimator: c.Estimator})
			if err != nil {
				if _, ok := err.(*NonStationaryError); !ok && res == nil {
					t.Fatal(err)
				}
			}
			compareParams(t, res, c.Parameters)
			f := res.Fit
			if f.NPar != int(c.Fit["npar"]) || f.DF != int(c.Fit["df"]) {
				t.Errorf("npar %d, df %d; lavaan %v, %v", f.NPar, f.DF, c.Fit["npar"], c.Fit["df"])
			}
			if d := math.Abs(f.LogLik - c.Fit["logl"]); d > 1e-6*math.Abs(c.Fit["logl"]) {
				t.Errorf("logLik %.10g, lavaan %.10g", f.LogLik, c.Fit["logl"])
			}
			// We stop at the maximum (Newton decrement < 1e-8), lavaan's
			// nlminb at or a little short of it: our logLik is never
			// below lavaan's by more than rounding.
			if !res.Converged || f.LogLik < c.Fit["logl"]-1e-9 {
				t.Errorf("logLik %.12f below lavaan's %.12f (converged %v)", f.LogLik, c.Fit["logl"], res.Converged)
			}
			t.Logf("logLik − lavaan's = %.3g", f.LogLik-c.Fit["logl"])
			for _, x := range []struct {
				name      string
				got, want float64
			}{{"chisq", f.Chisq, c.Fit["chisq"]}, {"cfi", f.CFI, c.Fit["cfi"]}, {"tli", f.TLI, c.Fit["tli"]}, {"rmsea", f.RMSEA, c.Fit["rmsea"]}, {"srmr", f.SRMR, c.Fit["srmr"]}} {
				if math.Abs(x.got-x.want) > 1e-5*math.Max(1, math.Abs(x.want)) {
					t.Errorf("%s = %.10g, lavaan %.10g", x.name, x.got, x.want)
				}
			}
			if c.Estimator == sem.MLR {
				s := f.Scaled
				if s == nil {
					t.Fatal("no scaled test")
				}
				for _, x := range []struct {
					name      string
					got, want float64
				}{{"chisq.scaled", s.ChisqScaled, c.Fit["chisq.scaled"]}, {"chisq.scaling.factor", s.ScalingFactor, c.Fit["chisq.scaling.factor"]}, {"cfi.scaled", s.CFIScaled, c.Fit["cfi.scaled"]}, {"rmsea.scaled", s.RMSEAScaled, c.Fit["rmsea.scaled"]}} {
					if math.Abs(x.got-x.want) > 1e-5*math.Max(1, math.Abs(x.want)) {
						t.Errorf("%s = %.10g, lavaan %.10g", x.name, x.got, x.want)
					}
				}
			}
		})
	}
}

// The DPM refuses the constraints that have no meaning for it.
func TestPanelConstrainErrors(t *testing.T) {
	rows := readPanel(t)
	for _, c := range []Constraints{{Cov: true}, {Means: true}} {
		if _, err := Fit(rows, Spec{Kind: DPM, Waves: 5, Constrain: c}, Options{}); err == nil {
			t.Errorf("DPM with %v: no error", c.Names())
		}
	}
	if got := (Constraints{Cov: true, Means: true}).Names(); len(got) != 2 || got[0] != "cov" || got[1] != "means" {
		t.Errorf("Names = %v", got)
	}
}
