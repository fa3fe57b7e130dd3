package meta

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// Goldens written by testdata/golden/R/bias.R (metafor 3.8-1, tight
// controls): regtest, ranktest, trimfill, fsn, selmodel, influence,
// leave1out, cumul, baujat and leave-one-cluster-out refits.

type gReg struct {
	Model     string   `json:"model"`
	Predictor string   `json:"predictor"`
	Statistic float64  `json:"statistic"`
	P         float64  `json:"p"`
	DF        *float64 `json:"df"`
	Est       *float64 `json:"est"`
	CILB      *float64 `json:"ci_lb"`
	CIUB      *float64 `json:"ci_ub"`
	Slope     float64  `json:"slope"`
}

type gTF struct {
	Estimator string   `json:"estimator"`
	SideArg   string   `json:"side_arg"`
	Side      string   `json:"side"`
	K0        int      `json:"k0"`
	SEK0      float64  `json:"se_k0"`
	PK0       *float64 `json:"p_k0"`
	Estimate  float64  `json:"estimate"`
	SE        float64  `json:"se"`
	CILB      float64  `json:"ci_lb"`
	CIUB      float64  `json:"ci_ub"`
	P         float64  `json:"p"`
	Tau2      float64  `json:"tau2"`
	QE        float64  `json:"QE"`
	I2        float64  `json:"I2"`
	K         int      `json:"k"`
	FillYi    flex     `json:"fill_yi"`
	FillVi    flex     `json:"fill_vi"`
}

type gInfl struct {
	RStudent flex            `json:"rstudent"`
	DFFITS   flex            `json:"dffits"`
	CookD    flex            `json:"cook_d"`
	CovR     flex            `json:"cov_r"`
	Tau2Del  flex            `json:"tau2_del"`
	QEDel    flex            `json:"QE_del"`
	Hat      flex            `json:"hat"`
	Weight   flex            `json:"weight"`
	DFBetas  map[string]flex `json:"dfbetas"`
	Inf      []bool          `json:"inf"`
}

type gSummary struct {
	Order     flex `json:"order"`
	Estimate  flex `json:"estimate"`
	SE        flex `json:"se"`
	Statistic flex `json:"statistic"`
	P         flex `json:"p"`
	CILB      flex `json:"ci_lb"`
	CIUB      flex `json:"ci_ub"`
	QE        flex `json:"QE"`
	QEP       flex `json:"QE_p"`
	Tau2      flex `json:"tau2"`
	I2        flex `json:"I2"`
	H2        flex `json:"H2"`
}

type gBiasFit struct {
	Method    string    `json:"method"`
	Test      string    `json:"test"`
	Estimate  flex      `json:"estimate"`
	Tau2      float64   `json:"tau2"`
	Regtest   []gReg    `json:"regtest"`
	Trimfill  []gTF     `json:"trimfill"`
	Influence gInfl     `json:"influence"`
	Leave1out gSummary  `json:"leave1out"`
	Cumul     *gSummary `json:"cumul"`
	Baujat    struct {
		X flex `json:"x"`
		Y flex `json:"y"`
	} `json:"baujat"`
	Leave1cluster []struct {
		Cluster  string  `json:"cluster"`
		K        int     `json:"k"`
		Estimate float64 `json:"estimate"`
		SE       float64 `json:"se"`
		CILB     float64 `json:"ci_lb"`
		CIUB     float64 `json:"ci_ub"`
		Tau2     float64 `json:"tau2"`
		I2       float64 `json:"I2"`
		QE       float64 `json:"QE"`
	} `json:"leave1cluster"`
}

