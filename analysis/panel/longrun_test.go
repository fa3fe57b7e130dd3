package panel

import (
	"errors"
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/sem"
)

// The analytic Jacobian of L = (I − Φ)⁻¹ − I equals central differences,
// and L equals the partial sums Σ_{k=1}^{K} Φᵏ for large K.
func TestLongRunJacobian(t *testing.T) {
	phi := [4]float64{0.3, 0.1, -0.25, 0.4}
	L, J, err := longRunVAR(phi)
	if err != nil {
		t.Fatal(err)
	}
	// Σ Φᵏ by repeated multiplication.
	P := phi
	var sum [4]float64
	for k := 0; k < 200; k++ {
		for i := range sum {
			sum[i] += P[i]
		}
		P = [4]float64{P[0]*phi[0] + P[1]*phi[2], P[0]*phi[1] + P[1]*phi[3], P[2]*phi[0] + P[3]*phi[2], P[2]*phi[1] + P[3]*phi[3]}
	}
	for i := range L {
		if math.Abs(L[i]-sum[i]) > 1e-12 {
			t.Errorf("L[%d] = %.12g, Σ Φᵏ %.12g", i, L[i], sum[i])
		}
	}
	h := 1e-6
	for c := 0; c < 4; c++ {
		pp, pm := phi, phi
		pp[c] += h
		pm[c] -= h
		Lp, _, _ := longRunVAR(pp)
		Lm, _, _ := longRunVAR(pm)
		for r := 0; r < 4; r++ {
			num := (Lp[r] - Lm[r]) / (2 * h)
			if math.Abs(J[r*4+c]-num) > 1e-8 {
				t.Errorf("J[%d,%d] = %.10g, differences %.10g", r, c, J[r*4+c], num)
			}
		}
	}
	b, al := -0.2, 0.45
	e, g, err := longRunDPM(b, al)
	if err != nil {
		t.Fatal(err)
	}
	ep, _, _ := longRunDPM(b+h, al)
	em, _, _ := longRunDPM(b-h, al)
	ap, _, _ := longRunDPM(b, al+h)
	am, _, _ := longRunDPM(b, al-h)
	if math.Abs(g[0]-(ep-em)/(2*h)) > 1e-8 || math.Abs(g[1]-(ap-am)/(2*h)) > 1e-8 || math.Abs(e-b/(1-al)) > 1e-15 {
		t.Errorf("DPM long run %g, gradient %v", e, g)
	}
}

// A lag matrix with spectral radius ≥ 1 has no long-run effect: a typed
// error with the radius.
func TestLongRunNonStationary(t *testing.T) {
	for _, phi := range [][4]float64{{1.1, 0, 0, 0.2}, {0.5, 0.8, 0.8, 0.5}, {0.6, -0.9, 0.9, 0.6}} {
		_, _, err := longRunVAR(phi)
		var ns *NonStationaryError
		if !errors.As(err, &ns) || ns.Radius < 1 {
			t.Errorf("Φ %v: %v", phi, err)
		}
	}
	if _, _, err := longRunDPM(0.3, 1); err == nil {
		t.Error("α = 1 accepted")
	}
}

// Long-run effects and their delta-method SEs equal lavaan's defined
// parameters (:=) for the stationary RI-CLPM and CLPM and the DPMs, with
// ML and MLR standard errors.
func TestLongRunMatchesLavaan(t *testing.T) {
	rows := readPanel(t)
	specs := map[string]Spec{
		"riclpm_stationary": {Kind: RICLPM, Waves: 5, Stationary: true},
		"clpm_stationary":   {Kind: CLPM, Waves: 5, Stationary: true},
		"dpm_y":             {Kind: DPM, Waves: 5},
		"dpm_x":             {Kind: DPM, Waves: 5, Outcome: "x"},
	}
	lavName := map[string]string{"x>x": "lr_x_x", "y>x": "lr_y_x", "x>y": "lr_x_y", "y>y": "lr_y_y"}
	for _, c := range readExt(t) {
		spec, ok := specs[c.Name]
		if !ok {
			continue
		}
		for _, est := range []string{sem.ML, sem.MLR} {
			t.Run(c.Name+"/"+est, func(t *testing.T) {
				res, err := Fit(rows, spec, Options{Estimator: est})
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]extParam{}
				pars := c.ML.Parameters
				if est == sem.MLR {
					pars = c.MLR.Parameters
				}
				for _, p := range pars {
					if p.Op == ":=" {
						want[p.LHS] = p
					}
				}
				nwant := 4
				if spec.Kind == DPM {
					nwant = 1
				}
				if len(res.LongRun) != nwant {
					t.Fatalf("%d long-run rows: %+v (%v)", len(res.LongRun), res.LongRun, res.LongRunErr)
				}
				for _, l := range res.LongRun {
					key := lavName[l.From+">"+l.To]
					if spec.Kind == DPM {
						key = "lr"
					}
					w, ok := want[key]
					if !ok {
						t.Fatalf("no lavaan %s", key)
					}
					if math.Abs(l.Estimate-w.Est) > 1e-5*math.Max(1, math.Abs(w.Est)) || math.Abs(l.SE-w.SE) > 1e-4*w.SE {
						t.Errorf("%s → %s: %.8g (%.8g), lavaan %s %.8g (%.8g)", l.From, l.To, l.Estimate, l.SE, key, w.Est, w.SE)
					}
				}
			})
		}
	}
}
