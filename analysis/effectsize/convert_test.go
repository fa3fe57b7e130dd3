package effectsize

import (
	"math"
	"testing"
)

// Conversions against the textbook formulas written out in R
// (effectsize_convert.json; Borenstein et al. 2009 ch. 4 and 7, Rosenthal
// 1994, Hedges 1981) and metafor's escalc(measure = "SMD").
func TestConversions(t *testing.T) {
	var g struct {
		RFromT    struct{ T, Df, R []float64 }   `json:"r_from_t"`
		RFromF    struct{ F, Df, R []float64 }   `json:"r_from_F"`
		RFromChi2 struct{ Chi2, N, R []float64 } `json:"r_from_chi2"`
		RFromP    struct {
			P, N []float64
			RT   []float64 `json:"r_t"`
			RZ   []float64 `json:"r_z"`
		} `json:"r_from_p"`
		DR struct {
			D, N1, N2, Vd, A, R, Vr []float64
			REq                     []float64 `json:"r_eq"`
			DEq                     []float64 `json:"d_eq"`
			VdFromREq               []float64 `json:"vd_from_r_eq"`
		} `json:"d_r"`
		Hedges struct {
			Df, J   []float64
			JApprox []float64 `json:"J_approx"`
			JBeta   []float64 `json:"J_beta"`
		}
		SMD struct{ D, N1, N2, Yi, Vi []float64 } `json:"smd"`
	}
	load(t, "effectsize_convert.json", &g)
	for name, n := range map[string]int{
		"r_from_t": len(g.RFromT.R), "r_from_F": len(g.RFromF.R), "r_from_chi2": len(g.RFromChi2.R),
		"r_from_p": len(g.RFromP.RT) * len(g.RFromP.RZ), "d_r": len(g.DR.Vr) * len(g.DR.VdFromREq) * len(g.DR.DEq),
		"hedges": len(g.Hedges.J) * len(g.Hedges.JBeta) * len(g.Hedges.JApprox), "smd": len(g.SMD.Vi),
	} {
		if n == 0 {
			t.Fatalf("golden %s did not decode", name)
		}
	}

	for i := range g.RFromT.T {
		got, err := RFromT(g.RFromT.T[i], g.RFromT.Df[i])
		if err != nil || !near(got, g.RFromT.R[i], 1e-14, 0) {
			t.Errorf("RFromT(%g, %g) = %.17g, %v; want %.17g", g.RFromT.T[i], g.RFromT.Df[i], got, err, g.RFromT.R[i])
		}
	}
	for i := range g.RFromF.F {
		got, err := RFromF(g.RFromF.F[i], g.RFromF.Df[i])
		if err != nil || !near(got, g.RFromF.R[i], 1e-14, 0) {
			t.Errorf("RFromF(%g, %g) = %.17g, %v; want %.17g", g.RFromF.F[i], g.RFromF.Df[i], got, err, g.RFromF.R[i])
		}
		// F(1, df) = t²: the same r as RFromT with t = √F
		rt, _ := RFromT(math.Sqrt(g.RFromF.F[i]), g.RFromF.Df[i])
		if !near(got, rt, 1e-14, 0) {
			t.Errorf("RFromF(%g, %g) = %.17g, RFromT(√F) = %.17g", g.RFromF.F[i], g.RFromF.Df[i], got, rt)
		}
	}
	for i := range g.RFromChi2.Chi2 {
		got, err := RFromChi2(g.RFromChi2.Chi2[i], g.RFromChi2.N[i])
		if err != nil || !near(got, g.RFromChi2.R[i], 1e-14, 0) {
			t.Errorf("RFromChi2(%g, %g) = %.17g, %v; want %.17g", g.RFromChi2.Chi2[i], g.RFromChi2.N[i], got, err, g.RFromChi2.R[i])
		}
	}
	for i := range g.RFromP.P {
		p, n := g.RFromP.P[i], g.RFromP.N[i]
		got, err := RFromP(p, n)
		if err != nil || !near(got, g.RFromP.RT[i], 1e-10, 1e-15) {
			t.Errorf("RFromP(%g, %g) = %.17g, %v; want %.17g", p, n, got, err, g.RFromP.RT[i])
		}
		got, err = RFromPNormal(p, n)
		if err != nil || !near(got, g.RFromP.RZ[i], 1e-10, 1e-15) {
			t.Errorf("RFromPNormal(%g, %g) = %.17g, %v; want %.17g", p, n, got, err, g.RFromP.RZ[i])
		}
	}
	dr := g.DR
	for i := range dr.D {
		d, vd, n1, n2 := dr.D[i], dr.Vd[i], dr.N1[i], dr.N2[i]
		v, err := VarD(d, n1, n2)
		if err != nil || !near(v, vd, 1e-14, 0) {
			t.Errorf("VarD(%g, %g, %g) = %.17g, %v; want %.17g", d, n1, n2, v, err, vd)
		}
		r, vr, err := RFromD(d, vd, n1, n2)
		if err != nil || !near(r, dr.R[i], 1e-14, 0) || !near(vr, dr.Vr[i], 1e-13, 0) {
			t.Errorf("RFromD(%g, %g, %g, %g) = %.17g, %.17g, %v; want %.17g, %.17g", d, vd, n1, n2, r, vr, err, dr.R[i], dr.Vr[i])
		}
		// DFromR inverts RFromD: back to R's d and vd
		d2, vd2, err := DFromR(dr.R[i], dr.Vr[i], n1, n2)
		if err != nil || !near(d2, d, 1e-12, 1e-15) || !near(vd2, vd, 1e-11, 0) {
			t.Errorf("DFromR(%g, %g, %g, %g) = %.17g, %.17g, %v; want %.17g, %.17g", dr.R[i], dr.Vr[i], n1, n2, d2, vd2, err, d, vd)
		}
		if n1 == n2 && !near(vd2, dr.VdFromREq[i], 1e-11, 0) {
			t.Errorf("DFromR equal n: vd = %.17g, Borenstein 4vr/(1−r²)³ = %.17g", vd2, dr.VdFromREq[i])
		}
		re, err := RFromDEqual(d)
		if err != nil || !near(re, dr.REq[i], 1e-14, 0) {
			t.Errorf("RFromDEqual(%g) = %.17g, %v; want %.17g", d, re, err, dr.REq[i])
		}
		de, err := DFromREqual(dr.REq[i])
		if err != nil || !near(de, dr.DEq[i], 1e-13, 1e-15) {
			t.Errorf("DFromREqual(%g) = %.17g, %v; want %.17g", dr.REq[i], de, err, dr.DEq[i])
		}
	}
	h := g.Hedges
	for i, df := range h.Df {
		j, err := HedgesJ(df)
		// J_beta avoids the cancellation of two large lgamma values; metafor's
		// lgamma-difference J carries an error up to ~1e-16·lgamma(df/2)
		if err != nil || !near(j, h.JBeta[i], 1e-13, 0) || !near(j, h.J[i], 1e-13+4e-16*math.Abs(lgam(df/2)), 0) {
			t.Errorf("HedgesJ(%g) = %.17g, %v; want %.17g (beta), %.17g (metafor)", df, j, err, h.JBeta[i], h.J[i])
		}
		ja, err := HedgesJApprox(df)
		if err != nil || !near(ja, h.JApprox[i], 1e-15, 0) {
			t.Errorf("HedgesJApprox(%g) = %.17g, %v; want %.17g", df, ja, err, h.JApprox[i])
		}
	}
	for i := range g.SMD.D {
		d, n1, n2 := g.SMD.D[i], g.SMD.N1[i], g.SMD.N2[i]
		gg, vg, err := HedgesG(d, n1, n2)
		if err != nil || !near(gg, g.SMD.Yi[i], 1e-13, 0) || !near(vg, g.SMD.Vi[i], 1e-13, 0) {
			t.Errorf("HedgesG(%g, %g, %g) = %.17g, %.17g, %v; escalc SMD %.17g, %.17g", d, n1, n2, gg, vg, err, g.SMD.Yi[i], g.SMD.Vi[i])
		}
		back, err := DFromG(gg, n1+n2-2)
		if err != nil || !near(back, d, 1e-14, 0) {
			t.Errorf("DFromG(%g) = %.17g, %v; want %.17g", gg, back, err, d)
		}
	}
}

// atanh(r) = r + r³/3 + r⁵/5 + …: for |r| ≤ 1e-4 three terms are exact to
// double precision, a check that does not depend on metafor's log form.
func TestFisherZSmall(t *testing.T) {
	for _, r := range []float64{1e-12, -3e-9, 1e-6, 2.5e-5, -1e-4} {
		want := r + r*r*r/3 + r*r*r*r*r/5
		got, err := FisherZ(r)
		if err != nil || !near(got, want, 2e-16, 0) {
			t.Errorf("FisherZ(%g) = %.17g, %v; want %.17g", r, got, err, want)
		}
		back, err := ZToR(got)
		if err != nil || !near(back, r, 2e-16, 0) {
			t.Errorf("ZToR(FisherZ(%g)) = %.17g, %v", r, back, err)
		}
	}
}