type gBias struct {
	Yi       flex    `json:"yi"`
	Vi       flex    `json:"vi"`
	Ni       flex    `json:"ni"`
	Year     flex    `json:"year"`
	Cluster  flexStr `json:"cluster"`
	Ranktest struct {
		Tau  float64 `json:"tau"`
		P    float64 `json:"p"`
		Ties bool    `json:"ties"`
	} `json:"ranktest"`
	FSN      map[string]float64 `json:"fsn"`
	Selmodel struct {
		Estimate flex    `json:"estimate"`
		SE       flex    `json:"se"`
		Tau2     float64 `json:"tau2"`
		SETau2   float64 `json:"se_tau2"`
		Delta    flex    `json:"delta"`
		SEDelta  flex    `json:"se_delta"`
		LL       float64 `json:"ll"`
		LL0      float64 `json:"ll0"`
		LRT      float64 `json:"LRT"`
		LRTP     float64 `json:"LRT_p"`
		CILB     flex    `json:"ci_lb"`
		CIUB     flex    `json:"ci_ub"`
		P        flex    `json:"p"`
		PTable   flex    `json:"ptable"`
		Nlminb   *struct {
			Estimate flex    `json:"estimate"`
			Tau2     float64 `json:"tau2"`
			Delta    flex    `json:"delta"`
		} `json:"nlminb"`
	} `json:"selmodel"`
	Fits    []gBiasFit `json:"fits"`
	Knha    gBiasFit   `json:"knha"`
	Metareg *struct {
		Meanage   flex  `json:"meanage"`
		Influence gInfl `json:"influence"`
	} `json:"metareg"`
}

// worst records the largest relative discrepancy per quantity, logged with
// -v so the digits reached can be reported.
type worst map[string]float64

func (w worst) near(t *testing.T, ctx, name string, got, want, rel float64) {
	t.Helper()
	if math.IsNaN(want) || math.IsNaN(got) {
		if math.IsNaN(want) != math.IsNaN(got) {
			t.Errorf("%s: %s = %g, metafor %g", ctx, name, got, want)
		}
		return
	}
	diff := math.Abs(got - want)
	floor := 1e-8
	switch {
	case strings.Contains(name, "I2"):
		floor = 0.1 // percent: metafor's τ² stops at ~1e-13 instead of 0
	case strings.Contains(name, "tau2"):
		floor = 1e-5 // i.e. 1e-12 absolute near 0
	case strings.HasSuffix(name, " p"):
		floor = 1e-12 // tail areas below 1e-12 agree to their absolute size
	}
	scale := math.Max(math.Abs(want), floor)
	if diff > rel*scale {
		t.Errorf("%s: %s = %.15g, metafor %.15g (rel diff %.2g)", ctx, name, got, want, diff/scale)
	}
	if r := diff / scale; r > w[name] {
		w[name] = r
	}
}

func (w worst) log(t *testing.T) {
	keys := make([]string, 0, len(w))
	for k := range w {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s %.1e; ", k, w[k])
	}
	t.Log("worst relative differences: " + b.String())
}

const biasTol = 1e-7

