package effectsize

import (
	"fmt"
	"testing"
)

// escalc(measure, ri = ri, ni = ni, data = dat.molloy2014, vtype = ...),
// metafor 3.8-1.
func TestEscalcMolloy(t *testing.T) {
	var g struct {
		Ri, Ni  []float64
		ZCOR    yv
		COR_LS  yv `json:"COR_LS"`
		COR_AV  yv `json:"COR_AV"`
		COR_H0  yv `json:"COR_H0"`
		UCOR_UB yv `json:"UCOR_UB"`
		UCOR_LS yv `json:"UCOR_LS"`
		UCOR_AV yv `json:"UCOR_AV"`
	}
	load(t, "effectsize_molloy.json", &g)
	if len(g.Ri) != 16 || len(g.UCOR_AV.Vi) != 16 || len(g.COR_H0.Vi) != 16 {
		t.Fatal("golden did not decode")
	}
	for _, c := range []struct {
		m    Measure
		vt   VType
		want yv
	}{
		{MeasureZCOR, "", g.ZCOR},
		{MeasureCOR, VTypeLS, g.COR_LS},
		{MeasureCOR, "", g.COR_LS},
		{MeasureCOR, VTypeAV, g.COR_AV},
		{MeasureCOR, VTypeH0, g.COR_H0},
		{MeasureUCOR, VTypeUB, g.UCOR_UB},
		{MeasureUCOR, VTypeLS, g.UCOR_LS},
		{MeasureUCOR, "av", g.UCOR_AV},
	} {
		name := fmt.Sprintf("%s_%s", c.m, c.vt)
		tab, err := Escalc(c.m, c.vt, g.Ri, g.Ni)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// metafor's UB variance inherits GSL's rounding in 2F1(1, 1; n/2; 1)
		// (amplified n-fold by the difference it enters): 1e-10 there
		vtol := 1e-12
		if c.vt == VTypeUB {
			vtol = 1e-10
		}
		checkCol(t, name+" yi", tab.Yi, c.want.Yi, 1e-12, 0)
		checkCol(t, name+" vi", tab.Vi, c.want.Vi, vtol, 0)
	}
}

// escalc(measure, ti = tval, ni = n, mi = preds, r2i = R2, data =
// dat.aloe2013, vtype = ...), metafor 3.8-1.
func TestEscalcAloe(t *testing.T) {
	var g struct {
		Ti, Ni, Mi, R2i []float64
		PCOR_LS         yv `json:"PCOR_LS"`
		PCOR_AV         yv `json:"PCOR_AV"`
		ZPCOR           yv
		SPCOR_LS        yv `json:"SPCOR_LS"`
		SPCOR_AV        yv `json:"SPCOR_AV"`
	}
	load(t, "effectsize_aloe.json", &g)
	if len(g.Ti) != 5 || len(g.SPCOR_AV.Vi) != 5 || len(g.PCOR_AV.Vi) != 5 {
		t.Fatal("golden did not decode")
	}
	for _, c := range []struct {
		m    Measure
		vt   VType
		want yv
	}{
		{MeasurePCOR, "", g.PCOR_LS},
		{MeasurePCOR, VTypeAV, g.PCOR_AV},
		{MeasureZPCOR, "", g.ZPCOR},
		{MeasureSPCOR, VTypeLS, g.SPCOR_LS},
		{MeasureSPCOR, VTypeAV, g.SPCOR_AV},
	} {
		name := fmt.Sprintf("%s_%s", c.m, c.vt)
		tab, err := EscalcPartial(c.m, c.vt, g.Ti, g.Ni, g.Mi, g.R2i)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkCol(t, name+" yi", tab.Yi, c.want.Yi, 1e-12, 0)
		checkCol(t, name+" vi", tab.Vi, c.want.Vi, 1e-12, 0)
	}
}