func TestBiasGolden(t *testing.T) {
	w := worst{}
	for _, name := range []string{"bias_molloy", "bias_mcdaniel", "bias_cohen", "bias_sim"} {
		var g gBias
		if err := golden.Load(name+".json", &g); err != nil {
			t.Fatal(err)
		}
		// rank test, fail-safe N, selection model
		rk, err := RankTestYV(g.Yi, g.Vi)
		if err != nil {
			t.Fatal(err)
		}
		w.near(t, name, "rank tau", rk.Tau, g.Ranktest.Tau, 1e-12)
		w.near(t, name, "rank p", rk.P, g.Ranktest.P, 1e-10)
		checkFSN(t, w, name, g)
		checkSel(t, w, name, g)
		for _, f := range append(g.Fits, g.Knha) {
			ctx := name + " " + f.Method + " " + f.Test
			r, err := Fit(g.Yi, g.Vi, Options{Method: f.Method, Test: f.Test})
			if err != nil {
				t.Fatal(ctx, err)
			}
			for _, rg := range f.Regtest {
				c := ctx + " regtest " + rg.Model + " " + rg.Predictor
				got, e := RegTest(r, RegTestOptions{Model: rg.Model, Predictor: rg.Predictor, Ni: g.Ni})
				if e != nil {
					t.Fatal(c, e)
				}
				w.near(t, c, "regtest statistic", got.Statistic, rg.Statistic, biasTol)
				w.near(t, c, "regtest p", got.P, rg.P, biasTol)
				w.near(t, c, "regtest slope", got.Slope, rg.Slope, biasTol)
				if (rg.DF == nil) != (got.DF == nil) || rg.DF != nil && *rg.DF != *got.DF {
					t.Errorf("%s: df %v, metafor %v", c, got.DF, rg.DF)
				}
				if (rg.Est == nil) != (got.Estimate == nil) {
					t.Errorf("%s: limit estimate presence %v, metafor %v", c, got.Estimate != nil, rg.Est != nil)
				} else if rg.Est != nil {
					w.near(t, c, "regtest limit estimate", *got.Estimate, *rg.Est, biasTol)
					w.near(t, c, "regtest limit ci", *got.CILB, *rg.CILB, biasTol)
					w.near(t, c, "regtest limit ci", *got.CIUB, *rg.CIUB, biasTol)
				}
			}
			for _, tf := range f.Trimfill {
				c := ctx + " trimfill " + tf.Estimator + " " + tf.SideArg
				side := tf.SideArg
				if side == "auto" {
					side = ""
				}
				got, e := TrimFill(r, TrimFillOptions{Estimator: tf.Estimator, Side: side})
				if e != nil {
					t.Errorf("%s: %v", c, e)
					continue
				}
				if got.K0 != tf.K0 || got.Side != tf.Side || got.K != tf.K {
					t.Errorf("%s: k0 %d side %s k %d, metafor %d %s %d", c, got.K0, got.Side, got.K, tf.K0, tf.Side, tf.K)
					continue
				}
				w.near(t, c, "trimfill se_k0", got.SEK0, tf.SEK0, 1e-12)
				if tf.PK0 != nil {
					w.near(t, c, "trimfill p_k0", *got.PK0, *tf.PK0, 1e-12)
				}
				w.near(t, c, "trimfill estimate", got.Estimate, tf.Estimate, biasTol)
				w.near(t, c, "trimfill se", got.SE, tf.SE, biasTol)
				w.near(t, c, "trimfill ci", got.CILB, tf.CILB, biasTol)
				w.near(t, c, "trimfill ci", got.CIUB, tf.CIUB, biasTol)
				w.near(t, c, "trimfill p", got.P, tf.P, biasTol)
				w.near(t, c, "trimfill tau2", got.Tau2, tf.Tau2, biasTol)
				w.near(t, c, "trimfill QE", got.QE, tf.QE, biasTol)
				w.near(t, c, "trimfill I2", got.I2, tf.I2, biasTol)
				for j := range tf.FillYi {
					w.near(t, c, "trimfill fill yi", got.Filled[j].Yi, tf.FillYi[j], biasTol)
					w.near(t, c, "trimfill fill vi", got.Filled[j].Vi, tf.FillVi[j], 1e-15)
				}
			}
			inf, err := Influence(r)
			if err != nil {
				t.Fatal(ctx, err)
			}
			checkInfl(t, w, ctx, inf, f.Influence)
			for i, b := range inf.Baujat {
				if f.Baujat.X == nil {
					break
				}
				w.near(t, ctx, "baujat x", b.X, f.Baujat.X[i], biasTol)
				w.near(t, ctx, "baujat y", b.Y, f.Baujat.Y[i], biasTol)
			}
			l1o, err := LeaveOneOut(r)
			if err != nil {
				t.Fatal(ctx, err)
			}
			checkSummary(t, w, ctx+" leave1out", l1o, f.Leave1out)
			if f.Cumul != nil {
				cm, err := Cumulative(r, g.Year, false)
				if err != nil {
					t.Fatal(ctx, err)
				}
				checkSummary(t, w, ctx+" cumul", cm, *f.Cumul)
			}
			if f.Leave1cluster != nil {
				lc, err := LeaveClusterOut(r, g.Cluster)
				if err != nil {
					t.Fatal(ctx, err)
				}
				if len(lc) != len(f.Leave1cluster) {
					t.Fatalf("%s: %d clusters, R %d", ctx, len(lc), len(f.Leave1cluster))
				}
				for i, gc := range f.Leave1cluster {
					c := ctx + " cluster " + gc.Cluster
					if lc[i].Cluster != gc.Cluster || lc[i].K != gc.K {
						t.Errorf("%s: cluster %q k %d, R %q %d", c, lc[i].Cluster, lc[i].K, gc.Cluster, gc.K)
					}
					w.near(t, c, "l1c estimate", lc[i].Estimate, gc.Estimate, biasTol)
					w.near(t, c, "l1c se", lc[i].SE, gc.SE, biasTol)
					w.near(t, c, "l1c ci", lc[i].CILB, gc.CILB, biasTol)
					w.near(t, c, "l1c ci", lc[i].CIUB, gc.CIUB, biasTol)
					w.near(t, c, "l1c tau2", lc[i].Tau2, gc.Tau2, biasTol)
					w.near(t, c, "l1c I2", lc[i].I2, gc.I2, biasTol)
					w.near(t, c, "l1c QE", lc[i].QE, gc.QE, biasTol)
				}
			}
		}
		if g.Metareg != nil {
			r, err := Fit(g.Yi, g.Vi, Options{Mods: []Moderator{{Name: "meanage", Numeric: g.Metareg.Meanage}}})
			if err != nil {
				t.Fatal(err)
			}
			inf, err := Influence(r)
			if err != nil {
				t.Fatal(err)
			}
			checkInfl(t, w, name+" metareg", inf, g.Metareg.Influence)
		}
	}
	w.log(t)
}

func checkFSN(t *testing.T, w worst, name string, g gBias) {
	f := g.FSN
	eqInt := func(what string, got int, want float64) {
		if float64(got) != want {
			t.Errorf("%s: fsn %s = %d, metafor %g", name, what, got, want)
		}
	}
	a, err := FailSafeN(g.Yi, g.Vi, FSNOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eqInt("rosenthal", a.Rosenthal, f["rosenthal"])
	b, _ := FailSafeN(g.Yi, g.Vi, FSNOptions{OrwinUnweighted: true})
	eqInt("orwin unweighted", b.Orwin, f["orwin"])
	eqInt("rosenberg", a.Rosenberg, f["rosenberg"])
	w.near(t, name, "fsn p", a.RosenthalP, f["rosenthal_p"], 1e-9)
	w.near(t, name, "fsn p", a.RosenbergP, f["rosenberg_p"], 1e-9)
	w.near(t, name, "fsn mean", b.OrwinMean, f["orwin_meanes"], 1e-12)
	w.near(t, name, "fsn mean", b.OrwinTarget, f["orwin_target"], 1e-12)
	w.near(t, name, "fsn mean", a.RosenbergMean, f["rosenberg_meanes"], 1e-12)
	eqInt("orwin weighted (the default)", a.Orwin, f["orwin_w"])
	w.near(t, name, "fsn mean", a.OrwinMean, f["orwin_w_meanes"], 1e-12)
	t05 := 0.05
	c, _ := FailSafeN(g.Yi, g.Vi, FSNOptions{Target: &t05, OrwinUnweighted: true})
	eqInt("orwin target .05", c.Orwin, f["orwin_t05"])
	d, _ := FailSafeN(g.Yi, g.Vi, FSNOptions{Alpha: 0.10})
	eqInt("rosenthal alpha .10", d.Rosenthal, f["rosenthal_a10"])
}

func checkSel(t *testing.T, w worst, name string, g gBias) {
	s := g.Selmodel
	r, err := Fit(g.Yi, g.Vi, Options{Method: ML})
	if err != nil {
		t.Fatal(err)
	}
	got, err := SelModel(r, SelModelOptions{})
	if err != nil {
		t.Fatal(name, err)
	}
	if len(got.PTable) != 2 || float64(got.PTable[0]) != s.PTable[0] || float64(got.PTable[1]) != s.PTable[1] {
		t.Errorf("%s: ptable %v, metafor %v", name, got.PTable, s.PTable)
	}
	// metafor's optim(BFGS) stops ~1e-5 (relative) short of the optimum:
	// our log-likelihood must be at least as high, the estimates within
	// 1e-4, and within 1e-7 of nlminb's where that converged.
	const tol = 1e-4
	if got.LogLik < s.LL-1e-12 {
		t.Errorf("%s: selmodel logLik %.15g below metafor's %.15g", name, got.LogLik, s.LL)
	}
	w.near(t, name, "selmodel logLik", got.LogLik, s.LL, 1e-9)
	if s.Nlminb != nil {
		w.near(t, name, "selmodel estimate (nlminb)", got.Estimate, s.Nlminb.Estimate[0], 1e-7)
		w.near(t, name, "selmodel tau2 (nlminb)", got.Tau2, s.Nlminb.Tau2, 1e-6)
		w.near(t, name, "selmodel delta (nlminb)", got.Delta[1], s.Nlminb.Delta[1], 1e-7)
	}
	w.near(t, name, "selmodel logLik0", got.LogLik0, s.LL0, 1e-10)
	w.near(t, name, "selmodel estimate", got.Estimate, s.Estimate[0], tol)
	w.near(t, name, "selmodel tau2", got.Tau2, s.Tau2, tol)
	w.near(t, name, "selmodel delta", got.Delta[1], s.Delta[1], tol)
	w.near(t, name, "selmodel se", got.SE, s.SE[0], tol)
	w.near(t, name, "selmodel se_tau2", got.SETau2, s.SETau2, tol)
	w.near(t, name, "selmodel se_delta", got.SEDelta[1], s.SEDelta[1], tol)
	w.near(t, name, "selmodel LRT", got.LRT, s.LRT, tol)
	w.near(t, name, "selmodel LRT p", got.LRTP, s.LRTP, tol)
	w.near(t, name, "selmodel p", got.P, s.P[0], 10*tol)
}

func checkInfl(t *testing.T, w worst, ctx string, inf *InfluenceResult, g gInfl) {
	t.Helper()
	if len(inf.Rows) != len(g.RStudent) {
		t.Fatalf("%s: %d rows, metafor %d", ctx, len(inf.Rows), len(g.RStudent))
	}
	for i, r := range inf.Rows {
		c := fmt.Sprintf("%s influence study %d", ctx, i+1)
		w.near(t, c, "rstudent", r.RStudent, g.RStudent[i], biasTol)
		w.near(t, c, "dffits", r.DFFITS, g.DFFITS[i], biasTol)
		w.near(t, c, "cook_d", r.CookD, g.CookD[i], biasTol)
		w.near(t, c, "cov_r", r.CovR, g.CovR[i], biasTol)
		w.near(t, c, "tau2_del", r.Tau2Del, g.Tau2Del[i], biasTol)
		w.near(t, c, "QE_del", r.QEDel, g.QEDel[i], biasTol)
		w.near(t, c, "hat", r.Hat, g.Hat[i], biasTol)
		w.near(t, c, "weight", r.Weight, g.Weight[i], biasTol)
		for j, name := range inf.Names {
			col, ok := g.DFBetas[name]
			if !ok {
				t.Fatalf("%s: no dfbetas column %q in golden", ctx, name)
			}
			w.near(t, c, "dfbetas", r.DFBetas[j], col[i], biasTol)
		}
		if r.Inf != g.Inf[i] {
			t.Errorf("%s: inf = %v, metafor %v", c, r.Inf, g.Inf[i])
		}
	}
}

func checkSummary(t *testing.T, w worst, ctx string, got []SummaryRow, g gSummary) {
	t.Helper()
	if len(got) != len(g.Estimate) {
		t.Fatalf("%s: %d rows, metafor %d", ctx, len(got), len(g.Estimate))
	}
	for i, r := range got {
		c := fmt.Sprintf("%s %d", ctx, i+1)
		w.near(t, c, "summary estimate", r.Estimate, g.Estimate[i], biasTol)
		w.near(t, c, "summary se", r.SE, g.SE[i], biasTol)
		if g.Statistic != nil {
			w.near(t, c, "summary statistic", r.Statistic, g.Statistic[i], biasTol)
		}
		w.near(t, c, "summary p", r.P, g.P[i], biasTol)
		w.near(t, c, "summary ci", r.CILB, g.CILB[i], biasTol)
		w.near(t, c, "summary ci", r.CIUB, g.CIUB[i], biasTol)
		w.near(t, c, "summary QE", r.QE, g.QE[i], biasTol)
		if g.QEP != nil {
			w.near(t, c, "summary QE_p", r.QEP, g.QEP[i], biasTol)
		}
		if g.Tau2 != nil {
			w.near(t, c, "summary tau2", r.Tau2, g.Tau2[i], biasTol)
		}
		w.near(t, c, "summary I2", r.I2, g.I2[i], biasTol)
		w.near(t, c, "summary H2", r.H2, g.H2[i], biasTol)
	}
}

func TestRankTestExactSmall(t *testing.T) {
	var g struct {
		Yi  flex    `json:"yi"`
		Vi  flex    `json:"vi"`
		Tau float64 `json:"tau"`
		P   float64 `json:"p"`
	}
	if err := golden.Load("bias_rank_small.json", &g); err != nil {
		t.Fatal(err)
	}
	r, err := RankTestYV(g.Yi, g.Vi)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Exact || math.Abs(r.Tau-g.Tau) > 1e-14 || math.Abs(r.P-g.P) > 1e-12 {
		t.Errorf("exact rank test: tau %.15g p %.15g exact %v; R %.15g %.15g", r.Tau, r.P, r.Exact, g.Tau, g.P)
	}
}