// escalc on a grid of (r, n), row by row, and the scalar forms.
func TestEscalcRGrid(t *testing.T) {
	var g struct {
		R, N        []float64
		ZCOR        yv
		COR_LS      yv        `json:"COR_LS"`
		UCOR_UB     yv        `json:"UCOR_UB"`
		UCOR_LS     yv        `json:"UCOR_LS"`
		UCOR_approx []float64 `json:"UCOR_approx"`
		UCOR_ref    struct {
			Yi, Vi    []float64
			MetaforOK []bool `json:"metafor_ok"`
		} `json:"UCOR_ref"`
		N4 struct {
			R, N []float64
			ZCOR yv
		}
	}
	load(t, "effectsize_rgrid.json", &g)
	if len(g.R) < 400 || len(g.UCOR_ref.MetaforOK) != len(g.R) || len(g.UCOR_approx) != len(g.R) || len(g.N4.ZCOR.Vi) == 0 {
		t.Fatal("golden did not decode")
	}

	// metafor computes ZCOR as ½ log((1+r)/(1−r)), which loses relative
	// precision as r → 0 (5.6e-12 at r = 1e-6); math.Atanh does not (see
	// TestFisherZSmall). Hence 1e-10 for yi here.
	yi, vi, err := ZCOR(g.R, g.N)
	if err != nil {
		t.Fatal(err)
	}
	checkCol(t, "ZCOR yi", yi, g.ZCOR.Yi, 1e-10, 0)
	checkCol(t, "ZCOR vi", vi, g.ZCOR.Vi, 1e-14, 0)
	yi, vi, err = ZCOR(g.N4.R, g.N4.N)
	if err != nil {
		t.Fatal(err)
	}
	checkCol(t, "ZCOR n=4 yi", yi, g.N4.ZCOR.Yi, 1e-10, 0)
	checkCol(t, "ZCOR n=4 vi", vi, g.N4.ZCOR.Vi, 1e-14, 0)

	yi, vi, err = COR(g.R, g.N, VTypeLS)
	if err != nil {
		t.Fatal(err)
	}
	checkCol(t, "COR yi", yi, g.COR_LS.Yi, 0, 0)
	checkCol(t, "COR vi", vi, g.COR_LS.Vi, 1e-14, 0)

	// UCOR. metafor evaluates 2F1 with GSL, which loses accuracy for even n
	// and small |r| (x = 1 − r² near 1 with an integer c − a − b): up to
	// 0.13% in yi and 5% in vi on this grid. The golden therefore also holds
	// an independent reference computed in R from Euler's integral
	// (UCOR_ref), and flags the rows where metafor agrees with it
	// (metafor_ok). We must match the reference everywhere and metafor
	// wherever metafor is right. The UB variance is a difference of two
	// numbers near 1 when |r| is near 1, so it gets an absolute allowance of
	// a few ulp of 1.
	yiUB, viUB, err := UCOR(g.R, g.N, VTypeUB)
	if err != nil {
		t.Fatal(err)
	}
	checkCol(t, "UCOR yi vs reference", yiUB, g.UCOR_ref.Yi, 1e-11, 0)
	checkCol(t, "UCOR UB vi vs reference", viUB, g.UCOR_ref.Vi, 1e-10, 1e-14)
	nbad := 0
	for i, ok := range g.UCOR_ref.MetaforOK {
		if !ok {
			nbad++
			continue
		}
		if !near(yiUB[i], g.UCOR_UB.Yi[i], 1e-10, 0) || !near(viUB[i], g.UCOR_UB.Vi[i], 1e-10, 1e-14) {
			t.Errorf("UCOR UB row %d (r=%g, n=%g) = %.17g, %.17g; metafor %.17g, %.17g",
				i, g.R[i], g.N[i], yiUB[i], viUB[i], g.UCOR_UB.Yi[i], g.UCOR_UB.Vi[i])
		}
	}
	if nbad > len(g.R)/10 {
		t.Errorf("%d of %d rows where metafor and the reference disagree: too many to trust the reference", nbad, len(g.R))
	}
	yi, vi, err = UCOR(g.R, g.N, VTypeLS)
	if err != nil {
		t.Fatal(err)
	}
	checkCol(t, "UCOR LS yi", yi, yiUB, 0, 0)
	for i := range g.R {
		want := corVarLSRef(g.UCOR_ref.Yi[i], g.N[i])
		if !near(vi[i], want, 1e-10, 0) {
			t.Errorf("UCOR LS vi[%d] = %.17g, want %.17g", i, vi[i], want)
		}
		if g.UCOR_ref.MetaforOK[i] && !near(vi[i], g.UCOR_LS.Vi[i], 1e-10, 0) {
			t.Errorf("UCOR LS vi[%d] = %.17g, metafor %.17g", i, vi[i], g.UCOR_LS.Vi[i])
		}
	}

	for i := range g.R {
		r, n := g.R[i], g.N[i]
		y, v, err := ZCORValue(r, n)
		if err != nil || !near(y, g.ZCOR.Yi[i], 1e-10, 0) || !near(v, g.ZCOR.Vi[i], 1e-14, 0) {
			t.Errorf("ZCORValue(%g, %g) = %g, %g, %v; want %g, %g", r, n, y, v, err, g.ZCOR.Yi[i], g.ZCOR.Vi[i])
		}
		y, v, err = CORValue(r, n, "")
		if err != nil || y != r || !near(v, g.COR_LS.Vi[i], 1e-14, 0) {
			t.Errorf("CORValue(%g, %g) = %g, %g, %v; want %g, %g", r, n, y, v, err, r, g.COR_LS.Vi[i])
		}
		y, v, err = UCORValue(r, n, VTypeUB)
		if err != nil || !near(y, g.UCOR_ref.Yi[i], 1e-11, 0) || !near(v, g.UCOR_ref.Vi[i], 1e-10, 1e-14) {
			t.Errorf("UCORValue(%g, %g, UB) = %g, %g, %v; want %g, %g", r, n, y, v, err, g.UCOR_ref.Yi[i], g.UCOR_ref.Vi[i])
		}
		a, err := UCORApprox(r, n)
		if err != nil || !near(a, g.UCOR_approx[i], 1e-14, 0) {
			t.Errorf("UCORApprox(%g, %g) = %g, %v; want %g", r, n, a, err, g.UCOR_approx[i])
		}
	}
}

// escalc PCOR, ZPCOR, SPCOR on a grid of (t, n, p, R²), row by row.
func TestEscalcTGrid(t *testing.T) {
	var g struct {
		T, N, P, R2 []float64
		PCOR, ZPCOR yv
		SPCOR       struct {
			T, N, P, R2 []float64
			Yi, Vi      []float64
		}
		SPCOR_inconsistent struct{ T, N, P, R2 []float64 } `json:"SPCOR_inconsistent"`
	}
	load(t, "effectsize_tgrid.json", &g)
	if len(g.T) < 200 || len(g.SPCOR.Vi) < 100 || len(g.SPCOR.Vi) != len(g.SPCOR.T) {
		t.Fatal("golden did not decode")
	}
	yi, vi, err := PCOR(g.T, g.N, g.P, "")
	if err != nil {
		t.Fatal(err)
	}
	checkCol(t, "PCOR yi", yi, g.PCOR.Yi, 1e-14, 0)
	checkCol(t, "PCOR vi", vi, g.PCOR.Vi, 1e-13, 0)
	yi, vi, err = ZPCOR(g.T, g.N, g.P)
	if err != nil {
		t.Fatal(err)
	}
	// metafor's ½ log((1+r)/(1−r)) loses relative precision for small r (see
	// TestEscalcRGrid); hence 1e-10 for ZPCOR yi.
	checkCol(t, "ZPCOR yi", yi, g.ZPCOR.Yi, 1e-10, 0)
	checkCol(t, "ZPCOR vi", vi, g.ZPCOR.Vi, 1e-14, 0)
	s := g.SPCOR
	yi, vi, err = SPCOR(s.T, s.N, s.P, s.R2, VTypeLS)
	if err != nil {
		t.Fatal(err)
	}
	checkCol(t, "SPCOR yi", yi, s.Yi, 1e-14, 0)
	// vi is a sum of terms of order 1 over n: absolute rounding ~1e-16/n
	for i := range s.Vi {
		if !near(vi[i], s.Vi[i], 1e-12, 1e-15/s.N[i]) {
			t.Errorf("SPCOR vi[%d] = %.17g, want %.17g", i, vi[i], s.Vi[i])
		}
	}
	for i := range g.T {
		y, v, err := PCORValue(g.T[i], g.N[i], g.P[i], VTypeLS)
		if err != nil || !near(y, g.PCOR.Yi[i], 1e-14, 0) || !near(v, g.PCOR.Vi[i], 1e-13, 0) {
			t.Errorf("PCORValue row %d = %g, %g, %v; want %g, %g", i, y, v, err, g.PCOR.Yi[i], g.PCOR.Vi[i])
		}
		y, v, err = ZPCORValue(g.T[i], g.N[i], g.P[i])
		if err != nil || !near(y, g.ZPCOR.Yi[i], 1e-10, 0) || !near(v, g.ZPCOR.Vi[i], 1e-14, 0) {
			t.Errorf("ZPCORValue row %d = %g, %g, %v; want %g, %g", i, y, v, err, g.ZPCOR.Yi[i], g.ZPCOR.Vi[i])
		}
	}
	for i := range s.T {
		y, v, err := SPCORValue(s.T[i], s.N[i], s.P[i], s.R2[i], "")
		if err != nil || !near(y, s.Yi[i], 1e-14, 0) || !near(v, s.Vi[i], 1e-12, 1e-15/s.N[i]) {
			t.Errorf("SPCORValue row %d = %g, %g, %v; want %g, %g", i, y, v, err, s.Yi[i], s.Vi[i])
		}
	}
	// rows whose t²(1−R²)/df exceeds R² are inconsistent: each is reported
	bad := g.SPCOR_inconsistent
	if len(bad.T) == 0 {
		t.Fatal("no inconsistent SPCOR rows in the golden")
	}
	for i := range bad.T {
		if _, _, err := SPCORValue(bad.T[i], bad.N[i], bad.P[i], bad.R2[i], ""); err == nil {
			t.Errorf("SPCORValue(t=%g, n=%g, p=%g, R2=%g): no error for inconsistent input", bad.T[i], bad.N[i], bad.P[i], bad.R2[i])
		}
	}
}

// corVarLSRef is (1 − y²)²/(n − 1), written out for the test.
func corVarLSRef(y, n float64) float64 { return (1 - y*y) * (1 - y*y) / (n - 1) }
